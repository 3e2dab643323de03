//! Command-line interface: one module per subcommand. Every subcommand is a
//! contract used by the station's scripts; keep flags and JSON keys stable.

pub mod campaign;
pub mod check;
pub mod columns;
pub mod console;
pub mod declare;
pub mod demo;
pub mod export;
pub mod find;
pub mod import;
pub mod pay;
pub mod proxy;
pub mod quote;
pub mod receipts;
pub mod refund;
pub mod remit;
pub mod report;
pub mod resident;
pub mod roster;
pub mod usage;
pub mod user;

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
    /// 用户与角色 / users and roles
    User(user::UserArgs),
    /// 退费 / refund a payment (after death, duplicate, wrong tier…)
    Refund(refund::UndoArgs),
    /// 冲正 / reverse a payment recorded in error
    Reverse(refund::UndoArgs),
    /// 政府代缴批次 / government offices' proxy payments
    Proxy(proxy::ProxyArgs),
    /// 收据本 / agents' receipt books
    Receipts(receipts::ReceiptsArgs),
    /// 费款日报解 / agents' daily remittance and reconciliation
    Remit(remit::RemitArgs),
    /// 申报入库 / declaration and deposit per village
    Declare(declare::DeclareArgs),
    /// 清册审核与公示 / roster review, amendments and publicity
    Roster(roster::RosterArgs),
    /// 居民缴费查询 / a resident's file and payment history
    Resident(resident::ResidentArgs),
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
        Some(Command::User(args)) => user::run(&args, &db),
        Some(Command::Refund(args)) => refund::run(&args, &db, "refund"),
        Some(Command::Reverse(args)) => refund::run(&args, &db, "reversal"),
        Some(Command::Proxy(args)) => proxy::run(&args, &db),
        Some(Command::Receipts(args)) => receipts::run(&args, &db),
        Some(Command::Remit(args)) => remit::run(&args, &db),
        Some(Command::Declare(args)) => declare::run(&args, &db),
        Some(Command::Roster(args)) => roster::run(&args, &db),
        Some(Command::Resident(args)) => resident::run(&args, &db),
        None => console::run(
            &console::ConsoleArgs {
                ui: cli.ui.clone(),
                read_only: cli.read_only,
                today: cli.today,
            },
            &db,
        ),
        Some(Command::Import(args)) => import::run(&args, &db),
        Some(Command::Export(args)) => export::run(&args, &db),
    }
}
