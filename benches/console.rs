//! The console on the 400,000-resident demo: `cargo bench --bench console`.
//!
//! * time to the first frame, and to the first *full* frame (every visible
//!   pane's data in), on a `TestBackend` at 80×24;
//! * each keystroke's handling and drawing (what the input path costs; store
//!   work runs on the workers) over a script of 200 moves, drills, filter and
//!   sort changes, median and worst — and, apart, how long the data behind
//!   each key took to arrive;
//! * bytes sent to a real `CrosstermBackend` per cursor move after the first
//!   frame (the console's diffing at work over a slow SSH link);
//! * the console's peak memory (VmHWM). The demo database is built by a child
//!   process, so the figure is the console's own.
//!
//! `ZHENGJIAO_BENCH_RESIDENTS` changes the size (default 400000). The
//! database is kept in the target directory between runs (the demo is
//! deterministic). Results are printed and written to `target/console-bench.md`.

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::tui::app::App;
use zhengjiao::tui::session::Session;
use zhengjiao::tui::terminal::Console;
use zhengjiao::tui::{Keymap, Lang, Theme, Ui};

const BUILD_ENV: &str = "ZHENGJIAO_BENCH_BUILD";
const SETTLE: Duration = Duration::from_secs(60);

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The demo database, built by a child process when missing.
fn database(residents: usize) -> PathBuf {
    let db = target_dir().join(format!(
        "bench-console-{residents}-v{}.db",
        zhengjiao::store::schema::version()
    ));
    if !db.exists() {
        eprintln!(
            "building the {residents}-resident demo at {} …",
            db.display()
        );
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env(BUILD_ENV, &db)
            .env("ZHENGJIAO_BENCH_RESIDENTS", residents.to_string())
            .status()
            .unwrap();
        assert!(status.success(), "demo build failed");
    }
    db
}

