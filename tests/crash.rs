//! Crash safety: a batch killed with SIGKILL at any moment leaves the file
//! passing `check`, with the batch wholly in or wholly absent; rerunning it
//! completes it. The same for imports of the residents' registry and of the
//! tax system's payments, read from real CSV files.

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use zhengjiao::domain::IdNumber;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
}

fn counts(db: &Path) -> (i64, i64, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    (
        q("SELECT count(*) FROM proxy_batches"),
        q("SELECT count(*) FROM payments WHERE channel = 'proxy' AND office = 'health'"),
        q("SELECT count(*) FROM proxy_batch_items"),
    )
}

fn check(db: &Path) {
    let out = bin().arg("--db").arg(db).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "check failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[cfg(unix)]
#[test]
fn proxy_batch_killed_at_random_moments() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("crash.db");
    assert!(
        bin()
            .arg("--db")
            .arg(&db)
            .args(["demo", "--residents", "40000", "--seed", "4"])
            .status()
            .unwrap()
            .success()
    );
    let (_, demo_proxy, _) = counts(&db);
    let pay = || {
        let mut c = bin();
        c.arg("--db").arg(&db).args([
            "proxy",
            "pay",
            "--year",
            "2025",
            "--office",
            "health",
            "--date",
            "2024-11-23",
        ]);
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let mut interrupted = 0;
    for _ in 0..8 {
        let mut child = pay().spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..400)));
        let killed = child.try_wait().unwrap().is_none();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check(&db);
        let (batches, proxy, items) = counts(&db);
        assert!(batches <= 1, "one batch at most");
        if batches == 0 {
            assert_eq!(proxy, demo_proxy, "a killed batch left payments behind");
            assert_eq!(items, 0);
            interrupted += i32::from(killed);
        } else {
            assert_eq!(proxy - demo_proxy, items, "the batch is whole");
            break;
        }
    }
    // Rerunning completes it (or, if it already completed, records nothing new).
    assert!(pay().status().unwrap().success());
    let (batches, proxy, items) = counts(&db);
    assert!(batches >= 1);
    assert_eq!(proxy - demo_proxy, items);
    let again = counts(&db);
    assert!(pay().status().unwrap().success());
    let after = counts(&db);
    assert_eq!(after.1, again.1, "a rerun after success pays nobody twice");
    check(&db);
    eprintln!("batch interrupted {interrupted} times before it completed");
}

// ------------------------------------------------------------------ imports

/// Rows per table of the whole file (SQLite's statistics tables aside): an
/// import is wholly absent or wholly in when this equals the census before
/// it or after a complete run.
fn census(db: &Path) -> BTreeMap<String, i64> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// The tables whose counts differ, with their counts in `a` and in `b`.
fn differences(a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>) -> Vec<String> {
    a.iter()
        .filter(|(t, n)| b.get(*t) != Some(n))
        .map(|(t, n)| format!("{t}: {n} vs {:?}", b.get(t)))
        .collect()
}

/// A copy of a closed database file (its log checkpointed into it first).
fn copy_db(from: &Path, to: &Path) {
    let c = rusqlite::Connection::open(from).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(c);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(to, suffix));
    }
    std::fs::copy(from, to).unwrap();
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn import_cmd(db: &Path, kind: &str, file: &Path) -> Command {
    let mut c = bin();
    c.arg("--db")
        .arg(db)
        .args(["import", kind])
        .arg(file)
        .arg("--json")
        .env("ZHENGJIAO_USER", "crash-test");
    c
}

