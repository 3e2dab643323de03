//! The campaign as the two implementation plans run it (issue 13): the
//! exclusions per insurance, the publicity steps and their dates, the 2021
//! late rule with the government's proxy share, what a resident's file shows
//! as paid, and completion against the district's plan table. A real demo
//! database file, the store's API and the real binary.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::{Channel, Insurance, Office, Policies};
use zhengjiao::store::campaign::payments::PaymentRequest;
use zhengjiao::store::campaign::review::ReviewState;
use zhengjiao::store::{Store, StoreError};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A demo database a few days into the 2025 window; with `with_2021` the
/// 2021 roster is drawn up from the same registry.
fn demo(with_2021: bool) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plans.db");
    let opts = DemoOptions {
        residents: 2500,
        seed: 4,
        as_of: date("2024-09-05"),
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    if with_2021 {
        let mut store = Store::open(&path).unwrap().with_user("clerk1");
        let p2021 = Policies::built_in().get(2021).unwrap().clone();
        store.generate_roster(&p2021).unwrap();
    }
    (dir, path)
}

fn bin(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .env_remove("ZHENGJIAO_DB")
        .env("ZHENGJIAO_USER", "cli-clerk")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, zh: &str) -> String {
    match r {
        Err(StoreError::Refused(m)) => {
            assert!(m.contains(zh), "expected '{zh}' in: {m}");
            assert!(m.contains(" / "), "bilingual: {m}");
            m
        }
        other => panic!("expected a refusal containing '{zh}', got {other:?}"),
    }
}

fn num(v: &Value) -> Decimal {
    v.to_string().trim_matches('"').parse().unwrap()
}

/// ID numbers of living residents without groups, on the year's roster
/// for `measure` as due and unpaid, with an age filter in SQL on birth_date.
fn ids(db: &Path, year: i32, measure: &str, status: &str, birth: &str, n: usize) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(&format!(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = ?1 AND ro.measure = ?2 AND ro.status = ?3 AND {birth}
                AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL
                AND r.employee_insured = 0 AND r.student = 0
                AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.resident_id = r.id)
                AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.resident_id = r.id)
              ORDER BY r.id LIMIT ?4"
        ))
        .unwrap();
    let out: Vec<String> = st
        .query_map(rusqlite::params![year, measure, status, n as i64], |r| {
            r.get(0)
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert_eq!(out.len(), n, "{year} {measure} {status} {birth}");
    out
}

fn on_roster(db: &Path, year: i32, insurance: &str, id: &str) -> bool {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM roster ro JOIN residents r ON r.id = ro.resident_id
          WHERE ro.year = ?1 AND ro.insurance = ?2 AND r.id_number = ?3",
        rusqlite::params![year, insurance, id],
        |r| r.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

fn village_of(db: &Path, id: &str) -> (i64, String) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT v.id, v.code FROM residents r JOIN villages v ON v.id = r.village_id WHERE r.id_number = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn dues_line<'a>(file: &'a Value, insurance: &str) -> &'a Value {
    file["dues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurance"] == insurance)
        .unwrap()
}

fn pay(id: &str, year: i32, ins: Insurance, channel: Channel, on: &str) -> PaymentRequest {
    PaymentRequest {
        id_number: id.to_string(),
        year,
        insurance: ins,
        tier: None,
        channel,
        receipt: None,
        agent_code: None,
        office: None,
        paid_on: date(on),
        special: None,
    }
}

// ---------------------------------------------------------------- point 5, 6

