//! Every table is either business data (its changes must be audited, and the
//! store refuses to commit them otherwise) or derived; a new table must be
//! classified here before the tests pass.

use tempfile::TempDir;
use zhengjiao::store::audit::{AUDITED_TABLES, DERIVED_TABLES, record};
use zhengjiao::store::{Store, StoreError};

#[test]
fn every_table_is_classified() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("a.db")).unwrap();
    let tables: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    for t in &tables {
        assert!(
            AUDITED_TABLES.contains(&t.as_str()) || DERIVED_TABLES.contains(&t.as_str()),
            "table {t} is neither audited nor derived: classify it in store/audit.rs"
        );
    }
    for t in AUDITED_TABLES {
        let without_rowid: bool = store
            .conn()
            .query_row(
                "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?1",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !without_rowid,
            "{t}: the audit guard sees rowid tables only"
        );
    }
}

#[test]
fn a_change_without_an_audit_row_is_rolled_back() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("a.db"))
        .unwrap()
        .with_user("root");
    // Each business table, changed through the store's write path without an
    // audit row, is refused; with one, it commits.
    let changes: &[(&str, &str)] = &[
        (
            "towns",
            "INSERT INTO towns (code, name) VALUES ('370406999', '测试镇')",
        ),
        (
            "villages",
            "INSERT INTO villages (code, name, short_name, town_id) SELECT '370406999001', '测试村委会', '测试', id FROM towns",
        ),
        (
            "agents",
            "INSERT INTO agents (code, name, village_id) SELECT 'A1', '代办员', id FROM villages",
        ),
        (
            "policy_years",
            "INSERT INTO policy_years (year, source_toml, added_at, added_by) VALUES (2099, '', '', '')",
        ),
        (
            "residents",
            "INSERT INTO residents (id_number, name, sex, birth_date, village_id) SELECT '11010519491231002X', '张三', 'F', '1949-12-31', id FROM villages",
        ),
        (
            "memberships",
            "INSERT INTO memberships (resident_id, grp) SELECT id, 'dibao' FROM residents",
        ),
        (
            "payments",
            "INSERT INTO payments (resident_id, year, insurance, kind, person_fen, channel, paid_on, recorded_by, recorded_at) SELECT id, 2025, 'medical', 'payment', 40000, 'bank', '2024-11-01', 'x', 'x' FROM residents",
        ),
        (
            "imports",
            "INSERT INTO imports (kind, file_name, started_at, user) VALUES ('residents', 'f.csv', '', '')",
        ),
        (
            "users",
            "INSERT INTO users (login, name, role, created_at) VALUES ('root', '', 'admin', '')",
        ),
        (
            "receipt_books",
            "INSERT INTO receipt_books (agent_id, first_no, last_no, width, added_at, added_by) SELECT id, 1, 100, 8, '', '' FROM agents",
        ),
        (
            "receipt_numbers",
            "INSERT INTO receipt_numbers (book_id, number, void_reason, at, user) SELECT id, 1, '作废', '', '' FROM receipt_books",
        ),
        (
            "proxy_batches",
            "INSERT INTO proxy_batches (year, office, paid_on, payments, government_fen, skipped, recorded_by, recorded_at) VALUES (2025, 'health', '2024-11-01', 0, 0, 0, '', '')",
        ),
        (
            "proxy_batch_items",
            "INSERT INTO proxy_batch_items (batch_id, payment_id) SELECT b.id, p.id FROM proxy_batches b, payments p",
        ),
        (
            "remittances",
            "INSERT INTO remittances (agent_id, day, cash_fen, slip, handed_on, recorded_by, recorded_at) SELECT id, '2024-11-01', 100, 'S1', '2024-11-01', '', '' FROM agents",
        ),
        (
            "remittance_closes",
            "INSERT INTO remittance_closes (agent_id, day, expected_fen, cash_fen, closed_on, closed_by, closed_at) SELECT id, '2024-11-01', 100, 100, '', '', '' FROM agents",
        ),
        (
            "declarations",
            "INSERT INTO declarations (year, village_id, state, payments, person_fen, created_on, created_by) SELECT 2025, id, 'draft', 0, 0, '', '' FROM villages",
        ),
        (
            "declaration_items",
            "INSERT INTO declaration_items (declaration_id, payment_id) SELECT d.id, p.id FROM declarations d, payments p",
        ),
        (
            "roster_reviews",
            "INSERT INTO roster_reviews (year, village_id, state) SELECT 2025, id, 'reviewed' FROM villages",
        ),
        (
            "roster_amendments",
            "INSERT INTO roster_amendments (year, insurance, resident_id, village_id, action, reason, on_date, review_state, measure, status, person_fen, government_fen, recorded_by, recorded_at) SELECT 2025, 'medical', r.id, r.village_id, 'add', '补录', '', 'listed', 'medical', 'due', 0, 0, '', '' FROM residents r",
        ),
        (
            "payment_publicity",
            "INSERT INTO payment_publicity (year, village_id, from_date, to_date, listed, recorded_by, recorded_at) SELECT 2025, id, '2025-01-01', '2025-01-03', 0, '', '' FROM villages",
        ),
    ];
    assert_eq!(
        changes.len(),
        AUDITED_TABLES.len(),
        "one change per audited table"
    );
    for (table, sql) in changes {
        let before: i64 = store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        let err = store.write(|tx, _| Ok(tx.execute(sql, [])?)).unwrap_err();
        assert!(matches!(err, StoreError::Unaudited), "{table}: {err}");
        let after: i64 = store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(before, after, "{table}: nothing half-written");
        store
            .write(|tx, user| {
                let n = tx.execute(sql, [])?;
                record(tx, user, "test", table, None, "")?;
                Ok(n)
            })
            .unwrap();
    }
}
