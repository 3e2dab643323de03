//! `export bulletin`: the 通报. Towns (or a town's villages) ranked by each
//! rate against its target, from [`Store::progress`], with the change since
//! the last bulletin: its as-of date is kept with the export, and the earlier
//! figures are progress as of that date.
//!
//! [`Store::progress`]: crate::store::Store::progress

use super::{Ctx, ExportArgs, date_zh};
use crate::domain::progress::Counts;
use crate::domain::{PolicyYear, village_name};
use crate::exchange::export::{Cell, Column, ListWriter, Sheet};
use crate::store::campaign::progress::{AreaProgress, Progress};

/// (key, label) of each measure of the year: medical, then the pension bands.
fn measures(policy: &PolicyYear) -> Vec<(String, String)> {
    let mut out = vec![(
        "medical".to_string(),
        format!("医疗保险（目标{}%）", policy.targets.medical_percent),
    )];
    for b in &policy.targets.bands {
        out.push((
            b.key.clone(),
            format!(
                "养老{}–{}岁（目标{}%）",
                b.min_age, b.max_age, b.target_percent
            ),
        ));
    }
    out
}

/// The district's 通报 (or with `--town`, the town's villages ranked).
pub(super) fn write(ctx: &Ctx, writer: &mut ListWriter, args: &ExportArgs) -> anyhow::Result<()> {
    if args.village.is_some() {
        anyhow::bail!(
            "通报按镇街排名，不能只导出一个村居；可用 --town 按村居排名 / the bulletin ranks towns; use --town to rank a town's villages"
        );
    }
    let policy = ctx.policy;
    let now = ctx.store.progress(policy, ctx.as_of)?;
    let previous_date = ctx.store.previous_bulletin(policy.year, ctx.as_of)?;
    let before = match previous_date {
        Some(d) => Some(ctx.store.progress(policy, d)?),
        None => None,
    };
    let town = args.town.as_deref().map(str::trim);
    let pick = |p: &Progress| -> (Vec<AreaProgress>, AreaProgress) {
        match town {
            Some(t) => {
                let found = p.towns.iter().find(|x| {
                    x.area.code == t || x.area.name == t || village_name::short(&x.area.name) == t
                });
                match found {
                    Some(x) => (x.villages.clone(), x.area.clone()),
                    None => (Vec::new(), p.district.clone()),
                }
            }
            None => (
                p.towns.iter().map(|x| x.area.clone()).collect(),
                p.district.clone(),
            ),
        }
    };
    let (areas, total) = pick(&now);
    let old: Vec<AreaProgress> = before.as_ref().map(|b| pick(b).0).unwrap_or_default();
    let old_total = before.as_ref().map(|b| pick(b).1);
    let measures = measures(policy);
    let area_word = if town.is_some() { "村居" } else { "镇街" };
    let mut columns = vec![Column::new("序号", 5.0), Column::new(area_word, 14.0)];
    for (_, label) in &measures {
        columns.extend([
            Column::new(format!("{label}应缴人数"), 10.0),
            Column::new("已缴人数", 9.0),
            Column::new("缴费率", 8.0),
            Column::new("较上期", 8.0),
            Column::new("排名", 5.0),
        ]);
    }
    // The district's plan table (附件2): completion against its headcounts.
    columns.extend([
        Column::new("医保计划人数", 10.0),
        Column::new("医保完成计划", 10.0),
        Column::new("养老计划人数", 10.0),
        Column::new("养老已缴人数", 10.0),
        Column::new("养老完成计划", 10.0),
    ]);
    let scope_name = match (&town, total.name.as_str()) {
        (Some(_), name) => name.to_string(),
        (None, _) => "山亭区".to_string(),
    };
    writer.sheet(&Sheet {
        name: "通报".into(),
        title: Some(format!(
            "{scope_name}{}年度城乡居民养老、医疗保险集中征缴进度通报",
            policy.year
        )),
        subtitle: Some(format!(
            "截至{}（征缴期第{}/{}天，剩余{}天）；{}",
            date_zh(ctx.as_of),
            now.days.elapsed,
            now.days.total,
            now.days.left,
            match previous_date {
                Some(d) => format!("“较上期”与{}的通报相比", date_zh(d)),
                None => "首期通报".to_string(),
            }
        )),
        columns,
        landscape: true,
    })?;
    let counts = |a: &AreaProgress, key: &str| a.measures.get(key).copied().unwrap_or_default();
    // Rank per measure: the highest rate first; areas with no one due last.
    let ranks: Vec<Vec<usize>> = measures
        .iter()
        .map(|(key, _)| {
            let mut order: Vec<usize> = (0..areas.len()).collect();
            order.sort_by(|&a, &b| {
                counts(&areas[b], key)
                    .rate()
                    .cmp(&counts(&areas[a], key).rate())
            });
            let mut rank = vec![0; areas.len()];
            for (pos, i) in order.into_iter().enumerate() {
                rank[i] = pos + 1;
            }
            rank
        })
        .collect();
    let mut order: Vec<usize> = (0..areas.len()).collect();
    order.sort_by_key(|&i| ranks[0][i]);
    let line = |a: &AreaProgress, prev: Option<&AreaProgress>, rank: Option<usize>, seq: Cell| {
        let mut cells = vec![seq, Cell::text(&a.name)];
        for (m, (key, _)) in measures.iter().enumerate() {
            let c: Counts = counts(a, key);
            let change = match (
                c.shown_rate(),
                prev.and_then(|p| counts(p, key).shown_rate()),
            ) {
                (Some(now), Some(then)) => Cell::Change(now - then),
                _ => Cell::Empty,
            };
            cells.extend([
                Cell::Int(c.due),
                Cell::Int(c.paid),
                c.shown_rate().map(Cell::Rate).unwrap_or(Cell::Empty),
                change,
                match rank {
                    Some(i) => Cell::Int(ranks[m][i] as i64),
                    None => Cell::Empty,
                },
            ]);
        }
        let plan = |n: i64| {
            if a.in_plan {
                Cell::Int(n)
            } else {
                Cell::text("计划外")
            }
        };
        let done = |r: Option<rust_decimal::Decimal>| r.map(Cell::Rate).unwrap_or(Cell::Empty);
        cells.extend([
            plan(a.medical_planned),
            done(a.medical_plan_completion()),
            plan(a.pension_planned),
            Cell::Int(a.pension_paid()),
            done(a.pension_plan_completion()),
        ]);
        cells
    };
    for (seq, &i) in order.iter().enumerate() {
        let a = &areas[i];
        let prev = old.iter().find(|o| o.id == a.id);
        writer.row(&line(a, prev, Some(i), Cell::Int(seq as i64 + 1)))?;
    }
    writer.row(&line(&total, old_total.as_ref(), None, Cell::text("合计")))?;
    writer.notes(&[format!(
        "缴费率为已缴人数占应缴人数（不含政府全额代缴人员）的比例；完成计划为已缴人数占区计划人数（附件2，同样不含免缴费认定人员）的比例，山亭经济开发区不在计划表中（其村居的人数计在原所属镇街的计划里），其缴费计入全区合计；目标：医疗保险{}%，{}。",
        policy.targets.medical_percent,
        policy
            .targets
            .bands
            .iter()
            .map(|b| format!("养老{}–{}岁{}%", b.min_age, b.max_age, b.target_percent))
            .collect::<Vec<_>>()
            .join("，")
    )])?;
    Ok(())
}
