//! ID numbers checked against outside references, and each refusal naming
//! the wrong part.

use chrono::NaiveDate;
use zhengjiao::domain::id_number::{check_char, mask};
use zhengjiao::domain::{IdError, IdNumber, Sex};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ok(text: &str) -> IdNumber {
    IdNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

// ---------------------------------------------------------------- GB 11643-1999

/// GB 11643-1999《公民身份号码》, the standard's own examples:
/// 北京市朝阳区 (110105), born 1949-12-31, sequence 002 (a woman), check X.
#[test]
fn gb11643_example_beijing_chaoyang() {
    let id = ok("11010519491231002X");
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id.region(), "110105");
    assert_eq!(id.birth_date(), date(1949, 12, 31));
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(check_char(b"11010519491231002"), 'X');
}

/// GB 11643-1999: 广东省汕头市潮阳县 (440524), born 1880-01-01, sequence 001
/// (a man), check 4.
#[test]
fn gb11643_example_guangdong_chaoyang() {
    let id = ok("440524188001010014");
    assert_eq!(id.region(), "440524");
    assert_eq!(id.birth_date(), date(1880, 1, 1));
    assert_eq!(id.birth_year(), 1880);
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(check_char(b"44052418800101001"), '4');
}

/// GB 11643-1999 and the 15→18 upgrade rule (insert "19" before the two-digit
/// year, append the MOD 11-2 check): 110105491231002 → 11010519491231002X.
#[test]
fn gb11643_fifteen_digit_upgrade() {
    let id = ok("110105491231002");
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id, ok("11010519491231002X"));
    assert_eq!(id.birth_date(), date(1949, 12, 31));
    assert_eq!(id.sex(), Sex::Female);
}

// ---------------------------------------------------------------- python-stdnum

/// python-stdnum, `stdnum/cn/ric.py` docstring and `tests/test_cn_ric.doctest`
/// (https://github.com/arthurdejong/python-stdnum): valid numbers.
#[test]
fn python_stdnum_valid_numbers() {
    // 江西省德安县, 1991-01-01, male.
    let id = ok("360426199101010071");
    assert_eq!(id.birth_date(), date(1991, 1, 1));
    assert_eq!(id.sex(), Sex::Male);
    // 广东省番禺区, 2014-10-05; given with a lower-case x, formatted upper-case.
    let id = ok("44011320141005001x");
    assert_eq!(id.as_str(), "44011320141005001X");
    assert_eq!(id.birth_date(), date(2014, 10, 5));
    assert_eq!(id.sex(), Sex::Male);
}

/// python-stdnum `tests/test_cn_ric.doctest`: the numbers it refuses, and why.
#[test]
fn python_stdnum_invalid_numbers() {
    // InvalidFormat: a letter in the first position.
    assert_eq!(
        IdNumber::parse("T60426199101010078"),
        Err(IdError::Character {
            position: 1,
            found: 'T'
        })
    );
    // InvalidComponent: month 13.
    assert_eq!(
        IdNumber::parse("360426199113010079"),
        Err(IdError::Date("19911301".into()))
    );
    // InvalidChecksum.
    assert_eq!(
        IdNumber::parse("36042619910102009X"),
        Err(IdError::CheckDigit {
            expected: '3',
            found: 'X'
        })
    );
}

// ---------------------------------------------------------------- ISO 7064 MOD 11-2

/// The check character is ISO/IEC 7064 MOD 11-2, the same as ORCID iDs.
/// ORCID, "Structure of the ORCID Identifier"
/// (https://support.orcid.org/hc/en-us/articles/360006897674): the example
/// iD 0000-0002-1825-0097 (Josiah Carberry) and the block bounds
/// 0000-0001-5000-0007 and 0000-0003-5000-0001. An ORCID body has 15 digits;
/// two leading zeros make it 17 without changing the weighted sum.
#[test]
fn iso7064_mod11_2_matches_orcid_examples() {
    for (body, check) in [
        ("000000021825009", '7'),
        ("000000015000000", '7'),
        ("000000035000000", '1'),
    ] {
        let padded = format!("00{body}");
        assert_eq!(check_char(padded.as_bytes()), check, "ORCID {body}");
    }
}

// ---------------------------------------------------------------- refusals

