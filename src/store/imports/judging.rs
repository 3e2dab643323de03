//! What every import kind shares: the words of a request and its report
//! ([`ImportKind`], [`ImportOptions`], [`ImportReport`], [`ImportError`]),
//! the one transaction an import runs in ([`run`]), the journal of verdicts
//! ([`Journal`]) and the small judgements each kind makes of a row (an ID
//! number, a date, a name, a known resident). The kinds use this module;
//! it uses none of them.

use crate::domain::{Group, IdNumber, Insurance, PolicyYear};
use crate::exchange::{Field, Header, ReadError, Row, Table};
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::NaiveDate;
use rusqlite::{Connection, Statement, Transaction, params};
use serde::Serialize;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    Villages,
    Residents,
    Payments,
    Deaths,
    Groups,
    Policy,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Villages => "villages",
            ImportKind::Residents => "residents",
            ImportKind::Payments => "payments",
            ImportKind::Deaths => "deaths",
            ImportKind::Groups => "groups",
            ImportKind::Policy => "policy",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ImportKind::Villages => "村居名单",
            ImportKind::Residents => "居民名单",
            ImportKind::Payments => "缴费名单",
            ImportKind::Deaths => "死亡及销户名单",
            ImportKind::Groups => "特殊群体名单",
            ImportKind::Policy => "年度政策文件",
        }
    }

    /// Titles this kind of list understands besides the built-in ones: the
    /// open division lists (the one in `sample-db/` among them) title their
    /// columns `code, name, streetCode`, which in any other list would mean
    /// nothing certain.
    pub fn titles(self) -> &'static [(&'static str, Field)] {
        match self {
            ImportKind::Villages => &[
                ("code", Field::VillageCode),
                ("name", Field::Village),
                ("streetCode", Field::Town),
            ],
            _ => &[],
        }
    }

    /// The columns a file of this kind cannot do without.
    pub fn required(self, opts: &ImportOptions) -> Vec<Field> {
        match self {
            ImportKind::Villages => vec![Field::VillageCode, Field::Village],
            ImportKind::Residents => vec![Field::Name, Field::IdNumber],
            ImportKind::Payments => {
                let mut f = vec![
                    Field::IdNumber,
                    Field::Amount,
                    Field::PaidDate,
                    Field::Channel,
                ];
                if opts.insurance.is_none() {
                    f.push(Field::Insurance);
                }
                f
            }
            ImportKind::Deaths => vec![Field::IdNumber, Field::DeathDate],
            ImportKind::Groups => vec![Field::IdNumber],
            ImportKind::Policy => Vec::new(),
        }
    }
}

/// What the clerk said on the command line besides the file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The file as the clerk named it (kept in `imports.file_name`).
    pub file_name: String,
    /// The campaign year (`--year`); else the stored year, else the newest policy.
    pub year: Option<i32>,
    pub dry_run: bool,
    /// Payments: the insurance of every row when the file has no 险种 column.
    pub insurance: Option<Insurance>,
    /// Groups: the group of every row (`--group`).
    pub group: Option<Group>,
    /// Groups: the office that certified the list (`--office`).
    pub office: Option<String>,
    /// Dates after this day are refused as typing errors.
    pub today: NaiveDate,
}

impl ImportOptions {
    pub fn new(file_name: impl Into<String>) -> ImportOptions {
        ImportOptions {
            file_name: file_name.into(),
            year: None,
            dry_run: false,
            insurance: None,
            group: None,
            office: None,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// A line of the file and what is said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineNote {
    pub line: usize,
    pub reason: String,
}

/// A payment dated after the death just recorded: to be refunded (退费).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    pub line: usize,
    pub payment_id: i64,
    pub name: String,
    /// Masked: the list may be printed.
    pub id_number: String,
    pub year: i32,
    pub insurance: String,
    pub paid_on: String,
    pub died_on: String,
    pub person_fen: i64,
    pub government_fen: i64,
}

/// The outcome of an import; `--json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// `None` for a dry run (nothing was kept).
    pub import_id: Option<i64>,
    pub kind: ImportKind,
    pub file: String,
    pub year: Option<i32>,
    pub dry_run: bool,
    pub accepted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<LineNote>,
    /// Each updated line with the old and new values.
    pub updates: Vec<LineNote>,
    /// Deaths only: payments dated after the death, to refund.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunds: Option<Vec<Refund>>,
    /// Columns of the file that no field was recognised for.
    pub unknown_columns: Vec<String>,
}

