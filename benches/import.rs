//! The residents import against SQLite's own CSV import:
//! `cargo bench --bench import`.
//!
//! A CSV of `ZHENGJIAO_BENCH_ROWS` residents (default 400,000: the district)
//! is written once; then, in the same run, alternately:
//! - `sqlite3 .import` of the file into a new table with a UNIQUE ID column
//!   (the sqlite3 CLI at `/usr/bin/sqlite3`, or `ZHENGJIAO_SQLITE3`);
//! - `import residents` of the same file into a new database holding the
//!   district's villages (ID checks, villages, search keys, roster rows,
//!   one verdict per line, one transaction);
//! - the floor: that import's result (registry, rosters, search keys,
//!   lists) written into a new database of the same schema by SQLite alone,
//!   from memory, each table in key order and the indexes built once;
//!
//! and then the same file imported a second time (every row unchanged).
//! `ZHENGJIAO_BENCH_CSV=PATH` keeps the file there (and reuses it when it exists).
//! Each figure is the median of `ZHENGJIAO_BENCH_RUNS` runs (default 3).
//! The table is printed and written to `target/bench-import.md`.

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use zhengjiao::demo::names;
use zhengjiao::domain::IdNumber;
use zhengjiao::exchange::{self, Mapping, ReadOptions};
use zhengjiao::store::imports::{ImportKind, ImportOptions};
use zhengjiao::store::registry::geo;
use zhengjiao::store::{Store, audit};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut n = rng.random_range(0..total);
    for (t, w) in items {
        if n < *w {
            return t;
        }
        n -= w;
    }
    items[0].0
}

/// A residents list as a station would get it: UTF-8 with BOM, CRLF.
fn write_csv(path: &Path, rows: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(400);
    let villages: Vec<String> = geo::bundled_villages().into_iter().map(|v| v.0).collect();
    let male: Vec<char> = names::GIVEN_MALE.chars().collect();
    let female: Vec<char> = names::GIVEN_FEMALE.chars().collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all("\u{feff}姓名,身份证号码,村居代码,联系电话,户籍性质\r\n".as_bytes())
        .unwrap();
    let mut seen = std::collections::HashSet::with_capacity(rows);
    let start = chrono::NaiveDate::from_ymd_opt(1930, 1, 1).unwrap();
    while seen.len() < rows {
        let birth = start + chrono::Duration::days(rng.random_range(0..34_000));
        let is_male = rng.random_bool(0.5);
        let seq = rng.random_range(0..500u16) * 2 + u16::from(is_male);
        let id = IdNumber::compose("370406", birth, seq);
        if !seen.insert(id.as_str().to_string()) {
            continue;
        }
        let pool = if is_male { &male } else { &female };
        let mut name = pick(&mut rng, names::SURNAMES).to_string();
        for _ in 0..rng.random_range(1..=2) {
            name.push(pool[rng.random_range(0..pool.len())]);
        }
        let village = &villages[rng.random_range(0..villages.len())];
        let phone = format!("13{:09}", rng.random_range(0..1_000_000_000u64));
        write!(out, "{name},{id},{village},{phone},户籍\r\n").unwrap();
    }
}

