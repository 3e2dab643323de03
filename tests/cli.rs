//! The real binary: command-line contracts, exit statuses, concurrency.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tempfile::TempDir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

/// One small demo database shared by the read-only tests.
fn shared_demo() -> &'static PathBuf {
    static DB: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("demo.db");
        let out = run(&db, &["demo", "--residents", "4000", "--seed", "3"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, db)
    })
    .1
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn report_progress_json_shape_and_sums() {
    let v = json(&run(
        shared_demo(),
        &["report", "progress", "--json", "--as-of", "2024-11-23"],
    ));
    assert_eq!(v["year"], 2025);
    assert_eq!(v["as_of"], "2024-11-23");
    for key in ["medical", "pension_45_59", "pension_16_44"] {
        assert!(v["district"][key].is_object(), "{key}");
    }
    for k in ["planned", "due", "paid", "exempt", "rate"] {
        assert!(!v["district"]["medical"][k].is_null(), "medical.{k}");
    }
    assert_eq!(
        v["district"]["pension_45_59"]["target"].as_f64(),
        Some(0.95)
    );
    assert_eq!(v["district"]["pension_16_44"]["target"].as_f64(), Some(0.6));
    let towns = v["towns"].as_array().unwrap();
    assert_eq!(towns.len(), 11);
    for measure in ["medical", "pension_45_59", "pension_16_44"] {
        for field in ["due", "paid"] {
            let mut district = 0;
            for t in towns {
                let villages: i64 = t["villages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x[measure][field].as_i64().unwrap())
                    .sum();
                assert_eq!(
                    villages,
                    t[measure][field].as_i64().unwrap(),
                    "{measure}.{field} of {}",
                    t["name"]
                );
                district += villages;
            }
            assert_eq!(district, v["district"][measure][field].as_i64().unwrap());
        }
    }
}

#[test]
fn find_json_keys() {
    let v = json(&run(
        shared_demo(),
        &["find", "370406", "--limit", "5", "--json"],
    ));
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 5);
    for k in [
        "id_number",
        "name",
        "village_code",
        "village_name",
        "town_name",
    ] {
        assert!(arr[0][k].is_string(), "{k}");
    }
    let id = arr[0]["id_number"].as_str().unwrap().to_string();
    let tail = json(&run(
        shared_demo(),
        &["find", &id[14..], "--json", "--limit", "100"],
    ));
    assert!(
        tail.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id_number"] == id.as_str())
    );
}