/// Why an import did not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read (unreadable, no header, missing columns).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file was read but cannot be used as a whole (a policy file that
    /// does not validate, a missing option).
    #[error("{0}")]
    Unusable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(e.into())
    }
}

impl ImportError {
    /// The file itself is at fault (exit status 2), not the database.
    pub fn is_file_error(&self) -> bool {
        matches!(self, ImportError::Read(_) | ImportError::Unusable(_))
    }
}

/// Called with the number of rows judged so far.
pub type OnRows<'a> = &'a dyn Fn(usize);

/// An INSERT of many rows per statement: the per-statement cost of SQLite
/// counts when a file has hundreds of thousands of rows.
pub(crate) struct ManyInsert<'t> {
    many: Statement<'t>,
    one: Statement<'t>,
    columns: usize,
    rows: usize,
}

impl<'t> ManyInsert<'t> {
    /// `head` is `INSERT INTO t (a, b, c)`; `rows` rows go per statement.
    pub fn new(tx: &'t Connection, head: &str, columns: usize, rows: usize) -> Result<Self> {
        let row = format!("({})", vec!["?"; columns].join(", "));
        Ok(ManyInsert {
            many: tx.prepare(&format!(
                "{head} VALUES {}",
                vec![row.as_str(); rows].join(", ")
            ))?,
            one: tx.prepare(&format!("{head} VALUES {row}"))?,
            columns,
            rows,
        })
    }

    /// Insert the rows whose values lie one after the other in `values`.
    pub fn insert(&mut self, values: &[&dyn rusqlite::ToSql]) -> Result<()> {
        debug_assert_eq!(values.len() % self.columns, 0);
        let mut chunks = values.chunks_exact(self.columns * self.rows);
        for chunk in &mut chunks {
            self.many.execute(chunk)?;
        }
        for row in chunks.remainder().chunks_exact(self.columns) {
            self.one.execute(row)?;
        }
        Ok(())
    }
}

/// The verdicts of one import as they are written.
pub(crate) struct Journal<'t> {
    import_id: i64,
    verdicts: ManyInsert<'t>,
    /// Verdicts not yet written: (line, last line of a run, verdict,
    /// reason). Lines in a row with the same verdict and no reason share one
    /// entry; the last line is `None` for a line alone.
    pending: Vec<(i64, Option<i64>, &'static str, Option<String>)>,
    pub report: ImportReport,
}

/// Verdicts written per statement, and held before they are written.
const VERDICTS_PER_STATEMENT: usize = 250;
const VERDICTS_HELD: usize = 1000;

