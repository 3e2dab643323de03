//! A setgid install (README, "several users"): the program runs with the
//! station group as its effective group, which opens the database folder;
//! the real ids still name the user. The group's access is used for the
//! station's database and nothing else: files written on the user's behalf
//! (exports, backups) are created with the user's own ids, and only an
//! existing database file of the station group may be opened.

use std::path::Path;

/// Whether the program runs with ids other than its user's (setgid/setuid)
/// and so holds access its user lacks; root lacks none.
#[cfg(unix)]
pub fn elevated() -> bool {
    // SAFETY: these getters cannot fail.
    unsafe {
        libc::getuid() != 0
            && (libc::getegid() != libc::getgid() || libc::geteuid() != libc::getuid())
    }
}

#[cfg(not(unix))]
pub fn elevated() -> bool {
    false
}

/// Run `f` with the user's own ids (the program's group set aside), e.g. to
/// create an output file the user owns and the group cannot read.
#[cfg(unix)]
pub fn as_user<T>(f: impl FnOnce() -> T) -> T {
    if !elevated() {
        return f();
    }
    // SAFETY: plain id switches; the saved set-ids let us switch back.
    unsafe {
        let (euid, egid) = (libc::geteuid(), libc::getegid());
        if libc::setegid(libc::getgid()) != 0 || libc::seteuid(libc::getuid()) != 0 {
            // Could not set the privilege aside: do nothing on its strength.
            panic!("cannot drop the program's group privilege");
        }
        let out = f();
        let restored = libc::seteuid(euid) == 0 && libc::setegid(egid) == 0;
        assert!(restored, "cannot restore the program's group privilege");
        out
    }
}

#[cfg(not(unix))]
pub fn as_user<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// With the program's privilege, only an existing regular database file of
/// the program's group may be opened: no new files in the station's
/// folder, no other file the group happens to reach.
#[cfg(unix)]
pub fn check_database(db: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !elevated() {
        return Ok(());
    }
    // SAFETY: getegid cannot fail.
    let egid = unsafe { libc::getegid() };
    match std::fs::symlink_metadata(db) {
        Ok(m) if m.file_type().is_file() && m.gid() == egid => Ok(()),
        _ => Err(format!(
            "以站点组权限运行时只能打开站点的数据库文件，{} 不是 / with the station group's privilege only the station's database file opens; {} is not one",
            db.display(),
            db.display()
        )),
    }
}

#[cfg(not(unix))]
pub fn check_database(_db: &Path) -> Result<(), String> {
    Ok(())
}
