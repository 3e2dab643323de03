//! The roster rows of the residents an import adds. A new resident has no
//! groups, flags, death or payments yet, so its roster depends on the birth
//! date alone: the dues are computed once per date, the rows written by one
//! statement per insurance that joins the new residents to their date's
//! entries, and the progress counters added per village and band.

use crate::domain::{Person, PolicyYear, compute};
use crate::store::Result;
use crate::store::roster::{RosterEntry, entries};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::HashMap;

pub(super) struct NewRosters {
    /// The first resident id this import gives out.
    first_id: i64,
    /// Birth date → index into `bands`.
    band_of: HashMap<NaiveDate, usize>,
    /// The distinct rosters (a handful: one per age band of the policy).
    bands: Vec<Vec<RosterEntry>>,
    /// New residents per (village, band).
    counts: HashMap<(i64, usize), i64>,
}

impl NewRosters {
    pub fn new(first_id: i64) -> Self {
        NewRosters {
            first_id,
            band_of: HashMap::new(),
            bands: Vec::new(),
            counts: HashMap::new(),
        }
    }

    /// Note a new resident born on `birth` in `village`.
    pub fn add(&mut self, policy: &PolicyYear, birth: NaiveDate, village: i64) {
        let band = match self.band_of.get(&birth) {
            Some(&b) => b,
            None => {
                let roster = compute(policy, &Person::born(birth), None)
                    .map(|d| entries(&d))
                    .unwrap_or_default();
                let b = match self.bands.iter().position(|x| *x == roster) {
                    Some(b) => b,
                    None => {
                        self.bands.push(roster);
                        self.bands.len() - 1
                    }
                };
                self.band_of.insert(birth, b);
                b
            }
        };
        *self.counts.entry((village, band)).or_default() += 1;
    }

    /// Write the roster rows and add them to the progress counters. The
    /// caller has set the roster's insert trigger aside: these counts stand
    /// for it (new residents have no payments, so nothing else would change).
    pub fn write(&self, tx: &Connection, year: i32) -> Result<()> {
        if self.counts.is_empty() {
            return Ok(());
        }
        tx.execute_batch(
            "CREATE TEMP TABLE import_dues (
                insurance TEXT NOT NULL, birth_date TEXT NOT NULL, measure TEXT NOT NULL,
                status TEXT NOT NULL, person_fen INTEGER NOT NULL, government_fen INTEGER NOT NULL,
                office TEXT, basis TEXT,
                PRIMARY KEY (insurance, birth_date)) WITHOUT ROWID",
        )?;
        {
            let mut due =
                tx.prepare("INSERT INTO temp.import_dues VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
            for (birth, &band) in &self.band_of {
                for e in &self.bands[band] {
                    due.execute(params![
                        e.insurance,
                        birth,
                        e.measure,
                        e.status,
                        e.person_fen,
                        e.government_fen,
                        e.office,
                        e.basis
                    ])?;
                }
            }
            // In resident order per insurance: the roster's key grows at its end.
            let mut rows = tx.prepare(
                "INSERT INTO roster (year, insurance, resident_id, village_id, measure, status,
                                     person_fen, government_fen, office, basis)
                 SELECT ?1, d.insurance, r.id, r.village_id, d.measure, d.status,
                        d.person_fen, d.government_fen, d.office, d.basis
                   FROM residents r CROSS JOIN temp.import_dues d
                        ON d.insurance = ?2 AND d.birth_date = r.birth_date
                  WHERE r.id >= ?3
                  ORDER BY r.id",
            )?;
            for insurance in ["medical", "pension"] {
                rows.execute(params![year, insurance, self.first_id])?;
            }
        }
        tx.execute_batch("DROP TABLE temp.import_dues")?;
        let mut totals: HashMap<(i64, &str, &str), i64> = HashMap::new();
        for (&(village, band), &n) in &self.counts {
            for e in &self.bands[band] {
                *totals.entry((village, &e.measure, e.status)).or_default() += n;
            }
        }
        let mut count = tx.prepare(
            "INSERT INTO progress_counts (year, village_id, measure, status, n, paid)
             VALUES (?1, ?2, ?3, ?4, ?5, 0)
             ON CONFLICT (year, village_id, measure, status) DO UPDATE SET n = n + excluded.n",
        )?;
        for ((village, measure, status), n) in totals {
            count.execute(params![year, village, measure, status, n])?;
        }
        Ok(())
    }
}
