//! Indexes and triggers set aside while a large import (or the demo loader)
//! writes, and put back before it commits: a B-tree built once from sorted keys costs a fraction
//! of hundreds of thousands of random inserts, and a trigger the writer
//! stands in for costs nothing. Both happen inside the import's one
//! transaction, so other connections never see the schema without them and
//! a crash or a rollback puts everything back as it was.

use crate::store::Result;
use rusqlite::{Connection, OptionalExtension};

/// Schema objects dropped for now, with the SQL that recreates them.
#[derive(Default)]
pub(crate) struct SetAside {
    dropped: Vec<(String, String)>,
}

impl SetAside {
    /// Drop the index or trigger `name` (when it exists), remembering it.
    pub fn drop(&mut self, tx: &Connection, kind: Kind, name: &str) -> Result<()> {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = ?1 AND name = ?2 AND sql IS NOT NULL",
                [kind.word(), name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(sql) = sql {
            tx.execute_batch(&format!("DROP {} {name}", kind.word().to_uppercase()))?;
            self.dropped.push((name.to_string(), sql));
        }
        Ok(())
    }

    /// Drop every index declared in the schema (the automatic ones of
    /// UNIQUE and PRIMARY KEY constraints stay), remembering them.
    pub fn drop_all_indexes(&mut self, tx: &Connection) -> Result<()> {
        let names: Vec<String> = tx
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for name in names {
            self.drop(tx, Kind::Index, &name)?;
        }
        Ok(())
    }

    /// Recreate everything dropped, in the order it was dropped.
    pub fn restore(&mut self, tx: &Connection) -> Result<()> {
        for (_, sql) in std::mem::take(&mut self.dropped) {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Index,
    Trigger,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Index => "index",
            Kind::Trigger => "trigger",
        }
    }
}
