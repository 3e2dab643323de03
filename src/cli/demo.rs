//! `zhengjiao demo`: build the demo database.

use crate::demo::{DemoOptions, build};
use crate::store::acting_login;
use chrono::NaiveDate;
use clap::Args;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 居民人数 / number of residents
    #[arg(long, default_value_t = 400_000)]
    pub residents: usize,
    /// 随机种子（同一种子生成相同数据）/ seed: the same seed builds the same data
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// 数据截止日期 / the as-of date payments run up to
    #[arg(long, default_value = "2024-11-23")]
    pub today: NaiveDate,
    #[arg(long, default_value_t = 2025)]
    pub year: i32,
}

pub fn run(args: &DemoArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let opts = DemoOptions {
        residents: args.residents,
        seed: args.seed,
        as_of: args.today,
        year: args.year,
    };
    let s = build(db, &opts, &acting_login(db))?;
    eprintln!(
        "演示数据库已生成 / demo database built: {}  居民 residents {}  清册 roster rows {}  缴费 payments {}  用时 {:.1}s",
        db.display(),
        s.residents,
        s.roster_rows,
        s.payments,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
