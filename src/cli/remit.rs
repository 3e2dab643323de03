//! `zhengjiao remit record|list|close`: the agents' daily remittance
//! (费款日报解) and its reconciliation (钱表相符, 滞留资金).

use super::campaign::{amount, print_json, today, yuan};
use crate::store::Store;
use crate::store::campaign::remittance::AgentDay;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RemitArgs {
    #[command(subcommand)]
    pub action: RemitAction,
}

#[derive(Debug, Subcommand)]
pub enum RemitAction {
    /// 登记代办员解缴现金及回执单 / record cash an agent handed in
    Record(RecordArgs),
    /// 日报核对 / expected against handed in, per agent and day
    List(ListArgs),
    /// 钱表相符后结账 / close a balanced agent-day
    Close(CloseArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[arg(long)]
    pub agent: String,
    /// 收款日期 / the day the money was collected
    #[arg(long)]
    pub date: NaiveDate,
    /// 解缴金额（元）/ cash handed in (yuan)
    #[arg(long)]
    pub cash: Decimal,
    /// 银行存款回执单号 / bank slip number
    #[arg(long)]
    pub slip: String,
    /// 实际解缴日期（默认今天）/ the day it was handed in (default today)
    #[arg(long)]
    pub handed_on: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// 收款日期；不填则列出所有未结账的 / the day; without it, every open agent-day
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// 判断滞留资金的日期（默认今天）/ as-of date for the held-cash flag (default today)
    #[arg(long, alias = "today")]
    pub as_of: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    #[arg(long)]
    pub agent: String,
    #[arg(long)]
    pub date: NaiveDate,
    /// 结账日期（默认今天）/ closing date (default today)
    #[arg(long)]
    pub on: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

pub fn day_json(d: &AgentDay) -> Value {
    json!({
        "agent": d.agent_code,
        "agent_name": d.agent_name,
        "village_code": d.village_code,
        "village_name": d.village_name,
        "date": d.day.to_string(),
        "payments": d.payments,
        "reversals": d.reversals,
        "expected": amount(d.expected_fen),
        "pos_payments": d.pos_payments,
        "pos": amount(d.pos_fen),
        "counter": d.counter,
        "cash": amount(d.cash_fen),
        "difference": amount(d.difference_fen),
        "balanced": d.balanced(),
        "slips": d.slips,
        "last_handed_on": d.last_handed_on.map(|x| x.to_string()),
        "due_by": d.due_by.to_string(),
        "held": d.held,
        "closed": d.is_closed(),
        "closed_on": d.closed_on.map(|x| x.to_string()),
    })
}

fn day_line(d: &AgentDay) {
    let flags = [
        (d.held, "滞留资金/held"),
        (!d.balanced(), "钱表不符/unbalanced"),
        (d.is_closed(), "已结账/closed"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, t)| *t)
    .collect::<Vec<_>>()
    .join(" ");
    println!(
        "{} {:<14} {:<6} {:<10} 笔数 {:>3}  应解缴现金 {:>9}  已解缴 {:>9}  差额 {:>9}  POS {:>3} 笔 {:>9}（另计）  {flags}",
        d.day,
        d.agent_code,
        d.agent_name,
        d.village_name,
        d.payments - d.reversals,
        yuan(d.expected_fen),
        yuan(d.cash_fen),
        yuan(d.difference_fen),
        d.pos_payments,
        yuan(d.pos_fen)
    );
}

pub fn run(args: &RemitArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        RemitAction::Record(a) => {
            let mut store = Store::open(db)?;
            let d = store.record_remittance(
                &a.agent,
                a.date,
                a.cash,
                &a.slip,
                a.handed_on.unwrap_or_else(today),
            )?;
            if a.json {
                print_json(&day_json(&d))?;
            } else {
                println!("已登记解缴 / cash recorded:");
                day_line(&d);
            }
        }
        RemitAction::List(a) => {
            let store = Store::open_read_only(db)?;
            let as_of = a.as_of.unwrap_or_else(today);
            let days = match a.date {
                Some(day) => store.remittance_day(day, as_of)?,
                None => store.remittance_open(as_of)?,
            };
            if a.json {
                print_json(&json!({
                    "date": a.date.map(|d| d.to_string()),
                    "as_of": as_of.to_string(),
                    "days": days.iter().map(day_json).collect::<Vec<_>>(),
                    "expected": amount(days.iter().map(|d| d.expected_fen).sum()),
                    "cash": amount(days.iter().map(|d| d.cash_fen).sum()),
                    "pos": amount(days.iter().map(|d| d.pos_fen).sum()),
                    "held": days.iter().filter(|d| d.held).count(),
                    "unbalanced": days.iter().filter(|d| !d.balanced()).count(),
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            if days.is_empty() {
                println!("没有代办员日报 / no agent-days");
            }
            for d in &days {
                day_line(d);
            }
        }
        RemitAction::Close(a) => {
            let mut store = Store::open(db)?;
            let d = store.close_remittance(&a.agent, a.date, a.on.unwrap_or_else(today))?;
            if a.json {
                print_json(&day_json(&d))?;
            } else {
                println!(
                    "钱表相符，已结账 / balanced and closed: 代办员 {} {} 共 {} 元",
                    d.agent_code,
                    d.day,
                    yuan(d.expected_fen)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
