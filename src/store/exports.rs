//! The rows of exported lists, village by village and streamed: a list of
//! the whole district never sits in memory. The writing is
//! [`crate::exchange::export`]'s job.

use super::{Result, Store, StoreError, audit, meta};
use crate::domain::Group;
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

/// Which residents a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Everyone on the year's roster (征收清册).
    Roster,
    /// Who still owes for some insurance (alive, hukou not cancelled).
    Outstanding,
    /// Who has paid (or been paid for) some insurance (缴费公示).
    Publicity,
}

/// A resident's roster row for one insurance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub measure: String,
    /// `due` or `exempt`.
    pub status: String,
    pub person_fen: i64,
    pub government_fen: i64,
    pub office: Option<String>,
    pub basis: Option<String>,
}

/// The payment in force for one insurance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidLine {
    pub paid_on: NaiveDate,
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub channel: String,
}

/// One insurance of a resident in the year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Insured {
    pub roster: Option<RosterLine>,
    pub paid: Option<PaidLine>,
}

impl Insured {
    /// Due, not exempt, and not paid.
    pub fn owes(&self) -> bool {
        self.paid.is_none() && self.roster.as_ref().is_some_and(|r| r.status == "due")
    }
}

/// One resident of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub resident_id: i64,
    pub name: String,
    pub id_number: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    /// Special groups in force during the year.
    pub groups: Vec<Group>,
    pub medical: Insured,
    pub pension: Insured,
}

/// What is kept of an export in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRecord {
    pub kind: String,
    pub file: String,
    pub scope: String,
    pub year: i32,
    pub rows: usize,
    /// Full ID numbers left the database.
    pub full_ids: bool,
    /// A bulletin: its as-of date, the baseline of the next one.
    pub bulletin_as_of: Option<NaiveDate>,
}

const LIST_SQL: &str = "
SELECT r.id, r.name, r.id_number, r.sex, r.birth_date, r.phone,
       (SELECT group_concat(m.grp, ',' ORDER BY m.grp) FROM memberships m
         WHERE m.resident_id = r.id AND (m.valid_to IS NULL OR m.valid_to >= ?3)) AS groups,
       rm.measure, rm.status, rm.person_fen, rm.government_fen, rm.office, rm.basis,
       pm.paid_on, pm.person_fen, pm.government_fen, pm.tier_fen, pm.channel,
       rp.measure, rp.status, rp.person_fen, rp.government_fen, rp.office, rp.basis,
       pp.paid_on, pp.person_fen, pp.government_fen, pp.tier_fen, pp.channel
  FROM residents r
  LEFT JOIN roster rm ON rm.year = ?1 AND rm.insurance = 'medical' AND rm.resident_id = r.id
  LEFT JOIN roster rp ON rp.year = ?1 AND rp.insurance = 'pension' AND rp.resident_id = r.id
  LEFT JOIN paid xm ON xm.year = ?1 AND xm.insurance = 'medical' AND xm.resident_id = r.id
  LEFT JOIN payments pm ON pm.id = xm.payment_id
  LEFT JOIN paid xp ON xp.year = ?1 AND xp.insurance = 'pension' AND xp.resident_id = r.id
  LEFT JOIN payments pp ON pp.id = xp.payment_id
 WHERE r.village_id = ?2 AND ";

/// Sorted by special group (none first), then age (so by age band), then name.
const LIST_ORDER: &str =
    " ORDER BY groups IS NOT NULL, groups, substr(r.birth_date, 1, 4) DESC, r.name, r.id";

fn filter(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Roster => "(rm.resident_id IS NOT NULL OR rp.resident_id IS NOT NULL)",
        ListKind::Outstanding => {
            "((rm.status = 'due' AND xm.payment_id IS NULL) OR (rp.status = 'due' AND xp.payment_id IS NULL))
             AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL"
        }
        ListKind::Publicity => "(xm.payment_id IS NOT NULL OR xp.payment_id IS NOT NULL)",
    }
}

fn insured(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Insured> {
    let roster = match r.get::<_, Option<String>>(at)? {
        None => None,
        Some(measure) => Some(RosterLine {
            measure,
            status: r.get(at + 1)?,
            person_fen: r.get(at + 2)?,
            government_fen: r.get(at + 3)?,
            office: r.get(at + 4)?,
            basis: r.get(at + 5)?,
        }),
    };
    let paid = match r.get::<_, Option<NaiveDate>>(at + 6)? {
        None => None,
        Some(paid_on) => Some(PaidLine {
            paid_on,
            person_fen: r.get(at + 7)?,
            government_fen: r.get(at + 8)?,
            tier_fen: r.get(at + 9)?,
            channel: r.get(at + 10)?,
        }),
    };
    Ok(Insured { roster, paid })
}

impl Store {
    /// The residents of one village on a list of a year, one at a time, in
    /// list order. `groups_from` is the first day for which group
    /// memberships count (the start of the year's window). Returns how many.
    pub fn for_each_list_row<E: From<StoreError>>(
        &self,
        kind: ListKind,
        year: i32,
        groups_from: NaiveDate,
        village_id: i64,
        mut f: impl FnMut(ListRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        let sql = format!("{LIST_SQL}{}{LIST_ORDER}", filter(kind));
        let mut st = self.conn().prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = st
            .query(params![year, village_id, groups_from.to_string()])
            .map_err(StoreError::from)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let row = (|| -> rusqlite::Result<ListRow> {
                let groups: Option<String> = r.get(6)?;
                Ok(ListRow {
                    resident_id: r.get(0)?,
                    name: r.get(1)?,
                    id_number: r.get(2)?,
                    sex: r.get(3)?,
                    birth_date: r.get(4)?,
                    phone: r.get(5)?,
                    groups: groups
                        .as_deref()
                        .unwrap_or("")
                        .split(',')
                        .filter_map(Group::parse)
                        .collect(),
                    medical: insured(r, 7)?,
                    pension: insured(r, 18)?,
                })
            })()
            .map_err(StoreError::from)?;
            f(row)?;
            n += 1;
        }
        Ok(n)
    }

    /// The as-of date of the last bulletin of the year issued before `as_of`.
    pub fn previous_bulletin(&self, year: i32, as_of: NaiveDate) -> Result<Option<NaiveDate>> {
        Ok(bulletin_dates(self.meta(&bulletin_key(year))?.as_deref())
            .into_iter()
            .rfind(|d| *d < as_of))
    }

    /// Keep an export in the audit log (and a bulletin's date for the next).
    pub fn record_export(&mut self, e: &ExportRecord) -> Result<()> {
        self.write(|tx, user| {
            if let Some(as_of) = e.bulletin_as_of {
                let key = bulletin_key(e.year);
                let old: Option<String> = tx
                    .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| {
                        r.get(0)
                    })
                    .ok();
                let mut dates = bulletin_dates(old.as_deref());
                if !dates.contains(&as_of) {
                    dates.push(as_of);
                    dates.sort();
                }
                let text: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
                meta::set(tx, &key, &text.join(","))?;
            }
            let detail = serde_json::to_string(e).expect("json");
            audit::record(tx, user, "export", "exports", None, &detail)?;
            Ok(())
        })
    }
}

fn bulletin_key(year: i32) -> String {
    format!("bulletins:{year}")
}

fn bulletin_dates(text: Option<&str>) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = text
        .unwrap_or("")
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    v.sort();
    v
}
