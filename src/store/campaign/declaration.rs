//! Declaration and deposit (申报入库): a village's payments collected by its
//! agents, once their days are remitted and closed, are grouped into a
//! declaration batch: draft → submitted → confirmed (deposited).

use crate::store::campaign::remittance::agent_channels_sql;
use crate::store::{Result, Store, StoreError, audit};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclarationState {
    Draft,
    Submitted,
    Confirmed,
}

impl DeclarationState {
    pub fn code(self) -> &'static str {
        match self {
            DeclarationState::Draft => "draft",
            DeclarationState::Submitted => "submitted",
            DeclarationState::Confirmed => "confirmed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            DeclarationState::Draft => "已生成",
            DeclarationState::Submitted => "已申报",
            DeclarationState::Confirmed => "已入库",
        }
    }
    fn parse(s: &str) -> DeclarationState {
        match s {
            "submitted" => DeclarationState::Submitted,
            "confirmed" => DeclarationState::Confirmed,
            _ => DeclarationState::Draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    pub id: i64,
    pub year: i32,
    pub village_id: i64,
    pub village_code: String,
    pub village_name: String,
    pub state: DeclarationState,
    pub payments: i64,
    pub person_fen: i64,
    pub created_on: NaiveDate,
    pub created_by: String,
    pub submitted_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
}

/// What a village has not declared yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingVillage {
    pub village_id: i64,
    pub village_code: String,
    pub village_name: String,
    /// Remitted and closed, ready to declare.
    pub ready_payments: i64,
    pub ready_fen: i64,
    /// Collected but the agent-day is not closed yet.
    pub unremitted_payments: i64,
    pub unremitted_fen: i64,
}

/// Agent-collected payments of a year in force (not reversed) and not yet
/// declared, with `closed` telling whether their agent-day is closed. A
/// counter till's payments are declared with the resident's village.
fn undeclared() -> String {
    format!(
        "SELECT p.id, p.person_fen,
                CASE WHEN a.counter THEN (SELECT r.village_id FROM residents r WHERE r.id = p.resident_id)
                     ELSE a.village_id END AS village_id,
                EXISTS (SELECT 1 FROM remittance_closes c WHERE c.agent_id = p.agent_id AND c.day = p.paid_on) AS closed
           FROM payments p JOIN agents a ON a.id = p.agent_id
          WHERE p.agent_id IS NOT NULL AND p.kind = 'payment' AND p.channel IN {} AND p.year = ?1
            AND NOT EXISTS (SELECT 1 FROM payments u WHERE u.original_id = p.id AND u.kind = 'reversal')
            AND NOT EXISTS (SELECT 1 FROM declaration_items d WHERE d.payment_id = p.id)",
        agent_channels_sql()
    )
}

fn declaration(conn: &Connection, id: i64) -> Result<Declaration> {
    conn.prepare_cached(
        "SELECT d.id, d.year, d.village_id, v.code, v.name, d.state, d.payments, d.person_fen,
                d.created_on, d.created_by, d.submitted_on, d.confirmed_on
           FROM declarations d JOIN villages v ON v.id = d.village_id WHERE d.id = ?1",
    )?
    .query_row([id], declaration_row)
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        what: "申报批次",
        what_en: "declaration",
        key: id.to_string(),
    })
}

fn declaration_row(r: &rusqlite::Row) -> rusqlite::Result<Declaration> {
    Ok(Declaration {
        id: r.get(0)?,
        year: r.get(1)?,
        village_id: r.get(2)?,
        village_code: r.get(3)?,
        village_name: r.get(4)?,
        state: DeclarationState::parse(&r.get::<_, String>(5)?),
        payments: r.get(6)?,
        person_fen: r.get(7)?,
        created_on: r.get(8)?,
        created_by: r.get(9)?,
        submitted_on: r.get(10)?,
        confirmed_on: r.get(11)?,
    })
}

/// The year's plan puts the payment publicity before the declaration
/// (2021: 公示结束后…办理虚拟户申报): refused until the village's publicity is
/// recorded and over.
fn publicity_ended(conn: &Connection, d: &Declaration, on: NaiveDate) -> Result<()> {
    let to: Option<NaiveDate> = conn
        .query_row(
            "SELECT to_date FROM payment_publicity WHERE year = ?1 AND village_id = ?2",
            params![d.year, d.village_id],
            |r| r.get(0),
        )
        .optional()?;
    match to {
        Some(end) if end < on => Ok(()),
        Some(end) => Err(StoreError::refused(
            format!(
                "{}年度方案要求缴费公示结束后再申报：{}的缴费公示到{end}为止",
                d.year, d.village_name
            ),
            format!(
                "the {} plan declares after the payment publicity; the village's runs to {end}",
                d.year
            ),
        )),
        None => Err(StoreError::refused(
            format!(
                "{}年度方案要求缴费公示结束后再申报：{}尚未登记缴费公示",
                d.year, d.village_name
            ),
            format!(
                "the {} plan declares after the payment publicity; none is recorded for the village (zhengjiao roster publicity)",
                d.year
            ),
        )),
    }
}

