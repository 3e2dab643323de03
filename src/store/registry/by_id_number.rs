//! A town's filtered list in ID-number order, by merging its villages. ID
//! numbers run by birth date, and the people a filter keeps can be rare
//! among the oldest (hardly anyone over 70 owes: the government pays), so a
//! walk of the district's ID index past other towns' people and this
//! town's old took 0.2 s at 400,000 and 2.5 s at 4,000,000 for the first
//! page of 未缴. Each village's people are read in ID order from the village
//! index (which holds the ID number), only they are looked up, and the
//! villages' runs are merged until the page is full.

use super::residents::{
    ListQuery, ROW_COLUMNS, ResidentRow, STANDINGS, VILLAGE, filter_sql, row, scope_id,
};
use crate::store::{Result, Store};
use rusqlite::params;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The page of the town's list `q` (sorted by ID number) from `offset`
/// (from the list's end when `from_end`), `limit` rows, in the list's order.
pub(super) fn page(
    store: &Store,
    q: &ListQuery,
    offset: i64,
    limit: i64,
    from_end: bool,
) -> Result<Vec<ResidentRow>> {
    let villages: Vec<i64> = store
        .conn()
        .prepare_cached("SELECT id FROM villages WHERE town_id = ?1")?
        .query_map([scope_id(q.scope)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // read from the list's end: the order reversed, the rows turned back
    let backwards = q.descending != from_end;
    let dir = if backwards { "DESC" } else { "ASC" };
    let filter = filter_sql(q.filter);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM residents r INDEXED BY residents_village {VILLAGE} {STANDINGS}
          WHERE r.village_id = ?2 AND {filter} ORDER BY r.id_number {dir}"
    );
    let mut statements = Vec::with_capacity(villages.len());
    for _ in &villages {
        statements.push(store.conn().prepare(&sql)?);
    }
    let mut runs = Vec::with_capacity(villages.len());
    for (st, village) in statements.iter_mut().zip(&villages) {
        runs.push(st.query(params![q.year, village])?);
    }
    // the head of each village's run, smallest ID number first (largest
    // when read backwards)
    let mut heads = BinaryHeap::new();
    for (i, run) in runs.iter_mut().enumerate() {
        if let Some(r) = run.next()? {
            push(&mut heads, row(r)?, i, backwards);
        }
    }
    let wanted = offset.saturating_add(limit);
    let mut rows = Vec::new();
    let mut passed = 0i64;
    while passed < wanted {
        let Some((_, i, next)) = pop(&mut heads) else {
            break;
        };
        if passed >= offset {
            rows.push(next);
        }
        passed += 1;
        if let Some(r) = runs[i].next()? {
            push(&mut heads, row(r)?, i, backwards);
        }
    }
    if from_end {
        rows.reverse();
    }
    Ok(rows)
}

/// Heads ordered by ID number (ascending, or descending when `backwards`):
/// a max-heap of `Reverse` keys, or of the keys themselves.
enum Head {
    Up(Reverse<(String, usize)>, ResidentRow),
    Down((String, usize), ResidentRow),
}

impl Head {
    fn key(&self) -> (&str, usize, bool) {
        match self {
            Head::Up(Reverse((k, i)), _) => (k, *i, false),
            Head::Down((k, i), _) => (k, *i, true),
        }
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Head::Up(a, _), Head::Up(b, _)) => a.cmp(b),
            (Head::Down(a, _), Head::Down(b, _)) => a.cmp(b),
            // one heap holds one kind
            (Head::Up(..), Head::Down(..)) => std::cmp::Ordering::Less,
            (Head::Down(..), Head::Up(..)) => std::cmp::Ordering::Greater,
        }
    }
}

fn push(heads: &mut BinaryHeap<Head>, r: ResidentRow, run: usize, backwards: bool) {
    let key = (r.id_number.clone(), run);
    heads.push(if backwards {
        Head::Down(key, r)
    } else {
        Head::Up(Reverse(key), r)
    });
}

fn pop(heads: &mut BinaryHeap<Head>) -> Option<(String, usize, ResidentRow)> {
    heads.pop().map(|h| match h {
        Head::Up(Reverse((k, i)), r) | Head::Down((k, i), r) => (k, i, r),
    })
}
