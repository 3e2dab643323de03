//! Residents (居民): lookup, the paged list the console shows, and the
//! `Person` the policy engine needs.

use crate::domain::{Group, Person};
use crate::store::schema::{MEMBERS_VERSION, STANDINGS_VERSION};
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resident {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub village_id: i64,
    pub village_code: String,
    pub village_name: String,
    pub town_name: String,
    pub residence: String,
    pub phone: Option<String>,
    pub employee_insured: bool,
    pub student: bool,
    pub deceased_on: Option<NaiveDate>,
    pub hukou_cancelled_on: Option<NaiveDate>,
}

const RESIDENT_COLUMNS: &str =
    "r.id, r.id_number, r.name, r.sex, r.birth_date, r.village_id, v.code, v.name, t.name,
    r.residence, r.phone, r.employee_insured, r.student, r.deceased_on, r.hukou_cancelled_on";

fn resident_row(r: &rusqlite::Row) -> rusqlite::Result<Resident> {
    Ok(Resident {
        id: r.get(0)?,
        id_number: r.get(1)?,
        name: r.get(2)?,
        sex: r.get(3)?,
        birth_date: r.get(4)?,
        village_id: r.get(5)?,
        village_code: r.get(6)?,
        village_name: r.get(7)?,
        town_name: r.get(8)?,
        residence: r.get(9)?,
        phone: r.get(10)?,
        employee_insured: r.get(11)?,
        student: r.get(12)?,
        deceased_on: r.get(13)?,
        hukou_cancelled_on: r.get(14)?,
    })
}

/// One insurance's standing for a resident in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Not on the roster (not eligible this year).
    NotCovered,
    Due,
    Paid,
    /// The government pays the whole share; not yet recorded.
    Exempt,
    /// The government's payment is recorded.
    ProxyPaid,
}

impl Standing {
    fn from(status: Option<String>, paid: bool) -> Standing {
        match (status.as_deref(), paid) {
            (None, _) => Standing::NotCovered,
            (Some("exempt"), true) => Standing::ProxyPaid,
            (Some("exempt"), false) => Standing::Exempt,
            (Some(_), true) => Standing::Paid,
            (Some(_), false) => Standing::Due,
        }
    }

    pub fn is_settled(self) -> bool {
        matches!(self, Standing::Paid | Standing::ProxyPaid)
    }
}

/// A row of the residents pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidentRow {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub village_name: String,
    pub medical: Standing,
    pub pension: Standing,
    pub flagged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ListFilter {
    #[default]
    All,
    Outstanding,
    Paid,
    Exempt,
    Flagged,
}

