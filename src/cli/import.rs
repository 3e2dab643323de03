//! `zhengjiao import KIND FILE`: lists from other offices into the database.
//!
//! Exit status: 0 when every row went in (or was already there), 3 when some
//! rows were rejected, 2 when the file could not be used at all (unreadable,
//! no header, required columns missing, a policy file that does not
//! validate), 1 for anything else (the database).

use crate::domain::money::yuan;
use crate::domain::{Group, Insurance};
use crate::exchange::{self, Encoding, Mapping, ReadOptions, Table};
use crate::store::Store;
use crate::store::imports::{ImportError, ImportKind, ImportOptions, ImportReport};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// 村居：代码、名称、镇街 / villages: code, name, town
    Villages,
    /// 居民登记 / the residents' registry
    Residents,
    /// 税务部门的自助缴费名单 / self-service payments from the tax system
    Payments,
    /// 公安部门的死亡、销户名单 / deaths and cancelled hukou from the police
    Deaths,
    /// 部门认定的特殊群体名单 / a special-group list from an office
    Groups,
    /// 新年度政策文件（TOML）/ a new year's policy file (TOML)
    Policy,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Villages => ImportKind::Villages,
            KindArg::Residents => ImportKind::Residents,
            KindArg::Payments => ImportKind::Payments,
            KindArg::Deaths => ImportKind::Deaths,
            KindArg::Groups => ImportKind::Groups,
            KindArg::Policy => ImportKind::Policy,
        }
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    pub kind: KindArg,
    /// 文件（xlsx、xls、csv；政策为 toml）/ the file (xlsx, xls, csv; a policy is toml)
    pub file: PathBuf,
    /// 征缴年度（默认为数据库的年度或最新政策年度）/ campaign year
    #[arg(long)]
    pub year: Option<i32>,
    /// 工作表名称或序号 / sheet name or number
    #[arg(long)]
    pub sheet: Option<String>,
    /// 列名对照：列名=字段,… / column mapping: title=field,… (field: name, id-number, village, …)
    #[arg(long)]
    pub map: Option<String>,
    /// 文本编码 / text encoding: utf-8, gbk, gb18030, utf-16
    #[arg(long)]
    pub encoding: Option<String>,
    /// 只检查，不写入 / check everything, write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
    /// 缴费名单无险种列时的险种 / payments: the insurance when the file has no 险种 column
    #[arg(long)]
    pub insurance: Option<String>,
    /// 特殊群体（如 dibao、低保、disabled-1）/ groups: the group of every row
    #[arg(long)]
    pub group: Option<String>,
    /// 认定部门（如 民政局）/ groups: the certifying office
    #[arg(long, required_if_eq("kind", "groups"))]
    pub office: Option<String>,
}

