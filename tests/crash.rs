//! Crash safety: a job killed with SIGKILL at any moment leaves the file
//! passing `check`, with the job wholly in or wholly absent; rerunning it
//! completes it. A government office's proxy batch, and imports of the
//! residents' registry and of the tax system's payments read from real CSV
//! files.

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

fn check(db: &Path) {
    let out = bin().arg("--db").arg(db).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "check failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ------------------------------------------------- killing a job at random

/// A 3,000-resident demo database at `db`, as of `today`.
fn small_demo(db: &Path, seed: &str, today: &str) {
    assert!(
        bin()
            .arg("--db")
            .arg(db)
            .args([
                "demo",
                "--residents",
                "3000",
                "--seed",
                seed,
                "--today",
                today
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
}

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
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sidecar(to, suffix));
    }
    std::fs::copy(from, to).unwrap();
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether some process holds the file's write lock, i.e. is inside a write
/// transaction (or committing it): a `BEGIN IMMEDIATE` that may not wait
/// finds it busy. When it did not, the lock is given back at once.
fn write_locked(db: &Path) -> bool {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::ZERO).unwrap();
    match c.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            c.execute_batch("ROLLBACK").unwrap();
            false
        }
        // Plain SQLITE_BUSY (not BUSY_RECOVERY, BUSY_SNAPSHOT…): the writer's lock.
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_BUSY =>
        {
            true
        }
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            false
        }
        Err(e) => panic!("probing the write lock: {e}"),
    }
}

/// A job to kill: the command that runs it on a file, a complete run of it
/// (which asserts its report), and the check that a file it completed on
/// holds its own records whole.
struct Job<'a> {
    name: &'a str,
    cmd: &'a dyn Fn(&Path) -> Command,
    complete: &'a dyn Fn(&Path),
    whole: &'a dyn Fn(&Path),
}

/// What the kills of one job did.
#[derive(Debug, Default)]
struct Kills {
    /// the process was still running when it was killed
    interrupted: u32,
    /// ... and it held the write lock just before the kill: killed inside
    /// its transaction
    in_transaction: u32,
    /// ... and it had begun to write its log: killed while committing
    in_commit: u32,
    /// the job had committed (or finished) before the kill
    completed: u32,
    /// ... killed with a rollback journal beside the file (a first load
    /// writes with one instead of the log)
    journal_left: u32,
}

/// The length of the file's write-ahead log (0 when there is none).
fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(sidecar(db, "-wal")).map_or(0, |m| m.len())
}

/// Run `complete` on `db` (a file without a log): how long it took, and
/// when its log began to grow. A job's transaction fits in SQLite's page
/// cache, so that is when it began to commit.
fn time_job(db: &Path, complete: &dyn Fn(&Path)) -> (Duration, Option<Duration>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    /// Stops the watch when the job ends, even by a panic.
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    assert_eq!(wal_len(db), 0);
    let done = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|s| {
        let watch = s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                if wal_len(db) > 0 {
                    return Some(start.elapsed());
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            None
        });
        let took = {
            let _done = Done(&done);
            complete(db);
            start.elapsed()
        };
        (took, watch.join().unwrap())
    })
}

/// Kill the job on `db` at random moments, `rounds` times. After each kill
/// the file passes `check` and its census is the one before the job or the
/// one after a complete run (measured on a copy, which also times the job);
/// in the latter case the job's own records are whole. A file the job
/// completed on is put back as it was before, so that every round kills a
/// real job. At least `in_transaction` kills must land inside the job's
/// transaction. Returns the census before and after, and what the kills did.
fn kill_at_random_moments(
    dir: &Path,
    db: &Path,
    job: &Job,
    rounds: u32,
    in_transaction: u32,
    rng: &mut impl Rng,
) -> (BTreeMap<String, i64>, BTreeMap<String, i64>, Kills) {
    let name = job.name;
    let base = dir.join(format!("{name}-before.db"));
    let reference = dir.join(format!("{name}-complete.db"));
    copy_db(db, &base);
    copy_db(db, &reference);
    let before = census(db);
    let (took, commit) = time_job(&reference, job.complete);
    (job.whole)(&reference);
    let after = census(&reference);
    assert_ne!(before, after);
    eprintln!("{name}: {took:?} when left alone, commit began at {commit:?}");
    let took_us = took.as_micros() as i64;
    // `aim` is where the commit is thought to begin: first where it began
    // on the copy, then moved by what the kills find, since the job runs
    // faster or slower as the machine's load changes. Every other kill falls
    // anywhere before it; the others fall near it, each moving it a step
    // later if it found the job absent and earlier if it found it in, the
    // step doubling while the moves go one way and halving when they turn.
    let mut aim = commit.map_or(took_us * 85 / 100, |c| c.as_micros() as i64);
    let mut step = took_us / 20;
    let mut later = None;
    let mut kills = Kills::default();
    for round in 0..rounds {
        let near_commit = round % 2 == 1;
        let at = if near_commit {
            (aim + rng.random_range(-step..=step)).max(0)
        } else {
            rng.random_range(0..=aim)
        };
        let log_before = wal_len(db);
        let mut child = (job.cmd)(db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(at as u64));
        let running = child.try_wait().unwrap().is_none();
        let locked = running && write_locked(db);
        let logging = wal_len(db) > log_before;
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let journal_left = sidecar(db, "-journal").exists();
        check(db);
        let now = census(db);
        let absent = now == before;
        if absent {
            assert!(running, "round {round}: {name} ended but left nothing");
            kills.interrupted += 1;
            kills.in_transaction += u32::from(locked);
            kills.in_commit += u32::from(locked && logging);
            kills.journal_left += u32::from(journal_left);
        } else {
            assert!(
                now == after,
                "round {round}, killed after {at} µs: {name} is neither wholly absent ({:?}) nor wholly in ({:?})",
                differences(&now, &before),
                differences(&now, &after)
            );
            (job.whole)(db);
            kills.completed += 1;
            if round + 1 < rounds {
                copy_db(&base, db);
            }
        }
        if near_commit {
            aim = if absent {
                aim.max(at) + step
            } else {
                aim.min(at) - step
            }
            .max(1_000);
            step = if later == Some(absent) {
                (step * 2).min(took_us / 4)
            } else {
                (step / 2).max(1_000)
            };
            later = Some(absent);
        } else if !absent {
            // The job committed sooner than thought.
            aim = aim.min(at);
        }
    }
    eprintln!("{name}: {kills:?}");
    assert!(
        kills.interrupted > 0 && kills.in_transaction >= in_transaction,
        "too few kills landed while {name} ran: {kills:?}"
    );
    (before, after, kills)
}

