//! Search keys for a resident: name suffixes (substring search as prefix
//! search), pinyin initials and full pinyin for every reading of every
//! character (polyphones and surname readings included) — and the key
//! names sort by: their pinyin, surname reading first.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Surnames whose reading differs from the character's common one.
const SURNAME_READINGS: [(char, &str); 12] = [
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('朴', "piao"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('尉', "yu"),
    ('乐', "yue"),
    ('盖', "ge"),
];

/// At most this many reading combinations per name.
const MAX_COMBOS: usize = 16;

/// Readings of a character (plain pinyin, no tones), surname readings first
/// when `surname` is set.
pub fn readings(c: char, surname: bool) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if surname && let Some((_, r)) = SURNAME_READINGS.iter().find(|(s, _)| *s == c) {
        out.push(r);
    }
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let plain = p.plain();
            if !out.contains(&plain) {
                out.push(plain);
            }
        }
    }
    out
}

/// Every (initials, full pinyin) combination of a name's readings.
pub fn pinyin_combos(name: &str) -> Vec<(String, String)> {
    let mut combos: Vec<(String, String)> = vec![(String::new(), String::new())];
    for (i, c) in name.chars().enumerate() {
        let rs = readings(c, i == 0);
        if rs.is_empty() {
            if c.is_ascii_alphanumeric() {
                for (a, b) in combos.iter_mut() {
                    a.push(c.to_ascii_lowercase());
                    b.push(c.to_ascii_lowercase());
                }
            }
            continue;
        }
        let mut next = Vec::with_capacity(combos.len() * rs.len());
        for (a, b) in &combos {
            for r in &rs {
                if next.len() >= MAX_COMBOS {
                    break;
                }
                let mut a2 = a.clone();
                a2.push_str(&r[..1]);
                let mut b2 = b.clone();
                b2.push_str(r);
                next.push((a2, b2));
            }
        }
        combos = next;
    }
    combos.retain(|(a, _)| !a.is_empty());
    combos
}

/// The last six characters an ID number ending in `tail` (4–6 characters)
/// can have, in order: the tail itself, or it behind every 1 or 2 digits.
/// The characters before the tail are the birth day and the sequence
/// number: digits.
pub fn tail_sixes(tail: &str) -> Vec<String> {
    let tail = tail.to_ascii_uppercase();
    match 6usize.saturating_sub(tail.len()) {
        0 => vec![tail],
        free => (0..10u32.pow(free as u32))
            .map(|n| format!("{n:0free$}{tail}"))
            .collect(),
    }
}

/// Marks a name's sort key among its search keys: no search a clerk types
/// starts with a control character (names refuse them too).
pub const SORT_MARK: char = '\u{1}';

/// The reading a name sorts by, with its tone: the surname reading for the
/// first character, else the character's common one.
fn sort_reading(c: char, surname: bool) -> Option<(&'static str, char)> {
    let tone = |p: pinyin::Pinyin| {
        p.with_tone_num_end()
            .chars()
            .last()
            .filter(|d| d.is_ascii_digit())
            .unwrap_or('5')
    };
    if surname && let Some((_, r)) = SURNAME_READINGS.iter().find(|(s, _)| *s == c) {
        let t = c
            .to_pinyin_multi()
            .and_then(|m| m.into_iter().find(|p| p.plain() == *r))
            .map_or('5', tone);
        return Some((r, t));
    }
    c.to_pinyin().map(|p| (p.plain(), tone(p)))
}

/// The key names sort by, as people expect: syllable by syllable in pinyin
/// (单 as shan, 曾 as zeng), the tone next, then the character itself, so
/// that one surname's people stay together (张 before 章, both zhang1) and
/// a shorter name comes before a longer one that starts the same. Starts
/// with [`SORT_MARK`]; a name's keys include it, so the search table walked
/// from the mark on gives every distinct name in this order.
pub fn sort_key(name: &str) -> String {
    let mut out = String::from(SORT_MARK);
    for (i, c) in name.chars().filter(|c| !c.is_whitespace()).enumerate() {
        match sort_reading(c, i == 0) {
            Some((reading, tone)) => {
                out.push_str(reading);
                out.push(tone);
            }
            // a letter sorts as itself; other marks (·) before any syllable
            None if c.is_ascii_alphabetic() => {
                out.push(c.to_ascii_lowercase());
                out.push('0');
            }
            None => out.push('0'),
        }
        out.push(c);
    }
    out
}

/// All search keys of a name, and its [`sort_key`].
pub fn keys(name: &str) -> Vec<String> {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    for i in 0..chars.len() {
        out.push(chars[i..].iter().collect());
    }
    for (initials, full) in pinyin_combos(&name) {
        out.push(initials);
        out.push(full);
    }
    out.push(sort_key(&name));
    out.sort();
    out.dedup();
    out
}

