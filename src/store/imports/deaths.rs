//! `import deaths`: the police's list of deaths and cancelled hukou (销户).
//! A 死亡日期 column marks the resident deceased; a 注销日期 / 销户日期
//! column marks the hukou cancelled (a file may hold both). The roster
//! follows: the dead stay on a year's roster only with a payment in force
//! dated before the death. Payments dated on or after the death, and those
//! for an insured year that began after the death, are listed for refund
//! (退费); nothing is refunded automatically.

use super::judging::{
    self, ImportError, ImportKind, ImportOptions, ImportReport, Journal, Known, Refund,
};
use crate::domain::{IdNumber, PolicyYear};
use crate::exchange::{Field, Header, Row, Table, parse_date_cell};
use crate::store::campaign::roster::refresh_resident;
use crate::store::{Result, Store};
use chrono::NaiveDate;
use rusqlite::{Transaction, params};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Died,
    HukouCancelled,
}

impl Mark {
    fn zh(self) -> &'static str {
        match self {
            Mark::Died => "死亡日期",
            Mark::HukouCancelled => "户籍注销日期",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Mark::Died => "death date",
            Mark::HukouCancelled => "hukou cancelled on",
        }
    }
}

pub(crate) fn import(
    store: &mut Store,
    mut table: Table,
    header: &Header,
    opts: &ImportOptions,
    unknown: Vec<String>,
) -> std::result::Result<ImportReport, ImportError> {
    let policy = store.campaign_policy(opts.year)?;
    // Which date column means what, by its title.
    let columns: Vec<(usize, String, Mark)> = header
        .columns()
        .iter()
        .filter(|c| c.field == Some(Field::DeathDate))
        .map(|c| {
            let mark = if c.title.contains("注销") || c.title.contains("销户") {
                Mark::HukouCancelled
            } else {
                Mark::Died
            };
            (c.index, c.title.clone(), mark)
        })
        .collect();
    judging::run(
        store,
        ImportKind::Deaths,
        opts,
        Some(policy.year),
        unknown,
        |tx, _user, journal| {
            journal.report.refunds = Some(Vec::new());
            let mut seen: HashMap<String, usize> = HashMap::new();
            let ctx = RowCtx {
                tx,
                header,
                columns: &columns,
                policy: &policy,
                today: opts.today,
            };
            for row in judging::data_rows(&mut table, header) {
                ctx.judge(&row?, &mut seen, journal)?;
            }
            Ok(())
        },
    )
}

struct RowCtx<'a> {
    tx: &'a Transaction<'a>,
    header: &'a Header,
    columns: &'a [(usize, String, Mark)],
    policy: &'a PolicyYear,
    today: NaiveDate,
}

impl RowCtx<'_> {
    fn judge(
        &self,
        row: &Row,
        seen: &mut HashMap<String, usize>,
        journal: &mut Journal,
    ) -> Result<()> {
        let (id, known) = match judging::known_resident(self.tx, self.header, row)? {
            Ok(k) => k,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        if let Some(first) = seen.get(id.as_str()) {
            return journal.rejected(
                row.line,
                format!(
                    "与第{first}行是同一人（重复） / the same person as line {first} (duplicate)"
                ),
            );
        }
        seen.insert(id.as_str().to_string(), row.line);
        let marks = match self.dates(row, &known) {
            Ok(m) => m,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        let mut died = known.deceased_on;
        let mut cancelled = known.hukou_cancelled_on;
        let mut changes: Vec<String> = Vec::new();
        let mut new = false;
        for (mark, date) in &marks {
            let slot = match mark {
                Mark::Died => &mut died,
                Mark::HukouCancelled => &mut cancelled,
            };
            match *slot {
                Some(old) if old == *date => {}
                Some(old) => changes.push(format!("{} {}：{old} → {date}", mark.zh(), mark.en())),
                None => new = true,
            }
            *slot = Some(*date);
        }
        if new || !changes.is_empty() {
            self.tx
                .prepare_cached(
                    "UPDATE residents SET deceased_on = ?2, hukou_cancelled_on = ?3 WHERE id = ?1",
                )?
                .execute(params![
                    known.id,
                    died.map(|d| d.to_string()),
                    cancelled.map(|d| d.to_string())
                ])?;
            refresh_resident(self.tx, self.policy, known.id)?;
        }
        if let Some(d) = died {
            self.refunds(row.line, &id, &known, d, journal)?;
        }
        if !changes.is_empty() {
            journal.updated(row.line, changes.join("；"))
        } else if new {
            let what: Vec<String> = marks
                .iter()
                .map(|(m, d)| format!("{} {d}", m.zh()))
                .collect();
            journal.accepted(row.line, Some(&what.join("；")))
        } else {
            journal.unchanged(row.line)
        }
    }

    /// The dates of the row; `Err` is the rejection.
    fn dates(
        &self,
        row: &Row,
        known: &Known,
    ) -> std::result::Result<Vec<(Mark, NaiveDate)>, String> {
        let mut out = Vec::new();
        for (index, title, mark) in self.columns {
            let text = row.cell(*index);
            if text.is_empty() {
                continue;
            }
            let date = parse_date_cell(text).ok_or_else(|| {
                format!(
                    "“{title}”列的“{text}”不是日期 / '{text}' in column '{title}' is not a date"
                )
            })?;
            if date > self.today {
                return Err(format!(
                    "{}{date}晚于今天 / {} {date} is after today",
                    mark.zh(),
                    mark.en()
                ));
            }
            if date < known.birth_date {
                return Err(format!(
                    "{}{date}早于出生日期{} / {} {date} is before the birth date {}",
                    mark.zh(),
                    known.birth_date,
                    mark.en(),
                    known.birth_date
                ));
            }
            out.push((*mark, date));
        }
        if out.is_empty() {
            return Err(judging::missing(Field::DeathDate));
        }
        Ok(out)
    }

    /// Payments in force dated on or after the death, or for an insured
    /// year (the calendar year) that began after it, listed for refund.
    fn refunds(
        &self,
        line: usize,
        id: &IdNumber,
        known: &Known,
        died: NaiveDate,
        journal: &mut Journal,
    ) -> Result<()> {
        let mut st = self.tx.prepare_cached(
            "SELECT p.id, p.year, p.insurance, p.paid_on, p.person_fen, p.government_fen
               FROM paid x JOIN payments p ON p.id = x.payment_id
              WHERE x.resident_id = ?1 AND (p.paid_on >= ?2 OR printf('%04d-01-01', p.year) > ?2)
              ORDER BY p.paid_on, p.id",
        )?;
        let rows = st.query_map(params![known.id, died.to_string()], |r| {
            Ok(Refund {
                line,
                payment_id: r.get(0)?,
                name: known.name.clone(),
                id_number: id.masked(),
                year: r.get(1)?,
                insurance: r.get(2)?,
                paid_on: r.get(3)?,
                died_on: died.to_string(),
                person_fen: r.get(4)?,
                government_fen: r.get(5)?,
            })
        })?;
        let list = journal.report.refunds.get_or_insert_with(Vec::new);
        for r in rows {
            list.push(r?);
        }
        Ok(())
    }
}
