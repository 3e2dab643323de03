//! The audit log: one row per change, written in the change's transaction.

use super::{Result, Store, now_text};
use rusqlite::{Connection, OptionalExtension, params};
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
    "standing_counts",
    "list_members",
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
///
/// Each row carries the hash of the row before (`prev_hash`) and its own
/// (`hash`, over its fields and `prev_hash`), so editing or deleting a row
/// breaks the chain and `check` names the place. Writes run in IMMEDIATE
/// transactions (a bulk load holds the file alone), so the newest row read
/// here is still the newest at commit: the chain stays one line however
/// many processes write.
pub fn record(
    tx: &Connection,
    user: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<i64> {
    let (last_id, prev): (i64, String) = tx
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?)))
        .optional()?
        .map(|(id, h)| (id, h.unwrap_or_default()))
        .unwrap_or((0, String::new()));
    let row = ChainRow {
        id: last_id + 1,
        at: now_text(),
        user: user.into(),
        action: action.into(),
        entity: entity.into(),
        entity_id,
        detail: Some(detail.into()),
    };
    let hash = row.hash(&prev);
    tx.prepare_cached(
        "INSERT INTO audit (id, at, user, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.id, row.at, user, action, entity, entity_id, detail, prev, hash
    ])?;
    Ok(row.id)
}

/// The fields of an audit row that its hash covers.
struct ChainRow {
    id: i64,
    at: String,
    user: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    detail: Option<String>,
}

impl ChainRow {
    /// SHA-256 (hex) of the previous row's hash and this row's fields, each
    /// length-prefixed so no two rows share an encoding.
    fn hash(&self, prev: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let id = self.id.to_string();
        let entity_id = self.entity_id.map(|n| n.to_string());
        let fields: [Option<&str>; 8] = [
            Some(prev),
            Some(&id),
            Some(&self.at),
            Some(&self.user),
            Some(&self.action),
            Some(&self.entity),
            entity_id.as_deref(),
            self.detail.as_deref(),
        ];
        for f in fields {
            match f {
                Some(text) => {
                    h.update((text.len() as u64).to_le_bytes());
                    h.update(text.as_bytes());
                }
                None => h.update(u64::MAX.to_le_bytes()),
            }
        }
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }
}

fn chain_rows(conn: &Connection) -> rusqlite::Result<rusqlite::Statement<'_>> {
    conn.prepare(
        "SELECT id, at, user, action, entity, entity_id, detail, prev_hash, hash FROM audit ORDER BY id",
    )
}

fn chain_row(r: &rusqlite::Row) -> rusqlite::Result<(ChainRow, Option<String>, Option<String>)> {
    Ok((
        ChainRow {
            id: r.get(0)?,
            at: r.get(1)?,
            user: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            detail: r.get(6)?,
        },
        r.get(7)?,
        r.get(8)?,
    ))
}

/// Chain the rows written before the audit had hashes (run once, by the
/// migration that adds the columns).
pub fn chain_existing(tx: &Connection) -> rusqlite::Result<()> {
    let mut prev = String::new();
    let mut update = tx.prepare("UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3")?;
    let mut st = chain_rows(tx)?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (row, _, _) = chain_row(r)?;
        let hash = row.hash(&prev);
        update.execute(params![prev, hash, row.id])?;
        prev = hash;
    }
    Ok(())
}

/// Walk the chain from the first row: the ids of rows whose hash does not
/// match their fields (edited), and of rows whose `prev_hash` is not the
/// hash of the row before them (a row before them deleted or edited), at
/// most `limit` of each.
pub fn verify_chain(conn: &Connection, limit: usize) -> rusqlite::Result<ChainFaults> {
    let mut faults = ChainFaults::default();
    let mut prev = String::new();
    let mut st = chain_rows(conn)?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (row, prev_hash, hash) = chain_row(r)?;
        let prev_hash = prev_hash.unwrap_or_default();
        if prev_hash != prev && faults.broken.len() < limit {
            faults.broken.push(row.id);
        }
        // Recompute over the row's own stored predecessor, so that one
        // edited row is named once, not every row after it.
        if hash.as_deref() != Some(row.hash(&prev_hash).as_str()) && faults.edited.len() < limit {
            faults.edited.push(row.id);
        }
        prev = hash.unwrap_or_default();
    }
    Ok(faults)
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChainFaults {
    pub edited: Vec<i64>,
    pub broken: Vec<i64>,
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
