//! The audit log: one row per change, written in the change's transaction.

use super::{Result, Store, now_text};
use rusqlite::{Connection, params};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Tables of business data: a transaction that changes any of them must
/// also write an audit row, or its commit is refused (see `install_guard`).
pub const AUDITED_TABLES: &[&str] = &[
    "towns",
    "villages",
    "agents",
    "policy_years",
    "residents",
    "memberships",
    "payments",
    "imports",
    "users",
    "receipt_books",
    "receipt_numbers",
    "proxy_batches",
    "proxy_batch_items",
    "remittances",
    "remittance_closes",
    "declarations",
    "declaration_items",
    "roster_reviews",
    "roster_amendments",
    "payment_publicity",
];

/// Tables that hold no business data of their own: counters and indexes
/// derived from the audited tables (recounted by `check`), the payment in
/// force per resident (follows `payments`), settings, an import's kept row
/// verdicts, the roster (derived from residents and groups by the policy
/// engine) and the plan (loaded with the divisions), and the audit itself.
pub const DERIVED_TABLES: &[&str] = &[
    "audit",
    "meta",
    "paid",
    "progress_counts",
    "progress_paid_days",
    "name_keys",
    "import_rows",
    "roster",
    "plans",
];

/// Refuse to commit a transaction that changed business data without an
/// audit row. SQLite's update hook sees every row change of a rowid table.
pub fn install_guard(conn: &Connection) -> rusqlite::Result<()> {
    let touched = Arc::new(AtomicBool::new(false));
    let audited = Arc::new(AtomicBool::new(false));
    let (t, a) = (touched.clone(), audited.clone());
    conn.update_hook(Some(
        move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
            if table == "audit" {
                a.store(true, Ordering::Relaxed);
            } else if AUDITED_TABLES.contains(&table) {
                t.store(true, Ordering::Relaxed);
            }
        },
    ))?;
    let (t, a) = (touched.clone(), audited.clone());
    conn.commit_hook(Some(move || {
        let unaudited = t.swap(false, Ordering::Relaxed) && !a.swap(false, Ordering::Relaxed);
        a.store(false, Ordering::Relaxed);
        unaudited
    }))?;
    conn.rollback_hook(Some(move || {
        touched.store(false, Ordering::Relaxed);
        audited.store(false, Ordering::Relaxed);
    }))?;
    Ok(())
}

/// Record one change. `detail` is a short JSON or text description; it never
/// carries ID numbers or names beyond what the entity row already holds.
pub fn record(
    tx: &Connection,
    user: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<i64> {
    tx.prepare_cached("INSERT INTO audit (at, user, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![now_text(), user, action, entity, entity_id, detail])?;
    Ok(tx.last_insert_rowid())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
}

impl Store {
    /// The newest audit entries, newest first, skipping `offset`.
    pub fn audit_page(&self, offset: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, at, user, action, entity, entity_id, detail FROM audit ORDER BY id DESC LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st.query_map(params![limit, offset], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                detail: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?)
    }
}
