//! `zhengjiao report progress`: per village, town and district.

use super::columns;
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
            "plan_completion": rate(a.medical_plan_completion()),
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
    m.insert("pension_paid".into(), json!(a.pension_paid()));
    m.insert(
        "pension_plan_completion".into(),
        rate(a.pension_plan_completion()),
    );
    m.insert("in_plan".into(), json!(a.in_plan));
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

/// A rate as shown everywhere ([`crate::domain::rate`]): 67.5%, — for nobody.
fn pct(c: Counts) -> String {
    crate::domain::rate::percent_of_counts(c.paid, c.due)
}

/// The text table of `report progress`: one line per town and the
/// district, columns padded by display width, rates as shown everywhere.
fn progress_table(p: &Progress, policy: &PolicyYear) -> String {
    let mut titles = vec![
        "镇街 / town".to_string(),
        "医保应缴".into(),
        "已缴".into(),
        "缴费率".into(),
    ];
    for b in &policy.targets.bands {
        titles.push(format!("养老{}-{}", b.min_age, b.max_age));
    }
    for t in ["医保计划", "完成计划", "养老计划", "完成计划"] {
        titles.push(t.to_string());
    }
    let row = |a: &AreaProgress| -> Vec<String> {
        let med = a.measures.get("medical").copied().unwrap_or_default();
        let mut cells = vec![
            a.name.clone(),
            med.due.to_string(),
            med.paid.to_string(),
            pct(med),
        ];
        for b in &policy.targets.bands {
            cells.push(pct(a.measures.get(&b.key).copied().unwrap_or_default()));
        }
        // Completion against the district's plan table (附件2).
        for (paid, planned) in [
            (a.medical_paid(), a.medical_planned),
            (a.pension_paid(), a.pension_planned),
        ] {
            if a.in_plan {
                cells.push(planned.to_string());
                cells.push(crate::domain::rate::percent_of_counts(paid, planned));
            } else {
                cells.push("计划外".to_string());
                cells.push("—".to_string());
            }
        }
        cells
    };
    let rows: Vec<Vec<String>> = p
        .towns
        .iter()
        .map(|t| row(&t.area))
        .chain([row(&p.district)])
        .collect();
    let widths: Vec<usize> = (0..titles.len())
        .map(|i| {
            columns::widest(
                rows.iter()
                    .map(|r| r[i].as_str())
                    .chain([titles[i].as_str()]),
                if i == 0 { 16 } else { 7 },
            )
        })
        .collect();
    let mut out = String::new();
    for cells in [&titles].into_iter().chain(rows.iter()) {
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    columns::left(c, widths[i])
                } else {
                    columns::right(c, widths[i])
                }
            })
            .collect();
        out.push_str(line.join(" ").trim_end());
        out.push('\n');
    }
    out
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
    let window = format!(
        "征缴期（{}至{}）第 {}/{} 天，剩余 {} 天",
        policy.window.start.format("%m-%d"),
        policy.window.end.format("%m-%d"),
        p.days.elapsed,
        p.days.total,
        p.days.left
    );
    let phase = match policy.phase_on(p.as_of) {
        Some(ph) => format!(
            "；{}第 {}/{} 天",
            ph.zh,
            (p.as_of - ph.start).num_days() + 1,
            (ph.end - ph.start).num_days() + 1
        ),
        None => String::new(),
    };
    println!("{}年度征缴进度  截至 {}  {window}{phase}", p.year, p.as_of);
    print!("{}", progress_table(&p, policy));
    if p.towns.iter().any(|t| !t.area.in_plan) && p.district.in_plan {
        println!(
            "完成计划 = 已缴人数（不含政府全额代缴）÷ 区计划人数；计划外镇街的缴费计入全区合计 / plan completion = paid (exempt excluded) ÷ the district's plan; a town outside the plan counts in the district's total"
        );
    }
    Ok(ExitCode::SUCCESS)
}
