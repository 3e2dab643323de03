//! `zhengjiao roster status|review|publicize|finalize|add|remove|publicity`:
//! a village's roster through review and publicity, its amendments, and
//! the payment publicity after the window.

use super::campaign::{amount, insurance, print_json, today, village, year, yuan};
use crate::domain::id_number::mask;
use crate::domain::policy::Publicity;
use crate::store::Store;
use crate::store::campaign::review::{Amendment, RosterReview};
use chrono::{Days, NaiveDate};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RosterArgs {
    #[command(subcommand)]
    pub action: RosterAction,
}

#[derive(Debug, Subcommand)]
pub enum RosterAction {
    /// 清册状态 / the village's roster: state, counts, amendments
    Status(VillageArgs),
    /// 初审 / the station's review
    Review(VillageArgs),
    /// 清册公示 / publicize the reviewed roster (as long as the year's plan says)
    Publicize(PublicizeArgs),
    /// 定稿 / make the roster final after its publicity
    Finalize(VillageArgs),
    /// 补充进清册 / add a resident to the roster
    Add(AmendArgs),
    /// 移出清册 / remove a resident from the roster
    Remove(AmendArgs),
    /// 登记缴费公示 / record the payment publicity after the window
    Publicity(PublicityArgs),
}

#[derive(Debug, Args)]
pub struct VillageArgs {
    /// 村居代码或名称 / village code or name
    #[arg(long)]
    pub village: String,
    #[arg(long)]
    pub year: Option<i32>,
    /// 日期（默认今天）/ date (default today)
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PublicizeArgs {
    #[arg(long)]
    pub village: String,
    #[arg(long)]
    pub year: Option<i32>,
    /// 公示开始 / first day
    #[arg(long)]
    pub from: NaiveDate,
    /// 公示结束（默认为本年度方案的最少天数）/ last day (default: the plan's least days)
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// 身份证号码 / ID number
    #[arg(long)]
    pub id: String,
    #[arg(long)]
    pub year: Option<i32>,
    /// medical | pension
    #[arg(long)]
    pub insurance: String,
    #[arg(long)]
    pub reason: String,
    #[arg(long, alias = "today")]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PublicityArgs {
    #[arg(long)]
    pub village: String,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub from: NaiveDate,
    #[arg(long)]
    pub to: NaiveDate,
    /// 同时打印公示名单（身份证号隐去中间位）/ also print the list (IDs masked)
    #[arg(long)]
    pub list: bool,
    #[arg(long)]
    pub json: bool,
}

fn review_json(r: &RosterReview) -> Value {
    json!({
        "year": r.year,
        "state": r.state.code(),
        "reviewed_on": r.reviewed_on.map(|d| d.to_string()),
        "reviewed_by": r.reviewed_by,
        "publicity_from": r.publicity_from.map(|d| d.to_string()),
        "publicity_to": r.publicity_to.map(|d| d.to_string()),
        "finalized_on": r.finalized_on.map(|d| d.to_string()),
        "amendments": r.amendments,
    })
}

fn amendment_json(a: &Amendment) -> Value {
    json!({
        "id": a.id,
        "year": a.year,
        "insurance": a.insurance,
        "action": a.action,
        "name": a.name,
        "id_number": mask(&a.id_number),
        "reason": a.reason,
        "date": a.on_date.to_string(),
        "review_state": a.review_state,
        "measure": a.measure,
        "status": a.status,
        "person_pays": amount(a.person_fen),
        "government_pays": amount(a.government_fen),
        "recorded_by": a.recorded_by,
    })
}

fn show_review(name: &str, r: &RosterReview, json: bool) -> anyhow::Result<()> {
    if json {
        let mut v = review_json(r);
        v["village_name"] = json!(name);
        return print_json(&v);
    }
    let mut line = format!(
        "{name} {}年度清册：{}（{}）",
        r.year,
        r.state.zh(),
        r.state.code()
    );
    if let Some(d) = r.reviewed_on {
        line.push_str(&format!("  初审 {d}"));
    }
    if let (Some(f), Some(t)) = (r.publicity_from, r.publicity_to) {
        line.push_str(&format!("  公示 {f} 至 {t}"));
    }
    if let Some(d) = r.finalized_on {
        line.push_str(&format!("  定稿 {d}"));
    }
    println!("{line}");
    Ok(())
}

fn show_amendment(a: &Amendment, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&amendment_json(a));
    }
    let ins =
        crate::domain::Insurance::parse(&a.insurance).map_or(a.insurance.as_str(), |i| i.zh());
    println!(
        "{} / {}: {} {} {}年度{}{} 原因：{}",
        if a.action == "add" {
            "已补充进清册"
        } else {
            "已移出清册"
        },
        if a.action == "add" {
            "added"
        } else {
            "removed"
        },
        a.name,
        mask(&a.id_number),
        a.year,
        ins,
        if a.status == "exempt" {
            "（政府代缴）"
        } else {
            ""
        },
        a.reason
    );
    Ok(())
}

