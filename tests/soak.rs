//! Many hands on one file: eight processes write at once — six clerks paying,
//! two importing residents' lists over and over. None may lose a write or
//! show a clerk "database is locked". CI runs a short form;
//! `cargo test --release --test soak -- --ignored` runs the full 60 seconds.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use zhengjiao::domain::IdNumber;

/// Workers that import rather than pay.
const IMPORTERS: usize = 2;
/// New residents per imported list.
const PER_LIST: usize = 300;

/// Import lists of new residents until the deadline; the residents accepted.
fn importer(
    bin: &str,
    db: &std::path::Path,
    dir: &std::path::Path,
    w: usize,
    villages: &[String],
    deadline: Instant,
) -> i64 {
    let mut accepted = 0;
    let mut round = 0;
    while Instant::now() < deadline {
        let file = dir.join(format!("居民{w}-{round}.csv"));
        let mut csv = String::from("姓名,身份证号码,村居代码\n");
        // A birth date per round, sequence numbers per worker: never the same ID.
        let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap()
            + chrono::Duration::days(round as i64);
        for k in 0..PER_LIST {
            let id = IdNumber::compose("370481", birth, (k + PER_LIST * (w % IMPORTERS)) as u16);
            let name = ["王", "李", "张", "刘"][k % 4].to_string() + ["甲", "乙"][w % 2];
            csv.push_str(&format!(
                "{name},{},{}\n",
                id.as_str(),
                villages[k % villages.len()]
            ));
        }
        std::fs::write(&file, csv).unwrap();
        let out = Command::new(bin)
            .arg("--db")
            .arg(db)
            .args(["import", "residents"])
            .arg(&file)
            .arg("--json")
            .env("ZHENGJIAO_USER", format!("clerk{w}"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success() && !err.contains("locked") && !err.contains("busy"),
            "importer {w}: {err}{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["accepted"], PER_LIST as u64,
            "importer {w}: {report}"
        );
        accepted += PER_LIST as i64;
        round += 1;
    }
    accepted
}

fn soak(seconds: u64) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("soak.db");
    let bin = env!("CARGO_BIN_EXE_zhengjiao");
    assert!(
        Command::new(bin)
            .arg("--db")
            .arg(&db)
            .args(["demo", "--residents", "6000", "--seed", "21"])
            .status()
            .unwrap()
            .success()
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let todo: Vec<(String, String)> = c
        .prepare(
            "SELECT r.id_number, ro.insurance FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.status = 'due' AND r.deceased_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = ro.insurance AND p.resident_id = r.id)
              ORDER BY r.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let before: i64 = c
        .query_row("SELECT count(*) FROM paid", [], |r| r.get(0))
        .unwrap();
    let registered: i64 = c
        .query_row("SELECT count(*) FROM residents", [], |r| r.get(0))
        .unwrap();
    let villages: Vec<String> = c
        .prepare("SELECT code FROM villages ORDER BY id LIMIT 20")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    drop(c);
    let imported = Arc::new(Mutex::new(0i64));
    assert!(todo.len() > 200);
    // Workers take items from a shared queue; every third item is also
    // offered to the next worker, so duplicates race for real.
    let queue = Arc::new(Mutex::new(
        todo.into_iter().collect::<std::collections::VecDeque<_>>(),
    ));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..8)
        .map(|w| {
            let queue = queue.clone();
            let db = db.clone();
            let lists = dir.path().to_path_buf();
            let villages = villages.clone();
            let imported = imported.clone();
            std::thread::spawn(move || {
                if w >= 8 - IMPORTERS {
                    let n = importer(bin, &db, &lists, w, &villages, deadline);
                    *imported.lock().unwrap() += n;
                    return (0, 0);
                }
                let (mut ok, mut dup, mut n) = (0i64, 0i64, 0u64);
                while Instant::now() < deadline {
                    let item = {
                        let mut q = queue.lock().unwrap();
                        let item = q.pop_front();
                        if let Some(i) = &item {
                            n += 1;
                            if n % 3 == 0 {
                                q.push_front(i.clone());
                            }
                        }
                        item
                    };
                    let Some((id, ins)) = item else { break };
                    let tier: &[&str] = if ins == "pension" {
                        &["--tier", "500"]
                    } else {
                        &[]
                    };
                    let out = Command::new(bin)
                        .arg("--db")
                        .arg(&db)
                        .args([
                            "pay",
                            "--id",
                            &id,
                            "--year",
                            "2025",
                            "--insurance",
                            &ins,
                            "--channel",
                            "alipay",
                            "--date",
                            "2024-11-23",
                        ])
                        .args(tier)
                        .env("ZHENGJIAO_USER", format!("clerk{w}"))
                        .output()
                        .unwrap();
                    let err = String::from_utf8_lossy(&out.stderr).to_string();
                    assert!(
                        !err.contains("locked") && !err.contains("busy"),
                        "worker {w}: {err}"
                    );
                    if out.status.success() {
                        ok += 1;
                    } else if err.contains("重复缴费") {
                        dup += 1;
                    } else if err.contains("档次") {
                        // A hardship tier person whose lowest tier differs: not a concurrency matter.
                    } else {
                        panic!("worker {w}: unexpected refusal: {err}");
                    }
                }
                (ok, dup)
            })
        })
        .collect();
    let (mut ok, mut dup) = (0, 0);
    for h in handles {
        let (o, d) = h.join().unwrap();
        ok += o;
        dup += d;
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let after: i64 = c
        .query_row("SELECT count(*) FROM paid", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        after - before,
        ok,
        "every acknowledged payment is in the file, and nothing else"
    );
    let audited: i64 = c
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'record-payment' AND user LIKE 'clerk%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, ok);
    let imported = *imported.lock().unwrap();
    let now: i64 = c
        .query_row("SELECT count(*) FROM residents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(now - registered, imported, "every imported resident is in");
    assert!(imported > 0, "the importers made progress");
    assert!(
        ok > 20,
        "the soak made progress: {ok} payments, {dup} duplicates refused"
    );
    let check = Command::new(bin)
        .arg("--db")
        .arg(&db)
        .arg("check")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    eprintln!(
        "soak {seconds}s: {ok} payments recorded, {dup} duplicates refused, {imported} residents imported"
    );
}

#[test]
fn eight_writers_short() {
    soak(6);
}

#[test]
#[ignore = "60-second soak; run with --ignored"]
fn eight_writers_sixty_seconds() {
    soak(60);
}