/// People of one name are told apart: each hit carries its birth year and
/// how many bear the name, text and JSON; the text says how many were
/// found; a whole ID number whose check digit is wrong says so.
#[test]
fn find_tells_namesakes_apart_and_names_a_wrong_check_digit() {
    let db = shared_demo();
    let store = zhengjiao::store::Store::open_read_only(db).unwrap();
    let (name, n, id): (String, i64, String) = store
        .conn()
        .query_row(
            "SELECT name, count(*), min(id_number) FROM residents GROUP BY name ORDER BY count(*) DESC, name LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(n > 1, "the demo has namesakes");
    let v = json(&run(db, &["find", &name, "--json", "--limit", "100"]));
    let exact: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["name"] == name.as_str())
        .collect();
    assert_eq!(exact.len() as i64, n);
    for h in &exact {
        assert_eq!(h["same_name"], n);
        assert_eq!(
            h["birth_year"].as_str().unwrap(),
            &h["birth_date"].as_str().unwrap()[..4]
        );
    }
    let out = run(db, &["find", &name, "--limit", "100"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("同名{n}人")), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("人 /") && err.contains("found"), "{err}");

    // one digit changed: the check digit no longer fits
    let mut wrong: Vec<char> = id.chars().collect();
    wrong[16] = if wrong[16] == '1' { '2' } else { '1' };
    let wrong: String = wrong.into_iter().collect();
    let out = run(db, &["find", &wrong]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("身份证号校验位不对") && err.contains("check digit wrong"),
        "{err}"
    );
    assert!(!err.contains("没有找到"), "{err}");
    // a right number that nobody has is still "nothing found"
    let out = run(db, &["find", "11010519491231002X"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有找到"));
}

#[test]
fn check_and_backup() {
    let out = run(shared_demo(), &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dir = TempDir::new().unwrap();
    let copy = dir.path().join("copy.db");
    let out = run(shared_demo(), &["backup", "--out", copy.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(run(&copy, &["check"]).status.success());
    // Refuses to overwrite.
    assert!(
        !run(shared_demo(), &["backup", "--out", copy.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn global_db_flag_after_the_subcommand_and_env() {
    let db = shared_demo();
    let out = bin()
        .args(["report", "progress", "--json", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = bin()
        .args(["find", "zs", "--json"])
        .env("ZHENGJIAO_DB", db)
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// Eight processes pay for the same resident at once: exactly one succeeds,
/// the others are refused as duplicates, none fails with a raw database error.
#[test]
fn eight_clerks_one_payment() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("race.db");
    assert!(
        run(&db, &["demo", "--residents", "1500", "--seed", "11"])
            .status
            .success()
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let id: String = c
        .query_row(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.insurance = 'medical' AND ro.status = 'due'
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
              LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);
    let children: Vec<_> = (0..8)
        .map(|_| {
            bin()
                .arg("--db")
                .arg(&db)
                .args([
                    "pay",
                    "--id",
                    &id,
                    "--year",
                    "2025",
                    "--insurance",
                    "medical",
                    "--channel",
                    "wechat",
                    "--date",
                    "2024-11-23",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let ok = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(ok, 1, "exactly one payment");
    for o in outs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("重复缴费") && err.contains("duplicate"),
            "{err}"
        );
        assert!(!err.contains("locked") && !err.contains("busy"), "{err}");
    }
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn pay_refusals_name_the_reason() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("pay.db");
    assert!(
        run(&db, &["demo", "--residents", "1500", "--seed", "5"])
            .status
            .success()
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let dead: String = c
        .query_row(
            "SELECT id_number FROM residents WHERE deceased_on IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);
    let out = run(
        &db,
        &[
            "pay",
            "--id",
            &dead,
            "--year",
            "2025",
            "--insurance",
            "medical",
            "--channel",
            "bank",
            "--date",
            "2024-11-23",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("死亡"));
    let out = run(
        &db,
        &[
            "pay",
            "--id",
            "370406199001011234",
            "--year",
            "2025",
            "--insurance",
            "medical",
            "--channel",
            "bank",
        ],
    );
    assert!(!out.status.success());
    let out = run(
        &db,
        &[
            "pay",
            "--id",
            &dead,
            "--year",
            "2025",
            "--insurance",
            "dental",
            "--channel",
            "bank",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown insurance"));
}

/// A mistyped command or option: a Chinese line first, clap's own message
/// after it, exit status 2.
#[test]
fn command_line_mistakes_in_chinese() {
    for (args, zh) in [
        (&["pya"][..], "没有这个命令"),
        (&["find", "--bogus", "x"], "没有这个选项"),
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("错误 / error: ") && err.contains(zh),
            "{err}"
        );
        assert!(err.contains("--help"), "{err}");
    }
    let help = bin().arg("--help").output().unwrap();
    assert!(help.status.success() && help.stderr.is_empty());
}

/// Display width, as a terminal counts it (a Han character takes two).
fn cols(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `paid / due` in per mille, half up, short of complete never 1000: the
/// rounding every shown rate uses (issue 13.8), worked out here independently.
fn half_up_permille(paid: i64, due: i64) -> String {
    let mut p = (2000 * paid + due) / (2 * due);
    if paid < due {
        p = p.min(999);
    }
    format!("{}.{}%", p / 10, p % 10)
}

#[test]
fn report_progress_text_rounds_half_up_pads_by_width_and_names_its_day_counts() {
    let db = shared_demo();
    let v = json(&run(
        db,
        &["report", "progress", "--json", "--as-of", "2024-11-23"],
    ));
    let out = run(db, &["report", "progress", "--as-of", "2024-11-23"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // which day count is which: the window's and the phase's, labelled
    assert!(
        lines[0].contains("征缴期（09-01至12-31）第 84/122 天"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("集中缴费阶段第 44/82 天"), "{}", lines[0]);
    // every line of the table as wide as the header: Chinese columns line up
    let table = &lines[1..];
    let width = cols(table[0]);
    for l in table {
        assert_eq!(cols(l), width, "misaligned:\n{}", table.join("\n"));
    }
    // every rate as the JSON's counts give it, half up
    let mut areas: Vec<&Value> = v["towns"].as_array().unwrap().iter().collect();
    areas.push(&v["district"]);
    for a in areas {
        let name = a["name"].as_str().unwrap();
        let line = table
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no line for {name}"));
        for key in ["medical", "pension_45_59", "pension_16_44"] {
            let (paid, due) = (
                a[key]["paid"].as_i64().unwrap(),
                a[key]["due"].as_i64().unwrap(),
            );
            let want = half_up_permille(paid, due);
            assert!(line.contains(&want), "{name} {key}: want {want} in {line}");
        }
    }
}

#[test]
fn find_text_lines_up_names_of_any_width() {
    let out = run(shared_demo(), &["find", "张", "--limit", "20"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 5, "{text}");
    // the birth date (the first YYYY-MM-DD) starts at the same column on every line
    let at = |l: &str| {
        let b = l
            .char_indices()
            .find(|(i, _)| {
                let rest = &l[*i..];
                rest.len() >= 10
                    && rest.as_bytes()[4] == b'-'
                    && rest[..4].bytes().all(|c| c.is_ascii_digit())
            })
            .map(|(i, _)| i)
            .unwrap();
        cols(&l[..b])
    };
    let first = at(lines[0]);
    let names: Vec<usize> = lines
        .iter()
        .map(|l| cols(l.split("  ").nth(1).unwrap_or("")))
        .collect();
    assert!(
        names.iter().any(|w| *w != names[0]),
        "names all of one width: the test proves nothing\n{text}"
    );
    let village = |l: &str| cols(&l[..l.rfind(' ').unwrap()]);
    for l in &lines {
        assert_eq!(at(l), first, "misaligned:\n{text}");
        assert_eq!(village(l), village(lines[0]), "towns misaligned:\n{text}");
    }
}
