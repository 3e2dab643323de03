//! The writing side of the residents import: new residents one to a
//! statement, their search keys held and written in key order, every
//! verdict; roster rows and changes at the end.
//!
//! A new resident has no payments, so its roster rows add to the progress
//! counters and to nothing else: they are written together at the end
//! ([`NewRosters`]) and counted there, with the roster's insert trigger set
//! aside. Into a small registry (a first load) the registry's secondary
//! indexes are set aside too and built once, sorted, at the end. Changes to
//! residents already registered wait until triggers and indexes are back,
//! so their roster refreshes go through the triggers as usual.

use super::new_rosters::NewRosters;
use super::{Change, Judged, KEY_END, NewResident};
use crate::domain::PolicyYear;
use crate::store::Result;
use crate::store::campaign::roster::refresh_resident;
use crate::store::imports::set_aside::{Kind, SetAside};
use crate::store::imports::{Journal, ManyInsert};
use rusqlite::{Statement, ToSql, Transaction, params};

/// Prepared statements of the writing side.
pub(super) struct Writer<'t> {
    tx: &'t Transaction<'t>,
    /// The id the next new resident gets (the import holds the write lock).
    next_id: i64,
    residents: ManyInsert<'t>,
    keys: ManyInsert<'t>,
    update: Statement<'t>,
    /// Search keys of new residents, written in key order: a B-tree takes
    /// sorted keys several times faster than keys in the file's order.
    pending: KeyBuffer,
    /// Names whose keys this import has written or holds.
    named: std::collections::HashSet<String>,
    /// Indexes and the trigger set aside until [`Writer::finish`].
    set_aside: SetAside,
    /// The registry is small and its indexes are not set aside yet: the
    /// first batch with new residents sets them aside.
    defer_indexes: bool,
    /// The new residents' roster rows, written at the end.
    rosters: NewRosters,
    /// Changes to registered residents, applied at the end.
    held: Vec<Change>,
}

/// Below this many registered residents an import that brings new ones
/// rebuilds the registry's secondary indexes rather than inserting into them.
const SMALL_REGISTRY: i64 = 100_000;
/// The indexes a first load builds at the end: their keys arrive in no
/// useful order (names, ID tails, villages in the file's order).
const DEFERRED_INDEXES: [&str; 3] = ["residents_name", "residents_id_tail", "residents_village"];

/// Search keys written per statement. Residents go one to a statement:
/// several rows would need a statement journal (the registry has unique and
/// foreign keys), which costs more than it saves.
const KEYS_PER_STATEMENT: usize = 200;
/// Keys held before they are sorted and written (about 50 MB).
const KEYS_HELD: usize = 2_000_000;

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
        Ok(Writer {
            tx,
            next_id,
            residents: ManyInsert::new(
                tx,
                "INSERT INTO residents (id, id_number, name, sex, birth_date, village_id, residence, phone)",
                8,
                1,
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
            pending: KeyBuffer::default(),
            named: std::collections::HashSet::new(),
            set_aside,
            defer_indexes: registered < SMALL_REGISTRY,
            rosters: NewRosters::new(next_id),
            held: Vec::new(),
        })
    }

    /// Write one batch: new residents and their keys, every verdict; changes
    /// and roster rows wait for [`Writer::finish`].
    pub(super) fn apply(
        &mut self,
        batch: Vec<Judged>,
        journal: &mut Journal,
        policy: &PolicyYear,
    ) -> Result<()> {
        let mut new: Vec<(i64, NewResident)> = Vec::new();
        for judged in batch {
            match judged {
                Judged::Rejected { line, reason } => journal.rejected(line, reason)?,
                Judged::Unchanged { line } => journal.unchanged(line)?,
                Judged::Changed(c) => self.held.push(*c),
                Judged::New(r) => {
                    let id = self.next_id;
                    self.next_id += 1;
                    // The keys search::index_name writes, held and written
                    // sorted; the judge sends them with a name's first row.
                    for k in r.keys.split_terminator(KEY_END) {
                        self.pending.push(k, &r.name);
                    }
                    journal.accepted(r.line, None)?;
                    new.push((id, *r));
                }
            }
        }
        if !new.is_empty() && std::mem::take(&mut self.defer_indexes) {
            for name in DEFERRED_INDEXES {
                self.set_aside.drop(self.tx, Kind::Index, name)?;
            }
        }
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(new.len() * 8);
        for (id, r) in &new {
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
        for (_, r) in &new {
            self.rosters.add(policy, r.birth_date, r.village_id);
        }
        if self.pending.len() >= KEYS_HELD {
            self.flush_keys()?;
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

    /// Write the held keys and counters, put the set-aside indexes and
    /// trigger back, then apply the held changes.
    pub(super) fn finish(mut self, journal: &mut Journal, policy: &PolicyYear) -> Result<()> {
        // The held keys are sorted on the other core (the judging thread is
        // done) while this one writes the roster rows: a third of a second
        // for a district's 900,000 keys.
        let mut keys = std::mem::take(&mut self.pending);
        let rosters = std::thread::scope(|scope| {
            let sorter = scope.spawn(move || {
                keys.sort();
                keys
            });
            let rosters = self.rosters.write(self.tx, policy.year);
            self.pending = sorter
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            rosters
        });
        rosters?;
        self.flush_keys()?;
        self.set_aside.restore(self.tx)?;
        for c in std::mem::take(&mut self.held) {
            self.change(c, journal, policy)?;
        }
        Ok(())
    }

    /// Write the held search keys in key order.
    fn flush_keys(&mut self) -> Result<()> {
        self.pending.sort();
        for chunk in self.pending.items.chunks(10_000) {
            let keys: Vec<(&str, &str)> = chunk
                .iter()
                .map(|i| (self.pending.key(i), self.pending.name(i)))
                .collect();
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(keys.len() * 2);
            for (k, id) in &keys {
                values.extend([k as &dyn ToSql, id]);
            }
            self.keys.insert(&values)?;
        }
        self.pending.clear();
        Ok(())
    }
}

/// Search keys held compactly: their texts and names in one string, each
/// item the span of its key and of its name.
#[derive(Default)]
struct KeyBuffer {
    text: String,
    items: Vec<(u32, u32, u32, u32)>,
    /// No key came since the last [`KeyBuffer::sort`].
    sorted: bool,
}

impl KeyBuffer {
    fn push(&mut self, key: &str, name: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(key);
        let name_start = self.text.len() as u32;
        self.text.push_str(name);
        self.items
            .push((start, key.len() as u32, name_start, name.len() as u32));
        self.sorted = false;
    }

    fn name(&self, &(_, _, start, len): &(u32, u32, u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.items.clear();
    }

    fn key(&self, &(start, len, _, _): &(u32, u32, u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    /// Into the order of the table's primary key (key, name).
    fn sort(&mut self) {
        if self.sorted {
            return;
        }
        let mut items = std::mem::take(&mut self.items);
        items.sort_unstable_by(|a, b| {
            self.key(a)
                .cmp(self.key(b))
                .then(self.name(a).cmp(self.name(b)))
        });
        self.items = items;
        self.sorted = true;
    }
}
