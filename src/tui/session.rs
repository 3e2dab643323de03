//! What a console session works on: which database, as whom, read-only or
//! not, the campaign year with its policy, and the as-of date.

use crate::domain::PolicyYear;
use crate::store::{self, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Pages cached per connection (KiB), by what the connection does: the
/// console holds four, the operating system caches the file for all of them,
/// and an office PC has little memory to spare.
pub const CACHE_LIST_KIB: i64 = 8_000;
pub const CACHE_SMALL_KIB: i64 = 2_000;

/// Why a session is read-only: the console names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnlyWhy {
    /// `--read-only` on the command line
    Flag,
    /// the login is a supervisor's (or not registered once users exist)
    Supervisor,
    /// the database file cannot be written by this login
    File,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub db: PathBuf,
    pub read_only: bool,
    pub read_only_why: Option<ReadOnlyWhy>,
    pub user: String,
    pub policy: PolicyYear,
    pub as_of: NaiveDate,
}

impl Session {
    /// Open the database once to learn the year and date: `today` if given,
    /// else the date stored in the database (demo databases carry one), else
    /// the clock; the year stored in the database, else the newest policy.
    pub fn open(
        db: &Path,
        read_only: bool,
        today: Option<NaiveDate>,
        user: Option<String>,
    ) -> store::Result<(Session, Store)> {
        let user = user.unwrap_or_else(|| store::acting_login(db));
        let mut why = read_only.then_some(ReadOnlyWhy::Flag);
        if why.is_none() && !writable(db) {
            why = Some(ReadOnlyWhy::File);
        }
        let mut read_only = why.is_some();
        let mut store = open_store(db, read_only, &user, CACHE_SMALL_KIB)?;
        // A supervisor (or a login not registered once users exist) works
        // read-only at the SQLite level: no code path can write.
        if !read_only
            && !matches!(
                store.role()?,
                Some(store::users::Role::Clerk | store::users::Role::Admin)
            )
        {
            read_only = true;
            why = Some(ReadOnlyWhy::Supervisor);
            store = open_store(db, true, &user, CACHE_SMALL_KIB)?;
        }
        let policies = store.policies()?;
        let as_of = match today {
            Some(d) => d,
            None => store
                .stored_as_of()?
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        };
        let policy = match store.stored_year()?.and_then(|y| policies.get(y)) {
            Some(p) => p.clone(),
            None => policies.latest().clone(),
        };
        let session = Session {
            db: db.to_path_buf(),
            read_only,
            read_only_why: why,
            user,
            policy,
            as_of,
        };
        Ok((session, store))
    }

    pub fn year(&self) -> i32 {
        self.policy.year
    }

    /// Another connection to the same database, as the same user, caching
    /// up to `cache_kib` of pages.
    pub fn open_store(&self, cache_kib: i64) -> store::Result<Store> {
        open_store(&self.db, self.read_only, &self.user, cache_kib)
    }
}

/// Whether this login may write the database file (a missing file is left
/// to the store, which reports it).
fn writable(db: &Path) -> bool {
    !db.exists() || std::fs::OpenOptions::new().write(true).open(db).is_ok()
}

fn open_store(db: &Path, read_only: bool, user: &str, cache_kib: i64) -> store::Result<Store> {
    let store = if read_only {
        Store::open_read_only(db)?
    } else {
        Store::open(db)?
    };
    store.limit_cache(cache_kib)?;
    Ok(store.with_user(user))
}
