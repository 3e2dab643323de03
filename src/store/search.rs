//! Search: every form a clerk types (name, pinyin initials, full pinyin, ID
//! number, its first digits or its last 4–6) is a prefix lookup on one index.

use super::{Result, Store};
use crate::domain::name_keys::{self, Query, classify};
use rusqlite::{Transaction, params};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub resident_id: i64,
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub village_code: String,
    pub village_name: String,
    pub town_name: String,
    pub deceased_on: Option<String>,
}

/// The smallest string above every string that starts with `prefix`.
fn upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Write a resident's search keys (replacing old ones).
pub fn index_resident(
    tx: &Transaction,
    resident_id: i64,
    name: &str,
    id_number: &str,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_keys WHERE resident_id = ?1")?
        .execute([resident_id])?;
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO search_keys (key, resident_id) VALUES (?1, ?2)")?;
    for k in name_keys::keys(name, id_number) {
        ins.execute(params![k, resident_id])?;
    }
    Ok(())
}

impl Store {
    /// Find residents; at most `limit` hits, closest keys first.
    pub fn find(&self, text: &str, limit: i64) -> Result<Vec<Hit>> {
        let Some(q) = classify(text) else {
            return Ok(Vec::new());
        };
        let ids: Vec<i64> = match q {
            Query::IdNumber(id) => self
                .conn()
                .prepare_cached("SELECT id FROM residents WHERE id_number = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            Query::IdPrefix(p) => self
                .conn()
                .prepare_cached("SELECT id FROM residents WHERE id_number >= ?1 AND id_number < ?2 ORDER BY id_number LIMIT ?3")?
                .query_map(params![p, upper_bound(&p), limit], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            Query::IdTail(t) => {
                // Clerks ask for the last 4–6 digits; a short number may
                // also be the start of one (370406…): tails first.
                let key = format!("~{}", t.chars().rev().collect::<String>().to_ascii_lowercase());
                let mut ids = self.key_prefix(&key, limit)?;
                if (ids.len() as i64) < limit {
                    let more: Vec<i64> = self
                        .conn()
                        .prepare_cached("SELECT id FROM residents WHERE id_number >= ?1 AND id_number < ?2 ORDER BY id_number LIMIT ?3")?
                        .query_map(params![t, upper_bound(&t), limit], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    for id in more {
                        if (ids.len() as i64) < limit && !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                ids
            }
            Query::Key(k) => self.key_prefix(&k, limit)?,
        };
        let mut st = self.conn().prepare_cached(
            "SELECT r.id, r.id_number, r.name, r.sex, r.birth_date, v.code, v.name, t.name, r.deceased_on
               FROM residents r JOIN villages v ON v.id = r.village_id JOIN towns t ON t.id = v.town_id
              WHERE r.id = ?1",
        )?;
        let mut hits = Vec::with_capacity(ids.len());
        for id in ids {
            hits.push(st.query_row([id], |r| {
                Ok(Hit {
                    resident_id: r.get(0)?,
                    id_number: r.get(1)?,
                    name: r.get(2)?,
                    sex: r.get(3)?,
                    birth_date: r.get(4)?,
                    village_code: r.get(5)?,
                    village_name: r.get(6)?,
                    town_name: r.get(7)?,
                    deceased_on: r.get(8)?,
                })
            })?);
        }
        Ok(hits)
    }

    fn key_prefix(&self, prefix: &str, limit: i64) -> Result<Vec<i64>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT resident_id FROM search_keys WHERE key >= ?1 AND key < ?2 ORDER BY key, resident_id LIMIT ?3")?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        // Fetch a few extra rows: one resident may match under several keys.
        for id in st.query_map(params![prefix, upper_bound(prefix), limit * 4], |r| {
            r.get::<_, i64>(0)
        })? {
            let id = id?;
            if seen.insert(id) {
                out.push(id);
                if out.len() as i64 >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}
