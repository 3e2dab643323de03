//! The writing side of the residents import: every verdict; new residents
//! a chunk at a time in ID-number order, one to a statement, each chunk's
//! roster rows right after it; the search keys in key order; changes at
//! the end.
//!
//! A new resident has no payments, so its roster rows add to the progress
//! counters and to nothing else: they are written by one statement per
//! chunk and insurance ([`NewRosters`]) and counted at the end, with the
//! roster's insert trigger set aside. Into a small registry (a first load) the registry's secondary
//! indexes are set aside too and built once, sorted, at the end. Changes to
//! residents already registered wait until triggers and indexes are back,
//! so their roster refreshes go through the triggers as usual.

use super::chunk::KeyBuffer;
use super::new_rosters::NewRosters;
use super::{Batch, Change, Judged, NewResident};
use crate::domain::PolicyYear;
use crate::store::Result;
use crate::store::campaign::roster::refresh_resident;
use crate::store::imports::judging::{Journal, ManyInsert};
use crate::store::imports::set_aside::{Kind, SetAside};
use rusqlite::{Statement, ToSql, Transaction, params};

/// Prepared statements of the writing side.
pub(super) struct Writer<'t> {
    tx: &'t Transaction<'t>,
    /// The id the next new resident gets (the import holds the write lock).
    next_id: i64,
    residents: ManyInsert<'t>,
    members: ManyInsert<'t>,
    keys: ManyInsert<'t>,
    update: Statement<'t>,
    /// Names whose keys this import has written.
    named: std::collections::HashSet<String>,
    /// Indexes and the trigger set aside until [`Writer::finish`].
    set_aside: SetAside,
    /// The registry is small and its indexes are not set aside yet: the
    /// first chunk sets them aside.
    defer_indexes: bool,
    /// The new residents' roster rows and counts.
    rosters: NewRosters,
    /// Changes to registered residents, applied at the end.
    held: Vec<Change>,
    pub(super) clock: crate::store::imports::timing::Phases,
}

/// Below this many registered residents an import that brings new ones
/// rebuilds the registry's secondary indexes rather than inserting into them.
const SMALL_REGISTRY: i64 = 100_000;
/// The indexes a first load builds at the end: their keys arrive in no
/// useful order (names, ID tails, villages in the file's order).
const DEFERRED_INDEXES: [&str; 6] = [
    "residents_name",
    "residents_id_tail",
    "residents_village",
    "residents_birth",
    "list_members_id",
    "list_members_birth",
];

/// Search keys written per statement. Residents go one to a statement:
/// several rows would need a statement journal (the registry has unique and
/// foreign keys), which costs more than it saves.
const KEYS_PER_STATEMENT: usize = 200;
/// Rows of `list_members` written per statement.
const MEMBERS_PER_STATEMENT: usize = 100;

