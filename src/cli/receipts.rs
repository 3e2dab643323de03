//! `zhengjiao receipts add|list|void`: agents' receipt books (收据本).

use super::campaign::print_json;
use crate::store::Store;
use crate::store::campaign::receipts::{LOW_RECEIPTS, ReceiptBook};
use clap::{Args, Subcommand};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ReceiptsArgs {
    #[command(subcommand)]
    pub action: ReceiptsAction,
}

#[derive(Debug, Subcommand)]
pub enum ReceiptsAction {
    /// 登记收据本 / register a receipt book for an agent
    Add(AddArgs),
    /// 收据本及剩余张数 / books and what is left
    List(ListArgs),
    /// 作废收据号 / void a receipt number
    Void(VoidArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 代办员编号 / agent code
    #[arg(long)]
    pub agent: String,
    /// 起始号 / first number (e.g. 00012001)
    #[arg(long)]
    pub from: String,
    /// 终止号 / last number (e.g. 00012100)
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub agent: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VoidArgs {
    #[arg(long)]
    pub number: String,
    #[arg(long)]
    pub reason: String,
}

fn book_json(b: &ReceiptBook) -> serde_json::Value {
    json!({
        "id": b.id,
        "agent": b.agent_code,
        "agent_name": b.agent_name,
        "from": b.first,
        "to": b.last,
        "size": b.size,
        "used": b.used,
        "voided": b.voided,
        "remaining": b.remaining,
        "next": b.next,
    })
}

pub fn run(args: &ReceiptsArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        ReceiptsAction::Add(a) => {
            let mut store = Store::open(db)?;
            let b = store.add_receipt_book(&a.agent, &a.from, &a.to)?;
            if a.json {
                print_json(&book_json(&b))?;
            } else {
                println!(
                    "已登记收据本 / book registered: 代办员 {} {}  {}–{}（{} 张）",
                    b.agent_code, b.agent_name, b.first, b.last, b.size
                );
            }
        }
        ReceiptsAction::List(a) => {
            let store = Store::open_read_only(db)?;
            let books = store.receipt_books(a.agent.as_deref())?;
            let mut left: BTreeMap<&str, i64> = BTreeMap::new();
            for b in &books {
                *left.entry(&b.agent_code).or_default() += b.remaining;
            }
            let low: Vec<&str> = left
                .iter()
                .filter(|(_, n)| **n < LOW_RECEIPTS)
                .map(|(a, _)| *a)
                .collect();
            if a.json {
                print_json(&json!({
                    "books": books.iter().map(book_json).collect::<Vec<_>>(),
                    "low_agents": low,
                    "low_threshold": LOW_RECEIPTS,
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            if books.is_empty() {
                println!("没有登记收据本 / no receipt books registered");
            }
            for b in &books {
                println!(
                    "{:<14} {:<6} {}–{}  已用 {:>4}  作废 {:>3}  剩余 {:>4}  下一张 {}",
                    b.agent_code,
                    b.agent_name,
                    b.first,
                    b.last,
                    b.used,
                    b.voided,
                    b.remaining,
                    b.next.as_deref().unwrap_or("—")
                );
            }
            for a in &low {
                eprintln!(
                    "注意：代办员 {a} 的收据只剩 {} 张，请及时发放新收据本 / warning: agent {a} has {} receipts left; issue a new book",
                    left[a], left[a]
                );
            }
        }
        ReceiptsAction::Void(a) => {
            let mut store = Store::open(db)?;
            let n = store.void_receipt(&a.number, &a.reason)?;
            println!("已作废 / voided: 收据 {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
