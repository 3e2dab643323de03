//! `zhengjiao quote`: the counter question "how much do I pay this year?".

use crate::domain::dues::DuesError;
use crate::domain::group::ALL_GROUPS;
use crate::domain::{self, Dues, Group, IdNumber, Person, Policies, money};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use rust_decimal::Decimal;
use serde_json::json;
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// 参保年度 / insured year
    #[arg(long)]
    pub year: i32,
    /// 出生日期 YYYY-MM-DD / birth date
    #[arg(long, conflicts_with = "id", required_unless_present = "id")]
    pub birth: Option<NaiveDate>,
    /// 身份证号码 / ID number
    #[arg(long)]
    pub id: Option<String>,
    /// 特殊群体（可多次）/ special group (repeatable): tekun, dibao, disabled-1, 低保, ...
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// 养老保险缴费档次 / pension tier in yuan
    #[arg(long)]
    pub tier: Option<Decimal>,
    /// 缴费日期 YYYY-MM-DD，征缴期后按逾期规则 / payment date: after the window the late rule applies
    #[arg(long)]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &QuoteArgs) -> anyhow::Result<ExitCode> {
    let policies = Policies::built_in();
    let Some(policy) = policies.get(args.year) else {
        let known: Vec<String> = policies.years().map(|y| y.to_string()).collect();
        bail!(
            "没有{}年度的政策 / no policy for year {} (known: {})",
            args.year,
            args.year,
            known.join(", ")
        );
    };
    let id = args.id.as_deref().map(IdNumber::parse).transpose()?;
    let birth = match (&id, args.birth) {
        (Some(id), _) => id.birth_date(),
        (None, Some(b)) => b,
        (None, None) => bail!("请给出 --birth 或 --id / give --birth or --id"),
    };
    let mut groups = Vec::new();
    for g in &args.groups {
        groups.push(Group::parse(g).with_context(|| {
            let known: Vec<&str> = ALL_GROUPS.iter().map(|g| g.code()).collect();
            format!(
                "未知群体“{g}” / unknown group '{g}' (known: {})",
                known.join(", ")
            )
        })?);
    }
    let person = Person::born(birth).with_groups(groups);
    let computed = match args.date {
        Some(date) => domain::compute_on(policy, &person, args.tier, date),
        None => domain::compute(policy, &person, args.tier),
    };
    let dues = match computed {
        Ok(d) => d,
        Err(DuesError::TierNotEntitled { tier }) => {
            let (zh, en) = policy.minimum_tier_groups_text();
            let tier = tier.normalize();
            bail!(
                "{tier} 元档次只适用于{}年度的缴费困难群体（{zh}），此人不符合 / the {tier} tier of {} is only for: {en}; this person is not entitled to it",
                policy.year,
                policy.year
            );
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        let mut v = quote_json(&dues);
        if let (Some(id), Some(obj)) = (&id, v.as_object_mut()) {
            obj.insert("id_masked".into(), json!(id.masked()));
            obj.insert("sex".into(), json!(id.sex().code()));
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", quote_text(&dues));
    }
    Ok(ExitCode::SUCCESS)
}

fn num(d: Decimal) -> serde_json::Value {
    serde_json::to_value(money::Amount::from(d)).expect("decimal serializes")
}

/// The JSON object of `quote --json`; keys are a contract.
pub fn quote_json(d: &Dues) -> serde_json::Value {
    let m = &d.medical;
    let p = &d.pension;
    json!({
        "year": d.year,
        "age": d.age,
        "birth_date": d.birth_date.to_string(),
        "medical": {
            "eligible": m.eligible,
            "ineligible_reason": m.ineligible.map(|r| r.zh()),
            "individual_share": num(m.individual_share),
            "fiscal_subsidy": num(m.fiscal_subsidy),
            "person_pays": num(m.person_pays),
            "government_pays": num(m.government_pays),
            "exempt": m.exempt,
            "late": m.late,
            "late_fiscal_share": num(m.late_fiscal),
            "benefit_from": m.benefit_from.map(|d| d.to_string()),
            "basis": m.basis.map(|b| b.zh()),
            "office": m.office.map(|o| o.zh()),
        },
        "pension": {
            "eligible": p.eligible,
            "ineligible_reason": p.ineligible.map(|r| r.zh()),
            "band": p.band,
            "tiers": p.tiers.iter().map(|t| num(*t)).collect::<Vec<_>>(),
            "tier": p.tier.map(num),
            "person_pays": num(p.person_pays),
            "government_pays": num(p.government_pays),
            "subsidy": num(p.subsidy),
            "exempt": p.exempt,
            "basis": p.basis.map(|b| b.zh()),
            "office": p.office.map(|o| o.zh()),
        },
    })
}

/// The short Chinese table a clerk reads at the counter.
pub fn quote_text(d: &Dues) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}年度  出生 {}  年龄 {} 岁",
        d.year, d.birth_date, d.age
    );
    let m = &d.medical;
    if m.eligible {
        let _ = writeln!(
            out,
            "医疗保险  个人缴费 {:>8}  政府代缴 {:>8}{}{}",
            money::fmt(m.person_pays),
            money::fmt(m.government_pays),
            m.basis
                .map(|b| format!("（{}）", b.zh()))
                .unwrap_or_default(),
            if m.late { "（逾期缴费）" } else { "" }
        );
        if m.late_fiscal > Decimal::ZERO {
            let _ = writeln!(
                out,
                "          逾期补缴财政补助部分 {} / late: the fiscal share is paid too",
                money::fmt(m.late_fiscal)
            );
        }
        if let Some(from) = m.benefit_from {
            let _ = writeln!(
                out,
                "          医保待遇自 {from} 起享受 / benefits from {from}"
            );
        }
    } else {
        let _ = writeln!(
            out,
            "医疗保险  不参保：{}",
            m.ineligible.map(|r| r.zh()).unwrap_or_default()
        );
    }
    let p = &d.pension;
    if p.eligible {
        let tiers: Vec<String> = p.tiers.iter().map(|t| t.to_string()).collect();
        let _ = writeln!(
            out,
            "养老保险  档次 {} 元  个人缴费 {:>8}  政府代缴 {:>8}  政府补贴 {}{}",
            p.tier.unwrap_or_default(),
            money::fmt(p.person_pays),
            money::fmt(p.government_pays),
            money::fmt(p.subsidy),
            p.basis
                .map(|b| format!("（{}）", b.zh()))
                .unwrap_or_default()
        );
        let _ = writeln!(out, "          可选档次：{}", tiers.join(" / "));
    } else {
        let _ = writeln!(
            out,
            "养老保险  不参保：{}",
            p.ineligible.map(|r| r.zh()).unwrap_or_default()
        );
    }
    out
}
