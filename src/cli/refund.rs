//! `zhengjiao refund` (退费) and `zhengjiao reverse` (冲正): a new row with
//! negative amounts pointing at the payment, which stays as it was.

use super::campaign::{amount, print_json, today, yuan};
use crate::store::Store;
use chrono::NaiveDate;
use clap::Args;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// 缴费记录编号 / the payment's number
    #[arg(long)]
    pub payment: i64,
    /// 原因（死亡后缴费、重复缴费、档次错误…）/ reason (after death, duplicate, wrong tier…)
    #[arg(long)]
    pub reason: String,
    /// 办理日期（默认今天）/ date (default today)
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

/// `kind` is "refund" or "reversal".
pub fn run(args: &UndoArgs, db: &Path, kind: &str) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    let on = args.date.unwrap_or_else(today);
    let id = if kind == "refund" {
        store.refund_payment(args.payment, &args.reason, on)?
    } else {
        store.reverse_payment(args.payment, &args.reason, on)?
    };
    let (_, r) = store.payment(id)?;
    if args.json {
        print_json(&json!({
            "id": r.id,
            "kind": r.kind,
            "original_id": r.original_id,
            "year": r.year,
            "insurance": r.insurance,
            "person_pays": amount(r.person_fen),
            "government_pays": amount(r.government_fen),
            "date": r.paid_on.to_string(),
            "reason": r.reason,
            "recorded_by": r.recorded_by,
        }))?;
    } else {
        let (zh, en) = if kind == "refund" {
            ("已退费", "refunded")
        } else {
            ("已冲正", "reversed")
        };
        println!(
            "{zh} / {en}: 缴费记录 {} → 记录 {}，个人 {} 元，政府 {} 元，经办 {}",
            args.payment,
            r.id,
            yuan(r.person_fen),
            yuan(r.government_fen),
            r.recorded_by
        );
    }
    Ok(ExitCode::SUCCESS)
}
