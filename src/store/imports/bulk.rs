//! Bulk loading for a freshly built database (the demo, benchmarks): one
//! transaction, prepared statements, counters and search keys built at the end.

use crate::store::imports::set_aside::SetAside;
use crate::store::registry::geo;
use crate::store::{Result, StoreError, audit, meta, schema};
use chrono::NaiveDate;
use rusqlite::{Connection, Statement, params};
use std::collections::BTreeMap;
use std::path::Path;

pub struct BulkResident<'a> {
    pub id_number: &'a str,
    pub name: &'a str,
    pub sex: &'a str,
    pub birth_date: NaiveDate,
    pub village_id: i64,
    pub residence: &'a str,
    pub phone: Option<&'a str>,
    pub employee_insured: bool,
    pub student: bool,
    pub deceased_on: Option<NaiveDate>,
}

pub struct BulkPayment<'a> {
    pub resident_id: i64,
    pub year: i32,
    pub insurance: &'a str,
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub channel: &'a str,
    pub office: Option<&'a str>,
    pub receipt: Option<&'a str>,
    pub agent_id: Option<i64>,
    pub paid_on: NaiveDate,
    pub late: bool,
}

/// A new database being filled. Nothing is visible until `finish`.
pub struct Bulk {
    conn: Connection,
    user: String,
    keys: Vec<(String, String)>,
    /// Secondary indexes dropped for the load, recreated (sorted) at the end.
    indexes: SetAside,
}

/// Progress counters gathered during the load: (year, village, measure, status) → (n, paid).
pub type Counters = BTreeMap<(i32, i64, String, &'static str), (i64, i64)>;
/// Paid per day: (year, village, measure, status, day) → paid.
pub type DayCounters = BTreeMap<(i32, i64, String, &'static str, NaiveDate), i64>;

impl Bulk {
    /// Create `path` anew (an existing file is replaced only when it is a
    /// demo database or empty).
    pub fn create(path: &Path, user: &str) -> Result<Bulk> {
        if crate::os::privilege::elevated() {
            return Err(StoreError::refused(
                "以站点组权限运行时不能建演示数据库",
                "no demo database is built with the station group's privilege",
            ));
        }
        if path.exists() {
            let existing = Connection::open(path)?;
            let demo: Option<String> = existing
                .query_row("SELECT value FROM meta WHERE key = 'demo'", [], |r| {
                    r.get(0)
                })
                .ok();
            let residents: i64 = existing
                .query_row("SELECT count(*) FROM residents", [], |r| r.get(0))
                .unwrap_or(0);
            drop(existing);
            if demo.is_none() && residents > 0 {
                return Err(StoreError::refused(
                    format!(
                        "{} 是正式数据库（有{residents}名居民），不会被演示数据覆盖",
                        path.display()
                    ),
                    format!(
                        "{} holds real data ({residents} residents); the demo will not overwrite it",
                        path.display()
                    ),
                ));
            }
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(p));
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|_| StoreError::Folder(dir.to_path_buf()))?;
        }
        // The folder's sharing, as any new database (see `Store::open`).
        crate::os::files::create_new(path).map_err(|source| StoreError::File {
            path: path.to_path_buf(),
            source,
        })?;
        let mut conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -400000;
             PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF; PRAGMA page_size = 8192;",
        )?;
        schema::migrate(&mut conn)?;
        conn.execute_batch(schema::DROP_PROGRESS_TRIGGERS)?;
        conn.execute_batch(schema::DROP_STANDING_TRIGGERS)?;
        conn.execute_batch(schema::DROP_MEMBER_TRIGGERS)?;
        conn.execute_batch("BEGIN")?;
        let mut indexes = SetAside::default();
        indexes.drop_all_indexes(&conn)?;
        Ok(Bulk {
            conn,
            user: user.to_string(),
            keys: Vec::new(),
            indexes,
        })
    }

    pub fn load_divisions(&mut self) -> Result<()> {
        geo::load_bundled_divisions(&self.conn)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn villages(&self) -> Result<Vec<(i64, i64, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT id, town_id, code FROM villages ORDER BY code")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn insert_agent(
        &mut self,
        code: &str,
        name: &str,
        phone: &str,
        village_id: i64,
    ) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO agents (code, name, phone, village_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![code, name, phone, village_id])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn statements(&self) -> Result<Statements<'_>> {
        Ok(Statements {
            conn: &self.conn,
            counters: Counters::new(),
            days: DayCounters::new(),
            resident: self.conn.prepare(
                "INSERT INTO residents (id_number, name, sex, birth_date, village_id, residence, phone,
                                        employee_insured, student, deceased_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            membership: self
                .conn
                .prepare("INSERT INTO memberships (resident_id, grp, office, valid_from) VALUES (?1, ?2, ?3, ?4)")?,
            roster: self.conn.prepare(
                "INSERT INTO roster (year, insurance, resident_id, village_id, measure, status, person_fen, government_fen, office, basis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            payment: self.conn.prepare(
                "INSERT INTO payments (resident_id, year, insurance, kind, person_fen, government_fen, tier_fen, channel,
                                       office, receipt, agent_id, paid_on, late, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, 'payment', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'demo', ?13)",
            )?,
            paid: self.conn.prepare("INSERT INTO paid (year, insurance, resident_id, payment_id) VALUES (?1, ?2, ?3, ?4)")?,
        })
    }

    /// Search keys (key, name) of the loaded names; written sorted at the end.
    pub fn add_keys(&mut self, keys: Vec<(String, String)>) {
        self.keys = keys;
    }

    /// Write search keys and counters, rebuild indexes, switch to WAL, commit.
    pub fn finish(mut self, counters: (Counters, DayCounters), detail: &str) -> Result<()> {
        let (counters, days) = counters;
        let mut keys = std::mem::take(&mut self.keys);
        keys.sort_unstable();
        keys.dedup();
        const CHUNK: usize = 250;
        {
            let values = vec!["(?, ?)"; CHUNK].join(", ");
            let mut many = self.conn.prepare(&format!(
                "INSERT INTO name_keys (key, name) VALUES {values}"
            ))?;
            let mut one = self
                .conn
                .prepare("INSERT INTO name_keys (key, name) VALUES (?1, ?2)")?;
            let mut chunks = keys.chunks_exact(CHUNK);
            for chunk in &mut chunks {
                let mut p: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(CHUNK * 2);
                for (k, id) in chunk {
                    p.push(k);
                    p.push(id);
                }
                many.execute(p.as_slice())?;
            }
            for (k, id) in chunks.remainder() {
                one.execute(params![k, id])?;
            }
        }
        drop(keys);
        {
            let mut st = self.conn.prepare(
                "INSERT INTO progress_counts (year, village_id, measure, status, n, paid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for ((year, village, measure, status), (n, paid)) in &counters {
                st.execute(params![year, village, measure, status, n, paid])?;
            }
        }
        {
            let mut st = self.conn.prepare(
                "INSERT INTO progress_paid_days (year, village_id, measure, status, day, paid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for ((year, village, measure, status, day), paid) in &days {
                st.execute(params![
                    year,
                    village,
                    measure,
                    status,
                    day.to_string(),
                    paid
                ])?;
            }
        }
        self.indexes.restore(&self.conn)?;
        self.conn.execute_batch(&schema::recount_standings())?;
        self.conn.execute_batch(&schema::recount_members())?;
        self.conn.execute_batch(schema::PROGRESS_TRIGGERS)?;
        self.conn.execute_batch(&schema::standing_triggers())?;
        self.conn.execute_batch(&schema::member_triggers())?;
        meta::set(&self.conn, "demo", "1")?;
        audit::record(
            &self.conn,
            &self.user,
            "build-demo",
            "database",
            None,
            detail,
        )?;
        self.conn
            .execute_batch("COMMIT; PRAGMA analysis_limit = 1000; ANALYZE;")?;
        self.conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        Ok(())
    }
}

