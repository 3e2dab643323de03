//! Command-line interface: one module per subcommand. Every subcommand is a
//! contract used by the station's scripts; keep flags and JSON keys stable.

pub mod quote;

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
}

/// Run the parsed command line; the returned code is the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Quote(args)) => quote::run(&args),
        None => anyhow::bail!("控制台尚未实现 / the console is not built yet"),
    }
}
