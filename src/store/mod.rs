//! The station's SQLite store. It owns every line of SQL; callers get typed
//! functions. Every change to business data runs in one IMMEDIATE
//! transaction together with its audit row.
//!
//! Where things are:
//! - this file: opening a database, the transactions every write runs in,
//!   the store's errors;
//! - [`schema`] (tables and migrations), [`meta`] (settings kept in the
//!   file), [`audit`] (the audit log and its guard), [`users`] (logins and
//!   roles), [`check`] (the integrity check and backups);
//! - [`registry`]: residents, towns and villages, search, one person's dossier;
//! - [`campaign`]: the year's collection — roster, review, publicity,
//!   payments, receipts, remittance, declaration, proxy files, progress;
//! - [`imports`]: lists from other offices, one file per kind, and the bulk
//!   loader of the demo;
//! - [`console`] and [`exports`]: what the console and the exported lists read.

pub mod audit;
pub mod campaign;
pub mod check;
pub mod console;
pub mod exports;
pub mod imports;
pub mod meta;
pub mod name_order;
pub mod registry;
pub mod schema;
pub mod users;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误 / database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "数据库正忙，请稍后再试（已重试{0}次）/ the database is busy; try again in a moment (retried {0} times)"
    )]
    Busy(u32),
    #[error("{0}")]
    Refused(String),
    #[error("找不到{what}：{key} / {what_en} not found: {key}")]
    NotFound {
        what: &'static str,
        what_en: &'static str,
        key: String,
    },
    #[error("无法创建数据库目录 {0} / cannot create the database folder")]
    Folder(PathBuf),
    #[error("无法创建数据库文件 {path} / cannot create the database file: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("数据库为只读 / the database is open read-only")]
    ReadOnly,
    #[error(
        "内部错误：修改业务数据未写审计记录，已撤销 / internal error: a change without an audit row was rolled back"
    )]
    Unaudited,
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    pub fn refused(zh: impl std::fmt::Display, en: impl std::fmt::Display) -> StoreError {
        StoreError::Refused(format!("{zh} / {en}"))
    }
}

/// An open database plus the login of whoever acts through it.
pub struct Store {
    conn: Connection,
    user: String,
    read_only: bool,
    path: PathBuf,
    /// The schema version read once at open (a read-only open of an older
    /// file stays at it; see `registry::residents`).
    schema_version: i64,
}

/// The default database file in the platform data directory.
pub fn default_path() -> PathBuf {
    directories::ProjectDirs::from("cn", "shanting", "zhengjiao")
        .map(|d| d.data_dir().join("zhengjiao.db"))
        .unwrap_or_else(|| PathBuf::from("zhengjiao.db"))
}

/// The login acting on `db` (see `crate::os::login`).
pub fn acting_login(db: &Path) -> String {
    crate::os::login::acting_login(db)
}

/// With a setgid install, only the station's existing database opens.
fn check_database(path: &Path) -> Result<()> {
    crate::os::privilege::check_database(path).map_err(StoreError::Refused)
}

/// How long a statement waits for another connection's lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    name_order::register(conn)?;
    Ok(())
}

impl Store {
    /// The schema version of the file as opened.
    pub(crate) fn schema_version(&self) -> i64 {
        self.schema_version
    }

    /// Open (creating and migrating if needed) a database for writing.
    /// A new file takes its folder's sharing (0660 and the folder's group in
    /// a group-shared folder, else 0600); an existing file's mode is left
    /// as it is, and SQLite gives `-wal` and `-shm` the file's mode.
    pub fn open(path: &Path) -> Result<Store> {
        check_database(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|_| StoreError::Folder(dir.to_path_buf()))?;
        }
        crate::os::files::create_new(path).map_err(|source| StoreError::File {
            path: path.to_path_buf(),
            source,
        })?;
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        // A new file gets 8 KB pages (as the demo's): fewer B-tree levels and
        // page splits for a registry of hundreds of thousands. Only takes
        // effect before the first table exists.
        conn.pragma_update(None, "page_size", 8192)?;
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => {}
            // A first load of the registry holds the file in rollback mode
            // (see `imports::residents`) and it cannot change meanwhile:
            // this connection works in that mode (its writes wait for the
            // load as they would in the log's), and the load, or the next
            // open, returns the file to the log.
            Err(e) if is_busy(&e) => {}
            Err(e) => return Err(e.into()),
        }
        schema::migrate(&mut conn)?;
        audit::install_guard(&conn)?;
        Ok(Store {
            schema_version: schema::version() as i64,
            conn,
            user: acting_login(path),
            read_only: false,
            path: path.to_path_buf(),
        })
    }

    /// Open read-only at the SQLite level: no code path can write.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::NotFound {
                what: "数据库文件",
                what_en: "database file",
                key: path.display().to_string(),
            });
        }
        check_database(path)?;
        roll_back_hot_journal(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        let schema_version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(Store {
            schema_version,
            conn,
            user: acting_login(path),
            read_only: true,
            path: path.to_path_buf(),
        })
    }

    /// A read-only copy of the whole file in memory, as it is now: for a
    /// reader that must not hold the file open (a first load of the
    /// registry, see `imports::residents`). Meant for small files.
    pub(crate) fn copy_in_memory(&self) -> Result<Store> {
        let mut mem = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut mem)?.run_to_completion(
            i32::MAX,
            Duration::ZERO,
            None,
        )?;
        configure(&mem)?;
        mem.pragma_update(None, "query_only", true)?;
        Ok(Store {
            schema_version: self.schema_version,
            conn: mem,
            user: self.user.clone(),
            read_only: true,
            path: self.path.clone(),
        })
    }

    pub fn with_user(mut self, user: impl Into<String>) -> Store {
        self.user = user.into();
        self
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// For the store's own modules and tests that cross-check with plain SQL.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Changes when any connection commits to the file (`PRAGMA data_version`);
    /// a console polls it to refresh what it shows.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Run `f` in an IMMEDIATE transaction, retrying with backoff when the
    /// file is locked by another writer; commit when it returns Ok. The
    /// acting user must be at least a clerk.
    pub fn write<T>(&mut self, f: impl FnMut(&Transaction, &str) -> Result<T>) -> Result<T> {
        self.write_as(users::Role::Clerk, f)
    }

    /// `write` for a change that needs at least the role `needed`.
    pub fn write_as<T>(
        &mut self,
        needed: users::Role,
        mut f: impl FnMut(&Transaction, &str) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        let mut delay = Duration::from_millis(20);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = (|| {
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)?;
                users::require(&tx, &self.user, needed)?;
                let v = f(&tx, &self.user)?;
                tx.commit().map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Unaudited,
                    _ => StoreError::Sqlite(e),
                })?;
                Ok(v)
            })();
            match outcome {
                Err(StoreError::Sqlite(e)) if is_busy(&e) && attempt < 12 => {
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_millis(1000));
                }
                Err(StoreError::Sqlite(e)) if is_busy(&e) => return Err(StoreError::Busy(attempt)),
                other => return other,
            }
        }
    }
}

/// A first load killed midway (see `imports::residents`) leaves the file in
/// rollback mode with its journal beside it: the next connection that
/// opens the file for writing puts the journal's pages back. A read-only
/// connection cannot, and would refuse the file; so a reader finding a
/// journal lets a writable connection look first (when the file can be
/// written; a journal of a load still running is left alone).
fn roll_back_hot_journal(path: &Path) {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if !Path::new(&journal).exists() {
        return;
    }
    if let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        let _ = conn.busy_timeout(Duration::from_millis(100));
        let _ = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Today's timestamp for `recorded_at` and audit rows.
pub fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}
