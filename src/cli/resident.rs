//! `zhengjiao resident ID`: a resident's file (查询业务): registry, groups,
//! the year's dues, and every payment, refund and reversal across years.

use super::campaign::{amount, print_json, year, yuan};
use crate::domain::id_number::mask;
use crate::domain::{Channel, Group};
use crate::store::Store;
use crate::store::registry::residents::Standing;
use clap::Args;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ResidentArgs {
    /// 身份证号码或居民编号 / ID number or resident number
    pub key: String,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub json: bool,
    /// 显示完整身份证号 / show the full ID number
    #[arg(long)]
    pub full_id: bool,
}

fn standing_zh(s: Standing) -> &'static str {
    match s {
        Standing::NotCovered => "不参保",
        Standing::Due => "应缴未缴",
        Standing::Paid => "已缴费",
        Standing::Exempt => "政府代缴（待拨付）",
        Standing::ProxyPaid => "政府已代缴",
    }
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "reversal" => "冲正",
        "refund" => "退费",
        _ => "缴费",
    }
}

pub fn run(args: &ResidentArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(db)?;
    let y = year(&store, args.year)?;
    let r = store.resident_by_key(&args.key)?;
    let d = store.dossier(r.id, y)?;
    let id = if args.full_id {
        d.resident.id_number.clone()
    } else {
        mask(&d.resident.id_number)
    };
    if args.json {
        let res = &d.resident;
        print_json(&json!({
            "resident_id": res.id,
            "id_number": id,
            "name": res.name,
            "sex": res.sex,
            "birth_date": res.birth_date.to_string(),
            "village_code": res.village_code,
            "village_name": res.village_name,
            "town_name": res.town_name,
            "residence": res.residence,
            "employee_insured": res.employee_insured,
            "student": res.student,
            "deceased_on": res.deceased_on.map(|x| x.to_string()),
            "hukou_cancelled_on": res.hukou_cancelled_on.map(|x| x.to_string()),
            "groups": d.memberships.iter().map(|m| json!({
                "group": m.group, "office": m.office, "valid_from": m.valid_from, "valid_to": m.valid_to,
            })).collect::<Vec<_>>(),
            "year": d.year,
            "dues": d.dues.iter().map(|l| json!({
                "insurance": l.insurance.code(),
                "standing": l.standing,
                "measure": l.measure,
                "person_pays": amount(l.person_fen),
                "government_pays": amount(l.government_fen),
                "due_person_pays": amount(l.due_person_fen),
                "due_government_pays": amount(l.due_government_fen),
                "office": l.office,
                "basis": l.basis,
                "payment_id": l.payment_id,
                "paid": l.paid.as_ref().map(|p| json!({
                    "person_pays": amount(p.person_fen),
                    "government_pays": amount(p.government_fen),
                    "tier": p.tier_fen.map(amount),
                    "date": p.paid_on.to_string(),
                    "late": p.late,
                    "benefit_from": p.benefit_from.map(|x| x.to_string()),
                })),
                "benefit_from": l.paid.as_ref().and_then(|p| p.benefit_from).map(|x| x.to_string()),
            })).collect::<Vec<_>>(),
            "payments": d.payments.iter().map(|p| json!({
                "id": p.id,
                "year": p.year,
                "insurance": p.insurance,
                "kind": p.kind,
                "original_id": p.original_id,
                "person_pays": amount(p.person_fen),
                "government_pays": amount(p.government_fen),
                "tier": p.tier_fen.map(amount),
                "channel": p.channel,
                "office": p.office,
                "receipt": p.receipt,
                "agent": p.agent_code,
                "date": p.paid_on.to_string(),
                "late": p.late,
                "special": p.special,
                "reason": p.reason,
                "recorded_by": p.recorded_by,
            })).collect::<Vec<_>>(),
            "amendments": d.amendments.iter().map(|a| json!({
                "year": a.year, "insurance": a.insurance, "action": a.action,
                "reason": a.reason, "date": a.on_date.to_string(),
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let res = &d.resident;
    println!(
        "{}  {}  {}  出生 {}  {}{}",
        res.name,
        id,
        if res.sex == "M" { "男" } else { "女" },
        res.birth_date,
        res.town_name,
        res.village_name
    );
    if let Some(x) = res.deceased_on {
        println!("  已死亡 / deceased: {x}");
    }
    if let Some(x) = res.hukou_cancelled_on {
        println!("  户籍已注销 / hukou cancelled: {x}");
    }
    if !d.memberships.is_empty() {
        let groups: Vec<String> = d
            .memberships
            .iter()
            .map(|m| {
                Group::parse(&m.group)
                    .map(|g| g.zh().to_string())
                    .unwrap_or(m.group.clone())
            })
            .collect();
        println!("  特殊群体 / groups: {}", groups.join("、"));
    }
    println!("{}年度 / year {}:", d.year, d.year);
    for l in &d.dues {
        if l.standing == Standing::NotCovered {
            println!("  {}  {}", l.insurance.zh(), standing_zh(l.standing));
            continue;
        }
        let mut extra = String::new();
        if let Some(p) = &l.paid {
            if let Some(t) = p.tier_fen {
                extra.push_str(&format!("  档次 {} 元", yuan(t)));
            }
            if p.late {
                extra.push_str(&format!("  {} 逾期缴费 / late", p.paid_on));
            }
            if let Some(b) = p.benefit_from {
                extra.push_str(&format!("  待遇自 {b} 起 / benefits from {b}"));
            }
            if (p.person_fen, p.government_fen) != (l.due_person_fen, l.due_government_fen) {
                extra.push_str(&format!(
                    "  （清册应缴 个人 {} 元 政府 {} 元 / roster）",
                    yuan(l.due_person_fen),
                    yuan(l.due_government_fen)
                ));
            }
        }
        println!(
            "  {}  {}  个人 {} 元  政府 {} 元{}{extra}",
            l.insurance.zh(),
            standing_zh(l.standing),
            yuan(l.person_fen),
            yuan(l.government_fen),
            l.basis
                .as_deref()
                .map(|b| format!("（{b}）"))
                .unwrap_or_default()
        );
    }
    if d.payments.is_empty() {
        println!("没有缴费记录 / no payments");
    } else {
        println!("缴费记录 / payments:");
    }
    for p in &d.payments {
        let ch = Channel::parse(&p.channel)
            .map(|c| c.zh())
            .unwrap_or(&p.channel);
        println!(
            "  #{:<7} {} {}年度 {:<8} {} 个人 {:>9} 政府 {:>8}  {}{}{}{}",
            p.id,
            p.paid_on,
            p.year,
            p.insurance,
            kind_zh(&p.kind),
            yuan(p.person_fen),
            yuan(p.government_fen),
            ch,
            p.receipt
                .as_deref()
                .map(|r| format!(" 收据{r}"))
                .unwrap_or_default(),
            p.original_id
                .map(|o| format!(" 原记录#{o}"))
                .unwrap_or_default(),
            p.reason
                .as_deref()
                .map(|r| format!(" 原因：{r}"))
                .unwrap_or_default()
        );
    }
    for a in &d.amendments {
        println!(
            "  清册{} / roster {}: {}年度 {} {} 原因：{}",
            if a.action == "add" {
                "补充"
            } else {
                "移出"
            },
            a.action,
            a.year,
            a.insurance,
            a.on_date,
            a.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}
