//! `zhengjiao report progress`: per village, town and district.

use crate::domain::PolicyYear;
use crate::domain::money::Amount;
use crate::domain::progress::Counts;
use crate::store::Store;
use crate::store::campaign::progress::{AreaProgress, Progress};
use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub kind: ReportKind,
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// 征缴进度 / collection progress per village, town and district
    Progress(ProgressArgs),
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// 截止日期（默认为数据库记录的日期或今天）/ as-of date (default: the database's own, else today)
    #[arg(long, alias = "today")]
    pub as_of: Option<NaiveDate>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub json: bool,
}

fn rate(r: Option<rust_decimal::Decimal>) -> Value {
    r.map(|d| serde_json::to_value(Amount::from(d)).expect("number"))
        .unwrap_or(Value::Null)
}

fn stats(a: &AreaProgress, policy: &PolicyYear) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    let med = a.measures.get("medical").copied().unwrap_or_default();
    m.insert(
        "medical".into(),
        json!({
            "planned": a.medical_planned,
            "due": med.due,
            "paid": med.paid,
            "exempt": med.exempt,
            "exempt_paid": med.exempt_paid,
            "rate": rate(med.rate()),
            "coverage": rate(med.coverage()),
            "target": rate(Some(rust_decimal::Decimal::from(policy.targets.medical_percent) / rust_decimal::Decimal::from(100))),
        }),
    );
    for b in &policy.targets.bands {
        let c: Counts = a.measures.get(&b.key).copied().unwrap_or_default();
        m.insert(
            b.key.clone(),
            json!({
                "due": c.due,
                "paid": c.paid,
                "exempt": c.exempt,
                "exempt_paid": c.exempt_paid,
                "rate": rate(c.rate()),
                "target": rate(Some(b.target())),
            }),
        );
    }
    m.insert("pension_planned".into(), json!(a.pension_planned));
    m
}

fn area_json(a: &AreaProgress, policy: &PolicyYear) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("code".into(), json!(a.code));
    m.insert("name".into(), json!(a.name));
    m.extend(stats(a, policy));
    m
}

/// The JSON of `report progress --json`; keys are a contract.
pub fn progress_json(p: &Progress, policy: &PolicyYear) -> Value {
    let towns: Vec<Value> = p
        .towns
        .iter()
        .map(|t| {
            let mut m = area_json(&t.area, policy);
            m.insert(
                "villages".into(),
                Value::Array(
                    t.villages
                        .iter()
                        .map(|v| Value::Object(area_json(v, policy)))
                        .collect(),
                ),
            );
            Value::Object(m)
        })
        .collect();
    json!({
        "year": p.year,
        "as_of": p.as_of.to_string(),
        "window": {"start": policy.window.start.to_string(), "end": policy.window.end.to_string(),
                   "total_days": p.days.total, "elapsed_days": p.days.elapsed, "days_left": p.days.left},
        "days_elapsed": p.days.elapsed,
        "days_left": p.days.left,
        "district": Value::Object(area_json(&p.district, policy)),
        "towns": towns,
    })
}

fn pct(r: Option<rust_decimal::Decimal>) -> String {
    r.map(|d| format!("{:.1}%", d * rust_decimal::Decimal::from(100)))
        .unwrap_or_else(|| "—".into())
}

pub fn run(args: &ReportArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let ReportKind::Progress(a) = &args.kind;
    let store = Store::open_read_only(db)?;
    let policies = store.policies()?;
    let year = a
        .year
        .or(store.stored_year()?)
        .unwrap_or(policies.latest().year);
    let policy = policies
        .get(year)
        .with_context(|| format!("没有{year}年度的政策 / no policy for year {year}"))?;
    let as_of = a
        .as_of
        .or(store.stored_as_of()?)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let p = store.progress(policy, as_of)?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&progress_json(&p, policy))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}年度征缴进度  截至 {}  征缴期第 {}/{} 天，剩余 {} 天",
        p.year, p.as_of, p.days.elapsed, p.days.total, p.days.left
    );
    println!(
        "{:<16} {:>8} {:>8} {:>7} {:>9} {:>9}",
        "镇街 / town", "医保应缴", "已缴", "缴费率", "养老45-59", "养老16-44"
    );
    let line = |a: &AreaProgress| {
        let med = a.measures.get("medical").copied().unwrap_or_default();
        let bands: Vec<String> = policy
            .targets
            .bands
            .iter()
            .map(|b| pct(a.measures.get(&b.key).copied().unwrap_or_default().rate()))
            .collect();
        println!(
            "{:<16} {:>8} {:>8} {:>7} {:>9} {:>9}",
            a.name,
            med.due,
            med.paid,
            pct(med.rate()),
            bands[0],
            bands.get(1).cloned().unwrap_or_default()
        );
    };
    for t in &p.towns {
        line(&t.area);
    }
    line(&p.district);
    Ok(ExitCode::SUCCESS)
}