/// Prepared inserts for the hot loop.
pub struct Statements<'c> {
    conn: &'c Connection,
    counters: Counters,
    days: DayCounters,
    resident: Statement<'c>,
    membership: Statement<'c>,
    roster: Statement<'c>,
    payment: Statement<'c>,
    paid: Statement<'c>,
}

impl Statements<'_> {
    pub fn resident(&mut self, r: &BulkResident) -> Result<i64> {
        self.resident.execute(params![
            r.id_number,
            r.name,
            r.sex,
            r.birth_date.to_string(),
            r.village_id,
            r.residence,
            r.phone,
            r.employee_insured,
            r.student,
            r.deceased_on.map(|d| d.to_string())
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn membership(
        &mut self,
        resident_id: i64,
        group: &str,
        office: Option<&str>,
        from: &str,
    ) -> Result<()> {
        self.membership
            .execute(params![resident_id, group, office, from])?;
        Ok(())
    }

    /// A roster row; `paid` tells the day of the payment that follows, if any.
    pub fn roster(
        &mut self,
        year: i32,
        e: &crate::store::campaign::roster::RosterEntry,
        resident_id: i64,
        village_id: i64,
        paid: Option<NaiveDate>,
    ) -> Result<()> {
        let c = self
            .counters
            .entry((year, village_id, e.measure.clone(), e.status))
            .or_default();
        c.0 += 1;
        c.1 += i64::from(paid.is_some());
        if let Some(day) = paid {
            *self
                .days
                .entry((year, village_id, e.measure.clone(), e.status, day))
                .or_default() += 1;
        }
        self.roster.execute(params![
            year,
            e.insurance,
            resident_id,
            village_id,
            e.measure,
            e.status,
            e.person_fen,
            e.government_fen,
            e.office,
            e.basis
        ])?;
        Ok(())
    }

    pub fn take_counters(&mut self) -> (Counters, DayCounters) {
        (
            std::mem::take(&mut self.counters),
            std::mem::take(&mut self.days),
        )
    }

    pub fn payment(&mut self, p: &BulkPayment, recorded_at: &str) -> Result<i64> {
        self.payment.execute(params![
            p.resident_id,
            p.year,
            p.insurance,
            p.person_fen,
            p.government_fen,
            p.tier_fen,
            p.channel,
            p.office,
            p.receipt,
            p.agent_id,
            p.paid_on.to_string(),
            p.late,
            recorded_at
        ])?;
        let id = self.conn.last_insert_rowid();
        self.paid
            .execute(params![p.year, p.insurance, p.resident_id, id])?;
        Ok(id)
    }
}
