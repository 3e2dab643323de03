//! New files: a database, a backup or an export the program creates takes
//! its folder's sharing. In a group-shared folder (setgid, or writable by
//! its group) a new file is 0660 and belongs to the folder's group, so the
//! next login of that group can open it; elsewhere it is 0600. An existing
//! file's mode is never changed, neither loosened nor tightened. SQLite
//! gives a database's `-wal` and `-shm` the database file's mode.

use std::fs::File;
use std::io;
use std::path::Path;

/// Whether new files in `dir` are shared with its group.
#[cfg(unix)]
pub fn group_shared(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o2020 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
pub fn group_shared(_dir: &Path) -> bool {
    false
}

/// The mode a new file in `dir` gets.
pub fn new_file_mode(dir: &Path) -> u32 {
    if group_shared(dir) { 0o660 } else { 0o600 }
}

/// Create `path` (empty) if it does not exist, with the mode and group its
/// folder asks for; returns the open file, or None when it already existed
/// (left exactly as it is).
pub fn create_new(path: &Path) -> io::Result<Option<File>> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(None),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    share_with_folder(&file, dir)?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(Some(file))
}

/// A new file created by us: the folder's group and mode, whatever the
/// umask (which would otherwise strip the group bits of 0660).
#[cfg(unix)]
fn share_with_folder(file: &File, dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mode = new_file_mode(dir);
    // A setgid folder already gave the file its group; otherwise hand it
    // over (allowed when we belong to that group).
    if mode == 0o660
        && let Ok(meta) = std::fs::metadata(dir)
        && file.metadata()?.gid() != meta.gid()
    {
        let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

/// Open `path` for writing an output (an export): a new file takes its
/// folder's sharing, an existing one is truncated and keeps its mode. It is
/// opened with the user's own ids, never the program's group (a setgid
/// install), so an export is the user's file where the user may write.
pub fn create_output(path: &Path) -> io::Result<File> {
    super::privilege::as_user(|| match create_new(path)? {
        Some(f) => Ok(f),
        None => File::create(path),
    })
}
