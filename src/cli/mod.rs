//! Command-line interface: one module per subcommand. Every subcommand is a
//! contract used by the station's scripts; keep flags and JSON keys stable.

pub mod check;
pub mod demo;
pub mod export;
pub mod find;
pub mod import;
pub mod pay;
pub mod quote;
pub mod report;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "zhengjiao",
    version,
    about = "征缴 — 城乡居民养老、医疗保险集中征缴工作台 / the station console for residents' pension and medical insurance collection"
)]
pub struct Cli {
    /// 数据库文件 / database file (default: the platform data directory)
    #[arg(long, global = true, env = "ZHENGJIAO_DB")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 查询本年度应缴金额 / how much does a person pay this year
    Quote(quote::QuoteArgs),
    /// 生成演示数据库 / build the demo database
    Demo(demo::DemoArgs),
    /// 查找居民 / find residents
    Find(find::FindArgs),
    /// 报表 / reports
    Report(report::ReportArgs),
    /// 登记缴费 / record a payment
    Pay(pay::PayArgs),
    /// 检查数据库 / check the database
    Check(check::CheckArgs),
    /// 在线备份 / back up the database while others work
    Backup(check::BackupArgs),
    /// 导入名单（村居、居民、缴费、死亡、特殊群体、政策）/ import a list
    Import(import::ImportArgs),
    /// 导出名单（未缴费、公示、通报、清册）/ export a list
    Export(export::ExportArgs),
}

/// Run the parsed command line; the returned code is the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = cli.db.clone().unwrap_or_else(crate::store::default_path);
    match cli.command {
        Some(Command::Quote(args)) => quote::run(&args),
        Some(Command::Demo(args)) => demo::run(&args, &db),
        Some(Command::Find(args)) => find::run(&args, &db),
        Some(Command::Report(args)) => report::run(&args, &db),
        Some(Command::Pay(args)) => pay::run(&args, &db),
        Some(Command::Check(args)) => check::run_check(&args, &db),
        Some(Command::Backup(args)) => check::run_backup(&args, &db),
        Some(Command::Import(args)) => import::run(&args, &db),
        Some(Command::Export(args)) => export::run(&args, &db),
        None => anyhow::bail!("控制台尚未实现 / the console is not built yet"),
    }
}
