//! `zhengjiao quote` run as the real binary: the JSON contract, the Chinese
//! text, and every refusal.

use serde_json::Value;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .arg("quote")
        .args(args)
        .env_remove("ZHENGJIAO_DB")
        .output()
        .expect("the binary runs")
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A JSON number's exact text (`400`, `12.5`).
fn num(v: &Value) -> String {
    assert!(v.is_number(), "not a number: {v}");
    v.to_string()
}

fn nums(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(num).collect()
}

/// The refusal: non-zero exit, nothing on stdout, one line on stderr with
/// Chinese and English; returns that line.
fn refused(args: &[&str]) -> String {
    for json in [false, true] {
        let mut all = args.to_vec();
        if json {
            all.push("--json");
        }
        let out = run(&all);
        assert!(!out.status.success(), "{all:?} should fail");
        assert_ne!(out.status.code(), Some(0));
        assert!(out.stdout.is_empty(), "{all:?} printed to stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{all:?}: one line expected:\n{err}");
        let line = lines[0];
        assert!(
            line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{line}"
        );
        assert!(
            line.contains(" / "),
            "Chinese with English beside it: {line}"
        );
    }
    let out = run(args);
    String::from_utf8(out.stderr).unwrap().trim().to_string()
}

// ---------------------------------------------------------------- JSON contract

