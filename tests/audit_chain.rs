//! The audit log is a hash chain: `check` names an altered or deleted audit
//! row (exit status 1), rows written before the chain existed are chained
//! by the migration, and writers keep the chain one line.

use chrono::NaiveDate;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::{Channel, Insurance};
use zhengjiao::store::campaign::payments::PaymentRequest;
use zhengjiao::store::{Store, schema};

fn unpaid(store: &Store, n: usize) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.insurance = 'medical' AND ro.status = 'due' AND r.deceased_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
              LIMIT ?1",
        )
        .unwrap();
    st.query_map([n as i64], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

/// A demo file with a few payments, each with its audit row.
fn audited() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("chain.db");
    build(
        &path,
        &DemoOptions {
            residents: 600,
            seed: 4,
            ..DemoOptions::default()
        },
        "setup",
    )
    .unwrap();
    let mut store = Store::open(&path).unwrap().with_user("clerk");
    for id in unpaid(&store, 5) {
        store
            .record_payment(&PaymentRequest {
                id_number: id,
                year: 2025,
                insurance: Insurance::Medical,
                tier: None,
                channel: Channel::Wechat,
                receipt: None,
                agent_code: None,
                office: None,
                paid_on: NaiveDate::from_ymd_opt(2024, 11, 23).unwrap(),
                special: None,
            })
            .unwrap();
    }
    (dir, path)
}

fn check(path: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .env_remove("ZHENGJIAO_DB")
        .arg("--db")
        .arg(path)
        .arg("check")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn audit_ids(path: &Path) -> Vec<i64> {
    let c = Connection::open(path).unwrap();
    let mut st = c.prepare("SELECT id FROM audit ORDER BY id").unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

#[test]
fn each_audit_row_carries_the_hash_of_the_one_before() {
    let (_d, path) = audited();
    let c = Connection::open(&path).unwrap();
    let rows: Vec<(String, String)> = c
        .prepare("SELECT prev_hash, hash FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert!(rows.len() >= 6, "{rows:?}");
    assert_eq!(rows[0].0, "");
    for pair in rows.windows(2) {
        assert_eq!(pair[1].0, pair[0].1);
        assert_eq!(pair[1].1.len(), 64);
    }
    assert_eq!(check(&path).0, 0);
}

#[test]
fn check_names_an_altered_audit_row() {
    let (_d, path) = audited();
    let ids = audit_ids(&path);
    let victim = ids[ids.len() / 2];
    let c = Connection::open(&path).unwrap();
    c.execute(
        "UPDATE audit SET user = 'someone-else' WHERE id = ?1",
        [victim],
    )
    .unwrap();
    drop(c);
    let (code, out) = check(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[audit-edited]"), "{out}");
    assert!(out.contains("审计记录被改动"), "{out}");
    assert!(out.contains(&format!(": {victim}")), "{out}");
    assert!(
        !out.contains("[audit-chain]"),
        "one altered row is one finding: {out}"
    );
}

#[test]
fn check_names_the_place_of_a_deleted_audit_row() {
    let (_d, path) = audited();
    let ids = audit_ids(&path);
    let victim = ids[ids.len() / 2];
    let c = Connection::open(&path).unwrap();
    c.execute("DELETE FROM audit WHERE id = ?1", [victim])
        .unwrap();
    drop(c);
    let (code, out) = check(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[audit-chain]"), "{out}");
    assert!(out.contains("审计记录链断开"), "{out}");
    let next = ids.iter().find(|&&i| i > victim).unwrap();
    assert!(out.contains(&format!(": {next}")), "{out}");
}

#[test]
fn rewriting_the_hashes_too_still_breaks_at_the_next_row() {
    // Someone who edits a row and recomputes its hash (without the program's
    // code, a plain digest of something) is still caught: the next row holds
    // the old hash.
    let (_d, path) = audited();
    let ids = audit_ids(&path);
    let victim = ids[1];
    let c = Connection::open(&path).unwrap();
    c.execute(
        "UPDATE audit SET detail = 'nothing happened', hash = lower(hex(randomblob(32))) WHERE id = ?1",
        [victim],
    )
    .unwrap();
    drop(c);
    let (code, out) = check(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[audit-chain]"), "{out}");
}

#[test]
fn the_migration_chains_rows_written_before_the_chain() {
    let (_d, path) = audited();
    // Back to the schema before the chain: no hash columns.
    let c = Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "ALTER TABLE audit DROP COLUMN hash; ALTER TABLE audit DROP COLUMN prev_hash;
         {} {} DROP TABLE list_members;
         DROP TABLE standing_counts; DROP INDEX residents_flagged; DROP INDEX residents_birth;
         PRAGMA user_version = {};",
        schema::DROP_MEMBER_TRIGGERS,
        schema::DROP_STANDING_TRIGGERS,
        schema::AUDIT_CHAIN_VERSION - 1
    ))
    .unwrap();
    drop(c);
    let before = audit_ids(&path);
    Store::open(&path).unwrap();
    assert_eq!(audit_ids(&path), before);
    let (code, out) = check(&path);
    assert_eq!(code, 0, "{out}");
    let c = Connection::open(&path).unwrap();
    let unchained: i64 = c
        .query_row("SELECT count(*) FROM audit WHERE hash IS NULL", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(unchained, 0);
}

#[test]
fn concurrent_writers_keep_one_chain() {
    let (_d, path) = audited();
    let ids: Vec<String> = unpaid(&Store::open(&path).unwrap(), 40);
    std::thread::scope(|s| {
        for part in ids.chunks(10) {
            let path = path.clone();
            s.spawn(move || {
                let mut store = Store::open(&path).unwrap().with_user("clerk");
                for id in part {
                    store
                        .record_payment(&PaymentRequest {
                            id_number: id.clone(),
                            year: 2025,
                            insurance: Insurance::Medical,
                            tier: None,
                            channel: Channel::Cash,
                            receipt: None,
                            agent_code: None,
                            office: None,
                            paid_on: NaiveDate::from_ymd_opt(2024, 11, 24).unwrap(),
                            special: None,
                        })
                        .unwrap();
                }
            });
        }
    });
    let (code, out) = check(&path);
    assert_eq!(code, 0, "{out}");
}