pub fn run(args: &RosterArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        RosterAction::Status(a) => {
            let store = Store::open_read_only(db)?;
            let y = year(&store, a.year)?;
            let v = village(&store, &a.village)?;
            let r = store.roster_review(y, v.id)?;
            let counts = store.scope_counts(y, None, Some(v.id))?;
            let amendments = store.roster_amendments(y, v.id)?;
            let publicity = store.payment_publicity(y, v.id)?;
            if a.json {
                let mut out = review_json(&r);
                out["village_code"] = json!(v.code);
                out["village_name"] = json!(v.name);
                out["counts"] = counts
                    .iter()
                    .map(|(k, c)| {
                        (
                            k.clone(),
                            json!({"due": c.due, "paid": c.paid, "exempt": c.exempt, "exempt_paid": c.exempt_paid}),
                        )
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into();
                out["amendment_list"] = amendments.iter().map(amendment_json).collect();
                out["payment_publicity"] = match &publicity {
                    Some(p) => {
                        json!({"from": p.from.to_string(), "to": p.to.to_string(), "listed": p.listed})
                    }
                    None => Value::Null,
                };
                print_json(&out)?;
                return Ok(ExitCode::SUCCESS);
            }
            show_review(&v.name, &r, false)?;
            for (k, c) in &counts {
                println!(
                    "  {k:<14} 应缴 {:>5} 已缴 {:>5}  代缴 {:>5} 已代缴 {:>5}",
                    c.due, c.paid, c.exempt, c.exempt_paid
                );
            }
            for am in &amendments {
                print!("  ");
                show_amendment(am, false)?;
            }
            if let Some(p) = publicity {
                println!(
                    "  缴费公示 / payment publicity: {} 至 {}，{} 人",
                    p.from, p.to, p.listed
                );
            }
        }
        RosterAction::Review(a) | RosterAction::Finalize(a) => {
            let mut store = Store::open(db)?;
            let y = year(&store, a.year)?;
            let v = village(&store, &a.village)?;
            let on = a.date.unwrap_or_else(today);
            let r = if matches!(args.action, RosterAction::Review(_)) {
                store.review_roster(y, v.id, on)?
            } else {
                store.finalize_roster(y, v.id, on)?
            };
            show_review(&v.name, &r, a.json)?;
        }
        RosterAction::Publicize(a) => {
            let mut store = Store::open(db)?;
            let y = year(&store, a.year)?;
            let v = village(&store, &a.village)?;
            let least = store
                .policies()?
                .get(y)
                .map_or(1, |p| p.publicity_min_days(Publicity::Roster));
            let to =
                a.to.unwrap_or_else(|| a.from + Days::new(u64::from(least.max(1)) - 1));
            let r = store.publicize_roster(y, v.id, a.from, to)?;
            show_review(&v.name, &r, a.json)?;
        }
        RosterAction::Add(a) | RosterAction::Remove(a) => {
            let ins = insurance(&a.insurance)?;
            let mut store = Store::open(db)?;
            let y = year(&store, a.year)?;
            let on = a.date.unwrap_or_else(today);
            let am = if matches!(args.action, RosterAction::Add(_)) {
                store.roster_add(y, ins, &a.id, &a.reason, on)?
            } else {
                store.roster_remove(y, ins, &a.id, &a.reason, on)?
            };
            show_amendment(&am, a.json)?;
        }
        RosterAction::Publicity(a) => {
            let mut store = Store::open(db)?;
            let y = year(&store, a.year)?;
            let v = village(&store, &a.village)?;
            let p = store.record_payment_publicity(y, v.id, a.from, a.to)?;
            let rows = if a.list {
                store.publicity_list(y, v.id)?
            } else {
                Vec::new()
            };
            if a.json {
                print_json(&json!({
                    "year": y,
                    "village_code": v.code,
                    "village_name": v.name,
                    "from": p.from.to_string(),
                    "to": p.to.to_string(),
                    "listed": p.listed,
                    "list": rows.iter().map(|r| json!({
                        "name": r.name,
                        "id_number": mask(&r.id_number),
                        "insurance": r.insurance,
                        "person_pays": amount(r.person_fen),
                        "government_pays": amount(r.government_fen),
                        "tier": r.tier_fen.map(amount),
                        "paid_on": r.paid_on.to_string(),
                    })).collect::<Vec<_>>(),
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "已登记缴费公示 / payment publicity recorded: {} {}年度 {} 至 {}，公示 {} 人",
                v.name, y, p.from, p.to, p.listed
            );
            for r in &rows {
                println!(
                    "{}  {:<6} {:<8} 个人 {:>8}  政府 {:>8}  {}",
                    mask(&r.id_number),
                    r.name,
                    r.insurance,
                    yuan(r.person_fen),
                    yuan(r.government_fen),
                    r.paid_on
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
