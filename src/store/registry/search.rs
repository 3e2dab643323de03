//! Search: every form a clerk types (name, pinyin initials, full pinyin, ID
//! number, its first digits or its last 4–6) is a prefix lookup on an index.

use crate::domain::name_keys::{self, Query, classify};
use crate::store::{Result, Store};
use rusqlite::{Connection, params};
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
    /// how many residents bear exactly this name (eleven 张伟 are told
    /// apart by birth date and village)
    pub same_name: i64,
}

/// The smallest string above every string that starts with `prefix`.
fn upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The expression of the `residents_id_tail` index (schema step 5): the
/// last six characters of the ID number.
const ID_TAIL: &str = "substr(id_number, 13)";

/// Make a resident findable by name: the name's keys are written once per
/// distinct name. (ID numbers are indexed by the schema itself.)
pub fn index_resident(
    tx: &Connection,
    _resident_id: i64,
    name: &str,
    _id_number: &str,
) -> Result<()> {
    index_name(tx, name)
}

/// Make residents of this name findable: its keys are written once per
/// distinct name (no-op when the name is known). ID numbers are indexed by
/// the schema itself.
pub fn index_name(tx: &Connection, name: &str) -> Result<()> {
    if tx
        .prepare_cached("SELECT 1 FROM name_keys WHERE key = ?1 AND name = ?1")?
        .exists([name])?
    {
        return Ok(());
    }
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO name_keys (key, name) VALUES (?1, ?2)")?;
    for k in name_keys::keys(name) {
        ins.execute(params![k, name])?;
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
                let sixes = name_keys::tail_sixes(&t);
                let marks = vec!["?"; sixes.len()].join(", ");
                let mut values: Vec<&dyn rusqlite::ToSql> =
                    sixes.iter().map(|s| s as &dyn rusqlite::ToSql).collect();
                values.push(&limit);
                let mut ids: Vec<i64> = self
                    .conn()
                    .prepare_cached(&format!(
                        "SELECT id FROM residents WHERE {ID_TAIL} IN ({marks}) ORDER BY {ID_TAIL}, id LIMIT ?"
                    ))?
                    .query_map(values.as_slice(), |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
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
        let mut same = self
            .conn()
            .prepare_cached("SELECT count(*) FROM residents WHERE name = ?1")?;
        let mut counted: std::collections::HashMap<String, i64> = Default::default();
        let mut hits = Vec::with_capacity(ids.len());
        for id in ids {
            let mut hit = st.query_row([id], |r| {
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
                    same_name: 0,
                })
            })?;
            hit.same_name = match counted.get(&hit.name) {
                Some(&n) => n,
                None => {
                    let n: i64 = same.query_row([&hit.name], |r| r.get(0))?;
                    counted.insert(hit.name.clone(), n);
                    n
                }
            };
            hits.push(hit);
        }
        Ok(hits)
    }

    fn key_prefix(&self, prefix: &str, limit: i64) -> Result<Vec<i64>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.id FROM name_keys k JOIN residents r ON r.name = k.name
              WHERE k.key >= ?1 AND k.key < ?2 ORDER BY k.key, k.name, r.id LIMIT ?3",
        )?;
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
