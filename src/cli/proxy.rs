//! `zhengjiao proxy list|pay`: a government office's proxy payments (代缴)
//! for a year, as one audited batch.

use super::campaign::{amount, office, print_json, today, yuan};
use crate::domain::id_number::mask;
use crate::store::Store;
use crate::store::campaign::proxy::{ProxyLine, SkipReason};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ProxyArgs {
    #[command(subcommand)]
    pub action: ProxyAction,
}

#[derive(Debug, Subcommand)]
pub enum ProxyAction {
    /// 列出代缴名单 / list the people the office pays for
    List(ListArgs),
    /// 登记整批代缴 / record the office's batch
    Pay(PayArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub year: i32,
    /// 民政 残联 卫健 乡村振兴 退役军人事务（或 civil-affairs …）
    #[arg(long)]
    pub office: String,
    #[arg(long)]
    pub json: bool,
    /// 显示完整身份证号 / show full ID numbers
    #[arg(long)]
    pub full_id: bool,
}

#[derive(Debug, Args)]
pub struct PayArgs {
    #[arg(long)]
    pub year: i32,
    #[arg(long)]
    pub office: String,
    /// 拨付日期（默认今天）/ date paid (default today)
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    /// 只演算，不登记 / work it out, record nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

fn line_json(l: &ProxyLine, full_id: bool) -> Value {
    json!({
        "resident_id": l.resident_id,
        "id_number": if full_id { l.id_number.clone() } else { mask(&l.id_number) },
        "name": l.name,
        "village_code": l.village_code,
        "village_name": l.village_name,
        "insurance": l.insurance.code(),
        "government_pays": amount(l.government_fen),
        "basis": l.basis,
        "paid_payment_id": l.paid_payment_id,
        "deceased_on": l.deceased_on.map(|d| d.to_string()),
        "hukou_cancelled_on": l.hukou_cancelled_on.map(|d| d.to_string()),
    })
}

fn status_zh(l: &ProxyLine) -> &'static str {
    if l.paid_payment_id.is_some() {
        "已缴"
    } else if l.deceased_on.is_some() {
        "死亡"
    } else if l.hukou_cancelled_on.is_some() {
        "销户"
    } else {
        "待缴"
    }
}

pub fn run(args: &ProxyArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        ProxyAction::List(a) => list(a, db),
        ProxyAction::Pay(a) => pay(a, db),
    }
}

fn list(a: &ListArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let o = office(&a.office)?;
    let store = Store::open_read_only(db)?;
    let lines = store.proxy_list(a.year, o)?;
    let open: Vec<&ProxyLine> = lines.iter().filter(|l| l.skip_reason().is_none()).collect();
    let open_fen: i64 = open.iter().map(|l| l.government_fen).sum();
    if a.json {
        return print_json(&json!({
            "year": a.year,
            "office": o.code(),
            "lines": lines.iter().map(|l| line_json(l, a.full_id)).collect::<Vec<_>>(),
            "to_pay": open.len(),
            "to_pay_amount": amount(open_fen),
            "paid": lines.iter().filter(|l| l.paid_payment_id.is_some()).count(),
        }))
        .map(|_| ExitCode::SUCCESS);
    }
    println!(
        "{}年度 {}代缴名单 / {} proxy list: {} 人，待缴 {} 人 {} 元",
        a.year,
        o.zh(),
        o.code(),
        lines.len(),
        open.len(),
        yuan(open_fen)
    );
    for l in &lines {
        let id = if a.full_id {
            l.id_number.clone()
        } else {
            mask(&l.id_number)
        };
        println!(
            "{id}  {:<6} {:<10} {} {:>8}  {}",
            l.name,
            l.village_name,
            l.insurance.zh(),
            yuan(l.government_fen),
            status_zh(l)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn pay(a: &PayArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let o = office(&a.office)?;
    let mut store = Store::open(db)?;
    let out = store.proxy_pay(a.year, o, a.date.unwrap_or_else(today), a.dry_run)?;
    if a.json {
        return print_json(&json!({
            "year": out.year,
            "office": o.code(),
            "date": out.paid_on.to_string(),
            "dry_run": out.dry_run,
            "batch_id": out.batch_id,
            "paid": out.paid.iter().map(|p| {
                let mut v = line_json(&p.line, false);
                v["payment_id"] = json!(p.payment_id);
                v
            }).collect::<Vec<_>>(),
            "skipped": out.skipped.iter().map(|s| {
                let mut v = line_json(&s.line, false);
                v["reason"] = json!(s.reason.text());
                v
            }).collect::<Vec<_>>(),
            "government_pays": amount(out.government_fen),
        }))
        .map(|_| ExitCode::SUCCESS);
    }
    let head = if out.dry_run {
        "演算（未登记）/ dry run, nothing recorded"
    } else if out.batch_id.is_some() {
        "已登记代缴批次 / batch recorded"
    } else {
        "没有需要代缴的人员，未登记 / nobody left to pay; nothing recorded"
    };
    println!(
        "{head}{}: {} {}年度 {} 人 {} 元，跳过 {} 人",
        out.batch_id.map(|b| format!(" #{b}")).unwrap_or_default(),
        o.zh(),
        out.year,
        out.paid.len(),
        yuan(out.government_fen),
        out.skipped.len()
    );
    let already = out
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::AlreadyPaid { .. }))
        .count();
    if already > 0 {
        println!("  已缴费跳过 / already paid, skipped: {already} 人");
    }
    for s in out
        .skipped
        .iter()
        .filter(|s| !matches!(s.reason, SkipReason::AlreadyPaid { .. }))
    {
        println!(
            "  跳过 / skipped: {} {} {} — {}",
            mask(&s.line.id_number),
            s.line.name,
            s.line.insurance.zh(),
            s.reason.text()
        );
    }
    Ok(ExitCode::SUCCESS)
}
