//! The roster rows of the residents an import adds. A new resident has no
//! groups, flags, death or payments yet, so its roster depends on the birth
//! date alone: the dues are computed once per date, the distinct rosters
//! (bands) kept once, the rows written by one statement per insurance that
//! finds each new resident's band from the birth date, and the progress
//! counters added per village and band.

use crate::domain::{Person, PolicyYear, compute};
use crate::store::Result;
use crate::store::campaign::roster::{RosterEntry, entries};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::HashMap;

pub(super) struct NewRosters {
    /// Birth date → index into `bands`.
    band_of: HashMap<NaiveDate, usize>,
    /// The distinct rosters (a handful: one per age band of the policy).
    bands: Vec<Vec<RosterEntry>>,
    /// Bands already in the temporary table of dues.
    bands_written: usize,
    /// New residents per (village, band).
    counts: HashMap<(i64, usize), i64>,
}

impl NewRosters {
    pub fn new() -> Self {
        NewRosters {
            band_of: HashMap::new(),
            bands: Vec::new(),
            bands_written: 0,
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

    /// Whether the roster of a resident born on `birth` (noted) has an
    /// entry of `status` (due, exempt).
    pub fn has_status(&self, birth: NaiveDate, status: &str) -> bool {
        self.band_of
            .get(&birth)
            .is_some_and(|&b| self.bands[b].iter().any(|e| e.status == status))
    }

    /// Write the roster rows of the residents `first..=last`, all noted.
    /// The caller has set the roster's insert trigger aside: [`finish`]
    /// adds the counts that stand for it.
    ///
    /// [`finish`]: NewRosters::finish
    pub fn write(&mut self, tx: &Connection, year: i32, first: i64, last: i64) -> Result<()> {
        if self.bands_written == 0 {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS import_dues (
                    insurance TEXT NOT NULL, band INTEGER NOT NULL, measure TEXT NOT NULL,
                    status TEXT NOT NULL, person_fen INTEGER NOT NULL, government_fen INTEGER NOT NULL,
                    office TEXT, basis TEXT,
                    PRIMARY KEY (insurance, band)) WITHOUT ROWID",
            )?;
        }
        let mut due =
            tx.prepare("INSERT INTO temp.import_dues VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for (band, roster) in self.bands.iter().enumerate().skip(self.bands_written) {
            for e in roster {
                due.execute(params![
                    e.insurance,
                    band as i64,
                    e.measure,
                    e.status,
                    e.person_fen,
                    e.government_fen,
                    e.office,
                    e.basis
                ])?;
            }
        }
        self.bands_written = self.bands.len();
        // A resident's band found from the birth date by comparisons, not
        // by a lookup per row (a third of the time). In resident order
        // per insurance: the roster's key grows at its end.
        let mut rows = tx.prepare(&format!(
            "INSERT INTO roster (year, insurance, resident_id, village_id, measure, status,
                                 person_fen, government_fen, office, basis)
             SELECT ?1, d.insurance, r.id, r.village_id, d.measure, d.status,
                    d.person_fen, d.government_fen, d.office, d.basis
               FROM residents r CROSS JOIN temp.import_dues d
                    ON d.insurance = ?2 AND d.band = {}
              WHERE r.id BETWEEN ?3 AND ?4
              ORDER BY r.id",
            band_case(&self.ranges())
        ))?;
        for insurance in ["medical", "pension"] {
            rows.execute(params![year, insurance, first, last])?;
        }
        Ok(())
    }

    /// Add the new residents' roster rows to the progress counters, and
    /// drop the table of dues.
    pub fn finish(&self, tx: &Connection, year: i32) -> Result<()> {
        if self.bands_written == 0 {
            return Ok(());
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
        // people per pair of standings (nothing is paid yet: 2 due, 4 exempt)
        let mut pairs: HashMap<(i64, i64, i64), i64> = HashMap::new();
        for (&(village, band), &n) in &self.counts {
            let code = |insurance: &str| {
                self.bands[band]
                    .iter()
                    .find(|e| e.insurance == insurance)
                    .map_or(0, |e| if e.status == "due" { 2 } else { 4 })
            };
            let (m, p) = (code("medical"), code("pension"));
            if m + p > 0 {
                *pairs.entry((village, m, p)).or_default() += n;
            }
        }
        let mut pair = tx.prepare(
            "INSERT INTO standing_counts (year, village_id, medical, pension, n)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (year, village_id, medical, pension) DO UPDATE SET n = n + excluded.n",
        )?;
        for ((village, m, p), n) in pairs {
            pair.execute(params![year, village, m, p, n])?;
        }
        Ok(())
    }

    /// The new residents' birth dates as runs of one band: (last date of
    /// the run, band), in date order. Age bands make a handful of runs.
    fn ranges(&self) -> Vec<(NaiveDate, usize)> {
        let mut dates: Vec<(NaiveDate, usize)> =
            self.band_of.iter().map(|(d, b)| (*d, *b)).collect();
        dates.sort_unstable();
        let mut runs: Vec<(NaiveDate, usize)> = Vec::new();
        for (date, band) in dates {
            match runs.last_mut() {
                Some(last) if last.1 == band => last.0 = date,
                _ => runs.push((date, band)),
            }
        }
        runs
    }
}

/// An SQL expression giving the band of `r.birth_date` (`YYYY-MM-DD` text)
/// from runs of dates ([`NewRosters::ranges`]): a binary search written as
/// nested `CASE`s, so that even an odd policy with many runs costs a few
/// comparisons per row. Dates are written by this program, not taken from a file.
fn band_case(runs: &[(NaiveDate, usize)]) -> String {
    match runs {
        [] => "NULL".into(),
        [(_, band)] => band.to_string(),
        _ => {
            let mid = runs.len() / 2;
            format!(
                "(CASE WHEN r.birth_date <= '{}' THEN {} ELSE {} END)",
                runs[mid - 1].0.format("%Y-%m-%d"),
                band_case(&runs[..mid]),
                band_case(&runs[mid..])
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band_in_sql(conn: &Connection, expr: &str, date: NaiveDate) -> Option<i64> {
        conn.query_row(
            &format!("SELECT {expr} FROM (SELECT ?1 AS birth_date) r"),
            [date.format("%Y-%m-%d").to_string()],
            |row| row.get(0),
        )
        .unwrap()
    }

    #[test]
    fn the_case_finds_every_dates_band() {
        let conn = Connection::open_in_memory().unwrap();
        let day0 = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
        // An odd policy: the band changes every few days (37 runs), and a
        // usual one: three age bands.
        let odd: Vec<(NaiveDate, usize)> = (0..111)
            .map(|i| (day0 + chrono::Duration::days(i), (i as usize / 3) % 5))
            .collect();
        let usual: Vec<(NaiveDate, usize)> = (0..111)
            .map(|i| {
                (
                    day0 + chrono::Duration::days(i * 200),
                    (i as usize * 3) / 111,
                )
            })
            .collect();
        for dates in [odd, usual] {
            let rosters = NewRosters {
                band_of: dates.iter().copied().collect(),
                ..NewRosters::new()
            };
            let runs = rosters.ranges();
            assert!(runs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 != w[1].1));
            let expr = band_case(&runs);
            for (date, band) in dates {
                assert_eq!(band_in_sql(&conn, &expr, date), Some(band as i64), "{date}");
            }
        }
        assert_eq!(band_case(&[]), "NULL");
    }
}
