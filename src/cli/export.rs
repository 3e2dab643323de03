//! `zhengjiao export KIND --out FILE`: lists for villages and the district.
//!
//! - `outstanding`: per village, for its agent, who still owes what, with
//!   full ID numbers (the agent keys them into the POS; `--mask` masks them)
//!   and phone numbers, sorted by special group and age band;
//! - `publicity`: 缴费公示 per village, ID numbers always masked, titled,
//!   dated, A4 with the header row on every printed page;
//! - `bulletin`: the district's 通报, towns (or with `--town`, its villages)
//!   ranked by each rate against its target, with the change since the last
//!   bulletin;
//! - `roster`: the year's 征收清册 per village.
//!
//! Every export is kept in the audit log (who took which list, with full ID
//! numbers or not).

mod bulletin;

use crate::domain::id_number::mask;
use crate::domain::money::yuan;
use crate::domain::{Channel, PolicyYear, insured_age, village_name};
use crate::exchange::Encoding;
use crate::exchange::export::{Cell, Column, ListWriter, Sheet, Written};
use crate::store::Store;
use crate::store::exports::{ExportRecord, Insured, ListKind, ListRow};
use crate::store::registry::geo::Village;
use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// 未缴费人员名单（代办员用）/ who still owes, per village, for its agent
    Outstanding,
    /// 缴费公示 / who paid, per village, ID numbers masked
    Publicity,
    /// 进度通报 / the district's bulletin: towns ranked against the targets
    Bulletin,
    /// 征收清册 / the year's roster per village
    Roster,
}

impl ExportKind {
    fn code(self) -> &'static str {
        match self {
            ExportKind::Outstanding => "outstanding",
            ExportKind::Publicity => "publicity",
            ExportKind::Bulletin => "bulletin",
            ExportKind::Roster => "roster",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            ExportKind::Outstanding => "未缴费人员名单",
            ExportKind::Publicity => "缴费公示",
            ExportKind::Bulletin => "进度通报",
            ExportKind::Roster => "征收清册",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// 输出文件（.xlsx 或 .csv）/ output file (.xlsx or .csv)
    #[arg(long)]
    pub out: PathBuf,
    /// 只导出一个镇街（代码或名称）/ one town (code or name)
    #[arg(long, conflicts_with = "village")]
    pub town: Option<String>,
    /// 只导出一个村居（代码或名称）/ one village (code or name)
    #[arg(long)]
    pub village: Option<String>,
    #[arg(long)]
    pub year: Option<i32>,
    /// 身份证号码打码 / mask ID numbers (publicity lists always are)
    #[arg(long)]
    pub mask: bool,
    /// CSV 编码：utf-8（默认，带 BOM）或 gbk / CSV encoding
    #[arg(long)]
    pub encoding: Option<String>,
    /// 截止日期（默认为数据库记录的日期或今天）/ as-of date (default: the database's own, else today)
    #[arg(long, alias = "today")]
    pub as_of: Option<NaiveDate>,
}

/// What every list needs to know.
struct Ctx<'a> {
    store: &'a Store,
    policy: &'a PolicyYear,
    as_of: NaiveDate,
    full_ids: bool,
    /// One village asked for: its sheet is written even when empty.
    single: bool,
}

pub fn run(args: &ExportArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    let policy = &store.campaign_policy(args.year)?;
    let year = policy.year;
    let as_of = args
        .as_of
        .or(store.stored_as_of()?)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let encoding = args
        .encoding
        .as_deref()
        .map(str::parse::<Encoding>)
        .transpose()?;
    let (villages, scope) = scope(&store, args)?;
    let full_ids = matches!(args.kind, ExportKind::Outstanding | ExportKind::Roster) && !args.mask;
    let mut writer = ListWriter::create(&args.out, encoding)?;
    let ctx = Ctx {
        store: &store,
        policy,
        as_of,
        full_ids,
        single: args.village.is_some(),
    };
    let outcome = match args.kind {
        ExportKind::Bulletin => bulletin::write(&ctx, &mut writer, args),
        kind => lists(&ctx, kind, &villages, &mut writer),
    };
    let written = match outcome.and_then(|_| Ok(writer.finish()?)) {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&args.out);
            return Err(e);
        }
    };
    store.record_export(&ExportRecord {
        kind: args.kind.code().into(),
        file: args.out.display().to_string(),
        scope,
        year,
        rows: written.rows,
        full_ids,
        bulletin_as_of: (args.kind == ExportKind::Bulletin).then_some(as_of),
    })?;
    summary(args, &written);
    Ok(ExitCode::SUCCESS)
}