/// Run an import to its end: its JSON report.
fn import_json(db: &Path, kind: &str, file: &Path) -> serde_json::Value {
    let out = import_cmd(db, kind, file).output().unwrap();
    assert!(
        out.status.success(),
        "import {kind}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `accepted` and `unchanged` of a report with no rejected row.
fn verdicts(report: &serde_json::Value) -> (u64, u64) {
    assert_eq!(
        report["rejected"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
    assert_eq!(report["updated"], 0, "{report:#}");
    (
        report["accepted"].as_u64().unwrap(),
        report["unchanged"].as_u64().unwrap(),
    )
}

/// What the kills of one import did.
#[derive(Debug, Default)]
struct Kills {
    /// the process was still running when it was killed
    interrupted: u32,
    /// ... and the log had grown: killed while committing
    in_commit: u32,
    /// the import had finished (or committed) before the kill
    completed: u32,
}

/// Kill `import KIND FILE` on `db` at random moments, `rounds` times. After
/// each kill the file passes `check` and its census is the one before the
/// import or the one after a complete run (measured on a copy, which also
/// times the import). A file the import completed on is put back as it was
/// before, so that every round kills a real import. Returns the census
/// before and after.
fn kill_at_random_moments(
    dir: &Path,
    db: &Path,
    kind: &str,
    file: &Path,
    rows: u64,
    rounds: u32,
    rng: &mut impl Rng,
) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let base = dir.join(format!("{kind}-before.db"));
    let reference = dir.join(format!("{kind}-complete.db"));
    copy_db(db, &base);
    copy_db(db, &reference);
    let before = census(db);
    let start = Instant::now();
    assert_eq!(verdicts(&import_json(&reference, kind, file)), (rows, 0));
    let took = start.elapsed();
    let after = census(&reference);
    assert_ne!(before, after);
    eprintln!("import {kind}: {rows} rows in {took:?} when left alone");
    let took_ms = took.as_millis() as u64;
    let mut kills = Kills::default();
    for round in 0..rounds {
        // Every other kill aims at the end, where the commit writes the log.
        let at = if round % 2 == 0 {
            rng.random_range(0..=took_ms)
        } else {
            rng.random_range(took_ms * 7 / 10..=took_ms * 21 / 20)
        };
        let wal = sidecar(db, "-wal");
        let wal_before = std::fs::metadata(&wal).map_or(0, |m| m.len());
        let mut child = import_cmd(db, kind, file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(at));
        let running = child.try_wait().unwrap().is_none();
        let wal_grew = std::fs::metadata(&wal).map_or(0, |m| m.len()) > wal_before;
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check(db);
        let now = census(db);
        if now == before {
            assert!(running, "round {round}: the import ended but left nothing");
            kills.interrupted += 1;
            kills.in_commit += u32::from(wal_grew);
        } else {
            assert!(
                now == after,
                "round {round}, killed after {at} ms: the import is neither wholly absent ({:?}) nor wholly in ({:?})",
                differences(&now, &before),
                differences(&now, &after)
            );
            let last: (i64, i64, i64) = rusqlite::Connection::open(db)
                .unwrap()
                .query_row(
                    "SELECT accepted, (SELECT sum(coalesce(x.last_line, x.line) - x.line + 1) FROM import_rows x WHERE x.import_id = i.id),
                            (SELECT count(*) FROM audit a WHERE a.entity = 'imports' AND a.entity_id = i.id)
                       FROM imports i ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert_eq!(
                last,
                (rows as i64, rows as i64, 1),
                "the import's own record is whole"
            );
            kills.completed += 1;
            if round + 1 < rounds {
                copy_db(&base, db);
            }
        }
    }
    eprintln!("import {kind}: {kills:?}");
    assert!(
        kills.interrupted > 0,
        "no kill landed while {kind} ran: {kills:?}"
    );
    (before, after)
}

/// Rerunning a killed import completes it; running it again changes nothing
/// but the record of that run.
fn rerun_completes(
    db: &Path,
    kind: &str,
    file: &Path,
    rows: u64,
    before: &BTreeMap<String, i64>,
    after: &BTreeMap<String, i64>,
) {
    let was_in = census(db) == *after;
    let first = verdicts(&import_json(db, kind, file));
    if was_in {
        assert_eq!(first, (0, rows), "the last kill came after the commit");
    } else {
        assert_eq!(census(db), *after, "the rerun is whole");
        assert_eq!(first, (rows, 0), "the rerun takes every row");
    }
    check(db);
    let settled = census(db);
    assert_eq!(verdicts(&import_json(db, kind, file)), (0, rows));
    let again = census(db);
    for (table, n) in &again {
        let grew = n - settled[table];
        let expected = match table.as_str() {
            "imports" | "audit" => 1,
            // Every line unchanged: one row stands for them all.
            "import_rows" => 1,
            _ => 0,
        };
        assert_eq!(grew, expected, "{table} after a run of an imported file");
    }
    assert_ne!(before, &again);
    check(db);
}

/// The residents' registry file: `rows` people of the neighbouring district
/// (the demo has none of its ID numbers) spread over the demo's villages.
fn residents_csv(db: &Path, path: &Path, rows: usize) {
    let c = rusqlite::Connection::open(db).unwrap();
    let codes: Vec<String> = c
        .prepare("SELECT code FROM villages ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert!(!codes.is_empty());
    const SURNAMES: [&str; 12] = [
        "王", "李", "张", "刘", "陈", "杨", "孙", "褚", "邵", "颜", "满", "种",
    ];
    const GIVEN: [&str; 16] = [
        "建国", "秀英", "志强", "桂兰", "海燕", "明", "静", "磊", "玉梅", "振华", "丽", "浩然",
        "子涵", "德胜", "春花", "一鸣",
    ];
    let first_day = NaiveDate::from_ymd_opt(1948, 1, 1).unwrap();
    let days = 20_000;
    let mut text = String::from("姓名,身份证号码,村居代码,联系电话\n");
    for i in 0..rows {
        let birth = first_day + chrono::Days::new((i % days) as u64);
        let id = IdNumber::compose("370481", birth, (i / days * 2 + 1) as u16);
        text.push_str(&format!(
            "{}{},{},{},1385632{:04}\n",
            SURNAMES[i % SURNAMES.len()],
            GIVEN[i / SURNAMES.len() % GIVEN.len()],
            id.as_str(),
            codes[i * 7 % codes.len()],
            i % 10_000
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// The tax system's payments file: the medical share of up to `rows` of the
/// new residents who owe one, paid by WeChat.
fn payments_csv(db: &Path, path: &Path, rows: usize) -> u64 {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT r.name, r.id_number, ro.person_fen FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE r.id_number LIKE '370481%' AND ro.year = 2025 AND ro.insurance = 'medical'
                AND ro.status = 'due' AND ro.person_fen > 0
              ORDER BY r.id LIMIT ?1",
        )
        .unwrap();
    let mut text = String::from("姓名,社会保障号码,征收项目,缴费金额（元）,缴费日期,缴费方式\n");
    let mut n = 0;
    for row in st
        .query_map([rows as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap()
    {
        let (name, id, fen) = row.unwrap();
        text.push_str(&format!(
            "{name},{id},城乡居民基本医疗保险,{}.{:02},2024-11-20,微信\n",
            fen / 100,
            fen % 100
        ));
        n += 1;
    }
    std::fs::write(path, text).unwrap();
    n
}

#[cfg(unix)]
#[test]
fn import_killed_at_random_moments() {
    const RESIDENTS: usize = 20_000;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("import.db");
    assert!(
        bin()
            .arg("--db")
            .arg(&db)
            .args([
                "demo",
                "--residents",
                "3000",
                "--seed",
                "8",
                "--today",
                "2024-11-23"
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);

    let residents = dir.path().join("居民名单.csv");
    residents_csv(&db, &residents, RESIDENTS);
    let rows = RESIDENTS as u64;
    let (before, after) =
        kill_at_random_moments(dir.path(), &db, "residents", &residents, rows, 8, &mut rng);
    rerun_completes(&db, "residents", &residents, rows, &before, &after);

    let payments = dir.path().join("缴费明细.csv");
    let rows = payments_csv(&db, &payments, 12_000);
    assert!(rows >= 10_000, "{rows} payments to import");
    let (before, after) =
        kill_at_random_moments(dir.path(), &db, "payments", &payments, rows, 6, &mut rng);
    rerun_completes(&db, "payments", &payments, rows, &before, &after);
}