#[test]
fn refusals_name_the_wrong_part() {
    // Length.
    for (text, n) in [
        ("1101051949123100", 16),
        ("11010519491231002", 17),
        ("11010519491231002X1", 19),
        ("123", 3),
    ] {
        assert_eq!(IdNumber::parse(text), Err(IdError::Length(n)), "{text}");
    }
    assert_eq!(IdNumber::parse(""), Err(IdError::Empty));
    assert_eq!(IdNumber::parse("   "), Err(IdError::Empty));

    // Character: a non-digit names its position.
    assert_eq!(
        IdNumber::parse("1101051949O231002X"),
        Err(IdError::Character {
            position: 11,
            found: 'O'
        })
    );
    assert_eq!(
        IdNumber::parse("11010519491231002Y"),
        Err(IdError::Character {
            position: 18,
            found: 'Y'
        })
    );
    // X is only allowed as the check character.
    assert_eq!(
        IdNumber::parse("1101051949123100X2"),
        Err(IdError::Character {
            position: 17,
            found: 'X'
        })
    );
    assert_eq!(
        IdNumber::parse("11010549123100X"),
        Err(IdError::Character {
            position: 15,
            found: 'X'
        })
    );

    // Date: not a real date (Feb 30; Feb 29 of a non-leap year; 1879).
    for (text, digits) in [
        ("110105194902300021", "19490230"),
        ("110105190002290021", "19000229"),
        ("110105187912310021", "18791231"),
        ("110105490230002", "19490230"),
    ] {
        assert_eq!(
            IdNumber::parse(text),
            Err(IdError::Date(digits.into())),
            "{text}"
        );
    }
    // 2000-02-29 is a real date.
    let leap = IdNumber::compose("370406", date(2000, 2, 29), 11);
    assert_eq!(ok(leap.as_str()).birth_date(), date(2000, 2, 29));

    // Check digit.
    assert_eq!(
        IdNumber::parse("110105194912310021"),
        Err(IdError::CheckDigit {
            expected: 'X',
            found: '1'
        })
    );

    // Excel turned the number into scientific notation.
    for text in ["3.70406E+17", "3.70406e+17", "3.70406199001011E+17"] {
        assert_eq!(
            IdNumber::parse(text),
            Err(IdError::RoundedByExcel(text.into())),
            "{text}"
        );
    }
    // Excel kept 15 significant digits and wrote the last three as 000.
    let real = IdNumber::compose("370406", date(1990, 1, 1), 123);
    let rounded = format!("{}000", &real.as_str()[..15]);
    assert_ne!(check_char(&rounded.as_bytes()[..17]), '0', "test premise");
    assert_eq!(
        IdNumber::parse(&rounded),
        Err(IdError::RoundedByExcel(rounded.clone()))
    );
}

#[test]
fn refusal_messages_are_one_bilingual_line() {
    for text in [
        "",
        "123",
        "1101051949O231002X",
        "110105194902300021",
        "110105194912310021",
        "3.70406E+17",
    ] {
        let msg = IdNumber::parse(text).unwrap_err().to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("身份证号码"), "{msg}");
        assert!(msg.contains(" / ") && msg.contains("ID number"), "{msg}");
    }
    let msg = IdNumber::parse("110105194912310021")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("校验位") && msg.contains("check digit"),
        "{msg}"
    );
    let msg = IdNumber::parse("1101051949O231002X")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("第11位") && msg.contains("character 11"),
        "{msg}"
    );
    let msg = IdNumber::parse("3.70406E+17").unwrap_err().to_string();
    assert!(msg.contains("Excel"), "{msg}");
}

// ---------------------------------------------------------------- tolerated input

#[test]
fn tolerated_input_forms() {
    let want = "11010519491231002X";
    for text in [
        "11010519491231002X",
        "11010519491231002x",
        "  11010519491231002X  ",
        "'11010519491231002X",
        "\t11010519491231002X\t",
        "\u{3000}11010519491231002X\u{3000}",
        // Full-width digits typed with a Chinese input method.
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
    ] {
        assert_eq!(ok(text).as_str(), want, "{text:?}");
    }
    let id: IdNumber = want.parse().unwrap();
    assert_eq!(id.to_string(), want);
}

#[test]
fn masking_for_publicity() {
    assert_eq!(ok("11010519491231002X").masked(), "110105********002X");
    assert_eq!(ok("440524188001010014").masked(), "440524********0014");
    assert_eq!(mask("110105491231002"), "110105*****1002");
    assert_eq!(mask("1234"), "****");
    assert_eq!(mask(""), "");
}

#[test]
fn compose_builds_valid_numbers() {
    let id = IdNumber::compose("370406", date(1985, 7, 9), 35);
    assert_eq!(&id.as_str()[..17], "37040619850709035");
    assert_eq!(ok(id.as_str()), id);
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(
        IdNumber::compose("370406", date(1985, 7, 9), 36).sex(),
        Sex::Female
    );
}
