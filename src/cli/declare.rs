//! `zhengjiao declare create|submit|confirm|pending|list`: declaration and
//! deposit (申报入库) of a village's remitted payments.

use super::campaign::{amount, print_json, today, village, year, yuan};
use crate::store::Store;
use crate::store::campaign::declaration::Declaration;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct DeclareArgs {
    #[command(subcommand)]
    pub action: DeclareAction,
}

#[derive(Debug, Subcommand)]
pub enum DeclareAction {
    /// 生成申报批次 / group a village's remitted payments into a declaration
    Create(CreateArgs),
    /// 申报 / submit a declaration
    Submit(StepArgs),
    /// 确认入库 / confirm the deposit
    Confirm(StepArgs),
    /// 尚未申报的缴费 / what is still undeclared
    Pending(PendingArgs),
    /// 申报批次 / declarations
    List(PendingArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// 村居代码或名称 / village code or name
    #[arg(long)]
    pub village: String,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StepArgs {
    /// 申报批次编号 / declaration number
    pub id: i64,
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PendingArgs {
    #[arg(long)]
    pub village: Option<String>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub json: bool,
}

fn declaration_json(d: &Declaration) -> Value {
    json!({
        "id": d.id,
        "year": d.year,
        "village_code": d.village_code,
        "village_name": d.village_name,
        "state": d.state.code(),
        "payments": d.payments,
        "amount": amount(d.person_fen),
        "created_on": d.created_on.to_string(),
        "created_by": d.created_by,
        "submitted_on": d.submitted_on.map(|x| x.to_string()),
        "confirmed_on": d.confirmed_on.map(|x| x.to_string()),
    })
}

fn show(d: &Declaration, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&declaration_json(d));
    }
    println!(
        "申报批次 / declaration #{}  {} {}年度  {} 笔 {} 元  {}（{}）",
        d.id,
        d.village_name,
        d.year,
        d.payments,
        yuan(d.person_fen),
        d.state.zh(),
        d.state.code()
    );
    Ok(())
}

pub fn run(args: &DeclareArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        DeclareAction::Create(a) => {
            let mut store = Store::open(db)?;
            let y = year(&store, a.year)?;
            let v = village(&store, &a.village)?;
            let d = store.declare_create(y, v.id, a.date.unwrap_or_else(today))?;
            show(&d, a.json)?;
        }
        DeclareAction::Submit(a) => {
            let mut store = Store::open(db)?;
            show(
                &store.declare_submit(a.id, a.date.unwrap_or_else(today))?,
                a.json,
            )?;
        }
        DeclareAction::Confirm(a) => {
            let mut store = Store::open(db)?;
            show(
                &store.declare_confirm(a.id, a.date.unwrap_or_else(today))?,
                a.json,
            )?;
        }
        DeclareAction::Pending(a) => {
            let store = Store::open_read_only(db)?;
            let y = year(&store, a.year)?;
            let v = match &a.village {
                Some(t) => Some(village(&store, t)?.id),
                None => None,
            };
            let rows = store.declare_pending(y, v)?;
            if a.json {
                print_json(&json!({
                    "year": y,
                    "villages": rows.iter().map(|p| json!({
                        "village_code": p.village_code,
                        "village_name": p.village_name,
                        "ready_payments": p.ready_payments,
                        "ready_amount": amount(p.ready_fen),
                        "unremitted_payments": p.unremitted_payments,
                        "unremitted_amount": amount(p.unremitted_fen),
                    })).collect::<Vec<_>>(),
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            if rows.is_empty() {
                println!("没有尚未申报的缴费 / nothing left to declare");
            }
            for p in &rows {
                println!(
                    "{} {:<12} 可申报 {:>4} 笔 {:>10} 元   未解缴 {:>4} 笔 {:>10} 元",
                    p.village_code,
                    p.village_name,
                    p.ready_payments,
                    yuan(p.ready_fen),
                    p.unremitted_payments,
                    yuan(p.unremitted_fen)
                );
            }
        }
        DeclareAction::List(a) => {
            let store = Store::open_read_only(db)?;
            let y = year(&store, a.year)?;
            let v = match &a.village {
                Some(t) => Some(village(&store, t)?.id),
                None => None,
            };
            let ds = store.declarations(y, v)?;
            if a.json {
                print_json(&Value::Array(ds.iter().map(declaration_json).collect()))?;
                return Ok(ExitCode::SUCCESS);
            }
            for d in &ds {
                show(d, false)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
