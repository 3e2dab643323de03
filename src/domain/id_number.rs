//! Resident identity numbers (公民身份号码) per GB 11643-1999.
//!
//! An 18-character number: 6-digit region code, 8-digit birth date, 3-digit
//! sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
//! character (0-9 or X). Legacy 15-digit numbers (two-digit year, no check
//! character) are upgraded to 18.

use super::wording::half_width;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// Weights of ISO 7064 MOD 11-2 for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A validated 18-character ID number, stored with an upper-case `X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// Why a text is not a valid ID number. Each variant names the wrong part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("身份证号码为空 / ID number is empty")]
    Empty,
    #[error(
        "身份证号码被 Excel 存成了数字，后几位已被四舍五入（{0}），请把该列设为文本后重新导出 / ID number was stored by Excel as a number and rounded ({0}); set the column to text and export again"
    )]
    RoundedByExcel(String),
    #[error(
        "身份证号码应为18位（旧号15位），实际为{0}位 / ID number must have 18 characters (15 for old numbers), found {0}"
    )]
    Length(usize),
    #[error(
        "身份证号码第{position}位“{found}”不是数字 / character {position} of the ID number, '{found}', is not a digit"
    )]
    Character { position: usize, found: char },
    #[error(
        "身份证号码中的出生日期 {0} 不是真实日期 / the birth date {0} in the ID number is not a real date"
    )]
    Date(String),
    #[error(
        "身份证号码校验位错误：应为 {expected}，实际为 {found}（可能有数字录错） / wrong check digit of the ID number: expected {expected}, found {found} (a digit may be mistyped)"
    )]
    CheckDigit { expected: char, found: char },
}

/// The check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn looks_like_scientific(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    upper.contains("E+") && upper.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn parse_date(digits: &str) -> Result<NaiveDate, IdError> {
    let y: i32 = digits[0..4]
        .parse()
        .map_err(|_| IdError::Date(digits.into()))?;
    let m: u32 = digits[4..6]
        .parse()
        .map_err(|_| IdError::Date(digits.into()))?;
    let d: u32 = digits[6..8]
        .parse()
        .map_err(|_| IdError::Date(digits.into()))?;
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| IdError::Date(digits.into()))?;
    if !(1880..=2100).contains(&y) {
        return Err(IdError::Date(digits.into()));
    }
    Ok(date)
}

impl IdNumber {
    /// Parse and validate. Surrounding spaces are trimmed, a lower-case `x` and
    /// full-width digits (typed with a Chinese input method) are accepted, a
    /// 15-digit legacy number is upgraded to 18 characters.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let s: String = text
            .trim()
            .trim_matches(|c: char| c == '\'' || c == '\u{3000}' || c == '\t')
            .chars()
            .map(half_width)
            .collect();
        let s = s.as_str();
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        if looks_like_scientific(s) {
            return Err(IdError::RoundedByExcel(s.to_string()));
        }
        let len = s.chars().count();
        match len {
            18 => Self::parse18(s),
            15 => Self::upgrade15(s),
            n => Err(IdError::Length(n)),
        }
    }

    fn parse18(s: &str) -> Result<Self, IdError> {
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate().take(17) {
            if !c.is_ascii_digit() {
                return Err(IdError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let last = chars[17].to_ascii_uppercase();
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(IdError::Character {
                position: 18,
                found: chars[17],
            });
        }
        parse_date(&s[6..14])?;
        let expected = check_char(&s.as_bytes()[..17]);
        if expected != last {
            // Excel keeps 15 significant digits: an 18-digit number stored as
            // a number comes back with its last three digits turned to 000.
            if s.ends_with("000") {
                return Err(IdError::RoundedByExcel(s.to_string()));
            }
            return Err(IdError::CheckDigit {
                expected,
                found: last,
            });
        }
        let mut out = s[..17].to_string();
        out.push(last);
        Ok(IdNumber(out))
    }

    fn upgrade15(s: &str) -> Result<Self, IdError> {
        for (i, c) in s.chars().enumerate() {
            if !c.is_ascii_digit() {
                return Err(IdError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        }
        // Legacy numbers were issued to people born in the 1900s.
        let mut first17 = String::with_capacity(18);
        first17.push_str(&s[..6]);
        first17.push_str("19");
        first17.push_str(&s[6..15]);
        parse_date(&first17[6..14])?;
        let c = check_char(first17.as_bytes());
        first17.push(c);
        Ok(IdNumber(first17))
    }

    /// Build a valid number from region, birth date and 3-digit sequence.
    pub fn compose(region: &str, birth: NaiveDate, sequence: u16) -> Self {
        let mut s = format!("{region:0>6}{}{sequence:03}", birth.format("%Y%m%d"));
        s.truncate(17);
        let c = check_char(s.as_bytes());
        s.push(c);
        IdNumber(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        parse_date(&self.0[6..14]).expect("validated on parse")
    }

    pub fn birth_year(&self) -> i32 {
        self.birth_date().year()
    }

    /// The 17th digit is odd for men and even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// For publication: first 6 and last 4 kept, `370406********1234`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Mask any ID-like text: keep the first 6 and last 4 characters.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..6].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 10));
    out.extend(&chars[chars.len() - 4..]);
    out
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_first_six_last_four() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn upgrades_legacy_numbers() {
        // GB 11643 example pair: 15-digit 110105491231002 -> 11010519491231002X
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn lower_case_x_and_spaces() {
        let id = IdNumber::parse("  11010519491231002x ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn names_the_wrong_part() {
        assert_eq!(IdNumber::parse("1234"), Err(IdError::Length(4)));
        assert!(matches!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdError::Character { position: 18, .. })
        ));
        assert!(matches!(
            IdNumber::parse("110105194902300021"),
            Err(IdError::Date(_))
        ));
        assert!(matches!(
            IdNumber::parse("110105194912310021"),
            Err(IdError::CheckDigit {
                expected: 'X',
                found: '1'
            })
        ));
        assert!(matches!(
            IdNumber::parse("3.70406E+17"),
            Err(IdError::RoundedByExcel(_))
        ));
    }
}