/// 2021 late payments: the late payer adds the fiscal share (580, not
/// 2020's 550); the government's proxy share for 70+ stands and its batch
/// pays it; the resident's file shows what was paid and when benefits start.
#[test]
fn late_2021_proxy_stands_and_the_file_shows_what_was_paid() {
    let (_dir, db) = demo(true);
    let old = ids(
        &db,
        2021,
        "medical",
        "exempt",
        "r.birth_date < '1950-01-01'",
        1,
    )
    .remove(0);
    let young = ids(
        &db,
        2021,
        "medical",
        "due",
        "r.birth_date BETWEEN '1975-01-01' AND '1990-12-31'",
        1,
    )
    .remove(0);
    let mut store = Store::open(&db).unwrap().with_user("clerk1");
    let batch = store
        .proxy_pay(2021, Office::Health, date("2021-01-10"), false)
        .unwrap();
    let line = batch
        .paid
        .iter()
        .find(|p| p.line.id_number == old)
        .unwrap_or_else(|| {
            panic!(
                "the 70+ resident is paid by the late batch; skipped: {:?}",
                batch
                    .skipped
                    .iter()
                    .find(|s| s.line.id_number == old)
                    .map(|s| s.reason.text())
            )
        });
    assert_eq!(line.government_fen, 28000);
    let r = store
        .record_payment(&pay(
            &young,
            2021,
            Insurance::Medical,
            Channel::Wechat,
            "2021-01-05",
        ))
        .unwrap();
    assert!(r.late);
    assert_eq!((r.person_fen, r.government_fen), (86000, 0));
    drop(store);

    let file = json(&bin(&db, &["resident", &young, "--year", "2021", "--json"]));
    let m = dues_line(&file, "medical");
    assert_eq!(num(&m["person_pays"]), Decimal::from(860), "{m}");
    assert_eq!(num(&m["due_person_pays"]), Decimal::from(280), "{m}");
    assert_eq!(m["paid"]["late"], true);
    assert_eq!(m["benefit_from"], "2021-02-04");
    let text = ok(&bin(&db, &["resident", &young, "--year", "2021"]));
    assert!(text.contains("860"), "{text}");
    assert!(text.contains("待遇自 2021-02-04 起"), "{text}");

    let file = json(&bin(&db, &["resident", &old, "--year", "2021", "--json"]));
    let m = dues_line(&file, "medical");
    assert_eq!(num(&m["person_pays"]), Decimal::ZERO);
    assert_eq!(num(&m["government_pays"]), Decimal::from(280));
    assert_eq!(m["benefit_from"], "2021-02-09");
    assert!(bin(&db, &["check"]).status.success());
}

/// The file shows the tier actually paid (5000), not the roster's lowest.
#[test]
fn the_file_shows_the_tier_paid() {
    let (_dir, db) = demo(false);
    let id = ids(
        &db,
        2025,
        "pension_45_59",
        "due",
        "r.birth_date BETWEEN '1967-01-01' AND '1978-12-31'",
        1,
    )
    .remove(0);
    let mut store = Store::open(&db).unwrap().with_user("clerk1");
    let mut req = pay(&id, 2025, Insurance::Pension, Channel::Wechat, "2024-10-20");
    req.tier = Some(Decimal::from(5000));
    store.record_payment(&req).unwrap();
    drop(store);
    let file = json(&bin(&db, &["resident", &id, "--json"]));
    let p = dues_line(&file, "pension");
    assert_eq!(num(&p["person_pays"]), Decimal::from(5000), "{p}");
    assert_eq!(num(&p["paid"]["tier"]), Decimal::from(5000));
    assert_eq!(num(&p["due_person_pays"]), Decimal::from(350));
    assert_eq!(p["benefit_from"], Value::Null);
    let text = ok(&bin(&db, &["resident", &id]));
    let line = text.lines().find(|l| l.contains("养老保险")).unwrap();
    assert!(line.contains("5000"), "{text}");
}

// ---------------------------------------------------------------- point 3

