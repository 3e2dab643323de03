//! Small settings kept in the database: the campaign year and, for demo
//! databases, the as-of date they were built for.

use super::{Result, Store};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

pub fn set(tx: &Connection, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

impl Store {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The as-of date stored in the database (demo databases carry one).
    pub fn stored_as_of(&self) -> Result<Option<NaiveDate>> {
        Ok(self.meta("as_of")?.and_then(|s| s.parse().ok()))
    }

    /// The campaign year the station works on (defaults to the newest policy year).
    pub fn stored_year(&self) -> Result<Option<i32>> {
        Ok(self.meta("year")?.and_then(|s| s.parse().ok()))
    }
}
