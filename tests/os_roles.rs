//! Roles enforced by the operating system (README, "several users"): the
//! database folder belongs to a station group (2770), the binary is
//! installed setgid to that group, and the station's logins are not in it.
//! Two throwaway local users, a clerk and a supervisor, run the installed
//! binary: the clerk records but cannot reverse (not even by naming the
//! admin in ZHENGJIAO_USER), the supervisor cannot write, and neither can
//! open the database file themselves. Needs root to create the users; the
//! users and the group are removed whatever happens.
#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

/// Creates the users and group; removes them on drop, also when a check
/// fails.
struct Accounts {
    group: String,
    users: Vec<String>,
}

impl Accounts {
    fn create(group: &str, users: &[&str]) -> Result<Accounts, String> {
        let mut made = Accounts {
            group: String::new(),
            users: Vec::new(),
        };
        run_root("groupadd", &[group])?;
        made.group = group.into();
        for u in users {
            run_root(
                "useradd",
                &["--no-create-home", "--user-group", "--shell", "/bin/sh", u],
            )?;
            made.users.push(u.to_string());
        }
        Ok(made)
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = run_root("userdel", &[u]);
        }
        if !self.group.is_empty() {
            let _ = run_root("groupdel", &[&self.group]);
        }
    }
}

fn run_root(cmd: &str, args: &[&str]) -> Result<(), String> {
    match Command::new(cmd).args(args).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{cmd} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("{cmd}: {e}")),
    }
}

fn id_of(flag: &str, name: &str) -> u32 {
    let o = Command::new("id").args([flag, name]).output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
}

/// Why this machine cannot run the test, if it cannot.
fn cannot_run(base: &Path) -> Option<String> {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } != 0 {
        return Some("not root: cannot create throwaway users".into());
    }
    for tool in ["useradd", "userdel", "groupadd", "groupdel", "setpriv"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            return Some(format!("{tool} not found"));
        }
    }
    // A setgid bit means nothing on a nosuid mount.
    let c = std::ffi::CString::new(base.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: statvfs writes only into `st`.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return Some("statvfs failed".into());
    }
    if st.f_flag & libc::ST_NOSUID != 0 {
        return Some(format!("{} is mounted nosuid", base.display()));
    }
    None
}