/// Exclusions are per insurance, from an office's list with its wording and
/// 险种; a removal recorded by hand is not undone by a later list.
#[test]
fn exclusions_per_insurance_and_removals_hold() {
    let (dir, db) = demo(false);
    let v = ids(
        &db,
        2025,
        "pension_45_59",
        "due",
        "r.birth_date BETWEEN '1967-01-01' AND '1978-12-31'",
        4,
    );
    let list = dir.path().join("exclusions.csv");
    std::fs::write(
        &list,
        format!(
            "身份证号码,人员类别,险种\n{},城镇职工基本医疗保险,\n{},外地参保,养老保险\n{},职工参保,医疗保险\n",
            v[0], v[1], v[2]
        ),
    )
    .unwrap();
    let r = json(&bin(
        &db,
        &[
            "import",
            "groups",
            list.to_str().unwrap(),
            "--office",
            "医保局",
            "--json",
        ],
    ));
    assert_eq!(r["accepted"], 3, "{r}");
    for (id, medical, pension) in [
        (&v[0], false, true),
        (&v[1], true, false),
        (&v[2], false, true),
    ] {
        assert_eq!(on_roster(&db, 2025, "medical", id), medical, "{id}");
        assert_eq!(on_roster(&db, 2025, "pension", id), pension, "{id}");
    }
    // 外地参保 without a 险种 is refused by name.
    std::fs::write(&list, format!("身份证号码,人员类别\n{},外地参保\n", v[3])).unwrap();
    let out = bin(
        &db,
        &[
            "import",
            "groups",
            list.to_str().unwrap(),
            "--office",
            "医保局",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("险种"));

    // A removal by hand, then a 低保 list for the same person: the pension
    // stays off the roster, the medical row follows the new group.
    ok(&bin(
        &db,
        &[
            "roster",
            "remove",
            "--id",
            &v[3],
            "--insurance",
            "pension",
            "--reason",
            "已在外省参加养老保险",
            "--date",
            "2024-09-20",
        ],
    ));
    std::fs::write(&list, format!("身份证号码,人员类别\n{},农村低保\n", v[3])).unwrap();
    ok(&bin(
        &db,
        &[
            "import",
            "groups",
            list.to_str().unwrap(),
            "--office",
            "民政局",
        ],
    ));
    assert!(!on_roster(&db, 2025, "pension", &v[3]), "removal undone");
    assert!(on_roster(&db, 2025, "medical", &v[3]));
    let file = json(&bin(&db, &["resident", &v[3], "--json"]));
    assert_eq!(dues_line(&file, "medical")["standing"], "exempt");
    assert_eq!(dues_line(&file, "pension")["standing"], "not-covered");
    // Brought back by hand, it is on the roster again.
    ok(&bin(
        &db,
        &[
            "roster",
            "add",
            "--id",
            &v[3],
            "--insurance",
            "pension",
            "--reason",
            "核实后恢复",
            "--date",
            "2024-09-21",
        ],
    ));
    assert!(on_roster(&db, 2025, "pension", &v[3]));

    // The counter's quote: employee medical only keeps the pension.
    let out = Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .args([
            "quote",
            "--year",
            "2025",
            "--birth",
            "1980-01-01",
            "--group",
            "employee-medical",
            "--json",
        ])
        .output()
        .unwrap();
    let q = json(&out);
    assert_eq!(q["medical"]["eligible"], false);
    assert_eq!(q["pension"]["eligible"], true);
    assert!(bin(&db, &["check"]).status.success());
}

// ---------------------------------------------------------------- point 4

/// The publicity steps and their dates come from the year's plan.
#[test]
fn publicity_steps_follow_each_years_plan() {
    let (_dir, db) = demo(true);
    let id = ids(
        &db,
        2021,
        "medical",
        "due",
        "r.birth_date BETWEEN '1975-01-01' AND '1990-12-31'",
        1,
    )
    .remove(0);
    let (vid, _) = village_of(&db, &id);
    let mut store = Store::open(&db).unwrap().with_user("clerk1");

    // 2021: the roster is publicized 3 days in the preparation phase.
    store.review_roster(2021, vid, date("2020-10-05")).unwrap();
    refused(
        store.finalize_roster(2021, vid, date("2020-10-10")),
        "已初审",
    );
    refused(
        store.publicize_roster(2021, vid, date("2020-10-06"), date("2020-10-07")),
        "不少于3天",
    );
    refused(
        store.publicize_roster(2021, vid, date("2020-10-26"), date("2020-10-28")),
        "征缴准备阶段",
    );
    store
        .publicize_roster(2021, vid, date("2020-10-06"), date("2020-10-08"))
        .unwrap();
    let r = store
        .finalize_roster(2021, vid, date("2020-10-09"))
        .unwrap();
    assert_eq!(r.state, ReviewState::Final);

    // 2025: no roster publicity; reviewed → final.
    store.review_roster(2025, vid, date("2024-09-10")).unwrap();
    let r = store
        .finalize_roster(2025, vid, date("2024-09-11"))
        .unwrap();
    assert_eq!(r.state, ReviewState::Final);

    // 2025: the payment publicity lies between the window's end and 01-31.
    refused(
        store.record_payment_publicity(2025, vid, date("2025-01-30"), date("2025-02-03")),
        "公示阶段",
    );

    // 2021: collection → publicity of who paid → declaration.
    let agent: String = store
        .conn()
        .query_row(
            "SELECT code FROM agents WHERE village_id = ?1 ORDER BY code LIMIT 1",
            [vid],
            |r| r.get(0),
        )
        .unwrap();
    let mut req = pay(
        &id,
        2021,
        Insurance::Medical,
        Channel::AgentPos,
        "2020-11-02",
    );
    req.agent_code = Some(agent.clone());
    let paid = store.record_payment(&req).unwrap();
    store
        .record_remittance(
            &agent,
            date("2020-11-02"),
            Decimal::new(paid.person_fen, 2),
            "S-2021-1",
            date("2020-11-02"),
        )
        .unwrap();
    store
        .close_remittance(&agent, date("2020-11-02"), date("2020-11-03"))
        .unwrap();
    let d = store.declare_create(2021, vid, date("2020-11-05")).unwrap();
    refused(store.declare_submit(d.id, date("2020-11-06")), "缴费公示");
    refused(
        store.record_payment_publicity(2021, vid, date("2020-11-15"), date("2020-11-17")),
        "费款入库阶段",
    );
    store
        .record_payment_publicity(2021, vid, date("2020-11-21"), date("2020-11-23"))
        .unwrap();
    refused(
        store.declare_submit(d.id, date("2020-11-23")),
        "到2020-11-23为止",
    );
    store.declare_submit(d.id, date("2020-11-24")).unwrap();
    store.declare_confirm(d.id, date("2020-11-25")).unwrap();
    let c = store.check().unwrap();
    assert!(c.ok, "{:?}", c.findings);
}

// ---------------------------------------------------------------- point 9

/// Completion against the plan table (附件2) per town, in `report progress`
/// and the bulletin; the development zone is outside the plan and counts
/// in the district's total.
#[test]
fn completion_against_the_plan_table() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("plan.db");
    let opts = DemoOptions {
        residents: 2500,
        seed: 4,
        as_of: date("2024-11-23"),
        ..DemoOptions::default()
    };
    build(&db, &opts, "tester").unwrap();
    let r = json(&bin(
        &db,
        &["report", "progress", "--as-of", "2024-11-23", "--json"],
    ));
    let town = |name: &str| {
        r["towns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let ratio =
        |paid: i64, planned: i64| (Decimal::from(paid) / Decimal::from(planned)).round_dp(4);
    let shancheng = town("山城街道");
    assert_eq!(shancheng["in_plan"], true);
    assert_eq!(shancheng["medical"]["planned"], 64696);
    assert_eq!(shancheng["pension_planned"], 10072);
    let paid = shancheng["medical"]["paid"].as_i64().unwrap();
    assert!(paid > 0, "the demo has payments by 11-23");
    assert_eq!(
        num(&shancheng["medical"]["plan_completion"]),
        ratio(paid, 64696)
    );
    let pension_paid = shancheng["pension_paid"].as_i64().unwrap();
    assert_eq!(
        num(&shancheng["pension_plan_completion"]),
        ratio(pension_paid, 10072)
    );
    let zone = town("山亭经济开发区");
    assert_eq!(zone["in_plan"], false);
    assert_eq!(zone["medical"]["planned"], 0);
    assert_eq!(zone["medical"]["plan_completion"], Value::Null);
    assert!(zone["medical"]["paid"].as_i64().unwrap() > 0);
    // The district: every town's payers, the zone's too, against 313296.
    let d = &r["district"];
    assert_eq!(d["in_plan"], true);
    assert_eq!(d["medical"]["planned"], 313296);
    assert_eq!(d["pension_planned"], 84861);
    let all: i64 = r["towns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["medical"]["paid"].as_i64().unwrap())
        .sum();
    assert_eq!(d["medical"]["paid"].as_i64().unwrap(), all);
    assert_eq!(num(&d["medical"]["plan_completion"]), ratio(all, 313296));

    let text = ok(&bin(&db, &["report", "progress", "--as-of", "2024-11-23"]));
    let zone_line = text.lines().find(|l| l.contains("山亭经济开发区")).unwrap();
    assert!(zone_line.contains("计划外"), "{text}");
    assert!(text.contains("完成计划"), "{text}");

    let out = dir.path().join("bulletin.csv");
    ok(&bin(
        &db,
        &[
            "export",
            "bulletin",
            "--as-of",
            "2024-11-23",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("医保完成计划"), "{csv}");
    let zone_row = csv.lines().find(|l| l.contains("山亭经济开发区")).unwrap();
    assert!(zone_row.contains("计划外"), "{zone_row}");
    let sc_row = csv.lines().find(|l| l.contains("山城街道")).unwrap();
    assert!(sc_row.contains("64696"), "{sc_row}");
}