impl Store {
    /// Group the village's remitted, undeclared payments of a year into a
    /// new declaration (draft).
    pub fn declare_create(
        &mut self,
        year: i32,
        village_id: i64,
        on: NaiveDate,
    ) -> Result<Declaration> {
        self.write(|tx, user| {
            let ids: Vec<(i64, i64)> = tx
                .prepare_cached(&format!(
                    "SELECT id, person_fen FROM ({}) WHERE village_id = ?2 AND closed ORDER BY id",
                    undeclared()
                ))?
                .query_map(params![year, village_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            if ids.is_empty() {
                return Err(StoreError::refused(
                    format!("该村居{year}年度没有已解缴结账、尚未申报的缴费"),
                    format!("the village has no remitted, undeclared payments for {year}"),
                ));
            }
            let total: i64 = ids.iter().map(|x| x.1).sum();
            tx.execute(
                "INSERT INTO declarations (year, village_id, state, payments, person_fen, created_on, created_by)
                 VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6)",
                params![year, village_id, ids.len() as i64, total, on.to_string(), user],
            )?;
            let id = tx.last_insert_rowid();
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO declaration_items (declaration_id, payment_id) VALUES (?1, ?2)",
                )?;
                for (p, _) in &ids {
                    st.execute(params![id, p])?;
                }
            }
            audit::record(
                tx,
                user,
                "create-declaration",
                "declarations",
                Some(id),
                &json!({
                    "year": year,
                    "village_id": village_id,
                    "payments": ids.len(),
                    "person_fen": total,
                })
                .to_string(),
            )?;
            declaration(tx, id)
        })
    }

    fn declare_step(
        &mut self,
        id: i64,
        on: NaiveDate,
        from: DeclarationState,
        to: DeclarationState,
    ) -> Result<Declaration> {
        let policies = self.policies()?;
        self.write(|tx, user| {
            let d = declaration(tx, id)?;
            if policies
                .get(d.year)
                .is_some_and(|p| p.declaration_after_publicity())
            {
                publicity_ended(tx, &d, on)?;
            }
            if d.state != from {
                return Err(StoreError::refused(
                    format!(
                        "申报批次{id}当前状态为“{}”，只有“{}”的批次才能改为“{}”",
                        d.state.zh(),
                        from.zh(),
                        to.zh()
                    ),
                    format!(
                        "declaration {id} is {}; only a {} one can become {}",
                        d.state.code(),
                        from.code(),
                        to.code()
                    ),
                ));
            }
            if on < d.created_on || d.submitted_on.is_some_and(|s| on < s) {
                return Err(StoreError::refused(
                    format!("日期{on}早于该批次上一步的日期"),
                    format!("{on} is before the declaration's previous step"),
                ));
            }
            let (on_col, by_col) = match to {
                DeclarationState::Submitted => ("submitted_on", "submitted_by"),
                _ => ("confirmed_on", "confirmed_by"),
            };
            tx.execute(
                &format!(
                    "UPDATE declarations SET state = ?1, {on_col} = ?2, {by_col} = ?3 WHERE id = ?4"
                ),
                params![to.code(), on.to_string(), user, id],
            )?;
            audit::record(
                tx,
                user,
                &format!(
                    "{}-declaration",
                    if to == DeclarationState::Submitted {
                        "submit"
                    } else {
                        "confirm"
                    }
                ),
                "declarations",
                Some(id),
                &json!({"on": on.to_string()}).to_string(),
            )?;
            declaration(tx, id)
        })
    }

    /// Submit a draft declaration (申报).
    pub fn declare_submit(&mut self, id: i64, on: NaiveDate) -> Result<Declaration> {
        self.declare_step(id, on, DeclarationState::Draft, DeclarationState::Submitted)
    }

    /// Confirm a submitted declaration: the money is deposited (入库).
    pub fn declare_confirm(&mut self, id: i64, on: NaiveDate) -> Result<Declaration> {
        self.declare_step(
            id,
            on,
            DeclarationState::Submitted,
            DeclarationState::Confirmed,
        )
    }

    pub fn declaration(&self, id: i64) -> Result<Declaration> {
        declaration(self.conn(), id)
    }

    /// Declarations of a year, of one village or all, newest first.
    pub fn declarations(&self, year: i32, village_id: Option<i64>) -> Result<Vec<Declaration>> {
        let mut st = self.conn().prepare_cached(
            "SELECT d.id, d.year, d.village_id, v.code, v.name, d.state, d.payments, d.person_fen,
                    d.created_on, d.created_by, d.submitted_on, d.confirmed_on
               FROM declarations d JOIN villages v ON v.id = d.village_id
              WHERE d.year = ?1 AND (?2 IS NULL OR d.village_id = ?2) ORDER BY d.id DESC",
        )?;
        let rows = st.query_map(params![year, village_id], declaration_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per village, what is still undeclared: ready (remitted) and not yet remitted.
    pub fn declare_pending(
        &self,
        year: i32,
        village_id: Option<i64>,
    ) -> Result<Vec<PendingVillage>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT u.village_id, v.code, v.name,
                    sum(u.closed), coalesce(sum(CASE WHEN u.closed THEN u.person_fen END), 0),
                    sum(NOT u.closed), coalesce(sum(CASE WHEN NOT u.closed THEN u.person_fen END), 0)
               FROM ({}) u JOIN villages v ON v.id = u.village_id
              WHERE ?2 IS NULL OR u.village_id = ?2
              GROUP BY u.village_id ORDER BY v.code",
            undeclared()
        ))?;
        let rows = st.query_map(params![year, village_id], |r| {
            Ok(PendingVillage {
                village_id: r.get(0)?,
                village_code: r.get(1)?,
                village_name: r.get(2)?,
                ready_payments: r.get(3)?,
                ready_fen: r.get(4)?,
                unremitted_payments: r.get(5)?,
                unremitted_fen: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