impl<'t> Journal<'t> {
    fn begin(
        tx: &'t Connection,
        user: &str,
        kind: ImportKind,
        opts: &ImportOptions,
        year: Option<i32>,
        unknown_columns: Vec<String>,
    ) -> Result<Journal<'t>> {
        tx.execute(
            "INSERT INTO imports (kind, file_name, started_at, user) VALUES (?1, ?2, ?3, ?4)",
            params![kind.code(), opts.file_name, now_text(), user],
        )?;
        let import_id = tx.last_insert_rowid();
        Ok(Journal {
            import_id,
            verdicts: ManyInsert::new(
                tx,
                "INSERT INTO import_rows (import_id, line, last_line, verdict, reason)",
                5,
                VERDICTS_PER_STATEMENT,
            )?,
            pending: Vec::with_capacity(VERDICTS_HELD),
            report: ImportReport {
                import_id: Some(import_id),
                kind,
                file: opts.file_name.clone(),
                year,
                dry_run: opts.dry_run,
                accepted: 0,
                updated: 0,
                unchanged: 0,
                rejected: Vec::new(),
                updates: Vec::new(),
                refunds: None,
                unknown_columns,
            },
        })
    }

    pub fn import_id(&self) -> i64 {
        self.import_id
    }

    fn write(&mut self, line: usize, verdict: &'static str, reason: Option<&str>) -> Result<()> {
        let line = line as i64;
        if reason.is_none()
            && let Some((first, last, v, None)) = self.pending.last_mut()
            && *v == verdict
            && last.unwrap_or(*first) + 1 == line
        {
            *last = Some(line);
            return Ok(());
        }
        self.pending
            .push((line, None, verdict, reason.map(str::to_string)));
        if self.pending.len() >= VERDICTS_HELD {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(self.pending.len() * 5);
        for (line, last, verdict, reason) in &self.pending {
            values.extend([
                &self.import_id as &dyn rusqlite::ToSql,
                line,
                last,
                verdict,
                reason,
            ]);
        }
        self.verdicts.insert(&values)?;
        self.pending.clear();
        Ok(())
    }

    /// A new record; `note` says what was created (e.g. the payment number).
    pub fn accepted(&mut self, line: usize, note: Option<&str>) -> Result<()> {
        self.report.accepted += 1;
        self.write(line, "accepted", note)
    }

    /// A changed record; `detail` names each field with its old and new value.
    pub fn updated(&mut self, line: usize, detail: String) -> Result<()> {
        self.report.updated += 1;
        self.write(line, "updated", Some(&detail))?;
        self.report.updates.push(LineNote {
            line,
            reason: detail,
        });
        Ok(())
    }

    pub fn unchanged(&mut self, line: usize) -> Result<()> {
        self.report.unchanged += 1;
        self.write(line, "unchanged", None)
    }

    pub fn rejected(&mut self, line: usize, reason: impl Into<String>) -> Result<()> {
        let reason = reason.into();
        self.write(line, "rejected", Some(&reason))?;
        self.report.rejected.push(LineNote { line, reason });
        Ok(())
    }

    /// Close the import: its counts and the one audit entry.
    fn finish(mut self, tx: &Connection, user: &str) -> Result<ImportReport> {
        self.flush()?;
        let r = self.report;
        tx.execute(
            "UPDATE imports SET accepted = ?2, updated = ?3, unchanged = ?4, rejected = ?5 WHERE id = ?1",
            params![
                self.import_id,
                r.accepted as i64,
                r.updated as i64,
                r.unchanged as i64,
                r.rejected.len() as i64
            ],
        )?;
        let detail = serde_json::json!({
            "kind": r.kind.code(),
            "file": r.file,
            "year": r.year,
            "accepted": r.accepted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": r.rejected.len(),
        });
        audit::record(
            tx,
            user,
            "import",
            "imports",
            Some(self.import_id),
            &detail.to_string(),
        )?;
        Ok(r)
    }
}

/// A resident found by ID number for the kinds that change existing
/// residents (payments, deaths, groups).
pub(crate) struct Known {
    pub id: i64,
    pub name: String,
    pub birth_date: NaiveDate,
    pub deceased_on: Option<NaiveDate>,
    pub hukou_cancelled_on: Option<NaiveDate>,
}