fn residents() -> usize {
    std::env::var("ZHENGJIAO_BENCH_RESIDENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400_000)
}

fn ui() -> Ui {
    Ui {
        lang: Lang::Zh,
        theme: Theme::new(true, false),
        keymap: Keymap::builtin(),
        problems: Vec::new(),
    }
}

fn open(db: &Path) -> App {
    let (session, store) = Session::open(db, false, None, Some("bench".into())).unwrap();
    let mut app = App::new(ui(), session, store).unwrap();
    app.resize(80, 24);
    app
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Counts what the terminal is sent.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// 200 keys: town moves, a whole town's list (ends, sorts, filters), the
/// dashboard, drills, village moves, row moves, pages, filters, sorts.
fn script() -> Vec<(&'static str, KeyCode)> {
    use KeyCode::*;
    let mut s = Vec::new();
    // the console opens on the first town's villages: back to the towns first
    let mut add = |what: &'static str, k: KeyCode, n: usize| {
        for _ in 0..n {
            s.push((what, k));
        }
    };
    add("drill in/out", Esc, 1);
    add("town move", Char('j'), 5);
    add("town move", Char('k'), 4);
    // a whole town's list (the towns pane's selection): ends, every sort
    // column and every filter, round and back
    add("drill in/out", Tab, 1);
    for _ in 0..2 {
        add("town list End / Home", End, 1);
        add("town list End / Home", Home, 1);
    }
    add("town list sort", Char('s'), 6);
    add("town list filter", Char('f'), 5);
    add("town list End / Home", End, 1);
    add("town list sort", Char('s'), 6);
    add("town list End / Home", Home, 1);
    add("drill in/out", BackTab, 1);
    add("dashboard", Char('2'), 1);
    add("dashboard", Char('1'), 1);
    add("drill in/out", Enter, 1); // the town's villages
    add("village move", Char('j'), 20);
    add("village move", Char('k'), 5);
    add("drill in/out", Enter, 1); // the village's residents
    add("row move", Char('j'), 30);
    add("row move", Char('k'), 10);
    add("page", PageDown, 10);
    add("page", PageUp, 5);
    add("filter change", Char('f'), 10);
    add("sort change", Char('s'), 12);
    add("drill in/out", Enter, 1); // detail
    add("drill in/out", Esc, 1);
    add("drill in/out", Esc, 1); // back to the villages
    add("village move", Char('j'), 15);
    add("drill in/out", Enter, 1);
    add("row move", Char('j'), 30);
    add("drill in/out", Esc, 1);
    add("drill in/out", Esc, 1); // the towns
    add("town move", Char('j'), 5);
    add("drill in/out", Enter, 1);
    add("village move", Char('j'), 9);
    s.truncate(200);
    s
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn vm_hwm_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Resident memory now, for the log: where the peak comes from.
fn note(stage: &str) {
    eprintln!(
        "  {stage}: VmRSS {:.1} MB (file-backed {:.1} MB), VmHWM {:.1} MB",
        status_kib("VmRSS:").unwrap_or(0) as f64 / 1024.0,
        status_kib("RssFile:").unwrap_or(0) as f64 / 1024.0,
        vm_hwm_kib().unwrap_or(0) as f64 / 1024.0
    );
}

/// The first and the last page (count + 40 rows) of the biggest town's
/// list in every filter, order and direction, straight from the store: the
/// keys the script does not press cost no more than those it does.
fn every_page_of_the_biggest_town(db: &Path, out: &mut String) {
    use zhengjiao::store::Store;
    use zhengjiao::store::registry::residents::{LIST_FILTERS, ListQuery, SORT_COLUMNS, Scope};
    let store = Store::open_read_only(db).unwrap();
    let (town, people): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT v.town_id, sum(s.n) FROM standing_counts s JOIN villages v ON v.id = s.village_id
              GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let year: i32 = store
        .conn()
        .query_row("SELECT max(year) FROM standing_counts", [], |r| r.get(0))
        .unwrap();
    let mut times: Vec<(Duration, String)> = Vec::new();
    for filter in LIST_FILTERS {
        for sort in SORT_COLUMNS {
            for descending in [false, true] {
                let q = ListQuery {
                    year,
                    scope: Scope::Town(town),
                    filter,
                    sort,
                    descending,
                };
                for from_end in [false, true] {
                    let t = Instant::now();
                    let n = store.resident_count(&q).unwrap();
                    let rows = if from_end {
                        store.resident_page_from_end(&q, 0, 40).unwrap()
                    } else {
                        store.resident_page(&q, 0, 40).unwrap()
                    };
                    times.push((
                        t.elapsed(),
                        format!(
                            "{filter:?} by {sort:?}{}{}",
                            if descending { " descending" } else { "" },
                            if from_end { ", last page" } else { "" }
                        ),
                    ));
                    assert_eq!(rows.len() as i64, n.min(40), "{q:?}");
                }
            }
        }
    }
    times.sort();
    let (worst, what) = times.last().unwrap();
    let _ = writeln!(
        out,
        "| first and last page of the biggest town ({people} people) in each of {} filter × order × direction cases | < 100 ms / < 300 ms | median {}, worst {} ({what}) |",
        times.len() / 2,
        ms(times[times.len() / 2].0),
        ms(*worst)
    );
}

fn main() {
    if let Some(path) = std::env::var_os(BUILD_ENV) {
        let opts = DemoOptions {
            residents: residents(),
            ..Default::default()
        };
        build(Path::new(&path), &opts, "bench").unwrap();
        return;
    }
    let n = residents();
    let db = database(n);
    note("before the console");
    let mut out = String::new();
    let _ = writeln!(out, "| what | target | measured |\n| --- | --- | --- |");
    // first frame and first full frame: five fresh consoles, the first one cold
    let mut firsts = Vec::new();
    let mut fulls = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        let app = open(&db);
        let mut test = Terminal::new(TestBackend::new(80, 24)).unwrap();
        test.draw(|f| app.draw(f)).unwrap();
        firsts.push(t0.elapsed());
        let mut app = app;
        assert!(app.settle(SETTLE), "first page did not arrive");
        test.draw(|f| app.draw(f)).unwrap();
        fulls.push(t0.elapsed());
    }
    note("first full frames");
    let _ = writeln!(
        out,
        "| first frame (header, loading panes) | | first run {}, median of 5 {} |",
        ms(firsts[0]),
        ms(median(firsts.clone()))
    );
    let _ = writeln!(
        out,
        "| first full frame (district gauges, first town's villages, first village's residents) | < 300 ms | first run {}, median of 5 {} |",
        ms(fulls[0]),
        ms(median(fulls.clone()))
    );
    let mut app = open(&db);
    let mut test = Terminal::new(TestBackend::new(80, 24)).unwrap();
    assert!(app.settle(SETTLE));
    test.draw(|f| app.draw(f)).unwrap();

    // keystrokes: handling + drawing, and the data behind them
    let mut per_key: Vec<Duration> = Vec::new();
    let mut by_kind: Vec<(&str, Vec<Duration>, Vec<Duration>)> = Vec::new();
    let trace = std::env::var_os("ZHENGJIAO_TRACE_JOBS").is_some();
    for (what, code) in script() {
        if trace {
            eprintln!("key {what} {code:?}");
        }
        let t = Instant::now();
        app.on_event(&key(code));
        test.draw(|f| app.draw(f)).unwrap();
        let input = t.elapsed();
        per_key.push(input);
        let t = Instant::now();
        assert!(app.settle(SETTLE), "data did not arrive");
        test.draw(|f| app.draw(f)).unwrap();
        let data = t.elapsed();
        match by_kind.iter_mut().find(|k| k.0 == what) {
            Some(k) => {
                k.1.push(input);
                k.2.push(data);
            }
            None => by_kind.push((what, vec![input], vec![data])),
        }
    }
    let worst = per_key.iter().max().copied().unwrap_or_default();
    let _ = writeln!(
        out,
        "| keystroke handling + drawing, {} keys | < 16 ms | median {}, worst {} |",
        per_key.len(),
        ms(median(per_key.clone())),
        ms(worst)
    );
    for (what, input, data) in &by_kind {
        let _ = writeln!(
            out,
            "| — {what} ({}×): input path / data arrived (worker) | | {} worst {} / {} worst {} |",
            input.len(),
            ms(median(input.clone())),
            ms(*input.iter().max().unwrap()),
            ms(median(data.clone())),
            ms(*data.iter().max().unwrap()),
        );
    }

    note("after the keystrokes");
    drop(app);
    // bytes per cursor move on a real backend
    let counter = Counter::default();
    let mut real = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .unwrap();
    let mut app = open(&db);
    assert!(app.settle(SETTLE));
    for k in [KeyCode::Down, KeyCode::Enter] {
        app.on_event(&key(k));
        assert!(app.settle(SETTLE));
    }
    real.draw(|f| app.draw(f)).unwrap();
    let first_bytes = counter.0.swap(0, Ordering::Relaxed);
    let mut bytes = Vec::new();
    for _ in 0..60 {
        app.on_event(&key(KeyCode::Char('j')));
        real.draw(|f| app.draw(f)).unwrap();
        // a reply that changes what is shown is drawn too, and counted
        assert!(app.settle(SETTLE));
        real.draw(|f| app.draw(f)).unwrap();
        bytes.push(counter.0.swap(0, Ordering::Relaxed));
    }
    bytes.sort();
    let _ = writeln!(
        out,
        "| bytes to the terminal per cursor move (80×24, after a {first_bytes}-byte first frame) | < 1 KB | median {} B, worst {} B |",
        bytes[bytes.len() / 2],
        bytes[bytes.len() - 1]
    );
    note("after the cursor moves");
    drop(app);

    let hwm = vm_hwm_kib().unwrap_or(0);
    let _ = writeln!(
        out,
        "| peak memory of the console (VmHWM) | < 80 MB | {:.1} MB |",
        hwm as f64 / 1024.0
    );

    // (after the memory figure: the store here is the bench's, not the console's)
    every_page_of_the_biggest_town(&db, &mut out);

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let header = format!(
        "Console on the {n}-resident demo. Machine: {cpu}, {cores} cores. Release build.\n\n"
    );
    print!("{header}{out}");
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/console-bench.md", format!("{header}{out}"));
}