/// Every filter, in the console's order.
pub const LIST_FILTERS: [ListFilter; 5] = [
    ListFilter::All,
    ListFilter::Outstanding,
    ListFilter::Paid,
    ListFilter::Exempt,
    ListFilter::Flagged,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum SortColumn {
    #[default]
    Name,
    IdNumber,
    Age,
    Village,
    Medical,
    Pension,
}

pub const SORT_COLUMNS: [SortColumn; 6] = [
    SortColumn::Name,
    SortColumn::IdNumber,
    SortColumn::Age,
    SortColumn::Village,
    SortColumn::Medical,
    SortColumn::Pension,
];

/// Which residents the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    District,
    Town(i64),
    Village(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListQuery {
    pub year: i32,
    pub scope: Scope,
    pub filter: ListFilter,
    pub sort: SortColumn,
    pub descending: bool,
}

pub(super) const FLAGGED: &str = "(r.deceased_on IS NOT NULL OR r.hukou_cancelled_on IS NOT NULL)";

/// Pages ending within this many rows of a town's or the district's list in
/// name order are read by walking the name index (see [`list_sql`]).
const NAME_WALK_ROWS: i64 = 2000;

/// The schema version from which `name_keys` holds every name's sort key.
const SORT_KEYS_SINCE: i64 = 7;

/// The list's order: its terms, each an expression and whether it
/// ascends, the last ones breaking ties so that the order is total (a page
/// read from the end is then exactly the list's last rows). `walk`: names
/// come from the sort keys in `name_keys k` (see [`list_sql`]).
fn order_terms(q: &ListQuery, walk: bool) -> Vec<(&'static str, bool)> {
    let up = !q.descending;
    let name: [(&str, bool); 3] = if walk {
        [("k.key", up), ("k.name", up), ("r.id", up)]
    } else {
        [("name_order(r.name)", up), ("r.name", up), ("r.id", up)]
    };
    match q.sort {
        SortColumn::Name => name.to_vec(),
        SortColumn::IdNumber => vec![("r.id_number", up)],
        SortColumn::Age => vec![("r.birth_date", !up), ("r.id", true)],
        SortColumn::Village => vec![
            ("v.code", up),
            ("name_order(r.name)", true),
            ("r.name", true),
            ("r.id", true),
        ],
        SortColumn::Medical => vec![
            ("(rm.status IS NULL)", up),
            ("rm.status", up),
            ("(pm.payment_id IS NULL)", up),
            ("r.id", true),
        ],
        SortColumn::Pension => vec![
            ("(rp.status IS NULL)", up),
            ("rp.status", up),
            ("(pp.payment_id IS NULL)", up),
            ("r.id", true),
        ],
    }
}

/// How the first (or last) rows of a long list are found without sorting
/// it whole: by walking an index in the list's order and keeping the rows
/// of the scope that pass the filter until the page is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// sorted: the whole list is sorted (a village, deep pages, old files)
    None,
    /// the names' sort keys in `name_keys`, each name's people by the name index
    Names,
    /// the unique ID number index
    IdNumbers,
    /// the birth date index
    Births,
    /// the villages in code order, each village's people sorted
    /// (SQLite sorts one village at a time and stops when the page is full)
    Villages,
    /// the flagged residents' partial index (a few in a town): sorted
    Flagged,
    /// by medical or pension standing: each standing's residents in ID
    /// order, counted from `standing_counts` (see `by_standing`)
    Standings,
    /// a 未缴 / 已缴 / 代缴 list by ID number or age: that list's residents
    /// in `list_members`, by its key or its birth date index
    Members,
}

/// `deep`: a page past the first or last [`NAME_WALK_ROWS`] rows is walked
/// too, the walk being estimated cheaper than sorting (see
/// [`Store::walk_beats_sort`]).
fn walk_of(q: &ListQuery, end: i64, version: i64, deep: bool) -> Walk {
    let counted = version >= STANDINGS_VERSION as i64;
    if counted && q.filter == ListFilter::Flagged {
        return Walk::Flagged;
    }
    let wide = matches!(q.scope, Scope::Town(_) | Scope::District)
        && (end <= NAME_WALK_ROWS || (deep && counted));
    match q.sort {
        _ if !wide => Walk::None,
        SortColumn::IdNumber | SortColumn::Age
            if member_list(q.filter).is_some() && version >= MEMBERS_VERSION as i64 =>
        {
            Walk::Members
        }
        SortColumn::Name if version >= SORT_KEYS_SINCE => Walk::Names,
        SortColumn::IdNumber => Walk::IdNumbers,
        SortColumn::Age if counted => Walk::Births,
        SortColumn::Village if counted => Walk::Villages,
        SortColumn::Medical | SortColumn::Pension if counted => Walk::Standings,
        _ => Walk::None,
    }
}

/// The filter's list in `list_members` (see schema step 10), if it has one.
fn member_list(filter: ListFilter) -> Option<i64> {
    match filter {
        ListFilter::Outstanding => Some(1),
        ListFilter::Paid => Some(2),
        ListFilter::Exempt => Some(3),
        ListFilter::All | ListFilter::Flagged => None,
    }
}

/// The list's SQL: a count (`page_end` None) or a page ending at `page_end`
/// (counted from the list's end when `from_end`: its rows come last first).
/// `version`: the file's schema version (a file of an older version opened
/// read-only lacks the indexes some walks need, and sorts instead).
fn list_sql(
    q: &ListQuery,
    select: &str,
    page_end: Option<i64>,
    from_end: bool,
    version: i64,
    deep: bool,
) -> String {
    let scope = scope_sql(q.scope);
    let filter = filter_sql(q.filter).to_string();
    let Some(end) = page_end else {
        // everyone in a town: counted on the village index alone (the
        // roster and payment joins would be looked up for every resident)
        if q.filter == ListFilter::All {
            return format!("SELECT {select} FROM residents r {VILLAGE} WHERE {scope} AND ?1 = ?1");
        }
        return format!(
            "SELECT {select} FROM residents r {VILLAGE} {STANDINGS} WHERE {scope} AND {filter}"
        );
    };
    // The first (or last) pages of a town or the district walk an index in
    // the list's order (see `Walk`). A town's whole list sorted took
    // seconds at city scale (800,000 people); the walk reads a few hundred
    // index entries. Deep pages of a small town would walk most of the
    // index, so they are sorted instead.
    let walk = walk_of(q, end, version, deep);
    let from = match walk {
        Walk::Names => format!(
            "name_keys k CROSS JOIN residents r INDEXED BY residents_name ON r.name = k.name AND {} {VILLAGE}",
            crate::store::name_order::SORT_KEYS
        ),
        Walk::IdNumbers => {
            format!("residents r INDEXED BY sqlite_autoindex_residents_1 {VILLAGE}")
        }
        Walk::Births => format!("residents r INDEXED BY residents_birth {VILLAGE}"),
        // a town's villages by (town, code); the district's by their code
        Walk::Villages => format!(
            "villages v INDEXED BY {}
               CROSS JOIN residents r INDEXED BY residents_village ON r.village_id = v.id",
            if q.scope == Scope::District {
                "sqlite_autoindex_villages_1"
            } else {
                "villages_town"
            }
        ),
        Walk::Flagged => format!("residents r INDEXED BY residents_flagged {VILLAGE}"),
        Walk::Members => format!(
            "list_members o INDEXED BY {} JOIN villages v ON v.id = o.village_id",
            if q.sort == SortColumn::Age {
                "list_members_birth"
            } else {
                "list_members_id"
            }
        ),
        Walk::None | Walk::Standings => format!("residents r {VILLAGE}"),
    };
    let filter = match walk {
        Walk::Flagged => FLAGGED_INDEXED.to_string(),
        Walk::Members => format!(
            "o.year = ?1 AND o.list = {}",
            member_list(q.filter).expect("a member list")
        ),
        _ => filter,
    };
    // the members walk reads the list's rows alone, not the registry's
    let (page_id, standings) = if walk == Walk::Members {
        ("o.resident_id", "")
    } else {
        ("r.id", STANDINGS)
    };
    let order = |outer: bool| {
        order_terms(q, walk == Walk::Names)
            .into_iter()
            .map(|(expr, up)| {
                // the outer query orders the page's rows, joined again, by
                // the same terms; the walk's k.key is the name's sort key
                let expr = match expr {
                    "k.key" if outer => "name_order(r.name)",
                    "k.name" if outer => "r.name",
                    "r.id_number" if !outer && walk == Walk::Members => "o.id_number",
                    "r.birth_date" if !outer && walk == Walk::Members => "o.birth_date",
                    "r.id" if !outer && walk == Walk::Members => "o.resident_id",
                    e => e,
                };
                let dir = if up != (from_end && !outer) {
                    "ASC"
                } else {
                    "DESC"
                };
                format!("{expr} {dir}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (inner, outer) = (order(false), order(true));
    // The page's residents are chosen first (SQLite leaves out the joins
    // that neither the filter nor the order reads), and only those 30 or so
    // are joined to their roster and payments: a town of 80,000 people was
    // otherwise joined whole before it was sorted (1.2 s → 0.17 s).
    format!(
        "SELECT {select}
           FROM (SELECT {page_id} AS page_id FROM {from} {standings}
                  WHERE {scope} AND {filter} ORDER BY {inner} LIMIT ?3 OFFSET ?4) page
           JOIN residents r ON r.id = page.page_id {VILLAGE} {STANDINGS}
          ORDER BY {outer}"
    )
}

/// The list's filter on the joins of [`STANDINGS`]. (Written as `EXISTS`
/// lookups that stop at the answer it was no faster for a village, and a
/// walk then looked up every candidate's standing before its town.)
pub(super) fn filter_sql(filter: ListFilter) -> &'static str {
    match filter {
        ListFilter::All => "1 = 1",
        ListFilter::Outstanding => {
            "((rm.status = 'due' AND pm.payment_id IS NULL) OR (rp.status = 'due' AND pp.payment_id IS NULL))"
        }
        ListFilter::Paid => "(pm.payment_id IS NOT NULL OR pp.payment_id IS NOT NULL)",
        ListFilter::Exempt => "(rm.status = 'exempt' OR rp.status = 'exempt')",
        ListFilter::Flagged => FLAGGED,
    }
}

/// The list's scope on `r` and `v`.
pub(super) fn scope_sql(scope: Scope) -> &'static str {
    match scope {
        Scope::District => "?2 = ?2",
        Scope::Town(_) => "v.town_id = ?2",
        Scope::Village(_) => "r.village_id = ?2",
    }
}

/// A resident's village.
pub(super) const VILLAGE: &str = "JOIN villages v ON v.id = r.village_id";

/// For the list's year, a resident's roster entries and payments of each
/// insurance.
pub(super) const STANDINGS: &str = "LEFT JOIN roster rm ON rm.year = ?1 AND rm.insurance = 'medical' AND rm.resident_id = r.id
           LEFT JOIN paid pm ON pm.year = ?1 AND pm.insurance = 'medical' AND pm.resident_id = r.id
           LEFT JOIN roster rp ON rp.year = ?1 AND rp.insurance = 'pension' AND rp.resident_id = r.id
           LEFT JOIN paid pp ON pp.year = ?1 AND pp.insurance = 'pension' AND pp.resident_id = r.id";

/// The count of a list from `standing_counts` (people per pair of
/// standings, see `schema::standing_triggers`) or the flagged residents'
/// partial index; None: counted on the list itself (everyone is counted on
/// the village index alone; a file older than the counters).
fn count_sql(q: &ListQuery, counted: bool) -> Option<String> {
    let scope = match q.scope {
        Scope::District => "?2 = ?2",
        Scope::Town(_) => "v.town_id = ?2",
        Scope::Village(_) => "v.id = ?2",
    };
    let pairs = match q.filter {
        ListFilter::All => return None,
        _ if !counted => return None,
        ListFilter::Flagged => {
            return Some(format!(
                "SELECT count(*) FROM residents r INDEXED BY residents_flagged
                   JOIN villages v ON v.id = r.village_id
                  WHERE {scope} AND ?1 = ?1 AND {FLAGGED_INDEXED}"
            ));
        }
        f => pairs_sql(f),
    };
    Some(format!(
        "SELECT coalesce(sum(s.n), 0) FROM standing_counts s JOIN villages v ON v.id = s.village_id
          WHERE s.year = ?1 AND {scope} AND {pairs}"
    ))
}

/// The list's filter on `standing_counts s` (codes: 0 not on the roster,
/// 2 due, 4 exempt, +1 paid). Flagged residents are not counted there.
pub(super) fn pairs_sql(filter: ListFilter) -> &'static str {
    match filter {
        ListFilter::All | ListFilter::Flagged => "1 = 1",
        ListFilter::Outstanding => "(s.medical = 2 OR s.pension = 2)",
        ListFilter::Paid => "(s.medical % 2 = 1 OR s.pension % 2 = 1)",
        ListFilter::Exempt => "(s.medical >= 4 OR s.pension >= 4)",
    }
}

/// The flagged residents' test as the partial index `residents_flagged`
/// states it (SQLite uses the index when the query repeats its terms).
const FLAGGED_INDEXED: &str = "(deceased_on IS NOT NULL OR hukou_cancelled_on IS NOT NULL)";

/// The columns of a [`ResidentRow`], read by [`row`].
pub(super) const ROW_COLUMNS: &str =
    "r.id, r.id_number, r.name, r.sex, r.birth_date, v.name, rm.status,
     pm.payment_id IS NOT NULL, rp.status, pp.payment_id IS NOT NULL,
     (r.deceased_on IS NOT NULL OR r.hukou_cancelled_on IS NOT NULL)";

pub(super) fn row(r: &rusqlite::Row) -> rusqlite::Result<ResidentRow> {
    Ok(ResidentRow {
        id: r.get(0)?,
        id_number: r.get(1)?,
        name: r.get(2)?,
        sex: r.get(3)?,
        birth_date: r.get(4)?,
        village_name: r.get(5)?,
        medical: Standing::from(r.get(6)?, r.get(7)?),
        pension: Standing::from(r.get(8)?, r.get(9)?),
        flagged: r.get(10)?,
    })
}

pub(super) fn scope_id(scope: Scope) -> i64 {
    match scope {
        Scope::District => 0,
        Scope::Town(id) | Scope::Village(id) => id,
    }
}

impl Store {
    pub fn resident(&self, id: i64) -> Result<Resident> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {RESIDENT_COLUMNS} FROM residents r JOIN villages v ON v.id = r.village_id
                       JOIN towns t ON t.id = v.town_id WHERE r.id = ?1"
                ),
                [id],
                resident_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "居民", what_en: "resident", key: id.to_string() })
    }

    pub fn resident_by_id_number(&self, id_number: &str) -> Result<Option<Resident>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {RESIDENT_COLUMNS} FROM residents r JOIN villages v ON v.id = r.village_id
                       JOIN towns t ON t.id = v.town_id WHERE r.id_number = ?1"
                ),
                [id_number],
                resident_row,
            )
            .optional()?)
    }

    /// How many residents the list would show: from the counters of people
    /// by standing, the flagged residents' index or the village index, so
    /// a town of any size is counted in a few rows.
    pub fn resident_count(&self, q: &ListQuery) -> Result<i64> {
        let counted = self.schema_version() >= STANDINGS_VERSION as i64;
        let sql = match count_sql(q, counted) {
            Some(sql) => sql,
            None => list_sql(q, "count(*)", None, false, self.schema_version(), false),
        };
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![q.year, scope_id(q.scope)], |r| r.get(0))?)
    }

    /// One page of the residents list: only the rows that are shown.
    pub fn resident_page(
        &self,
        q: &ListQuery,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<ResidentRow>> {
        self.page(q, offset, limit, false)
    }

    /// A page counted from the list's end: the `limit` rows before the last
    /// `back` ones, in the list's order. The last page of a town (`End`)
    /// reads as few rows as its first.
    pub fn resident_page_from_end(
        &self,
        q: &ListQuery,
        back: i64,
        limit: i64,
    ) -> Result<Vec<ResidentRow>> {
        self.page(q, back, limit, true)
    }

    fn page(
        &self,
        q: &ListQuery,
        offset: i64,
        limit: i64,
        from_end: bool,
    ) -> Result<Vec<ResidentRow>> {
        let version = self.schema_version();
        let end = offset.saturating_add(limit);
        let deep = end > NAME_WALK_ROWS
            && version >= STANDINGS_VERSION as i64
            && !matches!(q.scope, Scope::Village(_))
            && self.walk_beats_sort(q, end)?;
        if walk_of(q, end, version, deep) == Walk::Standings {
            return super::by_standing::page(self, q, offset, limit, from_end);
        }
        let sql = list_sql(q, ROW_COLUMNS, Some(end), from_end, version, deep);
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![q.year, scope_id(q.scope), limit, offset], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a walk to the `end`th row of the list costs less than
    /// sorting the scope whole: the walk passes about `end` × (people in
    /// the district) / (people in the list) index entries, the sort reads
    /// every person in the scope (and looks up their standings). Estimated
    /// from `standing_counts`; deep pages of a big town are walked (at
    /// 4,000,000 the 3,000th row of a town: 2.4 s sorted), those of a
    /// small one sorted.
    fn walk_beats_sort(&self, q: &ListQuery, end: i64) -> Result<bool> {
        let scope = match q.scope {
            Scope::District => "?2 = ?2",
            Scope::Town(_) => "v.town_id = ?2",
            Scope::Village(_) => "v.id = ?2",
        };
        let pairs = pairs_sql(q.filter);
        let (listed, in_scope, district, district_listed): (i64, i64, i64, i64) = self
            .conn()
            .prepare_cached(&format!(
                "SELECT coalesce(sum(CASE WHEN {scope} AND {pairs} THEN s.n END), 0),
                        coalesce(sum(CASE WHEN {scope} THEN s.n END), 0), coalesce(sum(s.n), 0),
                        coalesce(sum(CASE WHEN {pairs} THEN s.n END), 0)
                   FROM standing_counts s JOIN villages v ON v.id = s.village_id WHERE s.year = ?1"
            ))?
            .query_row(params![q.year, scope_id(q.scope)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        // a members walk passes the district's people of the list only
        let passed = if walk_of(q, end, self.schema_version(), true) == Walk::Members {
            district_listed
        } else {
            district
        };
        let walked = (end as i128) * (passed as i128) / (listed.max(1) as i128);
        Ok(walked <= 2 * in_scope as i128)
    }

    /// The resident as the policy engine sees them in a year.
    pub fn person(&self, resident_id: i64, year_start: NaiveDate) -> Result<Person> {
        person(self.conn(), resident_id, year_start)
    }

    /// Group memberships in force on `on`, with their office.
    pub fn memberships(&self, resident_id: i64) -> Result<Vec<Membership>> {
        let mut st = self.conn().prepare_cached(
            "SELECT grp, office, valid_from, valid_to FROM memberships WHERE resident_id = ?1 ORDER BY grp",
        )?;
        let rows = st.query_map([resident_id], |r| {
            Ok(Membership {
                group: r.get(0)?,
                office: r.get(1)?,
                valid_from: r.get(2)?,
                valid_to: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub group: String,
    pub office: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// Build the policy engine's view of a resident from any connection or
/// transaction. Groups count when they hold on any day from `from` on.
pub fn person(conn: &Connection, resident_id: i64, from: NaiveDate) -> Result<Person> {
    let (birth, employee, student, deceased, cancelled): (NaiveDate, bool, bool, Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT birth_date, employee_insured, student, deceased_on, hukou_cancelled_on FROM residents WHERE id = ?1",
        )?
        .query_row([resident_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "居民", what_en: "resident", key: resident_id.to_string() })?;
    let mut groups = BTreeSet::new();
    let mut st = conn.prepare_cached(
        "SELECT grp FROM memberships WHERE resident_id = ?1 AND (valid_to IS NULL OR valid_to >= ?2)",
    )?;
    for g in st.query_map(params![resident_id, from.to_string()], |r| {
        r.get::<_, String>(0)
    })? {
        if let Some(g) = Group::parse(&g?) {
            groups.insert(g);
        }
    }
    if employee {
        groups.insert(Group::EmployeeInsured);
    }
    if student {
        groups.insert(Group::Student);
    }
    Ok(Person {
        birth_date: Some(birth),
        groups,
        deceased: deceased.is_some(),
        hukou_cancelled: cancelled.is_some(),
    })
}
