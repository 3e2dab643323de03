//! `import groups --group G --office NAME`: a special-group list (低保, 特困,
//! 残疾…) from the office that certified it. Each row is a membership with
//! an optional period (开始日期 / 结束日期); the resident's roster rows are
//! refreshed so that proxy payment (代缴) and exemptions follow. Without
//! `--group`, each row's 人员类别 (or 残疾等级) column names its group.
//! Exclusions are per insurance: 职工医保 / 职工养老 / 外地参保, a 险种 column
//! narrowing 职工参保 or 外地参保 to one insurance; a roster removal recorded
//! with its reason is not undone by a later list.

use super::judging::{self, ImportError, ImportKind, ImportOptions, ImportReport, Journal};
use crate::domain::group::{disability_grade, is_elsewhere_unsaid};
use crate::domain::{Group, Insurance, Office, PolicyYear};
use crate::exchange::{Field, Header, Row, Table};
use crate::store::campaign::roster::refresh_resident;
use crate::store::{Result, Store};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;

pub(crate) fn import(
    store: &mut Store,
    mut table: Table,
    header: &Header,
    opts: &ImportOptions,
    unknown: Vec<String>,
) -> std::result::Result<ImportReport, ImportError> {
    if opts.group.is_none() && !header.has(Field::Category) && !header.has(Field::DisabilityGrade) {
        return Err(judging::missing_column(header, Field::Category));
    }
    let office = match opts.office.as_deref().map(str::trim) {
        Some(o) if !o.is_empty() => Office::parse(o)
            .map(|x| x.code().to_string())
            .unwrap_or(o.to_string()),
        _ => {
            return Err(ImportError::Unusable(
                "请用 --office 写明认定部门（如 民政局、残联） / name the certifying office with --office".into(),
            ));
        }
    };
    let policy = store.campaign_policy(opts.year)?;
    judging::run(
        store,
        ImportKind::Groups,
        opts,
        Some(policy.year),
        unknown,
        |tx, _user, journal| {
            let mut ctx = Ctx {
                tx,
                header,
                policy: &policy,
                group: opts.group,
                office: &office,
                seen: HashMap::new(),
            };
            for row in judging::data_rows(&mut table, header) {
                ctx.row(&row?, journal)?;
            }
            Ok(())
        },
    )
}

struct Ctx<'a> {
    tx: &'a Transaction<'a>,
    header: &'a Header,
    policy: &'a PolicyYear,
    group: Option<Group>,
    office: &'a str,
    /// (resident, group) → the line it was first seen on.
    seen: HashMap<(i64, Group), usize>,
}

/// A membership as stored: office, valid from, valid to.
type Period = (Option<String>, Option<String>, Option<String>);