/// What a search text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A whole 18-character ID number (or an upgraded 15-digit one).
    IdNumber(String),
    /// The last 4–6 characters of an ID number.
    IdTail(String),
    /// The first digits of an ID number.
    IdPrefix(String),
    /// A key prefix: name substring or pinyin.
    Key(String),
}

pub fn classify(text: &str) -> Option<Query> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if t.is_empty() {
        return None;
    }
    let idlike = t
        .chars()
        .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    if idlike && t.chars().any(|c| c.is_ascii_digit()) {
        let upper = t.to_ascii_uppercase();
        return Some(match upper.len() {
            18 => Query::IdNumber(upper),
            15 => match crate::domain::IdNumber::parse(&upper) {
                Ok(id) => Query::IdNumber(id.as_str().to_string()),
                Err(_) => Query::IdPrefix(upper),
            },
            1..=6 => Query::IdTail(upper),
            _ => Query::IdPrefix(upper),
        });
    }
    if t.is_ascii() {
        return Some(Query::Key(t.to_ascii_lowercase()));
    }
    Some(Query::Key(t))
}

/// The check character a whole 18-character ID number typed as a search
/// should end in, when it ends in another (nobody can have that number: a
/// digit is mistyped). None for any other text.
pub fn wrong_check_digit(text: &str) -> Option<char> {
    let Some(Query::IdNumber(id)) = classify(text) else {
        return None;
    };
    match crate::domain::IdNumber::parse(&id) {
        Err(crate::domain::id_number::IdError::CheckDigit { expected, .. }) => Some(expected),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_full_pinyin() {
        let k = keys("张三");
        assert!(k.contains(&"zs".to_string()));
        assert!(k.contains(&"zhangsan".to_string()));
        assert!(k.contains(&"三".to_string()));
        assert_eq!(tail_sixes("12345x"), ["12345X"]);
        let fives = tail_sixes("2345x");
        assert_eq!(
            (fives.len(), fives[0].as_str(), fives[9].as_str()),
            (10, "02345X", "92345X")
        );
        let fours = tail_sixes("0012");
        assert_eq!(
            (fours.len(), fours[0].as_str(), fours[99].as_str()),
            (100, "000012", "990012")
        );
    }

    #[test]
    fn surname_readings() {
        for (name, initials, full) in [
            ("单雄", "sx", "shanxiong"),
            ("曾明", "zm", "zengming"),
            ("解放", "xf", "xiefang"),
            ("仇强", "qq", "qiuqiang"),
            ("区华", "oh", "ouhua"),
            ("查良", "zl", "zhaliang"),
            ("朴树", "ps", "piaoshu"),
            ("覃英", "qy", "qinying"),
            ("缪军", "mj", "miaojun"),
        ] {
            let k = keys(name);
            assert!(k.contains(&initials.to_string()), "{name}: {k:?}");
            assert!(k.contains(&full.to_string()), "{name}: {k:?}");
        }
    }

    #[test]
    fn names_sort_by_pinyin_with_surname_readings() {
        // by code point: 丁 万 于 冯 单 张 曾 章 赵 阿
        let mut names = vec![
            "赵六",
            "单雄",
            "曾明",
            "万里",
            "丁一",
            "于谦",
            "冯军",
            "张伟",
            "章伟",
            "张",
            "阿依古丽·买买提",
            "张伟华",
            "展鹏",
            "李A",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "阿依古丽·买买提",
                "丁一",
                "冯军",
                "李A",
                "单雄",
                "万里",
                "于谦",
                "曾明",
                "展鹏",
                "张",
                "张伟",
                "张伟华",
                "章伟",
                "赵六",
            ]
        );
        assert!(keys("单雄").contains(&sort_key("单雄")));
        assert!(sort_key("张 伟") == sort_key("张伟"));
        assert_eq!(classify("\u{1}zhang"), Some(Query::Key("zhang".into())));
    }

    #[test]
    fn polyphones_give_every_reading() {
        // 乐 reads le and yue; 长 reads chang and zhang.
        let k = keys("王长乐");
        for want in ["wcl", "wzl", "wcy", "wzy"] {
            assert!(k.contains(&want.to_string()), "{want}: {k:?}");
        }
    }

    #[test]
    fn classify_queries() {
        assert_eq!(classify("1234"), Some(Query::IdTail("1234".into())));
        assert_eq!(classify("12345x"), Some(Query::IdTail("12345X".into())));
        assert_eq!(
            classify("3704061990"),
            Some(Query::IdPrefix("3704061990".into()))
        );
        assert_eq!(classify("ZS"), Some(Query::Key("zs".into())));
        assert_eq!(classify(" 张 "), Some(Query::Key("张".into())));
        assert_eq!(classify(""), None);
        assert_eq!(wrong_check_digit("11010519491231002X"), None);
        assert_eq!(wrong_check_digit("110105194912310021"), Some('X'));
        assert_eq!(wrong_check_digit("1101051949"), None);
    }
}