// ------------------------------------------------------------- proxy batch

const YEAR: &str = "2025";
const PAID_ON: &str = "2024-11-23";

fn proxy_cmd(db: &Path) -> Command {
    let mut c = bin();
    c.arg("--db")
        .arg(db)
        .args([
            "proxy", "pay", "--year", YEAR, "--office", "health", "--date", PAID_ON, "--json",
        ])
        .env("ZHENGJIAO_USER", "crash-test");
    c
}

/// Run the health office's batch to its end: its JSON report.
fn proxy_json(db: &Path) -> serde_json::Value {
    let out = proxy_cmd(db).output().unwrap();
    assert!(
        out.status.success(),
        "proxy pay: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// How many lines the health office has left to pay.
fn proxy_to_pay(db: &Path) -> u64 {
    let out = bin()
        .arg("--db")
        .arg(db)
        .args([
            "proxy", "list", "--year", YEAR, "--office", "health", "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["to_pay"].as_u64().unwrap()
}

/// The file holds exactly one batch (the file before had none), of
/// `payments` proxy payments by the health office on the day, each in
/// force, with one audit entry.
fn proxy_batch_whole(db: &Path, payments: i64) {
    use rusqlite::params;
    let c = rusqlite::Connection::open(db).unwrap();
    let n = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> i64 {
        c.query_row(sql, p, |r| r.get(0)).unwrap()
    };
    assert_eq!(n("SELECT count(*) FROM proxy_batches", &[]), 1, "one batch");
    let (batch, recorded): (i64, i64) = c
        .query_row(
            "SELECT id, payments FROM proxy_batches WHERE year = ?1 AND office = 'health' AND paid_on = ?2",
            params![YEAR, PAID_ON],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(recorded, payments, "the batch's count of payments");
    assert_eq!(
        n(
            "SELECT count(*) FROM proxy_batch_items WHERE batch_id = ?1",
            params![batch]
        ),
        payments,
        "the batch's items"
    );
    assert_eq!(
        n(
            "SELECT count(DISTINCT p.id) FROM proxy_batch_items i
               JOIN payments p ON p.id = i.payment_id
               JOIN paid x ON x.payment_id = p.id
              WHERE i.batch_id = ?1 AND p.kind = 'payment' AND p.channel = 'proxy'
                AND p.office = 'health' AND p.year = ?2 AND p.paid_on = ?3",
            params![batch, YEAR, PAID_ON]
        ),
        payments,
        "the batch's payments, each in force"
    );
    assert_eq!(
        n(
            "SELECT count(*) FROM audit WHERE action = 'proxy-batch' AND entity = 'proxy_batches' AND entity_id = ?1",
            params![batch]
        ),
        1,
        "the batch's audit entry"
    );
    assert_eq!(
        n(
            "SELECT count(*) FROM audit WHERE action = 'proxy-batch'",
            &[]
        ),
        1,
        "no other batch's audit entry"
    );
}

/// The health office's batch, which pays the medical share of residents
/// aged 70 or more (卫健代缴): a small demo plus 8,000 such residents
/// imported, so that it runs a few hundred milliseconds. Killed at random
/// moments, then rerun to its end, and once more, which pays nobody twice.
#[cfg(unix)]
#[test]
fn proxy_batch_killed_at_random_moments() {
    const ELDERLY: usize = 8_000;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("crash.db");
    small_demo(&db, "4", PAID_ON);
    let elderly = dir.path().join("老年居民.csv");
    // Born from 1935 to 1952.
    let born = NaiveDate::from_ymd_opt(1935, 1, 1).unwrap();
    residents_csv(&db, &elderly, ELDERLY, born, 6_500);
    assert_eq!(
        verdicts(&import_json(&db, "residents", &elderly)),
        (ELDERLY as u64, 0)
    );
    check(&db);
    let to_pay = proxy_to_pay(&db);
    assert!(to_pay >= ELDERLY as u64, "{to_pay} lines to pay");
    let payments = to_pay as i64;
    let complete = |f: &Path| {
        let report = proxy_json(f);
        assert!(report["batch_id"].is_i64(), "{report:#}");
        assert_eq!(report["paid"].as_array().unwrap().len() as u64, to_pay);
    };
    let whole = |f: &Path| proxy_batch_whole(f, payments);
    let job = Job {
        name: "proxy batch",
        cmd: &proxy_cmd,
        complete: &complete,
        whole: &whole,
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let (before, after, _) = kill_at_random_moments(dir.path(), &db, &job, 10, 3, &mut rng);

    // Rerunning completes the batch, or, if the last kill came after its
    // commit, finds nobody left to pay.
    let was_in = census(&db) == after;
    let report = proxy_json(&db);
    let paid = report["paid"].as_array().unwrap().len() as u64;
    if was_in {
        assert_eq!((paid, &report["batch_id"]), (0, &serde_json::Value::Null));
    } else {
        assert_eq!(paid, to_pay, "the rerun pays every line");
    }
    assert_eq!(census(&db), after, "the rerun is whole");
    proxy_batch_whole(&db, payments);
    check(&db);
    // Once more: nobody is paid twice, nothing is recorded.
    let report = proxy_json(&db);
    assert_eq!(
        report["paid"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
    assert!(report["batch_id"].is_null());
    assert_eq!(census(&db), after, "a rerun after success records nothing");
    assert_ne!(census(&db), before);
    proxy_batch_whole(&db, payments);
    check(&db);
}

// ------------------------------------------------------------------ imports

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

/// Kill `import KIND FILE`, whose `rows` rows are all new, at random
/// moments: a complete run accepts every row, and the import's own record
/// (its rows and its audit entry) is whole.
fn kill_import_at_random_moments(
    dir: &Path,
    db: &Path,
    kind: &str,
    file: &Path,
    rows: u64,
    rounds: u32,
    rng: &mut impl Rng,
) -> (BTreeMap<String, i64>, BTreeMap<String, i64>, Kills) {
    let cmd = |db: &Path| import_cmd(db, kind, file);
    let complete = |db: &Path| assert_eq!(verdicts(&import_json(db, kind, file)), (rows, 0));
    let whole = |db: &Path| {
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
    };
    let name = format!("import {kind}");
    let job = Job {
        name: &name,
        cmd: &cmd,
        complete: &complete,
        whole: &whole,
    };
    kill_at_random_moments(dir, db, &job, rounds, 1, rng)
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
/// (the demo has none of its ID numbers) spread over the demo's villages,
/// born over the `days` days from `first_day`.
fn residents_csv(db: &Path, path: &Path, rows: usize, first_day: NaiveDate, days: usize) {
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
    small_demo(&db, "8", "2024-11-23");
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);

    let residents = dir.path().join("居民名单.csv");
    let born = NaiveDate::from_ymd_opt(1948, 1, 1).unwrap();
    residents_csv(&db, &residents, RESIDENTS, born, 20_000);
    let rows = RESIDENTS as u64;
    let (before, after, _) =
        kill_import_at_random_moments(dir.path(), &db, "residents", &residents, rows, 8, &mut rng);
    rerun_completes(&db, "residents", &residents, rows, &before, &after);

    let payments = dir.path().join("缴费明细.csv");
    let rows = payments_csv(&db, &payments, 12_000);
    assert!(rows >= 10_000, "{rows} payments to import");
    let (before, after, _) =
        kill_import_at_random_moments(dir.path(), &db, "payments", &payments, rows, 6, &mut rng);
    rerun_completes(&db, "payments", &payments, rows, &before, &after);
}

/// A first load (residents into an empty registry) writes with a rollback
/// journal instead of the log: killed at any moment, the file opens (read
/// only too: `check` reads it) and holds exactly what it held before;
/// rerunning the load completes it, and the file is back in WAL mode.
#[cfg(unix)]
#[test]
fn first_load_killed_at_random_moments() {
    const RESIDENTS: usize = 20_000;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("first.db");
    let villages = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-db/shanting-villages.csv");
    let out = import_cmd(&db, "villages", &villages).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(41);

    let residents = dir.path().join("居民名单.csv");
    let born = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    residents_csv(&db, &residents, RESIDENTS, born, 20_000);
    let rows = RESIDENTS as u64;
    let (before, after, kills) =
        kill_import_at_random_moments(dir.path(), &db, "residents", &residents, rows, 8, &mut rng);
    assert!(
        kills.journal_left > 0,
        "no kill found the load writing with a rollback journal: {kills:?}"
    );
    rerun_completes(&db, "residents", &residents, rows, &before, &after);
    let mode: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