/// A problem with the file or the options: exit status 2.
fn unusable(args: &ImportArgs, message: &str) -> ExitCode {
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "error": message })).expect("json")
        );
    }
    eprintln!("错误 / error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &ImportArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let kind = ImportKind::from(args.kind);
    let mut opts = ImportOptions::new(args.file.display().to_string());
    opts.year = args.year;
    opts.dry_run = args.dry_run;
    opts.office = args.office.clone();
    if let Some(text) = &args.insurance {
        match Insurance::parse(text) {
            Some(i) => opts.insurance = Some(i),
            None => {
                return Ok(unusable(
                    args,
                    &format!(
                        "未知险种“{text}”，应为 medical 或 pension / unknown insurance '{text}'"
                    ),
                ));
            }
        }
    }
    if let Some(text) = &args.group {
        match Group::parse(text) {
            Some(g) => opts.group = Some(g),
            None => {
                return Ok(unusable(
                    args,
                    &format!(
                        "未知群体“{text}”（如 dibao、tekun、disabled-1、低保）/ unknown group '{text}'"
                    ),
                ));
            }
        }
    }
    let mut store = Store::open(db)?;
    let outcome = if kind == ImportKind::Policy {
        match std::fs::read_to_string(&args.file) {
            Ok(text) => store.import_policy(text.trim_start_matches('\u{feff}'), &opts),
            Err(e) => Err(ImportError::Unusable(format!(
                "无法读取政策文件 {}（{e}），应为 UTF-8 编码的 TOML / cannot read the policy file {} ({e}); it must be UTF-8 TOML",
                args.file.display(),
                args.file.display()
            ))),
        }
    } else {
        match open(args) {
            Ok((table, header)) => {
                let bar = progress_bar(&table, args.json);
                let tick = |n: usize| bar.set_position(n as u64);
                let r = store.import_table(kind, table, &header, &opts, &tick);
                bar.finish_and_clear();
                r
            }
            Err(e) => Err(e),
        }
    };
    let report = match outcome {
        Ok(r) => r,
        Err(e) if e.is_file_error() => return Ok(unusable(args, &e.to_string())),
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&report);
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn open(args: &ImportArgs) -> Result<(Table, exchange::Header), ImportError> {
    let options = ReadOptions {
        sheet: args.sheet.clone(),
        encoding: args
            .encoding
            .as_deref()
            .map(str::parse::<Encoding>)
            .transpose()?,
    };
    let mut mapping = match &args.map {
        Some(m) => Mapping::parse(m)?,
        None => Mapping::new(),
    };
    for (title, field) in ImportKind::from(args.kind).titles() {
        mapping = mapping.or_with(title, Some(*field));
    }
    let mut table = exchange::open(&args.file, &options)?;
    let header = table.header(&mapping)?;
    Ok((table, header))
}

/// A bar for CSV (its lines counted up front), a counter otherwise; hidden
/// when stderr is not a terminal.
fn progress_bar(table: &Table, json: bool) -> ProgressBar {
    if !std::io::stderr().is_terminal() || json {
        return ProgressBar::hidden();
    }
    let lines = matches!(table.format(), exchange::Format::Delimited { .. })
        .then(|| std::fs::read(table.path()).ok())
        .flatten()
        .map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64);
    match lines {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} 行 rows  已用 {elapsed}  剩余 {eta}",
            )
            .expect("template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} 已处理 {pos} 行 / rows  {elapsed}")
                .expect("template"),
        ),
    }
}

fn print_summary(r: &ImportReport) {
    println!(
        "导入{} / import {}: {}{}",
        r.kind.zh(),
        r.kind.code(),
        r.file,
        r.year
            .map(|y| format!("（{y}年度 / year {y}）"))
            .unwrap_or_default()
    );
    if r.dry_run {
        println!("试运行，未写入任何数据 / dry run: nothing was written");
    }
    println!(
        "新增 {}，更新 {}，未变 {}，拒绝 {} / accepted {}, updated {}, unchanged {}, rejected {}",
        r.accepted,
        r.updated,
        r.unchanged,
        r.rejected.len(),
        r.accepted,
        r.updated,
        r.unchanged,
        r.rejected.len()
    );
    if !r.unknown_columns.is_empty() {
        println!(
            "未使用的列 / columns not used: {}",
            r.unknown_columns.join("、")
        );
    }
    const SHOWN: usize = 50;
    if !r.updates.is_empty() {
        println!("更新 / updated:");
        for u in r.updates.iter().take(SHOWN) {
            println!(
                "  第{}行 line {}: {}",
                u.line,
                u.line,
                first_line(&u.reason)
            );
        }
        if r.updates.len() > SHOWN {
            println!(
                "  ……另有{}行，见 --json / {} more, see --json",
                r.updates.len() - SHOWN,
                r.updates.len() - SHOWN
            );
        }
    }
    if !r.rejected.is_empty() {
        println!("拒绝 / rejected:");
        for x in &r.rejected {
            println!("  第{}行 line {}: {}", x.line, x.line, x.reason);
        }
    }
    if let Some(refunds) = r.refunds.as_ref().filter(|x| !x.is_empty()) {
        println!("死亡后缴费，应办理退费 / paid after death, to refund:");
        for f in refunds {
            println!(
                "  第{}行 line {}: {} {} {}年度{} {}缴费 {} 元（{}死亡），缴费记录 payment #{}",
                f.line,
                f.line,
                f.name,
                f.id_number,
                f.year,
                Insurance::parse(&f.insurance)
                    .map(|i| i.zh())
                    .unwrap_or(&f.insurance),
                f.paid_on,
                yuan(f.person_fen),
                f.died_on,
                f.payment_id
            );
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
