//! Village names as clerks write them: with or without the 村委会 / 居委会
//! suffix (“东庄村委会”, “东庄村”, “东庄”).

const SUFFIXES: [&str; 8] = [
    "村民委员会",
    "居民委员会",
    "社区居委会",
    "村委会",
    "居委会",
    "社区",
    "村",
    "居",
];

/// The name without its committee suffix: 东庄村委会 → 东庄.
pub fn short(name: &str) -> &str {
    let name = name.trim();
    for s in SUFFIXES {
        if let Some(stem) = name.strip_suffix(s)
            && !stem.is_empty()
        {
            return stem;
        }
    }
    name
}

/// Whether a clerk's spelling `given` names the village called `official`.
pub fn matches(given: &str, official: &str) -> bool {
    let given = given.trim();
    given == official || short(given) == short(official) || given == short(official)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_committee_suffixes() {
        assert_eq!(short("东庄村委会"), "东庄");
        assert_eq!(short("双山居委会"), "双山");
        assert_eq!(short("东庄村"), "东庄");
        assert_eq!(short("村"), "村");
        assert!(matches("东庄", "东庄村委会"));
        assert!(matches("东庄村", "东庄村委会"));
        assert!(matches("西村", "西村村委会"));
        assert!(!matches("西庄", "东庄村委会"));
    }
}
