//! `import villages`: the division list (code, name, town). A village is
//! found by its 12-digit code: a new code is added, a changed name or town
//! is an update with the old values kept, a town unknown so far is added
//! when the row names it.

use super::judging::{self, ImportError, ImportKind, ImportOptions, ImportReport, Journal};
use crate::domain::village_name;
use crate::exchange::{Field, Header, Row, Table};
use crate::store::registry::geo::{bundled_towns, upsert_town, upsert_village};
use crate::store::{Result, Store};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// The district all codes must belong to (山亭区).
const DISTRICT: &str = "370406";

pub(crate) fn import(
    store: &mut Store,
    mut table: Table,
    header: &Header,
    opts: &ImportOptions,
    unknown: Vec<String>,
) -> std::result::Result<ImportReport, ImportError> {
    judging::run(
        store,
        ImportKind::Villages,
        opts,
        None,
        unknown,
        |tx, _user, journal| {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for row in judging::data_rows(&mut table, header) {
                judge(tx, header, &row?, &mut seen, journal)?;
            }
            Ok(())
        },
    )
}

fn judge(
    tx: &Connection,
    header: &Header,
    row: &Row,
    seen: &mut HashMap<String, usize>,
    journal: &mut Journal,
) -> Result<()> {
    let (code, name) = match check(header, row) {
        Ok(x) => x,
        Err(reason) => return journal.rejected(row.line, reason),
    };
    if let Some(first) = seen.get(code) {
        return journal.rejected(
            row.line,
            format!("村居代码与第{first}行重复 / the same village code as line {first}"),
        );
    }
    seen.insert(code.to_string(), row.line);
    let town_code = &code[..9];
    let town: Option<(i64, String)> = tx
        .prepare_cached("SELECT id, name FROM towns WHERE code = ?1")?
        .query_row([town_code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let given_town = header.get(row, Field::Town);
    let town_id = match (town, given_town) {
        (Some((_, official)), Some(given)) if !same_town(given, town_code, &official) => {
            return journal.rejected(
                row.line,
                format!(
                    "村居代码{code}属于{official}（{town_code}），与镇街“{given}”不符 / village code {code} belongs to {official} ({town_code}), not '{given}'"
                ),
            );
        }
        (Some((id, _)), _) => id,
        (None, Some(given)) if !given.bytes().all(|b| b.is_ascii_digit()) => {
            upsert_town(tx, town_code, given)?
        }
        // A town of the district's official list, named by its code.
        (None, _) => match bundled_town(town_code) {
            Some(name) => upsert_town(tx, town_code, &name)?,
            None => {
                return journal.rejected(
                row.line,
                    format!(
                        "镇街代码{town_code}不存在，请在镇街列写明镇街名称 / no town with code {town_code}; give its name in the town column"
                    ),
                );
            }
        },
    };
    let old: Option<(String, i64, String)> = tx
        .prepare_cached(
            "SELECT v.name, v.town_id, t.name FROM villages v JOIN towns t ON t.id = v.town_id WHERE v.code = ?1",
        )?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match old {
        None => {
            upsert_village(tx, code, name, town_id)?;
            journal.accepted(row.line, None)
        }
        // The same name spelled with or without 村委会 keeps the official one.
        Some((old_name, old_town, _))
            if old_town == town_id && village_name::matches(name, &old_name) =>
        {
            journal.unchanged(row.line)
        }
        Some((old_name, old_town, old_town_name)) => {
            let mut changes = Vec::new();
            let name = if village_name::matches(name, &old_name) {
                old_name.as_str()
            } else {
                changes.push(format!("名称 name：{old_name} → {name}"));
                name
            };
            if old_town != town_id {
                let new_town: String =
                    tx.query_row("SELECT name FROM towns WHERE id = ?1", [town_id], |r| {
                        r.get(0)
                    })?;
                changes.push(format!("镇街 town：{old_town_name} → {new_town}"));
            }
            upsert_village(tx, code, name, town_id)?;
            journal.updated(row.line, changes.join("；"))
        }
    }
}

fn check<'r>(header: &Header, row: &'r Row) -> std::result::Result<(&'r str, &'r str), String> {
    let code = header
        .get(row, Field::VillageCode)
        .ok_or_else(|| judging::missing(Field::VillageCode))?;
    if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "村居代码“{code}”应为12位数字 / the village code '{code}' must have 12 digits"
        ));
    }
    if !code.starts_with(DISTRICT) {
        return Err(format!(
            "村居代码{code}不属于山亭区（{DISTRICT}） / village code {code} is not in Shanting district ({DISTRICT})"
        ));
    }
    let name = header
        .get(row, Field::Village)
        .ok_or_else(|| judging::missing(Field::Village))?;
    Ok((code, name))
}

/// A town as written: its 9-digit code, its name, or the name without 镇/街道.
fn same_town(given: &str, code: &str, official: &str) -> bool {
    let bare = |s: &str| {
        s.trim()
            .trim_end_matches("街道办事处")
            .trim_end_matches("街道")
            .trim_end_matches(['镇', '乡', '街'])
            .to_string()
    };
    given.trim() == code || given.trim() == official || bare(given) == bare(official)
}

/// The name of a town of the bundled division list.
fn bundled_town(code: &str) -> Option<String> {
    bundled_towns()
        .into_iter()
        .find(|(c, _)| c == code)
        .map(|(_, name)| name)
}
