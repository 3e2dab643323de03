//! A town's or the district's list sorted by medical or pension standing,
//! page by page without sorting the town. The list's order puts each
//! standing's residents together (paid, due, proxy-paid, exempt, then not
//! on the roster), each in ID order; `standing_counts` says how many of
//! the list's residents each standing holds, so a page is one or two
//! standings' residents from a known place, each read in ID order along
//! the roster's key (or the payments', or the registry's for those on
//! neither) until the page is full.

use super::residents::{
    ListFilter, ListQuery, ROW_COLUMNS, ResidentRow, STANDINGS, Scope, SortColumn, VILLAGE,
    filter_sql, pairs_sql, row, scope_id, scope_sql,
};
use crate::store::{Result, Store};
use rusqlite::params;

/// The standings in the list's ascending order, as `standing_counts`
/// codes: due and paid, due, exempt and paid (代缴 recorded), exempt, not
/// on the roster but paid, not on the roster.
const ASCENDING: [i64; 6] = [3, 2, 5, 4, 1, 0];

/// The page of the list `q` (sorted by medical or pension) from `offset`
/// (from the list's end when `from_end`), `limit` rows, in the list's order.
pub(super) fn page(
    store: &Store,
    q: &ListQuery,
    offset: i64,
    limit: i64,
    from_end: bool,
) -> Result<Vec<ResidentRow>> {
    let insurance = match q.sort {
        SortColumn::Pension => "pension",
        _ => "medical",
    };
    let mut order = ASCENDING.to_vec();
    if q.descending {
        order.reverse();
    }
    let sizes = sizes(store, q, insurance)?;
    let total: i64 = sizes.iter().sum();
    let (start, end) = if from_end {
        ((total - offset - limit).max(0), (total - offset).max(0))
    } else {
        (offset, offset.saturating_add(limit).min(total))
    };
    let mut rows = Vec::new();
    let mut first = 0i64;
    for code in order {
        let size = sizes[code as usize];
        let (a, b) = (start.max(first), end.min(first + size));
        if a < b {
            rows.extend(part(store, q, insurance, code, a - first, b - a, size)?);
        }
        first += size;
        if first >= end {
            break;
        }
    }
    Ok(rows)
}

/// How many of the list's residents each standing code holds.
fn sizes(store: &Store, q: &ListQuery, insurance: &str) -> Result<[i64; 6]> {
    let scope = match q.scope {
        Scope::District => "?2 = ?2",
        Scope::Town(_) => "v.town_id = ?2",
        Scope::Village(_) => "v.id = ?2",
    };
    let pairs = pairs_sql(q.filter);
    let mut st = store.conn().prepare_cached(&format!(
        "SELECT s.{insurance}, sum(s.n) FROM standing_counts s JOIN villages v ON v.id = s.village_id
          WHERE s.year = ?1 AND {scope} AND {pairs} GROUP BY 1"
    ))?;
    let mut sizes = [0i64; 6];
    let mut counted = 0;
    let mut rows = st.query(params![q.year, scope_id(q.scope)])?;
    while let Some(r) = rows.next()? {
        let (code, n): (i64, i64) = (r.get(0)?, r.get(1)?);
        if let Some(size) = sizes.get_mut(code as usize) {
            *size += n;
            counted += n;
        }
    }
    if q.filter == ListFilter::All {
        // everyone else is on neither roster with nothing paid
        let everyone = store.resident_count(q)?;
        sizes[0] += (everyone - counted).max(0);
    }
    Ok(sizes)
}

/// `n` residents of one standing from `skip`, in ID order (read from the
/// standing's far end when nearer).
fn part(
    store: &Store,
    q: &ListQuery,
    insurance: &str,
    code: i64,
    skip: i64,
    n: i64,
    size: i64,
) -> Result<Vec<ResidentRow>> {
    let (r, p) = match insurance {
        "pension" => ("rp", "pp"),
        _ => ("rm", "pm"),
    };
    let paid = if code % 2 == 1 {
        "IS NOT NULL"
    } else {
        "IS NULL"
    };
    // what the walk goes along, in resident ID order
    let (from, key, standing) = match code {
        2..=5 => (
            format!("roster k CROSS JOIN residents r ON r.id = k.resident_id {VILLAGE}"),
            "k.resident_id",
            format!(
                "k.year = ?1 AND k.insurance = '{insurance}' AND k.status = '{}' AND {p}.payment_id {paid}",
                if code < 4 { "due" } else { "exempt" }
            ),
        ),
        1 => (
            format!("paid k CROSS JOIN residents r ON r.id = k.resident_id {VILLAGE}"),
            "k.resident_id",
            format!("k.year = ?1 AND k.insurance = '{insurance}' AND {r}.status IS NULL"),
        ),
        // on neither this roster nor paid: the filter's people are on the
        // other insurance's roster (or paid there), walked instead of the
        // whole registry
        _ => {
            let other = if insurance == "pension" {
                "medical"
            } else {
                "pension"
            };
            let mine = format!("{r}.status IS NULL AND {p}.payment_id IS NULL");
            let by = |table: &str, status: &str| {
                (
                    format!("{table} k CROSS JOIN residents r ON r.id = k.resident_id {VILLAGE}"),
                    "k.resident_id",
                    format!("k.year = ?1 AND k.insurance = '{other}' {status} AND {mine}"),
                )
            };
            match q.filter {
                ListFilter::Outstanding => by("roster", "AND k.status = 'due'"),
                ListFilter::Exempt => by("roster", "AND k.status = 'exempt'"),
                ListFilter::Paid => by("paid", ""),
                ListFilter::All | ListFilter::Flagged => {
                    (format!("residents r NOT INDEXED {VILLAGE}"), "r.id", mine)
                }
            }
        }
    };
    let backwards = skip > size / 2;
    let (dir, skip) = if backwards {
        ("DESC", (size - skip - n).max(0))
    } else {
        ("ASC", skip)
    };
    let scope = scope_sql(q.scope);
    let filter = filter_sql(q.filter);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM {from} {STANDINGS}
          WHERE {standing} AND {scope} AND {filter}
          ORDER BY {key} {dir} LIMIT ?3 OFFSET ?4"
    );
    let mut st = store.conn().prepare_cached(&sql)?;
    let mut rows = st
        .query_map(params![q.year, scope_id(q.scope), n, skip], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}