fn sqlite3_import(sqlite3: &str, csv: &Path, db: &Path) -> Duration {
    let _ = std::fs::remove_file(db);
    let t = Instant::now();
    let out = Command::new(sqlite3)
        .arg(db)
        .arg(
            "CREATE TABLE residents (name TEXT, id_number TEXT UNIQUE, village TEXT, phone TEXT, residence TEXT)",
        )
        .arg(".mode csv")
        .arg(format!(".import --skip 1 {} residents", csv.display()))
        .output()
        .expect("sqlite3 runs");
    let elapsed = t.elapsed();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// A new database with the district's towns and villages.
fn fresh_store(db: &Path) -> Store {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let mut store = Store::open(db).unwrap().with_user("bench");
    store
        .write(|tx, user| {
            geo::load_bundled_divisions(tx)?;
            audit::record(tx, user, "load", "villages", None, "bundled divisions")?;
            Ok(())
        })
        .unwrap();
    store
}

/// Time one import of the file; returns (time, accepted, unchanged).
fn import(store: &mut Store, csv: &Path) -> (Duration, usize, usize) {
    let t = Instant::now();
    let mut table = exchange::open(csv, &ReadOptions::default()).unwrap();
    let header = table.header(&Mapping::new()).unwrap();
    let opts = ImportOptions::new(csv.display().to_string());
    let report = store
        .import_table(ImportKind::Residents, table, &header, &opts, &|_| {})
        .unwrap();
    let elapsed = t.elapsed();
    assert!(report.rejected.is_empty(), "{:?}", &report.rejected[..1]);
    (elapsed, report.accepted, report.unchanged)
}

/// The floor under any import that leaves what ours leaves: the finished
/// import's rows (held in memory, already judged) written into a new
/// database of the same schema by SQLite alone — each table in its key
/// order, the secondary indexes built once at the end, one transaction in
/// the first load's rollback journal. No reading, judging or search keys
/// to compute: only the writing the result needs.
fn floor(imported: &Path, db: &Path) -> Duration {
    drop(fresh_store(db));
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA cache_size = -32000;
         PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;",
    )
    .unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    let tables = ["residents", "roster", "name_keys", "list_members"];
    conn.execute("ATTACH ?1 AS src", [imported.to_str().unwrap()])
        .unwrap();
    for t in tables {
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE held_{t} AS SELECT * FROM src.{t}"
        ))
        .unwrap();
    }
    conn.execute_batch("DETACH src").unwrap();
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('residents', 'roster', 'name_keys', 'list_members')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let t = Instant::now();
    conn.execute_batch("BEGIN").unwrap();
    for sql in &indexes {
        let name = sql.split_whitespace().nth(2).unwrap();
        conn.execute_batch(&format!("DROP INDEX {name}")).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO residents SELECT * FROM held_residents ORDER BY id;
         INSERT INTO roster SELECT * FROM held_roster ORDER BY year, insurance, resident_id;
         INSERT INTO name_keys SELECT * FROM held_name_keys ORDER BY key, name;
         INSERT INTO list_members SELECT * FROM held_list_members;",
    )
    .unwrap();
    for sql in &indexes {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    t.elapsed()
}

fn main() {
    let rows: usize = std::env::var("ZHENGJIAO_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400_000);
    let runs: usize = std::env::var("ZHENGJIAO_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let sqlite3 = std::env::var("ZHENGJIAO_SQLITE3").unwrap_or_else(|_| "/usr/bin/sqlite3".into());
    let dir = tempfile::TempDir::new().unwrap();
    // ZHENGJIAO_BENCH_CSV keeps the generated file (written once) for profiling.
    let csv = std::env::var_os("ZHENGJIAO_BENCH_CSV")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("residents.csv"));
    if !csv.exists() {
        eprintln!("writing {rows} residents to a CSV…");
        write_csv(&csv, rows);
    }
    let size = std::fs::metadata(&csv).unwrap().len();

    let mut base = Vec::new();
    let mut ours = Vec::new();
    let mut again = Vec::new();
    let mut floors = Vec::new();
    for run in 1..=runs {
        eprintln!("run {run}/{runs}: sqlite3 .import…");
        base.push(sqlite3_import(&sqlite3, &csv, &dir.path().join("plain.db")));
        eprintln!("run {run}/{runs}: import residents…");
        let db = dir.path().join("station.db");
        let mut store = fresh_store(&db);
        let (t, accepted, _) = import(&mut store, &csv);
        assert_eq!(accepted, rows);
        ours.push(t);
        if run == 1 {
            assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());
        }
        eprintln!("run {run}/{runs}: the floor (the result written by SQLite alone)…");
        floors.push(floor(&db, &dir.path().join("floor.db")));
        eprintln!("run {run}/{runs}: the same file again…");
        let (t, _, unchanged) = import(&mut store, &csv);
        assert_eq!(unchanged, rows);
        again.push(t);
    }
    let (base, ours, again, floor) = (median(base), median(ours), median(again), median(floors));
    let ratio = ours.as_secs_f64() / base.as_secs_f64();
    let mut table = String::from("| what | median |\n| --- | --- |\n");
    let _ = writeln!(
        table,
        "| sqlite3 .import into a table with a UNIQUE ID column | {} |",
        secs(base)
    );
    let _ = writeln!(table, "| import residents (all new) | {} |", secs(ours));
    let _ = writeln!(table, "| ratio (limit 2.5) | {ratio:.2} |");
    let _ = writeln!(
        table,
        "| floor: the import's result written by SQLite alone (tables in key order, indexes built once) | {} ({:.2}×) |",
        secs(floor),
        floor.as_secs_f64() / base.as_secs_f64()
    );
    let _ = writeln!(
        table,
        "| import residents again (all unchanged) | {} |",
        secs(again)
    );
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let header = format!(
        "Machine: {cpu}, {cores} cores, load average {}. Release build. {rows} rows, {:.1} MB CSV, median of {runs} runs.\n\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        size as f64 / 1e6
    );
    print!("{header}{table}");
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/bench-import.md", format!("{header}{table}"));
}