impl<'t> Writer<'t> {
    pub(super) fn new(tx: &'t Transaction<'t>) -> Result<Self> {
        // Counted only up to the threshold: a city's registry is not
        // walked whole to learn that it is not small.
        let (next_id, registered): (i64, i64) = tx.query_row(
            "SELECT (SELECT coalesce(max(id), 0) + 1 FROM residents),
                    (SELECT count(*) FROM (SELECT 1 FROM residents LIMIT ?1))",
            [SMALL_REGISTRY],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut set_aside = SetAside::default();
        set_aside.drop(tx, Kind::Trigger, "roster_ins")?;
        // new residents' standings are counted by `NewRosters::finish`
        set_aside.drop(tx, Kind::Trigger, "standing_roster_ins")?;
        // and their lists by `Writer::write_members`
        set_aside.drop(tx, Kind::Trigger, "member_roster_ins")?;
        Ok(Writer {
            tx,
            next_id,
            residents: ManyInsert::new(
                tx,
                "INSERT INTO residents (id, id_number, name, sex, birth_date, village_id, residence, phone)",
                8,
                1,
            )?,
            members: ManyInsert::new(
                tx,
                "INSERT INTO list_members (year, list, id_number, resident_id, village_id, birth_date)",
                6,
                MEMBERS_PER_STATEMENT,
            )?,
            keys: ManyInsert::new(
                tx,
                "INSERT OR IGNORE INTO name_keys (key, name)",
                2,
                KEYS_PER_STATEMENT,
            )?,
            update: tx.prepare(
                "UPDATE residents SET name = ?2, village_id = ?3, phone = ?4, residence = ?5 WHERE id = ?1",
            )?,
            named: std::collections::HashSet::new(),
            set_aside,
            defer_indexes: registered < SMALL_REGISTRY,
            rosters: NewRosters::new(),
            held: Vec::new(),
            clock: crate::store::imports::timing::Phases::new("writer"),
        })
    }

    /// Write one batch: every verdict, and a chunk of new residents with
    /// their roster rows, or search keys; changes wait for
    /// [`Writer::finish`].
    pub(super) fn apply(
        &mut self,
        batch: Batch,
        journal: &mut Journal,
        policy: &PolicyYear,
    ) -> Result<()> {
        let since = crate::store::imports::timing::mark();
        for judged in batch.verdicts {
            match judged {
                Judged::Rejected { line, reason } => journal.rejected(line, reason)?,
                Judged::Unchanged { line } => journal.unchanged(line)?,
                Judged::New { line } => journal.accepted(line, None)?,
                Judged::Changed(c) => self.held.push(*c),
            }
        }
        self.clock.add("verdicts", since);
        if let Some(residents) = batch.residents {
            self.write_residents(residents, policy)?;
        }
        let since = crate::store::imports::timing::mark();
        if let Some(keys) = batch.keys {
            self.write_keys(&keys)?;
        }
        self.clock.add("keys", since);
        Ok(())
    }

    /// New residents in the chunk's order (ID numbers ascending), then
    /// their roster rows.
    fn write_residents(&mut self, chunk: Vec<NewResident>, policy: &PolicyYear) -> Result<()> {
        if std::mem::take(&mut self.defer_indexes) {
            for name in DEFERRED_INDEXES {
                self.set_aside.drop(self.tx, Kind::Index, name)?;
            }
        }
        let since = crate::store::imports::timing::mark();
        let first = self.next_id;
        for part in chunk.chunks(1000) {
            let ids: Vec<i64> = (self.next_id..).take(part.len()).collect();
            self.next_id += part.len() as i64;
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(part.len() * 8);
            for (id, r) in ids.iter().zip(part) {
                values.extend([
                    id as &dyn ToSql,
                    &r.id_number,
                    &r.name,
                    &r.sex,
                    &r.birth_text,
                    &r.village_id,
                    &r.residence,
                    &r.phone,
                ]);
            }
            self.residents.insert(&values)?;
        }
        let since = self.clock.add("registry", since);
        for r in &chunk {
            self.rosters.add(policy, r.birth_date, r.village_id);
        }
        self.rosters
            .write(self.tx, policy.year, first, self.next_id - 1)?;
        let since = self.clock.add("roster", since);
        self.write_members(&chunk, first, policy.year)?;
        self.clock.add("lists", since);
        Ok(())
    }

    /// The chunk's residents in the lists of `list_members` their roster
    /// puts them in (nothing is paid yet: 未缴 when anything is due, 代缴
    /// when anything is exempt), each list in ID-number order.
    fn write_members(&mut self, chunk: &[NewResident], first: i64, year: i32) -> Result<()> {
        let ids: Vec<i64> = (first..).take(chunk.len()).collect();
        for (list, status) in [(1i64, "due"), (3, "exempt")] {
            let listed: Vec<(&i64, &NewResident)> = ids
                .iter()
                .zip(chunk)
                .filter(|(_, r)| self.rosters.has_status(r.birth_date, status))
                .collect();
            for part in listed.chunks(10_000) {
                let mut values: Vec<&dyn ToSql> = Vec::with_capacity(part.len() * 6);
                for (id, r) in part {
                    values.extend([
                        &year as &dyn ToSql,
                        &list,
                        &r.id_number,
                        *id,
                        &r.village_id,
                        &r.birth_text,
                    ]);
                }
                self.members.insert(&values)?;
            }
        }
        Ok(())
    }

    fn change(&mut self, c: Change, journal: &mut Journal, policy: &PolicyYear) -> Result<()> {
        self.update.execute(params![
            c.resident_id,
            c.name,
            c.village_id,
            c.phone,
            c.residence
        ])?;
        // A renamed resident is found under the new name's keys; the old
        // name's keys lead only to residents still called so.
        if let Some((_, new)) = &c.rekey
            && self.named.insert(c.name.clone())
        {
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(new.len() * 2);
            for k in new {
                values.extend([k as &dyn ToSql, &c.name]);
            }
            self.keys.insert(&values)?;
        }
        if c.moved {
            refresh_resident(self.tx, policy, c.resident_id)?;
        }
        journal.updated(c.line, c.detail)
    }

    /// Add the counters, put the set-aside indexes and trigger back, then
    /// apply the held changes.
    pub(super) fn finish(mut self, journal: &mut Journal, policy: &PolicyYear) -> Result<()> {
        let since = crate::store::imports::timing::mark();
        self.rosters.finish(self.tx, policy.year)?;
        let since = self.clock.add("counters", since);
        self.set_aside.restore(self.tx)?;
        let since = self.clock.add("indexes", since);
        for c in std::mem::take(&mut self.held) {
            self.change(c, journal, policy)?;
        }
        self.clock.add("changes", since);
        Ok(())
    }

    /// Search keys, (key, name) pairs in key order.
    fn write_keys(&mut self, keys: &KeyBuffer) -> Result<()> {
        let pairs: Vec<(&str, &str)> = keys.pairs().collect();
        for part in pairs.chunks(10_000) {
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(part.len() * 2);
            for (k, name) in part {
                values.extend([k as &dyn ToSql, name]);
            }
            self.keys.insert(&values)?;
        }
        Ok(())
    }
}
