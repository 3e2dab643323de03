//! Who is acting. On Unix the login is the passwd entry of the real user id
//! (the environment cannot change it, and a setgid install keeps the real
//! id of whoever started it). On Windows it is the account name Windows
//! sets in `USERNAME`; roles on a Windows PC are a convenience, not
//! enforced by the system (see README).
//!
//! `ZHENGJIAO_USER` names another login only for whoever could rewrite the
//! database file anyway: its owner, or root, running the program without a
//! setgid privilege. The test suite acts as many logins that way; a clerk
//! who does not own the station's file cannot become anyone else by it.

use std::path::Path;

/// The variable the file's owner may set to act as another login.
pub const OVERRIDE: &str = "ZHENGJIAO_USER";

/// The real user's login name.
#[cfg(unix)]
pub fn real_login() -> String {
    // SAFETY: getuid cannot fail; getpwuid_r writes only into the buffers
    // we hand it, and the name is copied out before they go away.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            let name = std::ffi::CStr::from_ptr(pwd.pw_name);
            return name.to_string_lossy().into_owned();
        }
        // No passwd entry (a container's bare uid): the number itself.
        format!("uid{uid}")
    }
}

#[cfg(not(unix))]
pub fn real_login() -> String {
    std::env::var("USERNAME").unwrap_or_else(|_| "unknown".into())
}

/// Whether the real user may name another login for `db` through
/// [`OVERRIDE`]: the file (or, not yet created, its creator) is theirs, or
/// they are root, and the program holds no privilege of its own.
#[cfg(unix)]
pub fn may_override(db: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if super::privilege::elevated() {
        return false;
    }
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    uid == 0
        || match std::fs::metadata(db) {
            Ok(m) => m.uid() == uid,
            Err(_) => true,
        }
}

#[cfg(not(unix))]
pub fn may_override(_db: &Path) -> bool {
    false
}

/// The login acting on `db`.
pub fn acting_login(db: &Path) -> String {
    if may_override(db)
        && let Ok(name) = std::env::var(OVERRIDE)
        && !name.is_empty()
    {
        return name;
    }
    real_login()
}