/// Judge the ID number and optional name of a row and find the resident.
/// `Err` is the rejection reason.
pub(crate) fn known_resident(
    tx: &Connection,
    header: &Header,
    row: &Row,
) -> Result<std::result::Result<(IdNumber, Known), String>> {
    let id = match id_of(header, row) {
        Ok(id) => id,
        Err(reason) => return Ok(Err(reason)),
    };
    let found = tx
        .prepare_cached(
            "SELECT id, name, birth_date, deceased_on, hukou_cancelled_on FROM residents WHERE id_number = ?1",
        )?
        .query_row([id.as_str()], |r| {
            Ok(Known {
                id: r.get(0)?,
                name: r.get(1)?,
                birth_date: r.get(2)?,
                deceased_on: r.get(3)?,
                hukou_cancelled_on: r.get(4)?,
            })
        });
    let known = match found {
        Ok(k) => k,
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            return Ok(Err(format!(
                "登记中没有身份证号码为 {} 的居民，请先导入居民名单 / no resident with ID number {} in the registry; import the residents first",
                id.masked(),
                id.masked()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(name) = header.get(row, Field::Name)
        && !same_name(name, &known.name)
    {
        return Ok(Err(format!(
            "姓名“{name}”与登记的“{}”不符，请核对身份证号码 / the name '{name}' differs from the registry's '{}'; check the ID number",
            known.name, known.name
        )));
    }
    Ok(Ok((id, known)))
}

/// The row's ID number, or the reason it is not one.
pub(crate) fn id_of(header: &Header, row: &Row) -> std::result::Result<IdNumber, String> {
    match header.get(row, Field::IdNumber) {
        None => Err(missing(Field::IdNumber)),
        Some(text) => IdNumber::parse(text).map_err(|e| e.to_string()),
    }
}

/// "缺少身份证号码 / the ID number is missing".
pub(crate) fn missing(field: Field) -> String {
    format!("缺少{} / {} is missing", field.zh(), field.kebab())
}

/// Names compared as clerks write them: spaces inside do not count.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeeze(a) == squeeze(b)
}

/// A date column of a row: `Ok(None)` when empty, `Err` the rejection reason.
pub(crate) fn date_of(
    header: &Header,
    row: &Row,
    field: Field,
    today: NaiveDate,
) -> std::result::Result<Option<NaiveDate>, String> {
    let date = header.date(row, field).map_err(|e| e.to_string())?;
    if let Some(d) = date
        && d > today
    {
        return Err(format!(
            "{}{d}晚于今天（{today}），请核对 / {} {d} is after today ({today})",
            field.zh(),
            field.kebab()
        ));
    }
    Ok(date)
}

/// A column the file lacks (exit status 2), listing the titles it has.
pub(crate) fn missing_column(header: &Header, field: Field) -> ImportError {
    ReadError::MissingColumns {
        missing: vec![field],
        found: header
            .columns()
            .iter()
            .filter(|c| !c.title.is_empty())
            .map(|c| c.title.clone())
            .collect(),
        line: header.line(),
    }
    .into()
}

/// Run `body` in one IMMEDIATE transaction with a journal; commit, or roll
/// back for a dry run. The body runs once: a file is read only once.
pub(crate) fn run<F>(
    store: &mut Store,
    kind: ImportKind,
    opts: &ImportOptions,
    year: Option<i32>,
    unknown_columns: Vec<String>,
    body: F,
) -> std::result::Result<ImportReport, ImportError>
where
    F: FnOnce(&Transaction, &str, &mut Journal) -> std::result::Result<(), ImportError>,
{
    let mut body = Some(body);
    let mut failure: Option<ImportError> = None;
    let mut dry: Option<ImportReport> = None;
    // The residents import checks its own references: villages are resolved
    // before a row is accepted and roster rows join the residents just
    // written. `check` verifies foreign keys afterwards like everything else.
    let roomy = RoomyCache::set(store.conn(), kind == ImportKind::Residents)?;
    let mut clock = super::timing::Phases::new("transaction");
    let mut since = crate::store::imports::timing::mark();
    let outcome = store.write(|tx, user| {
        let Some(body) = body.take() else {
            // The transaction was retried after the file was read.
            return Err(StoreError::Busy(1));
        };
        let mut journal = Journal::begin(tx, user, kind, opts, year, unknown_columns.clone())?;
        if let Err(e) = body(tx, user, &mut journal) {
            failure = Some(e);
            return Err(StoreError::Refused("import failed".into()));
        }
        since = clock.add("body", since);
        let report = journal.finish(tx, user)?;
        since = clock.add("journal", since);
        if opts.dry_run {
            dry = Some(ImportReport {
                import_id: None,
                ..report
            });
            return Err(StoreError::Refused("dry run".into()));
        }
        Ok(report)
    });
    since = clock.add("commit", since);
    roomy.restore(store.conn())?;
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some(report) = dry {
        return Ok(report);
    }
    let report = outcome?;
    if report.accepted > 0 {
        // The query planner's row counts would still describe the registry
        // before the import (a first load makes them wrong by a thousandfold).
        // Sampled: a few tens of milliseconds even for a city.
        let _ = store
            .conn()
            .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;");
        clock.add("analyze", since);
    }
    Ok(report)
}

/// A large import's pages stay in memory until the commit (a cache that
/// spills writes pages to the log twice), and statement journals stay off
/// the disk. Only this connection and only while the import runs.
struct RoomyCache {
    cache_size: i64,
    temp_store: i64,
    threads: i64,
    foreign_keys: bool,
}

impl RoomyCache {
    /// At most 256 MB of cache; SQLite takes it only as pages are used.
    const CACHE_KIB: i64 = 256 * 1024;

    /// `own_references`: the import vouches for its foreign keys, and
    /// SQLite's per-row checks (a seventh of a first load) are switched off.
    fn set(conn: &Connection, own_references: bool) -> Result<Self> {
        let saved = RoomyCache {
            cache_size: conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
            temp_store: conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?,
            threads: conn.query_row("PRAGMA threads", [], |r| r.get(0))?,
            foreign_keys: conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
        };
        if own_references {
            conn.pragma_update(None, "foreign_keys", false)?;
        }
        conn.pragma_update(None, "cache_size", -Self::CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // SQLite's sorter may hand work to a second thread when an index
        // rebuilt at the end of a first load outgrows one sorted run.
        conn.pragma_update(None, "threads", 2)?;
        Ok(saved)
    }

    fn restore(self, conn: &Connection) -> Result<()> {
        conn.pragma_update(None, "cache_size", self.cache_size)?;
        conn.pragma_update(None, "temp_store", self.temp_store)?;
        conn.pragma_update(None, "threads", self.threads)?;
        conn.pragma_update(None, "foreign_keys", self.foreign_keys)?;
        Ok(())
    }
}

impl Store {
    /// The policy of the campaign year: `year` if given, else the year the
    /// database works on, else the newest policy year.
    pub fn campaign_policy(&self, year: Option<i32>) -> Result<PolicyYear> {
        let policies = self.policies()?;
        let year = match year {
            Some(y) => y,
            None => self
                .stored_year()?
                .unwrap_or_else(|| policies.latest().year),
        };
        policies.get(year).cloned().ok_or_else(|| {
            StoreError::refused(
                format!("没有{year}年度的政策，请先导入政策文件"),
                format!("no policy for year {year}; import the policy file first"),
            )
        })
    }

    /// The verdicts of an import, in line order: (line, verdict, reason).
    pub fn import_rows(&self, import_id: i64) -> Result<Vec<(usize, String, Option<String>)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT line, coalesce(last_line, line), verdict, reason FROM import_rows
              WHERE import_id = ?1 ORDER BY line",
        )?;
        let rows = st.query_map([import_id], |r| {
            Ok((
                r.get::<_, i64>(0)? as usize,
                r.get::<_, i64>(1)? as usize,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (first, last, verdict, reason) = row?;
            for line in first..=last {
                out.push((line, verdict.clone(), reason.clone()));
            }
        }
        Ok(out)
    }
}

/// The rows of a table after its header, without repeated header rows; a
/// read error ends the import (the file could not be read).
pub(crate) fn data_rows<'a>(
    table: &'a mut Table,
    header: &'a Header,
) -> impl Iterator<Item = std::result::Result<Row, ImportError>> + 'a {
    table
        .rows()
        .filter(|r| !matches!(r, Ok(row) if header.is_repeat(row)))
        .map(|r| r.map_err(ImportError::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_spaces() {
        assert!(same_name("张 三", "张三"));
        assert!(!same_name("张三", "张叁"));
    }
}
