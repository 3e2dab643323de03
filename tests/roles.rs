//! Roles: clerk records, supervisor only reads, admin manages users and reverses.

use chrono::NaiveDate;
use std::process::Command;
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::{Channel, Insurance};
use zhengjiao::store::campaign::payments::PaymentRequest;
use zhengjiao::store::users::Role;
use zhengjiao::store::{Store, StoreError};

fn demo() -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("roles.db");
    build(
        &path,
        &DemoOptions {
            residents: 800,
            seed: 9,
            ..DemoOptions::default()
        },
        "setup",
    )
    .unwrap();
    (dir, path)
}

fn unpaid_medical(store: &Store) -> String {
    store
        .conn()
        .query_row(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.insurance = 'medical' AND ro.status = 'due' AND r.deceased_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
              LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn request(id: &str) -> PaymentRequest {
    PaymentRequest {
        id_number: id.into(),
        year: 2025,
        insurance: Insurance::Medical,
        tier: None,
        channel: Channel::Wechat,
        receipt: None,
        agent_code: None,
        office: None,
        paid_on: NaiveDate::from_ymd_opt(2024, 11, 23).unwrap(),
        special: None,
    }
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>, needle: &str) {
    match r {
        Err(StoreError::Refused(m)) => assert!(m.contains(needle), "{m}"),
        other => panic!("expected a refusal containing {needle}, got {other:?}"),
    }
}

#[test]
fn roles_decide_who_may_write() {
    let (_d, path) = demo();
    // Nobody registered: the first user must be an admin.
    let mut anyone = Store::open(&path).unwrap().with_user("first");
    assert_eq!(anyone.role().unwrap(), Some(Role::Admin));
    refused(anyone.put_user("alice", "Alice", Role::Clerk), "管理员");
    anyone.put_user("root", "站长", Role::Admin).unwrap();
    let mut admin = Store::open(&path).unwrap().with_user("root");
    admin.put_user("alice", "王会计", Role::Clerk).unwrap();
    admin.put_user("bob", "督导", Role::Supervisor).unwrap();

    let mut bob = Store::open(&path).unwrap().with_user("bob");
    let id = unpaid_medical(&bob);
    refused(bob.record_payment(&request(&id)), "督导");
    let mut mallory = Store::open(&path).unwrap().with_user("mallory");
    refused(mallory.record_payment(&request(&id)), "未登记");

    let mut alice = Store::open(&path).unwrap().with_user("alice");
    let paid = alice.record_payment(&request(&id)).unwrap();
    refused(
        alice.reverse_payment(
            paid.payment_id,
            "录错",
            NaiveDate::from_ymd_opt(2024, 11, 23).unwrap(),
        ),
        "管理员",
    );
    refused(alice.put_user("carol", "", Role::Admin), "管理员");
    admin
        .reverse_payment(
            paid.payment_id,
            "录错",
            NaiveDate::from_ymd_opt(2024, 11, 23).unwrap(),
        )
        .unwrap();
    refused(admin.remove_user("root"), "最后一个管理员");

    let who: Vec<(String, String)> = admin
        .conn()
        .prepare("SELECT user, action FROM audit WHERE entity IN ('payments', 'users') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert_eq!(
        who,
        vec![
            ("first".into(), "add-user".into()),
            ("root".into(), "add-user".into()),
            ("root".into(), "add-user".into()),
            ("alice".into(), "record-payment".into()),
            ("root".into(), "reversal".into()),
        ]
    );
    assert!(admin.check().unwrap().ok);
}

#[test]
fn supervisor_refused_on_the_command_line() {
    let (_d, path) = demo();
    let store = Store::open(&path).unwrap();
    let id = unpaid_medical(&store);
    drop(store);
    let bin = env!("CARGO_BIN_EXE_zhengjiao");
    let ok = |args: &[&str], user: &str| {
        Command::new(bin)
            .arg("--db")
            .arg(&path)
            .args(args)
            .env("ZHENGJIAO_USER", user)
            .output()
            .unwrap()
    };
    assert!(
        ok(&["user", "add", "root", "--role", "admin"], "root")
            .status
            .success()
    );
    assert!(
        ok(&["user", "add", "bob", "--role", "supervisor"], "root")
            .status
            .success()
    );
    let out = ok(
        &[
            "pay",
            "--id",
            &id,
            "--year",
            "2025",
            "--insurance",
            "medical",
            "--channel",
            "wechat",
            "--date",
            "2024-11-23",
        ],
        "bob",
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("supervisor") && err.contains("督导"), "{err}");
    let list = ok(&["user", "list", "--json"], "bob");
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn audit_details_are_json() {
    let (_d, path) = demo();
    let mut admin = Store::open(&path).unwrap().with_user("root");
    admin.put_user("root", "站长", Role::Admin).unwrap();
    admin.put_user("alice", "王会计", Role::Clerk).unwrap();
    // A role change keeps the role before it: a JSON string, not `Some("clerk")`.
    admin.put_user("alice", "王会计", Role::Supervisor).unwrap();
    let id = unpaid_medical(&admin);
    let paid = admin.record_payment(&request(&id)).unwrap();
    admin
        .reverse_payment(
            paid.payment_id,
            "录错 \"1\"\u{7}",
            NaiveDate::from_ymd_opt(2024, 11, 23).unwrap(),
        )
        .unwrap();
    let entries = admin.audit_page(0, 5).unwrap();
    let detail = |action: &str| -> serde_json::Value {
        let e = entries.iter().find(|e| e.action == action).unwrap();
        let text = e.detail.as_deref().unwrap();
        serde_json::from_str(text).unwrap_or_else(|err| panic!("{action}: {text}: {err}"))
    };
    let role_change = entries
        .iter()
        .filter(|e| e.action.ends_with("-user"))
        .map(|e| serde_json::from_str::<serde_json::Value>(e.detail.as_deref().unwrap()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(role_change[0]["login"], "alice");
    assert_eq!(role_change[0]["role"], "supervisor");
    assert_eq!(role_change[0]["before"], "clerk");
    let pay = detail("record-payment");
    assert_eq!(pay["resident_id"], paid.resident_id);
    assert_eq!(pay["insurance"], "medical");
    assert_eq!(pay["person_fen"], paid.person_fen);
    let rev = detail("reversal");
    assert_eq!(rev["original"], paid.payment_id);
    assert_eq!(rev["reason"], "录错 \"1\"\u{7}");
}
