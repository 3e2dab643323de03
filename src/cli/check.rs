//! `zhengjiao check` and `zhengjiao backup`.

use crate::store::Store;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件 / backup file to write
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run_check(args: &CheckArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(db)?;
    let report = store.check()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if report.ok {
        println!("检查通过 / check passed: {}", db.display());
    } else {
        for f in &report.findings {
            println!("[{}] {}", f.check, f.message);
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn run_backup(args: &BackupArgs, db: &Path) -> anyhow::Result<ExitCode> {
    if args.out.exists() {
        anyhow::bail!(
            "{} 已存在，不会覆盖 / {} exists; it will not be overwritten",
            args.out.display(),
            args.out.display()
        );
    }
    let store = Store::open_read_only(db)?;
    // Through a setgid install a backup is a whole copy the user would own:
    // only an admin takes one (cron runs it as the folder's owner).
    if crate::os::privilege::elevated() && store.role()? != Some(crate::store::users::Role::Admin) {
        anyhow::bail!(
            "只有管理员可以备份 / only an admin takes backups ({})",
            store.user()
        );
    }
    store.backup_to(&args.out)?;
    drop(store);
    // Remember when the last backup was taken (the console reminds the admin
    // after a day); a read-only user's backup is still a backup.
    if let Ok(mut store) = Store::open(db) {
        let _ = store.note_backup(&args.out.display().to_string());
    }
    println!("备份完成 / backup written: {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