#[test]
fn json_has_every_contract_key() {
    let v = json(&["--year", "2025", "--birth", "1980-05-20"]);
    for key in ["year", "age", "birth_date", "medical", "pension"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["eligible", "person_pays", "government_pays"] {
        assert!(v["medical"].get(key).is_some(), "missing medical.{key}");
    }
    for key in [
        "eligible",
        "tiers",
        "tier",
        "person_pays",
        "government_pays",
        "subsidy",
    ] {
        assert!(v["pension"].get(key).is_some(), "missing pension.{key}");
    }
    assert_eq!(num(&v["year"]), "2025");
    assert_eq!(num(&v["age"]), "45");
    assert_eq!(v["birth_date"], "1980-05-20");
    assert_eq!(v["medical"]["eligible"], true);
    assert_eq!(num(&v["medical"]["person_pays"]), "400");
    assert_eq!(num(&v["medical"]["government_pays"]), "0");
    assert_eq!(v["pension"]["eligible"], true);
    assert_eq!(v["pension"]["band"], "pension_45_59");
    assert_eq!(
        nums(&v["pension"]["tiers"]),
        ["350", "500", "800", "1000", "3000", "5000", "8000"]
    );
    assert_eq!(num(&v["pension"]["tier"]), "350");
    assert_eq!(num(&v["pension"]["person_pays"]), "350");
    assert_eq!(num(&v["pension"]["government_pays"]), "0");
    assert_eq!(num(&v["pension"]["subsidy"]), "30");
}

#[test]
fn json_2021_severe_disability() {
    let v = json(&[
        "--year",
        "2021",
        "--birth",
        "1970-01-01",
        "--group",
        "disabled-1",
    ]);
    assert_eq!(num(&v["age"]), "51");
    // 2021: severe disability exempts from medical.
    assert_eq!(num(&v["medical"]["person_pays"]), "0");
    assert_eq!(num(&v["medical"]["government_pays"]), "280");
    assert_eq!(v["medical"]["exempt"], true);
    assert_eq!(num(&v["pension"]["tier"]), "100");
    assert_eq!(num(&v["pension"]["person_pays"]), "0");
    assert_eq!(num(&v["pension"]["government_pays"]), "100");
    assert_eq!(num(&v["pension"]["subsidy"]), "30");
    assert_eq!(nums(&v["pension"]["tiers"]).len(), 12);
}

#[test]
fn json_2025_severe_disability_still_pays_medical() {
    let v = json(&[
        "--year",
        "2025",
        "--birth",
        "1990-03-03",
        "--group",
        "二级残疾",
    ]);
    assert_eq!(num(&v["medical"]["person_pays"]), "400");
    assert_eq!(num(&v["pension"]["person_pays"]), "0");
    assert_eq!(num(&v["pension"]["government_pays"]), "100");
}

#[test]
fn json_elderly_halves_and_ineligible_pension() {
    let v = json(&["--year", "2025", "--birth", "1960-12-31"]);
    assert_eq!(num(&v["age"]), "65");
    assert_eq!(num(&v["medical"]["person_pays"]), "200");
    assert_eq!(num(&v["medical"]["government_pays"]), "200");
    assert_eq!(v["pension"]["eligible"], false);
    assert!(v["pension"]["ineligible_reason"].is_string());
    assert_eq!(v["pension"]["tier"], Value::Null);
    assert_eq!(num(&v["pension"]["person_pays"]), "0");
    assert!(v["pension"]["tiers"].as_array().unwrap().is_empty());

    let v = json(&["--year", "2021", "--birth", "1951-06-01"]);
    assert_eq!(num(&v["age"]), "70");
    assert_eq!(num(&v["medical"]["person_pays"]), "0");
    assert_eq!(num(&v["medical"]["government_pays"]), "280");
}

#[test]
fn json_chosen_tier_and_chinese_group_names() {
    let v = json(&["--year", "2025", "--birth", "2000-01-01", "--tier", "1000"]);
    assert_eq!(num(&v["pension"]["tier"]), "1000");
    assert_eq!(num(&v["pension"]["person_pays"]), "1000");
    assert_eq!(num(&v["pension"]["subsidy"]), "80");
    assert_eq!(v["pension"]["band"], "pension_16_44");

    let v = json(&[
        "--year",
        "2025",
        "--birth",
        "2000-01-01",
        "--group",
        "低保边缘",
        "--group",
        "monitored",
        "--tier",
        "100",
    ]);
    assert_eq!(num(&v["medical"]["person_pays"]), "0");
    assert_eq!(num(&v["pension"]["tier"]), "100");
    assert_eq!(num(&v["pension"]["person_pays"]), "100");
    assert_eq!(num(&v["pension"]["subsidy"]), "30");

    // A student in 2025 is not in the residents' pension.
    let v = json(&[
        "--year",
        "2025",
        "--birth",
        "2006-09-01",
        "--group",
        "student",
    ]);
    assert_eq!(v["pension"]["eligible"], false);
    assert_eq!(v["medical"]["eligible"], true);

    // Employee-insured: neither.
    let v = json(&[
        "--year",
        "2021",
        "--birth",
        "1980-01-01",
        "--group",
        "employee-insured",
    ]);
    assert_eq!(v["pension"]["eligible"], false);
    assert_eq!(v["medical"]["eligible"], false);
}

#[test]
fn json_from_an_id_number() {
    // GB 11643 example, 15 digits: born 1949-12-31, a woman.
    let v = json(&["--year", "2021", "--id", "110105491231002"]);
    assert_eq!(v["birth_date"], "1949-12-31");
    assert_eq!(num(&v["age"]), "72");
    assert_eq!(v["sex"], "F");
    assert_eq!(v["id_masked"], "110105********002X");
    assert_eq!(num(&v["medical"]["person_pays"]), "0");

    let v = json(&["--year", "2025", "--id", "360426199101010071"]);
    assert_eq!(v["birth_date"], "1991-01-01");
    assert_eq!(num(&v["age"]), "34");
    assert_eq!(v["sex"], "M");
}

// ---------------------------------------------------------------- text

#[test]
fn text_output_is_chinese() {
    let out = run(&["--year", "2025", "--birth", "1980-05-20"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "2025年度",
        "1980-05-20",
        "45 岁",
        "医疗保险",
        "个人缴费",
        "400.00",
        "养老保险",
        "档次 350 元",
        "可选档次",
    ] {
        assert!(text.contains(want), "missing {want}:\n{text}");
    }
    assert!(!text.contains('{'));

    let out = run(&["--year", "2021", "--birth", "1940-01-01"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("养老保险  不参保"), "{text}");
    assert!(text.contains("政府代缴"), "{text}");
}

// ---------------------------------------------------------------- refusals

#[test]
fn refuses_an_invalid_id_number() {
    let err = refused(&["--year", "2025", "--id", "110105194912310021"]);
    assert!(
        err.contains("校验位") && err.contains("check digit"),
        "{err}"
    );
    let err = refused(&["--year", "2025", "--id", "11010519491231"]);
    assert!(err.contains("18位") && err.contains("found 14"), "{err}");
    let err = refused(&["--year", "2025", "--id", "1101051949O231002X"]);
    assert!(err.contains("第11位"), "{err}");
    let err = refused(&["--year", "2025", "--id", "110105194902300021"]);
    assert!(
        err.contains("出生日期") && err.contains("19490230"),
        "{err}"
    );
    let err = refused(&["--year", "2025", "--id", "3.70406E+17"]);
    assert!(err.contains("Excel"), "{err}");
}

#[test]
fn refuses_a_tier_the_year_does_not_have() {
    let err = refused(&["--year", "2025", "--birth", "1980-01-01", "--tier", "300"]);
    assert!(err.contains("300") && err.contains("2025"), "{err}");
    let err = refused(&["--year", "2021", "--birth", "1980-01-01", "--tier", "8000"]);
    assert!(
        err.contains("8000") && err.contains("no 8000 tier"),
        "{err}"
    );
}

#[test]
fn refuses_the_100_tier_to_those_not_entitled() {
    let err = refused(&["--year", "2025", "--birth", "1980-01-01", "--tier", "100"]);
    assert!(err.contains("100") && err.contains("not entitled"), "{err}");
    assert!(err.contains("特困"), "names the groups: {err}");
    // Disability grade 3 may take it in 2021 but not in 2025.
    let ok = run(&[
        "--year",
        "2021",
        "--birth",
        "1980-01-01",
        "--group",
        "disabled-3",
        "--tier",
        "100",
    ]);
    assert!(ok.status.success());
    let err = refused(&[
        "--year",
        "2025",
        "--birth",
        "1980-01-01",
        "--group",
        "disabled-3",
        "--tier",
        "100",
    ]);
    assert!(err.contains("2025"), "{err}");
    let err = refused(&["--year", "2021", "--birth", "1980-01-01", "--tier", "100"]);
    // 五保 and 特困 are the same people: the 2021 list names both.
    assert!(err.contains("五保/特困"), "{err}");
}

#[test]
fn refuses_a_year_with_no_policy() {
    let err = refused(&["--year", "2023", "--birth", "1980-01-01"]);
    assert!(err.contains("2023") && err.contains("no policy"), "{err}");
    assert!(err.contains("2021") && err.contains("2025"), "{err}");
}

#[test]
fn refuses_an_unknown_group() {
    let err = refused(&[
        "--year",
        "2025",
        "--birth",
        "1980-01-01",
        "--group",
        "nobody",
    ]);
    assert!(
        err.contains("nobody") && err.contains("dibao-edge"),
        "{err}"
    );
}

// ---------------------------------------------------------------- payment date

#[test]
fn late_payment_date_applies_the_late_rule() {
    // 2021: after 2020-12-20 the payer owes 280 + 580 fiscal share.
    let v = json(&[
        "--year",
        "2021",
        "--birth",
        "1980-01-01",
        "--date",
        "2020-12-21",
    ]);
    assert_eq!(v["medical"]["late"], true);
    assert_eq!(num(&v["medical"]["person_pays"]), "860");
    assert_eq!(num(&v["medical"]["government_pays"]), "0");
    assert_eq!(num(&v["medical"]["late_fiscal_share"]), "580");
    assert_eq!(v["medical"]["benefit_from"], "2021-01-20");
    let v = json(&[
        "--year",
        "2021",
        "--birth",
        "1980-01-01",
        "--date",
        "2020-12-20",
    ]);
    assert_eq!(v["medical"]["late"], false);
    assert_eq!(num(&v["medical"]["person_pays"]), "280");
    assert_eq!(v["medical"]["benefit_from"], Value::Null);
    // 2025: late, but the amounts follow medical policy.
    let v = json(&[
        "--year",
        "2025",
        "--birth",
        "1980-01-01",
        "--date",
        "2025-01-05",
    ]);
    assert_eq!(v["medical"]["late"], true);
    assert_eq!(num(&v["medical"]["person_pays"]), "400");

    let out = run(&[
        "--year",
        "2021",
        "--birth",
        "1980-01-01",
        "--date",
        "2021-01-05",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("860.00") && text.contains("逾期"), "{text}");
    assert!(text.contains("待遇自 2021-02-04 起"), "{text}");
    // A 70-year-old's share stays the government's when late.
    let v = json(&[
        "--year",
        "2021",
        "--birth",
        "1951-03-01",
        "--date",
        "2021-01-05",
    ]);
    assert_eq!(num(&v["medical"]["person_pays"]), "0");
    assert_eq!(num(&v["medical"]["government_pays"]), "280");
}
