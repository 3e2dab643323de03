//! What the console needs beyond the shared queries: small read-only lookups
//! by resident, and the one write it makes besides payments — the audit row
//! that revealing a full ID number leaves behind.

use super::registry::residents::Standing;
use super::{Result, Store, StoreError, audit};
use rusqlite::{OptionalExtension, params};

/// What the roster says one resident pays this year, with a phone to call:
/// the outstanding list an agent takes to the village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterDues {
    pub resident_id: i64,
    pub phone: Option<String>,
    /// the person's own share of medical insurance, when on the medical roster
    pub medical_fen: Option<i64>,
    /// the person's own share of the pension tier quoted on the roster
    pub pension_fen: Option<i64>,
}

fn standing(status: Option<String>, paid: bool) -> Standing {
    match (status.as_deref(), paid) {
        (None, _) => Standing::NotCovered,
        (Some("exempt"), true) => Standing::ProxyPaid,
        (Some("exempt"), false) => Standing::Exempt,
        (Some(_), true) => Standing::Paid,
        (Some(_), false) => Standing::Due,
    }
}

impl Store {
    /// Bound this connection's page cache (KiB): the console runs a few
    /// connections at once and the operating system caches the file anyway.
    pub fn limit_cache(&self, kib: i64) -> Result<()> {
        self.conn().pragma_update(None, "cache_size", -kib.abs())?;
        Ok(())
    }

    /// Medical and pension standing of one resident in a year.
    pub fn standings(&self, year: i32, resident_id: i64) -> Result<(Standing, Standing)> {
        let mut st = self.conn().prepare_cached(
            "SELECT rm.status, EXISTS (SELECT 1 FROM paid WHERE year = ?1 AND insurance = 'medical' AND resident_id = ?2),
                    rp.status, EXISTS (SELECT 1 FROM paid WHERE year = ?1 AND insurance = 'pension' AND resident_id = ?2)
               FROM (SELECT 1)
               LEFT JOIN roster rm ON rm.year = ?1 AND rm.insurance = 'medical' AND rm.resident_id = ?2
               LEFT JOIN roster rp ON rp.year = ?1 AND rp.insurance = 'pension' AND rp.resident_id = ?2",
        )?;
        Ok(st.query_row(params![year, resident_id], |r| {
            Ok((
                standing(r.get(0)?, r.get(1)?),
                standing(r.get(2)?, r.get(3)?),
            ))
        })?)
    }

    /// Phone and roster amounts of the given residents, in the given order
    /// (a page of the outstanding list: a few dozen ids).
    pub fn roster_dues(&self, year: i32, ids: &[i64]) -> Result<Vec<RosterDues>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.phone,
                    (SELECT person_fen FROM roster WHERE year = ?1 AND insurance = 'medical' AND resident_id = r.id),
                    (SELECT person_fen FROM roster WHERE year = ?1 AND insurance = 'pension' AND resident_id = r.id)
               FROM residents r WHERE r.id = ?2",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let row = st
                .query_row(params![year, id], |r| {
                    Ok(RosterDues {
                        resident_id: id,
                        phone: r.get(0)?,
                        medical_fen: r.get(1)?,
                        pension_fen: r.get(2)?,
                    })
                })
                .optional()?;
            out.extend(row);
        }
        Ok(out)
    }

    /// The full ID number of a resident, for a clerk who asked to see it.
    /// Personal data: the request is written to the audit log in the same
    /// transaction, so a read-only (supervisor) session is refused.
    pub fn reveal_id_number(&mut self, resident_id: i64, context: &str) -> Result<String> {
        self.write(|tx, user| {
            let id: String = tx
                .prepare_cached("SELECT id_number FROM residents WHERE id = ?1")?
                .query_row([resident_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::NotFound {
                    what: "居民",
                    what_en: "resident",
                    key: resident_id.to_string(),
                })?;
            audit::record(
                tx,
                user,
                "show-full-id",
                "residents",
                Some(resident_id),
                context,
            )?;
            Ok(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoOptions, build};
    use crate::store::registry::residents::{ListFilter, ListQuery, Scope, SortColumn};

    fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let opts = DemoOptions {
            residents: 400,
            ..Default::default()
        };
        build(&path, &opts, "t").unwrap();
        (dir, path)
    }

    fn audit_rows(store: &Store, action: &str) -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM audit WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn revealing_a_full_id_is_audited_and_refused_read_only() {
        let (_dir, path) = demo();
        let mut store = Store::open(&path).unwrap().with_user("clerk");
        let (id, number): (i64, String) = store
            .conn()
            .query_row("SELECT id, id_number FROM residents LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(store.reveal_id_number(id, "test").unwrap(), number);
        let (user, entity_id): (String, i64) = store
            .conn()
            .query_row(
                "SELECT user, entity_id FROM audit WHERE action = 'show-full-id'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((user.as_str(), entity_id), ("clerk", id));

        let mut ro = Store::open_read_only(&path).unwrap();
        assert!(matches!(
            ro.reveal_id_number(id, "test"),
            Err(StoreError::ReadOnly)
        ));
        assert_eq!(audit_rows(&store, "show-full-id"), 1);
        assert!(matches!(
            store.reveal_id_number(-5, "test"),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(
            audit_rows(&store, "show-full-id"),
            1,
            "a refusal leaves no row"
        );
    }

    #[test]
    fn standings_and_roster_dues_agree_with_the_list() {
        let (_dir, path) = demo();
        let store = Store::open_read_only(&path).unwrap();
        let q = ListQuery {
            year: 2025,
            scope: Scope::District,
            filter: ListFilter::All,
            sort: SortColumn::Name,
            descending: false,
        };
        let rows = store.resident_page(&q, 0, 400).unwrap();
        assert_eq!(rows.len(), 400);
        for r in &rows {
            assert_eq!(store.standings(2025, r.id).unwrap(), (r.medical, r.pension));
        }
        let ids: Vec<i64> = rows.iter().take(50).map(|r| r.id).collect();
        let dues = store.roster_dues(2025, &ids).unwrap();
        assert_eq!(dues.iter().map(|d| d.resident_id).collect::<Vec<_>>(), ids);
        for (d, r) in dues.iter().zip(&rows) {
            assert_eq!(d.medical_fen.is_some(), r.medical != Standing::NotCovered);
            assert_eq!(d.pension_fen.is_some(), r.pension != Standing::NotCovered);
        }
    }
}
