//! The campaign subcommands run as the real binary: each command's happy
//! path and a refusal (non-zero exit, nothing on stdout, Chinese and English
//! on stderr).

use rusqlite::Connection;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tempfile::TempDir;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhengjiao"));
    c.env_remove("ZHENGJIAO_DB")
        .env("ZHENGJIAO_USER", "cli-clerk");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

/// One demo database a few days into the 2025 window, built once; every
/// test works on its own copy.
fn fresh_db() -> (TempDir, PathBuf) {
    static TEMPLATE: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    let template = &TEMPLATE
        .get_or_init(|| {
            let dir = TempDir::new().unwrap();
            let db = dir.path().join("template.db");
            let out = bin()
                .arg("--db")
                .arg(&db)
                .args([
                    "demo",
                    "--residents",
                    "2500",
                    "--seed",
                    "4",
                    "--today",
                    "2024-09-05",
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            (dir, db)
        })
        .1;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("campaign.db");
    std::fs::copy(template, &db).unwrap();
    (dir, db)
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

/// A refusal: non-zero exit, nothing on stdout, Chinese and English on stderr.
fn refused(out: &Output, zh: &str) -> String {
    assert!(
        !out.status.success(),
        "should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "printed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(err.contains(zh), "expected '{zh}' in: {err}");
    assert!(
        err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
    assert!(err.contains(" / "), "Chinese / English: {err}");
    assert!(
        err.split(" / ")
            .nth(1)
            .is_some_and(|en| en.chars().any(|c| c.is_ascii_alphabetic())),
        "{err}"
    );
    err
}

/// The busiest village (code), its first agent, and `n` living residents
/// without special groups due for a measure and unpaid.
fn pick(db: &Path, measure: &str, n: usize) -> (String, String, Vec<String>) {
    let c = Connection::open(db).unwrap();
    let (vid, code): (i64, String) = c
        .query_row(
            "SELECT v.id, v.code FROM roster r JOIN villages v ON v.id = r.village_id
              WHERE r.year = 2025 AND r.insurance = 'medical' AND r.status = 'due'
              GROUP BY v.id ORDER BY count(*) DESC, v.code LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let agent: String = c
        .query_row(
            "SELECT code FROM agents WHERE village_id = ?1 ORDER BY code LIMIT 1",
            [vid],
            |r| r.get(0),
        )
        .unwrap();
    let mut st = c
        .prepare(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.village_id = ?1 AND ro.measure = ?2 AND ro.status = 'due'
                AND r.deceased_on IS NULL AND ro.government_fen = 0
                AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.resident_id = r.id)
                AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.insurance = ro.insurance
                                AND x.resident_id = ro.resident_id)
              ORDER BY r.id LIMIT ?3",
        )
        .unwrap();
    let ids: Vec<String> = st
        .query_map(rusqlite::params![vid, measure, n as i64], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert_eq!(ids.len(), n);
    (code, agent, ids)
}

fn pay_json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["pay", "--year", "2025", "--json"];
    all.extend_from_slice(args);
    json(&run(db, &all))
}

#[test]
fn pay_special_back_payment_and_refusal() {
    let (_d, db) = fresh_db();
    let (_, _, ids) = pick(&db, "pension_45_59", 1);
    let v = json(&run(
        &db,
        &[
            "pay",
            "--id",
            &ids[0],
            "--year",
            "2021",
            "--insurance",
            "pension",
            "--tier",
            "300",
            "--channel",
            "bank",
            "--special",
            "policy-backpay",
            "--date",
            "2024-10-20",
            "--json",
        ],
    ));
    assert_eq!(v["special"], "policy-backpay");
    assert_eq!(v["person_pays"].to_string(), "300");
    assert_eq!(v["late"], false);
    let err = refused(
        &run(
            &db,
            &[
                "pay",
                "--id",
                &ids[0],
                "--year",
                "2025",
                "--insurance",
                "pension",
                "--tier",
                "350",
                "--channel",
                "bank",
                "--special",
                "policy-backpay",
                "--date",
                "2024-10-20",
            ],
        ),
        "政策性补缴只适用于",
    );
    assert!(err.contains("record an ordinary payment"), "{err}");
}

#[test]
fn refund_and_reverse() {
    let (_d, db) = fresh_db();
    let (_, _, ids) = pick(&db, "medical", 2);
    let p = pay_json(
        &db,
        &[
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--channel",
            "wechat",
            "--date",
            "2024-10-15",
        ],
    );
    let pid = p["payment_id"].as_i64().unwrap().to_string();
    let v = json(&run(
        &db,
        &[
            "refund",
            "--payment",
            &pid,
            "--reason",
            "重复缴费",
            "--date",
            "2024-10-20",
            "--json",
        ],
    ));
    assert_eq!(v["kind"], "refund");
    assert_eq!(v["original_id"].to_string(), pid);
    assert_eq!(v["person_pays"].to_string(), "-400");
    assert_eq!(v["recorded_by"], "cli-clerk");
    refused(
        &run(&db, &["refund", "--payment", &pid, "--reason", "again"]),
        "已经冲正或退费",
    );

    let p = pay_json(
        &db,
        &[
            "--id",
            &ids[1],
            "--insurance",
            "medical",
            "--channel",
            "bank",
            "--date",
            "2024-10-15",
        ],
    );
    let pid = p["payment_id"].as_i64().unwrap().to_string();
    let text = ok(&run(
        &db,
        &[
            "reverse",
            "--payment",
            &pid,
            "--reason",
            "录错人",
            "--date",
            "2024-10-15",
        ],
    ));
    assert!(
        text.contains("已冲正") && text.contains("reversed"),
        "{text}"
    );
    refused(
        &run(&db, &["reverse", "--payment", "999999", "--reason", "x"]),
        "找不到缴费记录",
    );
    refused(
        &run(&db, &["reverse", "--payment", &pid, "--reason", "  "]),
        "请填写原因",
    );
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn proxy_list_and_batch() {
    let (_d, db) = fresh_db();
    let list = json(&run(
        &db,
        &[
            "proxy", "list", "--year", "2025", "--office", "民政", "--json",
        ],
    ));
    let to_pay = list["to_pay"].as_u64().unwrap();
    assert!(to_pay > 0);
    let first = &list["lines"][0];
    assert!(
        first["id_number"].as_str().unwrap().contains('*'),
        "IDs masked"
    );
    let dry = json(&run(
        &db,
        &[
            "proxy",
            "pay",
            "--year",
            "2025",
            "--office",
            "civil-affairs",
            "--date",
            "2024-10-21",
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(dry["dry_run"], true);
    assert!(dry["batch_id"].is_null());
    assert_eq!(dry["paid"].as_array().unwrap().len() as u64, to_pay);
    let batch = json(&run(
        &db,
        &[
            "proxy",
            "pay",
            "--year",
            "2025",
            "--office",
            "civil-affairs",
            "--date",
            "2024-10-21",
            "--json",
        ],
    ));
    assert!(batch["batch_id"].is_i64());
    assert_eq!(batch["paid"].as_array().unwrap().len() as u64, to_pay);
    let again = ok(&run(
        &db,
        &[
            "proxy",
            "pay",
            "--year",
            "2025",
            "--office",
            "民政",
            "--date",
            "2024-10-22",
        ],
    ));
    assert!(again.contains("nothing recorded"), "{again}");
    let list = json(&run(
        &db,
        &[
            "proxy", "list", "--year", "2025", "--office", "民政", "--json",
        ],
    ));
    assert_eq!(list["to_pay"], 0);
    refused(
        &run(
            &db,
            &["proxy", "list", "--year", "2025", "--office", "公安"],
        ),
        "未知部门",
    );
    refused(
        &run(
            &db,
            &[
                "proxy",
                "pay",
                "--year",
                "2030",
                "--office",
                "民政",
                "--date",
                "2029-10-21",
            ],
        ),
        "没有2030年度的政策",
    );
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn receipts_books() {
    let (_d, db) = fresh_db();
    let (_, agent, ids) = pick(&db, "medical", 1);
    let b = json(&run(
        &db,
        &[
            "receipts", "add", "--agent", &agent, "--from", "00012001", "--to", "00012010",
            "--json",
        ],
    ));
    assert_eq!(b["remaining"], 10);
    assert_eq!(b["next"], "00012001");
    refused(
        &run(
            &db,
            &[
                "receipts", "add", "--agent", &agent, "--from", "00012005", "--to", "00012020",
            ],
        ),
        "重叠",
    );
    refused(
        &run(
            &db,
            &[
                "receipts", "add", "--agent", "NOBODY", "--from", "1", "--to", "5",
            ],
        ),
        "找不到代办员",
    );
    ok(&run(
        &db,
        &[
            "receipts",
            "void",
            "--number",
            "00012001",
            "--reason",
            "填错作废",
        ],
    ));
    let p = pay_json(
        &db,
        &[
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--channel",
            "cash",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
        ],
    );
    assert_eq!(p["receipt"], "00012002");
    let out = run(&db, &["receipts", "list", "--agent", &agent]);
    let text = ok(&out);
    assert!(text.contains("00012001–00012010"), "{text}");
    let warn = String::from_utf8_lossy(&out.stderr);
    assert!(
        warn.contains("只剩 8 张") && warn.contains("warning"),
        "{warn}"
    );
    let l = json(&run(&db, &["receipts", "list", "--json"]));
    assert_eq!(l["books"][0]["used"], 1);
    assert_eq!(l["books"][0]["voided"], 1);
    assert_eq!(l["low_agents"][0], agent.as_str());
    refused(
        &run(
            &db,
            &["receipts", "void", "--number", "00012002", "--reason", "x"],
        ),
        "已用于缴费记录",
    );
}

/// An agent's day with one agent-POS payment; returns (agent, person yuan as text).
/// One cash payment taken by the agent (with a receipt from a new book).
fn agent_day(db: &Path, id: &str, agent: &str, day: &str) -> String {
    ok(&run(
        db,
        &[
            "receipts", "add", "--agent", agent, "--from", "00090001", "--to", "00090009",
        ],
    ));
    let p = pay_json(
        db,
        &[
            "--id",
            id,
            "--insurance",
            "medical",
            "--channel",
            "cash",
            "--agent",
            agent,
            "--date",
            day,
        ],
    );
    p["person_pays"].to_string()
}

#[test]
fn remittance_record_list_close() {
    let (_d, db) = fresh_db();
    let (_, agent, ids) = pick(&db, "medical", 1);
    let amount = agent_day(&db, &ids[0], &agent, "2024-10-14");
    let l = json(&run(
        &db,
        &[
            "remit",
            "list",
            "--date",
            "2024-10-14",
            "--as-of",
            "2024-10-20",
            "--json",
        ],
    ));
    let day = l["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["agent"] == agent.as_str())
        .unwrap()
        .clone();
    assert_eq!(day["expected"].to_string(), amount);
    assert_eq!(day["held"], true);
    assert_eq!(day["due_by"], "2024-10-15");
    ok(&run(
        &db,
        &[
            "remit",
            "record",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
            "--cash",
            "300",
            "--slip",
            "S-1",
            "--handed-on",
            "2024-10-15",
        ],
    ));
    let err = refused(
        &run(
            &db,
            &[
                "remit",
                "close",
                "--agent",
                &agent,
                "--date",
                "2024-10-14",
                "--on",
                "2024-10-15",
            ],
        ),
        "钱表不符",
    );
    assert!(err.contains("short by 100"), "{err}");
    refused(
        &run(
            &db,
            &[
                "remit",
                "record",
                "--agent",
                &agent,
                "--date",
                "2024-10-14",
                "--cash",
                "100",
                "--slip",
                "S-1",
                "--handed-on",
                "2024-10-15",
            ],
        ),
        "已登记",
    );
    let d = json(&run(
        &db,
        &[
            "remit",
            "record",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
            "--cash",
            "100",
            "--slip",
            "S-2",
            "--handed-on",
            "2024-10-15",
            "--json",
        ],
    ));
    assert_eq!(d["balanced"], true);
    let c = json(&run(
        &db,
        &[
            "remit",
            "close",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
            "--on",
            "2024-10-15",
            "--json",
        ],
    ));
    assert_eq!(c["closed"], true);
    assert_eq!(c["slips"].as_array().unwrap().len(), 2);
    let open = json(&run(
        &db,
        &["remit", "list", "--as-of", "2024-10-20", "--json"],
    ));
    assert!(
        !open["days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2024-10-14" && d["agent"] == agent.as_str())
    );
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn declaration_create_submit_confirm() {
    let (_d, db) = fresh_db();
    let (village, agent, ids) = pick(&db, "medical", 1);
    let amount = agent_day(&db, &ids[0], &agent, "2024-10-14");
    refused(
        &run(
            &db,
            &[
                "declare",
                "create",
                "--village",
                &village,
                "--year",
                "2025",
                "--date",
                "2024-10-16",
            ],
        ),
        "没有已解缴结账",
    );
    ok(&run(
        &db,
        &[
            "remit",
            "record",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
            "--cash",
            &amount,
            "--slip",
            "S-9",
            "--handed-on",
            "2024-10-14",
        ],
    ));
    ok(&run(
        &db,
        &[
            "remit",
            "close",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
            "--on",
            "2024-10-15",
        ],
    ));
    let p = json(&run(
        &db,
        &["declare", "pending", "--village", &village, "--json"],
    ));
    assert_eq!(p["villages"][0]["ready_payments"], 1);
    let d = json(&run(
        &db,
        &[
            "declare",
            "create",
            "--village",
            &village,
            "--year",
            "2025",
            "--date",
            "2024-10-16",
            "--json",
        ],
    ));
    assert_eq!(d["state"], "draft");
    assert_eq!(d["amount"].to_string(), amount);
    let id = d["id"].to_string();
    refused(
        &run(&db, &["declare", "confirm", &id, "--date", "2024-10-17"]),
        "已生成",
    );
    assert_eq!(
        json(&run(
            &db,
            &["declare", "submit", &id, "--date", "2024-10-17", "--json"]
        ))["state"],
        "submitted"
    );
    let d = json(&run(
        &db,
        &["declare", "confirm", &id, "--date", "2024-10-18", "--json"],
    ));
    assert_eq!(d["state"], "confirmed");
    assert_eq!(d["confirmed_on"], "2024-10-18");
    let list = json(&run(
        &db,
        &["declare", "list", "--village", &village, "--json"],
    ));
    assert_eq!(list.as_array().unwrap().len(), 1);
    refused(
        &run(&db, &["declare", "submit", "77", "--date", "2024-10-17"]),
        "找不到申报批次",
    );
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn roster_review_amendments_and_publicity() {
    let (_d, db) = fresh_db();
    let (village, _, ids) = pick(&db, "medical", 2);
    let s = json(&run(
        &db,
        &["roster", "status", "--village", &village, "--json"],
    ));
    assert_eq!(s["state"], "listed");
    let due = s["counts"]["medical"]["due"].as_i64().unwrap();
    assert_eq!(
        json(&run(
            &db,
            &[
                "roster",
                "review",
                "--village",
                &village,
                "--date",
                "2024-09-10",
                "--json"
            ]
        ))["state"],
        "reviewed"
    );
    // 2025: no roster publicity in the plan; a station may still hold one,
    // a day by default, and the roster is final after it.
    let p = json(&run(
        &db,
        &[
            "roster",
            "publicize",
            "--village",
            &village,
            "--from",
            "2024-09-12",
            "--json",
        ],
    ));
    assert_eq!(p["publicity_to"], "2024-09-12", "the plan's least: 1 day");
    refused(
        &run(
            &db,
            &[
                "roster",
                "finalize",
                "--village",
                &village,
                "--date",
                "2024-09-12",
            ],
        ),
        "还不能定稿",
    );
    assert_eq!(
        json(&run(
            &db,
            &[
                "roster",
                "finalize",
                "--village",
                &village,
                "--date",
                "2024-09-15",
                "--json"
            ]
        ))["state"],
        "final"
    );
    let a = json(&run(
        &db,
        &[
            "roster",
            "remove",
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--reason",
            "已参加职工医保",
            "--date",
            "2024-09-16",
            "--json",
        ],
    ));
    assert_eq!(a["action"], "remove");
    refused(
        &run(
            &db,
            &[
                "roster",
                "remove",
                "--id",
                &ids[0],
                "--insurance",
                "medical",
                "--reason",
                "again",
            ],
        ),
        "不在2025年度",
    );
    ok(&run(
        &db,
        &[
            "roster",
            "add",
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--reason",
            "核实后恢复",
            "--date",
            "2024-09-17",
        ],
    ));
    let s = json(&run(
        &db,
        &["roster", "status", "--village", &village, "--json"],
    ));
    assert_eq!(s["counts"]["medical"]["due"].as_i64().unwrap(), due);
    assert_eq!(s["amendment_list"].as_array().unwrap().len(), 2);
    pay_json(
        &db,
        &[
            "--id",
            &ids[1],
            "--insurance",
            "medical",
            "--channel",
            "wechat",
            "--date",
            "2024-10-15",
        ],
    );
    refused(
        &run(
            &db,
            &[
                "roster",
                "publicity",
                "--village",
                &village,
                "--from",
                "2024-12-20",
                "--to",
                "2024-12-22",
            ],
        ),
        "不在其中",
    );
    let p = json(&run(
        &db,
        &[
            "roster",
            "publicity",
            "--village",
            &village,
            "--from",
            "2025-01-02",
            "--to",
            "2025-01-04",
            "--list",
            "--json",
        ],
    ));
    assert!(p["listed"].as_i64().unwrap() >= 1);
    let sheet = p["list"].as_array().unwrap();
    assert!(
        sheet
            .iter()
            .all(|r| r["id_number"].as_str().unwrap().contains("********"))
    );
    assert!(
        sheet
            .iter()
            .any(|r| r["id_number"].as_str().unwrap().ends_with(&ids[1][14..]))
    );
    assert!(run(&db, &["check"]).status.success());
}

#[test]
fn resident_history() {
    let (_d, db) = fresh_db();
    let (_, _, ids) = pick(&db, "medical", 1);
    let p = pay_json(
        &db,
        &[
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--channel",
            "alipay",
            "--date",
            "2024-10-15",
        ],
    );
    let pid = p["payment_id"].to_string();
    ok(&run(
        &db,
        &[
            "refund",
            "--payment",
            &pid,
            "--reason",
            "档次错误",
            "--date",
            "2024-10-16",
        ],
    ));
    let v = json(&run(&db, &["resident", &ids[0], "--json"]));
    assert_eq!(
        v["id_number"],
        format!("{}********{}", &ids[0][..6], &ids[0][14..])
    );
    assert_eq!(v["year"], 2025);
    let kinds: Vec<&str> = v["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["refund", "payment"]);
    assert_eq!(v["dues"][0]["insurance"], "medical");
    assert_eq!(v["dues"][0]["standing"], "due");
    let full = json(&run(&db, &["resident", &ids[0], "--full-id", "--json"]));
    assert_eq!(full["id_number"], ids[0].as_str());
    let text = ok(&run(&db, &["resident", &ids[0]]));
    assert!(
        text.contains("退费") && text.contains("档次错误") && !text.contains(&ids[0]),
        "{text}"
    );
    refused(&run(&db, &["resident", "370406199001011235"]), "身份证号码");
    refused(&run(&db, &["resident", "wang"]), "既不是有效的身份证号码");
}

fn day_of<'a>(list: &'a Value, agent: &str) -> &'a Value {
    list["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["agent"] == agent)
        .unwrap_or_else(|| panic!("no day for {agent}: {list}"))
}

/// Issue 13, point 2: cash without an agent goes into the town's counter
/// till, which is remitted and closed like an agent's day and declared with
/// the resident's village; POS money is kept apart from the cash to hand
/// in; an agent paying for another village's resident is warned.
#[test]
fn cash_always_reconciles() {
    let (_d, db) = fresh_db();
    let (village, agent, ids) = pick(&db, "medical", 4);
    let counter = pay_json(
        &db,
        &[
            "--id",
            &ids[0],
            "--insurance",
            "medical",
            "--channel",
            "cash",
            "--date",
            "2024-10-14",
        ],
    );
    let till = counter["agent"].as_str().unwrap().to_string();
    assert!(till.starts_with("counter-"), "{counter}");
    assert_eq!(counter["counter"], true);
    let counter_fen = counter["person_pays"].to_string();

    // The agent's day: one POS payment and one cash payment.
    ok(&run(
        &db,
        &[
            "receipts", "add", "--agent", &agent, "--from", "00080001", "--to", "00080005",
        ],
    ));
    let pos = pay_json(
        &db,
        &[
            "--id",
            &ids[1],
            "--insurance",
            "medical",
            "--channel",
            "agent-pos",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
        ],
    );
    let cash = pay_json(
        &db,
        &[
            "--id",
            &ids[2],
            "--insurance",
            "medical",
            "--channel",
            "cash",
            "--agent",
            &agent,
            "--date",
            "2024-10-14",
        ],
    );
    assert_eq!(cash["counter"], false);
    let list = json(&run(
        &db,
        &[
            "remit",
            "list",
            "--date",
            "2024-10-14",
            "--as-of",
            "2024-10-14",
            "--json",
        ],
    ));
    let a = day_of(&list, &agent);
    assert_eq!(
        a["expected"], cash["person_pays"],
        "POS is not cash to hand in"
    );
    assert_eq!(a["pos"], pos["person_pays"]);
    assert_eq!(a["pos_payments"], 1);
    let c = day_of(&list, &till);
    assert_eq!(c["expected"].to_string(), counter_fen);
    assert_eq!(c["counter"], true);

    // The counter's day is remitted and closed, then declared with the
    // resident's village.
    ok(&run(
        &db,
        &[
            "remit",
            "record",
            "--agent",
            &till,
            "--date",
            "2024-10-14",
            "--cash",
            &counter_fen,
            "--slip",
            "C-1014",
            "--handed-on",
            "2024-10-14",
        ],
    ));
    ok(&run(
        &db,
        &[
            "remit",
            "close",
            "--agent",
            &till,
            "--date",
            "2024-10-14",
            "--on",
            "2024-10-14",
        ],
    ));
    let p = json(&run(
        &db,
        &["declare", "pending", "--village", &village, "--json"],
    ));
    assert_eq!(p["villages"][0]["ready_payments"], 1, "{p}");
    ok(&run(
        &db,
        &[
            "declare",
            "create",
            "--village",
            &village,
            "--year",
            "2025",
            "--date",
            "2024-10-15",
        ],
    ));

    // Another village's agent: recorded, with a warning.
    let other: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT a.code FROM agents a WHERE a.counter = 0
                AND a.village_id <> (SELECT id FROM villages WHERE code = ?1) ORDER BY a.code LIMIT 1",
            [&village],
            |r| r.get(0),
        )
        .unwrap();
    let out = run(
        &db,
        &[
            "pay",
            "--year",
            "2025",
            "--id",
            &ids[3],
            "--insurance",
            "medical",
            "--channel",
            "agent-pos",
            "--agent",
            &other,
            "--date",
            "2024-10-15",
        ],
    );
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("警告") && err.contains(&other), "{err}");
    let r = json(&run(&db, &["resident", &ids[3], "--json"]));
    assert!(r.to_string().contains("agent-pos"), "{r}");
    assert!(run(&db, &["check"]).status.success());
}

/// Issue 13, point 7: the payer must fit the channel, and nothing is paid
/// before the window opens.
#[test]
fn the_payer_must_fit_the_channel() {
    let (_d, db) = fresh_db();
    let c = Connection::open(&db).unwrap();
    let one = |sql: &str| -> String {
        c.query_row(
            &format!(
                "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
                  WHERE ro.year = 2025 AND ro.insurance = 'medical' AND r.deceased_on IS NULL
                    AND r.hukou_cancelled_on IS NULL AND {sql}
                    AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.insurance = 'medical'
                                    AND x.resident_id = r.id)
                  ORDER BY r.id LIMIT 1"
            ),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Fully exempt: person 0, the government all of it.
    let exempt = one("ro.status = 'exempt' AND ro.person_fen = 0 AND ro.government_fen > 0");
    // Half paid by health (60–69): the person's own share and the office's.
    let half = one(
        "ro.status = 'due' AND ro.person_fen > 0 AND ro.government_fen > 0 AND ro.office = 'health'",
    );
    let pay = |id: &str, channel: &str, extra: &[&str]| {
        let mut args = vec![
            "pay",
            "--year",
            "2025",
            "--id",
            id,
            "--insurance",
            "medical",
            "--channel",
            channel,
            "--date",
            "2024-10-20",
        ];
        args.extend_from_slice(extra);
        run(&db, &args)
    };
    refused(&pay(&exempt, "wechat", &[]), "只能以政府代缴");
    refused(
        &pay(&half, "proxy", &["--office", "health"]),
        "不能以政府代缴登记",
    );
    let early = run(
        &db,
        &[
            "pay",
            "--year",
            "2025",
            "--id",
            &half,
            "--insurance",
            "medical",
            "--channel",
            "wechat",
            "--date",
            "2024-08-31",
        ],
    );
    refused(&early, "早于");
    // What fits is recorded.
    ok(&pay(&exempt, "proxy", &[]));
    ok(&pay(&half, "wechat", &[]));
    assert!(run(&db, &["check"]).status.success());
}
