//! `zhengjiao pay`: record one payment (the console's form uses the same path).

use crate::domain::money::{Amount, from_fen};
use crate::domain::{Channel, Insurance, Office};
use crate::store::Store;
use crate::store::campaign::payments::PaymentRequest;
use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use rust_decimal::Decimal;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct PayArgs {
    /// 身份证号码 / ID number
    #[arg(long)]
    pub id: String,
    #[arg(long)]
    pub year: i32,
    /// medical | pension（医疗 | 养老）
    #[arg(long)]
    pub insurance: String,
    /// 养老保险档次 / pension tier
    #[arg(long)]
    pub tier: Option<Decimal>,
    /// agent-pos wechat alipay aishandong etax bank tax-hall proxy cash
    #[arg(long)]
    pub channel: String,
    /// 收据号 / receipt number
    #[arg(long)]
    pub receipt: Option<String>,
    /// 代办员编号 / agent code
    #[arg(long)]
    pub agent: Option<String>,
    /// 代缴部门 / paying office (with --channel proxy)
    #[arg(long)]
    pub office: Option<String>,
    /// 缴费日期（默认今天）/ payment date (default today)
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    /// 特殊情形 / special case: policy-backpay | interrupted-backpay | newborn
    #[arg(long)]
    pub special: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &PayArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let insurance = Insurance::parse(&args.insurance).with_context(|| {
        format!(
            "未知险种“{}”，应为 medical 或 pension / unknown insurance '{}'",
            args.insurance, args.insurance
        )
    })?;
    let channel = Channel::parse(&args.channel).with_context(|| {
        format!(
            "未知缴费渠道“{}” / unknown channel '{}'",
            args.channel, args.channel
        )
    })?;
    let office = match &args.office {
        Some(o) => Some(
            Office::parse(o).with_context(|| format!("未知部门“{o}” / unknown office '{o}'"))?,
        ),
        None => None,
    };
    let mut store = Store::open(db)?;
    let req = PaymentRequest {
        id_number: args.id.clone(),
        year: args.year,
        insurance,
        tier: args.tier,
        channel,
        receipt: args.receipt.clone(),
        agent_code: args.agent.clone(),
        office,
        paid_on: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        special: args.special.clone(),
    };
    let r = store.record_payment(&req)?;
    let amount = |fen| serde_json::to_value(Amount::from(from_fen(fen))).expect("number");
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "payment_id": r.payment_id,
                "name": r.name,
                "year": r.year,
                "insurance": r.insurance.code(),
                "person_pays": amount(r.person_fen),
                "government_pays": amount(r.government_fen),
                "tier": r.tier_fen.map(amount),
                "late": r.late,
                "channel": r.channel.code(),
                "receipt": r.receipt,
                "special": r.special.map(|s| s.code()),
                "agent": r.agent_code,
                "counter": r.counter,
                "warnings": r.warnings,
            }))?
        );
    } else {
        println!(
            "已记录 / recorded: #{} {} {}年度{} 个人缴费 {} 元，政府代缴 {} 元{}{}{}",
            r.payment_id,
            r.name,
            r.year,
            r.insurance.zh(),
            from_fen(r.person_fen),
            from_fen(r.government_fen),
            r.special
                .map(|s| format!("（{}）", s.zh()))
                .unwrap_or_default(),
            r.receipt
                .as_deref()
                .map(|n| format!("  收据 {n}"))
                .unwrap_or_default(),
            if r.late {
                "（逾期缴费 / late）"
            } else {
                ""
            }
        );
        if r.counter
            && let Some(code) = &r.agent_code
        {
            println!("现金计入柜台 {code} 当日解缴 / cash goes into counter till {code}'s day");
        }
    }
    for w in &r.warnings {
        eprintln!("警告 / warning: {w}");
    }
    Ok(ExitCode::SUCCESS)
}