fn summary(args: &ExportArgs, w: &Written) {
    println!(
        "已导出{} {} 行到 {} / exported {} rows of {} to {}",
        args.kind.zh(),
        w.rows,
        args.out.display(),
        w.rows,
        args.kind.code(),
        args.out.display()
    );
    for warning in &w.warnings {
        println!("注意 / note: {warning}");
    }
}

/// The villages of `--town` / `--village` (all without them) and a word for the audit.
fn scope(store: &Store, args: &ExportArgs) -> anyhow::Result<(Vec<Village>, String)> {
    if let Some(v) = &args.village {
        let village = store.resolve_village(v, None)?;
        let scope = format!("village {}", village.code);
        return Ok((vec![village], scope));
    }
    if let Some(t) = &args.town {
        let t = t.trim();
        let town = store
            .towns()?
            .into_iter()
            .find(|x| x.code == t || x.name == t || village_name::short(&x.name) == t)
            .with_context(|| format!("找不到镇街“{t}” / no town '{t}'"))?;
        return Ok((
            store.villages(Some(town.id))?,
            format!("town {}", town.code),
        ));
    }
    Ok((store.villages(None)?, "district".into()))
}

// ------------------------------------------------------------ the lists

fn lists(
    ctx: &Ctx,
    kind: ExportKind,
    villages: &[Village],
    writer: &mut ListWriter,
) -> anyhow::Result<()> {
    let list = match kind {
        ExportKind::Outstanding => ListKind::Outstanding,
        ExportKind::Publicity => ListKind::Publicity,
        _ => ListKind::Roster,
    };
    for v in villages {
        let sheet = sheet(ctx, kind, v)?;
        let mut seq = 0i64;
        ctx.store.for_each_list_row(
            list,
            ctx.policy.year,
            ctx.policy.window.start,
            v.id,
            |row| -> anyhow::Result<()> {
                if seq == 0 {
                    writer.sheet(&sheet)?;
                }
                seq += 1;
                let mut cells = vec![
                    Cell::text(&v.town_name),
                    Cell::text(&v.code),
                    Cell::text(&v.name),
                    Cell::Int(seq),
                ];
                cells.extend(match kind {
                    ExportKind::Outstanding => outstanding_cells(ctx, &row),
                    ExportKind::Publicity => publicity_cells(&row),
                    _ => roster_cells(ctx, &row),
                });
                writer.row(&cells)?;
                Ok(())
            },
        )?;
        if seq == 0 && (ctx.single || writer.is_csv()) {
            writer.sheet(&sheet)?;
        }
        if seq > 0 || ctx.single {
            writer.notes(&notes(ctx, kind, seq))?;
        }
    }
    Ok(())
}

/// 东庄村委会 → 东庄村, 双山居委会 → 双山社区: as titles name them.
fn village_title(name: &str) -> String {
    let short = village_name::short(name);
    if short == name {
        name.to_string()
    } else if name.ends_with("居委会") || name.ends_with("居民委员会") || name.ends_with("社区")
    {
        format!("{short}社区")
    } else {
        format!("{short}村")
    }
}

fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn sheet(ctx: &Ctx, kind: ExportKind, v: &Village) -> anyhow::Result<Sheet> {
    let year = ctx.policy.year;
    let place = format!("山亭区{}{}", v.town_name, village_title(&v.name));
    let mut columns = vec![
        Column::context("镇街", 12.0),
        Column::context("村居代码", 14.0),
        Column::context("村居", 16.0),
        Column::new("序号", 6.0),
        Column::new("姓名", 10.0),
        Column::new("身份证号码", 21.0),
    ];
    let (title, subtitle, landscape) = match kind {
        ExportKind::Outstanding => {
            columns.extend([
                Column::new("性别", 5.0),
                Column::new("年龄", 5.0),
                Column::new("年龄段", 9.0),
                Column::new("人员类别", 12.0),
                Column::new("联系电话", 13.0),
                Column::new("医疗保险应缴（元）", 11.0),
                Column::new("养老保险最低档应缴（元）", 13.0),
                Column::new("备注", 24.0),
            ]);
            let agents: Vec<String> = ctx
                .store
                .agents_of_village(v.id)?
                .into_iter()
                .map(|a| match a.phone {
                    Some(p) => format!("{} {p}", a.name),
                    None => a.name,
                })
                .collect();
            (
                format!("{place}{year}年度城乡居民养老、医疗保险未缴费人员名单"),
                format!(
                    "截至{}　代办员：{}",
                    date_zh(ctx.as_of),
                    if agents.is_empty() {
                        "（未设）".to_string()
                    } else {
                        agents.join("、")
                    }
                ),
                true,
            )
        }
        ExportKind::Publicity => {
            columns.extend([
                Column::new("医疗保险", 16.0),
                Column::new("养老保险缴费档次", 26.0),
            ]);
            (
                format!("{place}{year}年度城乡居民养老、医疗保险缴费公示"),
                format!("公示日期：{}", date_zh(ctx.as_of)),
                false,
            )
        }
        _ => {
            columns.extend([
                Column::new("性别", 5.0),
                Column::new("出生日期", 11.0),
                Column::new("年龄", 5.0),
                Column::new("人员类别", 12.0),
                Column::new("联系电话", 13.0),
                Column::new("医疗保险", 14.0),
                Column::new("医保个人缴费（元）", 10.0),
                Column::new("医保政府代缴（元）", 10.0),
                Column::new("养老保险", 14.0),
                Column::new("养老个人缴费（最低档，元）", 11.0),
                Column::new("养老政府代缴（元）", 10.0),
                Column::new("缴费情况", 26.0),
            ]);
            (
                format!("{place}{year}年度城乡居民养老、医疗保险征收清册"),
                format!("截至{}", date_zh(ctx.as_of)),
                true,
            )
        }
    };
    Ok(Sheet {
        name: v.name.clone(),
        title: Some(title),
        subtitle: Some(subtitle),
        columns,
        landscape,
    })
}

fn notes(ctx: &Ctx, kind: ExportKind, count: i64) -> Vec<String> {
    let mut lines = vec![format!("合计：{count}人")];
    if kind == ExportKind::Publicity {
        let end = ctx.as_of + Duration::days(2);
        lines.push(format!(
            "公示期：{}至{}，共3天。如有异议，请在公示期内向镇（街道）社保所反映。",
            date_zh(ctx.as_of),
            date_zh(end)
        ));
    }
    lines
}

fn id_cell(ctx: &Ctx, id: &str) -> Cell {
    Cell::Id(if ctx.full_ids {
        id.to_string()
    } else {
        mask(id)
    })
}

fn sex_zh(code: &str) -> &'static str {
    if code == "M" { "男" } else { "女" }
}

