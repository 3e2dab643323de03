//! File modes of the shared database (README, "several users"): the program
//! never loosens nor tightens an existing file's mode; a new database,
//! backup or export takes its folder's sharing: 0660 and the folder's group
//! in a group-shared folder (setgid or group-writable), 0600 elsewhere.
#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use zhengjiao::store::Store;

fn umask() {
    // The usual login umask, which strips the group's write bit: 0660 must
    // come from the program, not from a lenient umask.
    // SAFETY: umask cannot fail.
    unsafe {
        libc::umask(0o022);
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn gid(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().gid()
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    // SAFETY: getuid cannot fail.
    unsafe { libc::getuid() == 0 }
}

/// A folder shared with a group: `setgid` folders hand their group to new
/// files themselves, group-writable ones need the program's help. As root
/// the folder gets a group of its own, so inheriting it shows.
fn shared_dir(setgid: bool, group: u32) -> TempDir {
    let dir = TempDir::new().unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.path(), None, Some(group)).unwrap();
    }
    chmod(dir.path(), if setgid { 0o2770 } else { 0o770 });
    dir
}

fn bin(db: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .env_remove("ZHENGJIAO_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn side(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Open for writing, pay nothing, keep the connection: the WAL and shared
/// memory files exist while it is open.
fn open_and_write(db: &Path) -> Store {
    let mut store = Store::open(db).unwrap();
    store.note_backup("nowhere").unwrap();
    store
}

#[test]
fn an_existing_files_mode_is_left_as_it_is() {
    umask();
    for start in [0o660, 0o640, 0o644, 0o600] {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("station.db");
        bin(&db, &["demo", "--residents", "300"]);
        chmod(&db, start);
        let store = open_and_write(&db);
        assert_eq!(mode(&db), start, "the file itself");
        // SQLite gives the WAL and shared memory the database's mode.
        assert_eq!(mode(&side(&db, "-wal")), start & 0o666);
        assert_eq!(mode(&side(&db, "-shm")), start & 0o666);
        // A second process (the next clerk's console) changes nothing either.
        bin(&db, &["report", "progress", "--json"]);
        bin(&db, &["user", "whoami"]);
        drop(store);
        assert_eq!(mode(&db), start, "after other processes");
    }
}

#[test]
fn new_files_in_a_private_folder_are_owner_only() {
    umask();
    let dir = TempDir::new().unwrap();
    chmod(dir.path(), 0o755);
    let demo = dir.path().join("demo.db");
    bin(&demo, &["demo", "--residents", "300"]);
    assert_eq!(mode(&demo), 0o600);
    let fresh = dir.path().join("fresh.db");
    let store = open_and_write(&fresh);
    assert_eq!(mode(&fresh), 0o600);
    assert_eq!(mode(&side(&fresh, "-wal")), 0o600);
    drop(store);
    let backup = dir.path().join("backup.db");
    bin(&demo, &["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o600);
    for out in ["list.csv", "list.xlsx"] {
        let out = dir.path().join(out);
        bin(
            &demo,
            &["export", "outstanding", "--out", out.to_str().unwrap()],
        );
        assert_eq!(mode(&out), 0o600, "{}", out.display());
    }
}

#[test]
fn new_files_in_a_group_shared_folder_are_the_groups() {
    umask();
    for (setgid, group) in [(true, 4242), (false, 4243)] {
        let dir = shared_dir(setgid, group);
        let group = gid(dir.path());
        let demo = dir.path().join("demo.db");
        bin(&demo, &["demo", "--residents", "300"]);
        assert_eq!(mode(&demo), 0o660, "setgid folder: {setgid}");
        assert_eq!(gid(&demo), group, "setgid folder: {setgid}");
        let fresh = dir.path().join("station.db");
        let store = open_and_write(&fresh);
        assert_eq!(mode(&fresh), 0o660);
        assert_eq!(gid(&fresh), group);
        assert_eq!(mode(&side(&fresh, "-wal")), 0o660);
        assert_eq!(mode(&side(&fresh, "-shm")), 0o660);
        drop(store);
        let backup = dir.path().join("backup.db");
        bin(&demo, &["backup", "--out", backup.to_str().unwrap()]);
        assert_eq!(mode(&backup), 0o660);
        assert_eq!(gid(&backup), group);
        for out in ["list.csv", "list.xlsx"] {
            let out = dir.path().join(out);
            bin(
                &demo,
                &["export", "outstanding", "--out", out.to_str().unwrap()],
            );
            assert_eq!(mode(&out), 0o660, "{}", out.display());
            assert_eq!(gid(&out), group, "{}", out.display());
        }
    }
}