/// Run the installed binary (or any command) as `user`, with only the
/// user's own group, from a clean environment plus `env`.
fn as_user(user: &str, cmd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("setpriv");
    c.arg(format!("--reuid={user}"))
        .arg(format!("--regid={user}"))
        .arg("--init-groups")
        .arg("--")
        .arg(cmd)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LANG", "C.UTF-8")
        .current_dir("/");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn root(bin: &Path, db: &Path, args: &[&str]) -> Output {
    let o = Command::new(bin)
        .env_remove("ZHENGJIAO_USER")
        .env_remove("ZHENGJIAO_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    o
}

fn unpaid(db: &Path, n: usize) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.insurance = 'medical' AND ro.status = 'due' AND r.deceased_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
              LIMIT ?1",
        )
        .unwrap();
    st.query_map([n as i64], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

fn pay_args(id: &str) -> Vec<String> {
    [
        "pay",
        "--id",
        id,
        "--year",
        "2025",
        "--insurance",
        "medical",
        "--channel",
        "wechat",
        "--date",
        "2024-11-23",
        "--json",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn roles_hold_against_the_operating_system() {
    let base = TempDir::new().unwrap();
    if let Some(why) = cannot_run(base.path()) {
        eprintln!("os_roles skipped / 跳过: {why}");
        return;
    }
    let tag = std::process::id() % 100_000;
    let (group, clerk, sup) = (
        format!("zjst{tag}"),
        format!("zjclerk{tag}"),
        format!("zjsup{tag}"),
    );
    let accounts = match Accounts::create(&group, &[&clerk, &sup]) {
        Ok(a) => a,
        Err(why) => {
            eprintln!("os_roles skipped / 跳过: cannot create users: {why}");
            return;
        }
    };
    let gid = group_gid(&group);

    // The install: a setgid copy of the binary, a 2770 station folder.
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin_dir = base.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let bin = bin_dir.join("zhengjiao");
    std::fs::copy(env!("CARGO_BIN_EXE_zhengjiao"), &bin).unwrap();
    std::os::unix::fs::chown(&bin, Some(0), Some(gid)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o2755)).unwrap();
    let station = base.path().join("station");
    std::fs::create_dir(&station).unwrap();
    std::os::unix::fs::chown(&station, Some(0), Some(gid)).unwrap();
    std::fs::set_permissions(&station, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let db = station.join("station.db");
    // A folder where the users may write their exports.
    let outbox = base.path().join("out");
    std::fs::create_dir(&outbox).unwrap();
    std::fs::set_permissions(&outbox, std::fs::Permissions::from_mode(0o1777)).unwrap();

    // The admin (root here) sets the station up and registers the users.
    root(&bin, &db, &["demo", "--residents", "500", "--seed", "5"]);
    assert_eq!(std::fs::metadata(&db).unwrap().gid(), gid);
    assert_eq!(
        std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o660
    );
    root(&bin, &db, &["user", "add", "root", "--role", "admin"]);
    root(&bin, &db, &["user", "add", &clerk, "--role", "clerk"]);
    root(&bin, &db, &["user", "add", &sup, "--role", "supervisor"]);
    let ids = unpaid(&db, 3);
    let paid: serde_json::Value = serde_json::from_slice(
        &root(
            &bin,
            &db,
            &pay_args(&ids[0])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .stdout,
    )
    .unwrap();
    let payment = paid["payment_id"].as_i64().expect("payment id").to_string();
    let db_s = db.to_str().unwrap();
    let at = |args: &[&str]| {
        let mut v = vec!["--db", db_s];
        v.extend_from_slice(args);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |user: &str, args: &[String], env: &[(&str, &str)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        as_user(user, &bin, &args, env)
    };

    // Neither can open the file themselves: a plain open() is refused.
    for user in [&clerk, &sup] {
        let o = as_user(user, Path::new("/bin/cat"), &[db_s], &[]);
        assert!(!o.status.success(), "{user} read the file directly");
        assert!(text(&o).contains("Permission denied"), "{}", text(&o));
        let o = as_user(
            user,
            Path::new("/bin/sh"),
            &["-c", &format!("echo x >> {db_s}")],
            &[],
        );
        assert!(!o.status.success(), "{user} wrote the file directly");
    }

    // Through the installed program each acts as their own login, whatever
    // ZHENGJIAO_USER says.
    for user in [&clerk, &sup] {
        let o = run(
            user,
            &at(&["user", "whoami"]),
            &[("ZHENGJIAO_USER", "root")],
        );
        assert!(o.status.success(), "{}", text(&o));
        let t = text(&o);
        assert!(t.contains(user.as_str()), "{t}");
        assert!(!t.contains("admin") && !t.contains("管理员"), "{t}");
    }

    // The clerk records a payment but cannot reverse one, not even as "root".
    let o = run(
        &clerk,
        &at(&pay_args(&ids[1])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()),
        &[],
    );
    assert!(o.status.success(), "clerk pays: {}", text(&o));
    for env in [&[][..], &[("ZHENGJIAO_USER", "root")][..]] {
        let o = run(
            &clerk,
            &at(&[
                "reverse",
                "--payment",
                &payment,
                "--reason",
                "试",
                "--date",
                "2024-11-24",
            ]),
            env,
        );
        assert_eq!(o.status.code(), Some(1), "clerk reversed: {}", text(&o));
        assert!(text(&o).contains("管理员"), "{}", text(&o));
    }

    // The supervisor reads but cannot write.
    let o = run(&sup, &at(&["report", "progress", "--json"]), &[]);
    assert!(o.status.success(), "supervisor reads: {}", text(&o));
    let o = run(
        &sup,
        &at(&pay_args(&ids[2])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()),
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "supervisor paid: {}", text(&o));
    assert!(text(&o).contains("督导"), "{}", text(&o));

    // The group's access serves the station file only: an export is the
    // user's own file, a backup (a whole copy) is the admin's, and no other
    // database can be created or opened in the station's folder.
    let export = outbox.join("list.csv");
    let o = run(
        &clerk,
        &at(&["export", "outstanding", "--out", export.to_str().unwrap()]),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let meta = std::fs::metadata(&export).unwrap();
    assert_eq!(meta.uid(), id_of("-u", &clerk));
    assert_ne!(
        meta.gid(),
        gid,
        "an export must not belong to the station group"
    );
    let o = run(
        &clerk,
        &at(&["backup", "--out", outbox.join("copy.db").to_str().unwrap()]),
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "clerk took a backup: {}",
        text(&o)
    );
    assert!(!outbox.join("copy.db").exists());
    let other = station.join("other.db");
    let o = run(
        &clerk,
        &[
            "--db".into(),
            other.to_str().unwrap().into(),
            "user".into(),
            "whoami".into(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!other.exists());
    let o = run(
        &clerk,
        &[
            "--db".into(),
            other.to_str().unwrap().into(),
            "demo".into(),
            "--residents".into(),
            "100".into(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!other.exists());

    // What happened is in the file, and the audit chain holds.
    root(&bin, &db, &["check"]);
    drop(accounts);
    assert!(
        Command::new("id")
            .arg(&clerk)
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true),
        "the throwaway user is gone"
    );
}

fn group_gid(group: &str) -> u32 {
    let o = Command::new("getent")
        .args(["group", group])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    line.split(':').nth(2).unwrap().trim().parse().unwrap()
}
