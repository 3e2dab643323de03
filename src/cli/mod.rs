//! Command-line interface: one module per subcommand. Every subcommand is a
//! contract used by the station's scripts; keep flags and JSON keys stable.

pub mod check;
pub mod console;
pub mod demo;
pub mod find;
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

    /// 只读打开（督导账号），不能登记缴费 / open read-only (supervisors): no payments, no changes
    #[arg(long)]
    pub read_only: bool,

    /// 截至日期（默认用数据库记录的日期，否则今天）/ the as-of date (default: the date stored in the database, else today)
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,

    #[command(flatten)]
    pub ui: crate::tui::UiArgs,

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
        None => console::run(
            &console::ConsoleArgs {
                ui: cli.ui.clone(),
                read_only: cli.read_only,
                today: cli.today,
            },
            &db,
        ),
    }
}
