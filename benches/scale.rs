//! Benchmarks at town, district and city scale: `cargo bench --bench scale`.
//!
//! Sizes come from `ZHENGJIAO_BENCH_SIZES` (default `65000,400000`; add
//! `4000000` for the city). Each figure is the median of several runs. The
//! table is printed and written to `target/bench-results.md`.

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::store::Store;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

/// Queries of each form drawn from the database itself.
fn sample_queries(store: &Store) -> Vec<(&'static str, String)> {
    let c = store.conn();
    let pick = |sql: &str| -> Vec<String> {
        c.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|x| x.unwrap())
            .collect()
    };
    let mut out = Vec::new();
    for n in pick("SELECT name FROM residents WHERE id % 997 = 0 LIMIT 20") {
        out.push(("name", n));
    }
    for n in pick(
        "SELECT substr(name, 2) FROM residents WHERE id % 991 = 0 AND length(name) = 3 LIMIT 20",
    ) {
        out.push(("name substring", n));
    }
    for n in pick("SELECT name FROM residents WHERE id % 983 = 0 LIMIT 20") {
        let initials = zhengjiao::domain::name_keys::pinyin_combos(&n)[0].0.clone();
        out.push(("pinyin initials", initials));
        let full = zhengjiao::domain::name_keys::pinyin_combos(&n)[0].1.clone();
        out.push(("full pinyin", full));
    }
    for n in pick("SELECT substr(id_number, 13) FROM residents WHERE id % 977 = 0 LIMIT 20") {
        out.push(("ID tail (6)", n));
    }
    for n in pick("SELECT substr(id_number, 15) FROM residents WHERE id % 971 = 0 LIMIT 20") {
        out.push(("ID tail (4)", n));
    }
    for n in pick("SELECT id_number FROM residents WHERE id % 967 = 0 LIMIT 20") {
        out.push(("full ID", n));
    }
    out
}

fn bench_size(n: usize, dir: &Path, table: &mut String) {
    let db = dir.join(format!("bench-{n}.db"));
    let opts = DemoOptions {
        residents: n,
        ..DemoOptions::default()
    };
    let runs = if n >= 1_000_000 { 1 } else { 3 };
    let build_time = time(runs, || build(&db, &opts, "bench").unwrap());
    let _ = writeln!(table, "| {n} | demo build | {} |", ms(build_time));

    let store = Store::open_read_only(&db).unwrap();
    let queries = sample_queries(&store);
    let mut kinds: Vec<&str> = Vec::new();
    for q in &queries {
        if !kinds.contains(&q.0) {
            kinds.push(q.0);
        }
    }
    for kind in kinds {
        let qs: Vec<&String> = queries
            .iter()
            .filter(|q| q.0 == kind)
            .map(|q| &q.1)
            .collect();
        let mut times = Vec::new();
        let mut worst = Duration::ZERO;
        for q in &qs {
            let t = time(5, || store.find(q, 20).unwrap());
            worst = worst.max(t);
            times.push(t);
        }
        let _ = writeln!(
            table,
            "| {n} | find: {kind} ({} queries) | median {}, worst {} |",
            qs.len(),
            ms(median(times)),
            ms(worst)
        );
    }
    let policies = store.policies().unwrap();
    let policy = policies.get(2025).unwrap();
    let as_of = store.stored_as_of().unwrap().unwrap();
    let t = time(7, || store.progress(policy, as_of).unwrap());
    let _ = writeln!(table, "| {n} | report progress (counters) | {} |", ms(t));
    let early = chrono::NaiveDate::from_ymd_opt(2024, 10, 31).unwrap();
    let t = time(3, || store.progress(policy, early).unwrap());
    let _ = writeln!(
        table,
        "| {n} | report progress, past as-of date (daily counters) | {} |",
        ms(t)
    );
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let _ = writeln!(
        table,
        "| {n} | database file | {:.0} MB |",
        size as f64 / 1e6
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("ZHENGJIAO_BENCH_SIZES")
        .unwrap_or_else(|_| "65000,400000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let dir = tempfile::TempDir::new().unwrap();
    let mut table = String::from("| residents | what | median |\n| --- | --- | --- |\n");
    for n in sizes {
        eprintln!("benchmarking {n} residents…");
        bench_size(n, dir.path(), &mut table);
    }
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
    let header = format!("Machine: {cpu}, {cores} cores. Release build.\n\n");
    print!("{header}{table}");
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/bench-results.md", format!("{header}{table}"));
}