fn groups_zh(row: &ListRow) -> String {
    row.groups
        .iter()
        .filter(|g| !g.is_status())
        .map(|g| g.zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// The age band of an insured age, from the policy's own ages.
fn age_band(policy: &PolicyYear, age: i32) -> String {
    let p = &policy.pension;
    let full = policy.medical.full_proxy_min_age;
    if age < p.min_age {
        format!("未满{}岁", p.min_age)
    } else if let Some(b) = policy.band_for_age(age) {
        format!("{}–{}岁", b.min_age, b.max_age)
    } else if age < full {
        format!("{}–{}岁", p.max_age + 1, full - 1)
    } else {
        format!("{full}岁以上")
    }
}

/// The amount owed, or what stands instead.
fn owed(i: &Insured) -> Cell {
    match (&i.roster, &i.paid) {
        (_, Some(_)) => Cell::text("已缴"),
        (Some(r), None) if r.status == "due" => Cell::Fen(r.person_fen),
        (Some(_), None) => Cell::text("政府代缴"),
        (None, None) => Cell::text("—"),
    }
}

fn outstanding_cells(ctx: &Ctx, row: &ListRow) -> Vec<Cell> {
    let age = insured_age(ctx.policy.year, row.birth_date);
    let mut remarks = Vec::new();
    for (what, i) in [("医保", &row.medical), ("养老", &row.pension)] {
        if let Some(r) = i
            .roster
            .as_ref()
            .filter(|r| r.status == "due" && r.government_fen > 0)
        {
            remarks.push(format!(
                "{what}政府代缴{}元{}",
                yuan(r.government_fen),
                r.basis
                    .as_deref()
                    .map(|b| format!("（{b}）"))
                    .unwrap_or_default()
            ));
        }
    }
    vec![
        Cell::text(&row.name),
        id_cell(ctx, &row.id_number),
        Cell::text(sex_zh(&row.sex)),
        Cell::Int(age.into()),
        Cell::text(age_band(ctx.policy, age)),
        Cell::text(groups_zh(row)),
        Cell::opt(row.phone.as_deref()),
        owed(&row.medical),
        owed(&row.pension),
        Cell::text(remarks.join("；")),
    ]
}

fn publicity_cells(row: &ListRow) -> Vec<Cell> {
    let medical = match &row.medical.paid {
        None => String::new(),
        Some(p) if p.person_fen == 0 => "已缴（政府代缴）".into(),
        Some(_) => "已缴".into(),
    };
    let pension = match &row.pension.paid {
        None => String::new(),
        Some(p) => {
            let tier = p
                .tier_fen
                .map(|t| format!("{}元档", t / 100))
                .unwrap_or_default();
            if p.government_fen > 0 {
                format!("{tier}（政府代缴{}元）", p.government_fen / 100)
            } else {
                tier
            }
        }
    };
    vec![
        Cell::text(&row.name),
        Cell::Id(mask(&row.id_number)),
        Cell::text(medical),
        Cell::text(pension),
    ]
}

fn roster_cells(ctx: &Ctx, row: &ListRow) -> Vec<Cell> {
    let age = insured_age(ctx.policy.year, row.birth_date);
    let status = |i: &Insured, band: bool| match &i.roster {
        None => "—".to_string(),
        Some(r) => {
            let what = if r.status == "exempt" {
                "代缴"
            } else {
                "应缴"
            };
            let basis = r
                .basis
                .as_deref()
                .map(|b| format!("（{b}）"))
                .unwrap_or_default();
            if band {
                format!("{what} {}{basis}", age_band(ctx.policy, age))
            } else {
                format!("{what}{basis}")
            }
        }
    };
    let money = |i: &Insured, gov: bool| match &i.roster {
        None => Cell::Empty,
        Some(r) => Cell::Fen(if gov { r.government_fen } else { r.person_fen }),
    };
    let mut paid = Vec::new();
    if let Some(p) = &row.medical.paid {
        paid.push(format!(
            "医保{}已缴（{}）",
            p.paid_on,
            channel_zh(&p.channel)
        ));
    }
    if let Some(p) = &row.pension.paid {
        paid.push(format!(
            "养老{}已缴{}",
            p.paid_on,
            p.tier_fen
                .map(|t| format!("{}元档", t / 100))
                .unwrap_or_default()
        ));
    }
    vec![
        Cell::text(&row.name),
        id_cell(ctx, &row.id_number),
        Cell::text(sex_zh(&row.sex)),
        Cell::Date(row.birth_date),
        Cell::Int(age.into()),
        Cell::text(groups_zh(row)),
        Cell::opt(row.phone.as_deref()),
        Cell::text(status(&row.medical, false)),
        money(&row.medical, false),
        money(&row.medical, true),
        Cell::text(status(&row.pension, true)),
        money(&row.pension, false),
        money(&row.pension, true),
        Cell::text(paid.join("；")),
    ]
}

fn channel_zh(code: &str) -> &str {
    Channel::parse(code).map(|c| c.zh()).unwrap_or(code)
}
