//! Crash safety: a batch killed with SIGKILL at any moment leaves the file
//! passing `check`, with the batch wholly in or wholly absent; rerunning it
//! completes it.

use rand::{Rng, SeedableRng};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use tempfile::TempDir;

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