impl Ctx<'_> {
    fn row(&mut self, row: &Row, journal: &mut Journal) -> Result<()> {
        let (_, known) = match judging::known_resident(self.tx, self.header, row)? {
            Ok(k) => k,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        let (group, from, to) = match self.check(row) {
            Ok(x) => x,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        if let Some(first) = self.seen.get(&(known.id, group)) {
            return journal.rejected(
                row.line,
                format!(
                    "与第{first}行是同一人同一群体（重复） / the same person and group as line {first} (duplicate)"
                ),
            );
        }
        self.seen.insert((known.id, group), row.line);
        let old: Option<(i64, Period)> = self
            .tx
            .prepare_cached(
                "SELECT id, office, valid_from, valid_to FROM memberships
                  WHERE resident_id = ?1 AND grp = ?2 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![known.id, group.code()], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
            })
            .optional()?;
        let (id, old) = match old {
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO memberships (resident_id, grp, office, valid_from, valid_to, import_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        known.id,
                        group.code(),
                        self.office,
                        from.map(|d| d.to_string()),
                        to.map(|d| d.to_string()),
                        journal.import_id()
                    ])?;
                refresh_resident(self.tx, self.policy, known.id)?;
                return journal.accepted(row.line, Some(group.zh()));
            }
            Some(x) => x,
        };
        // Dates the list leaves empty keep what the registry has.
        let new: Period = (
            Some(self.office.to_string()),
            from.map(|d| d.to_string()).or(old.1.clone()),
            to.map(|d| d.to_string()).or(old.2.clone()),
        );
        if new == old {
            return journal.unchanged(row.line);
        }
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "（空 / none）".into());
        let mut changes = Vec::new();
        for (zh, a, b) in [
            ("认定部门 office", &old.0, &new.0),
            ("开始日期 from", &old.1, &new.1),
            ("结束日期 to", &old.2, &new.2),
        ] {
            if a != b {
                changes.push(format!("{} {zh}：{} → {}", group.zh(), show(a), show(b)));
            }
        }
        self.tx
            .prepare_cached(
                "UPDATE memberships SET office = ?2, valid_from = ?3, valid_to = ?4 WHERE id = ?1",
            )?
            .execute(params![id, new.0, new.1, new.2])?;
        refresh_resident(self.tx, self.policy, known.id)?;
        journal.updated(row.line, changes.join("；"))
    }

    /// Group and period of a row; `Err` is the rejection.
    #[allow(clippy::type_complexity)]
    fn check(
        &self,
        row: &Row,
    ) -> std::result::Result<(Group, Option<NaiveDate>, Option<NaiveDate>), String> {
        let h = self.header;
        let group = match self.group {
            Some(g) => g,
            None => row_group(h, row)?,
        };
        let group = per_insurance(h, row, group)?;
        let from = h.date(row, Field::StartDate).map_err(|e| e.to_string())?;
        let to = h.date(row, Field::EndDate).map_err(|e| e.to_string())?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(format!(
                "开始日期{f}晚于结束日期{t} / the start date {f} is after the end date {t}"
            ));
        }
        Ok((group, from, to))
    }
}

/// An exclusion (职工参保, 外地参保) for the one insurance the row's 险种
/// names: 职工参保 with 险种 医疗保险 is 职工医保, not both insurances.
fn per_insurance(h: &Header, row: &Row, group: Group) -> std::result::Result<Group, String> {
    if !group.is_exclusion() {
        return Ok(group);
    }
    match h.get(row, Field::Insurance) {
        None => Ok(group),
        Some(text) => Insurance::parse(text)
            .and_then(|i| group.for_insurance(i))
            .ok_or_else(|| format!("险种“{text}”无法识别 / unknown insurance '{text}'")),
    }
}

/// The group a row names in its 人员类别 or 残疾等级 column. A 人员类别 that
/// names no group (`残疾人`) gives way to the row's 残疾等级; `外地参保` takes
/// its insurance from the row's 险种.
fn row_group(h: &Header, row: &Row) -> std::result::Result<Group, String> {
    let category = h.get(row, Field::Category);
    if let Some(g) = category.and_then(Group::parse) {
        return Ok(g);
    }
    if let Some(text) = category.filter(|t| is_elsewhere_unsaid(t)) {
        return match h.get(row, Field::Insurance).and_then(Insurance::parse) {
            Some(i) => Ok(Group::ElsewhereMedical
                .for_insurance(i)
                .expect("an exclusion")),
            None => Err(format!(
                "“{text}”未写明险种，请在险种列写明医疗或养老 / '{text}' does not say which insurance: name it in the 险种 column"
            )),
        };
    }
    if let Some(text) = h.get(row, Field::DisabilityGrade) {
        return disability_grade(text).ok_or_else(|| {
            format!("残疾等级“{text}”无法识别 / unknown disability grade '{text}'")
        });
    }
    match category {
        Some(text) => Err(format!("人员类别“{text}”无法识别 / unknown group '{text}'")),
        None => Err(judging::missing(Field::Category)),
    }
}
