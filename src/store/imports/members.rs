//! `list_members` kept once at the end of a bulk change to payments, not
//! payment by payment: the row-by-row trigger on `paid` is set aside for the
//! import and a temporary one notes whom it touched; at the end those
//! residents' lists are written again in ID-number order (see
//! `schema::refresh_touched_members`). 50,000 payments at 400,000 residents
//! cost 2.3 s more row by row (each payment's lists at random places in
//! tables larger than the cache).

use crate::store::Result;
use crate::store::imports::set_aside::{Kind, SetAside};
use crate::store::schema;
use rusqlite::Connection;

/// The lists' trigger on `paid`, set aside until [`Deferred::finish`].
pub(crate) struct Deferred {
    set_aside: SetAside,
}

impl Deferred {
    pub fn begin(tx: &Connection) -> Result<Self> {
        let mut set_aside = SetAside::default();
        set_aside.drop(tx, Kind::Trigger, "member_paid_ins")?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS member_touched (
                 year INTEGER NOT NULL, resident_id INTEGER NOT NULL,
                 PRIMARY KEY (year, resident_id)) WITHOUT ROWID;
             DELETE FROM temp.member_touched;
             CREATE TEMP TRIGGER IF NOT EXISTS member_touch AFTER INSERT ON main.paid BEGIN
                 INSERT OR IGNORE INTO temp.member_touched VALUES (NEW.year, NEW.resident_id);
             END;",
        )?;
        Ok(Deferred { set_aside })
    }

    /// Write the touched residents' lists and put the trigger back.
    pub fn finish(mut self, tx: &Connection) -> Result<()> {
        tx.execute_batch("DROP TRIGGER temp.member_touch")?;
        tx.execute_batch(&schema::refresh_touched_members())?;
        tx.execute_batch("DELETE FROM temp.member_touched")?;
        self.set_aside.restore(tx)?;
        Ok(())
    }
}
