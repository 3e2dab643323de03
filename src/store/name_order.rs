//! Names in pinyin order. Every distinct name's sort key is one of its rows
//! in `name_keys` (behind `name_keys::SORT_MARK`), so a whole town or the
//! district is listed by walking that table in order and each name's people
//! through the `residents_name` index. Small lists (a village) sort by the
//! SQL function `name_order(name)`, the same key computed on the fly.

use crate::domain::name_keys;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

/// Register `name_order(name)` on a connection (every connection the store
/// opens: list queries and the schema step that fills the keys use it).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "name_order",
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let name = ctx.get_raw(0).as_str().unwrap_or_default();
            Ok(name_keys::sort_key(name))
        },
    )
}

/// The sort keys among the rows of `name_keys k` (they start with \u{1}).
pub const SORT_KEYS: &str = "k.key >= char(1) AND k.key < char(2)";
