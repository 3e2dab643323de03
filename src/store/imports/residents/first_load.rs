//! A first load: residents into an empty registry. The judging thread reads
//! villages from a copy of the (small) file in memory, so that this
//! connection may be the only one holding the file; then, if no other
//! connection has it open, the load is written with a rollback journal
//! instead of the write-ahead log. The journal holds only the few pages the
//! file had (everything else is new), so every page the load writes is
//! written once, not once to the log and again at the checkpoint. A crash
//! or a rollback still leaves the file exactly as before: the journal's
//! pages are put back by the next connection that opens it (see
//! `Store::open_read_only` for readers). The file returns to the
//! write-ahead log when the load ends.

use crate::store::{BUSY_TIMEOUT, Result, Store};
use rusqlite::Connection;
use std::time::Duration;

/// A file larger than this is not copied into memory for the judging
/// thread: an empty registry's file is a few hundred kilobytes.
const LARGEST_COPY: i64 = 64 * 1024 * 1024;

/// The judging thread's reader for a first load: a copy of the file in
/// memory; `None` when the registry holds anyone or the file is large.
pub(super) fn reader(store: &Store) -> Result<Option<Store>> {
    let (empty, size): (bool, i64) = store.conn().query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM residents),
                (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size())",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !empty || size > LARGEST_COPY {
        return Ok(None);
    }
    store.copy_in_memory().map(Some)
}

/// Leave the write-ahead log for a rollback journal, when no other
/// connection has the file open (leaving it needs the file to itself; no
/// waiting). Whether the file is now in rollback mode.
pub(super) fn leave_wal(conn: &Connection) -> bool {
    let _ = conn.busy_timeout(Duration::ZERO);
    let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    });
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
    if mode
        .as_deref()
        .is_ok_and(|m| m.eq_ignore_ascii_case("delete"))
    {
        // The journal synced at each step while the load writes.
        let _ = conn.pragma_update(None, "synchronous", "FULL");
        true
    } else {
        false
    }
}

/// Back to the write-ahead log after the load. Should a reader hold the
/// file meanwhile, the next connection that opens it for writing does it.
pub(super) fn back_to_wal(conn: &Connection) {
    let _ = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
    let _ = conn.pragma_update(None, "synchronous", "NORMAL");
}
