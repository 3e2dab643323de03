//! Payments: recording (one code path for the console, `pay` and imports),
//! reversals (冲正) and refunds (退费) as new rows, and the history query.

use super::residents::person;
use super::{Result, Store, StoreError, audit, now_text};
use crate::domain::money::{from_fen, to_fen};
use crate::domain::{Channel, IdNumber, Insurance, Office, Policies, compute_on};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use serde::Serialize;

/// What a clerk asks to record. The amount is never typed: it comes from the
/// policy engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub id_number: String,
    pub year: i32,
    pub insurance: Insurance,
    pub tier: Option<Decimal>,
    pub channel: Channel,
    pub receipt: Option<String>,
    pub agent_code: Option<String>,
    pub office: Option<Office>,
    pub paid_on: NaiveDate,
    /// policy-backpay, interrupted-backpay, newborn
    pub special: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub payment_id: i64,
    pub resident_id: i64,
    pub name: String,
    pub year: i32,
    pub insurance: Insurance,
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    pub id: i64,
    pub year: i32,
    pub insurance: String,
    pub kind: String,
    pub original_id: Option<i64>,
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub channel: String,
    pub office: Option<String>,
    pub receipt: Option<String>,
    pub agent_code: Option<String>,
    pub paid_on: NaiveDate,
    pub late: bool,
    pub special: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The duplicate refusal names the payment already in force.
fn duplicate(tx: &Transaction, resident_id: i64, year: i32, ins: Insurance) -> Result<StoreError> {
    let (on, channel): (String, String) = tx.query_row(
        "SELECT p.paid_on, p.channel FROM paid x JOIN payments p ON p.id = x.payment_id
          WHERE x.year = ?1 AND x.insurance = ?2 AND x.resident_id = ?3",
        params![year, ins.code(), resident_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ch = Channel::parse(&channel).map(|c| c.zh()).unwrap_or("");
    Ok(StoreError::refused(
        format!(
            "重复缴费：该居民{year}年度{}已于{on}缴费（{ch}），不能再缴",
            ins.zh()
        ),
        format!(
            "duplicate payment: {year} {} already paid on {on} ({channel})",
            ins.code()
        ),
    ))
}

/// Record one payment inside an open transaction. Everything is checked
/// here; the `paid` primary key makes a second payment impossible even when
/// two clerks press enter at the same moment.
pub fn record_in(
    tx: &Transaction,
    policies: &Policies,
    user: &str,
    req: &PaymentRequest,
) -> Result<Recorded> {
    let id = IdNumber::parse(&req.id_number).map_err(|e| StoreError::Refused(e.to_string()))?;
    let (resident_id, name, deceased, cancelled): (i64, String, Option<String>, Option<String>) =
        tx.prepare_cached(
            "SELECT id, name, deceased_on, hukou_cancelled_on FROM residents WHERE id_number = ?1",
        )?
        .query_row([id.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "居民",
            what_en: "resident",
            key: id.masked(),
        })?;
    if let Some(d) = deceased {
        return Err(StoreError::refused(
            format!("{name}已于{d}死亡，不能缴费（死亡后缴费须退费）"),
            format!("the resident died on {d}; no payment after death"),
        ));
    }
    if let Some(d) = cancelled {
        return Err(StoreError::refused(
            format!("{name}户籍已于{d}注销，不能缴费"),
            format!("the resident's hukou was cancelled on {d}"),
        ));
    }
    let policy = policies.get(req.year).ok_or_else(|| {
        StoreError::refused(
            format!("没有{}年度的政策", req.year),
            format!("no policy for year {}", req.year),
        )
    })?;
    let p = person(tx, resident_id, policy.window.start)?;
    let tier = if req.insurance == Insurance::Pension {
        req.tier
    } else {
        None
    };
    let dues = compute_on(policy, &p, tier, req.paid_on)
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let (eligible, reason, person_pays, gov_pays, tier_fen, office, late) = match req.insurance {
        Insurance::Medical => {
            let m = &dues.medical;
            (
                m.eligible,
                m.ineligible,
                m.person_pays,
                m.government_pays,
                None,
                m.office,
                m.late,
            )
        }
        Insurance::Pension => {
            let q = &dues.pension;
            (
                q.eligible,
                q.ineligible,
                q.person_pays,
                q.government_pays,
                q.tier.map(to_fen),
                q.office,
                false,
            )
        }
    };
    if !eligible {
        let r = reason.expect("ineligible has a reason");
        return Err(StoreError::refused(
            format!(
                "{name}不符合{}{}年度参保条件：{}",
                req.insurance.zh(),
                req.year,
                r.zh()
            ),
            format!(
                "not eligible for {} {}: {}",
                req.insurance.code(),
                req.year,
                r.en()
            ),
        ));
    }
    if req.channel == Channel::Proxy && gov_pays.is_zero() {
        return Err(StoreError::refused(
            format!("{name}不属于政府代缴对象",),
            "this resident is not paid for by the government",
        ));
    }
    if let Some(o) = req.office
        && req.channel == Channel::Proxy
        && office.is_some_and(|x| x != o)
    {
        return Err(StoreError::refused(
            format!(
                "{name}的代缴部门是{}，不是{}",
                office.map(|x| x.zh()).unwrap_or(""),
                o.zh()
            ),
            format!(
                "this resident's share is paid by {}, not {}",
                office.map(|x| x.code()).unwrap_or(""),
                o.code()
            ),
        ));
    }
    let agent_id: Option<i64> = match &req.agent_code {
        Some(code) => Some(
            tx.prepare_cached("SELECT id FROM agents WHERE code = ?1")?
                .query_row([code.trim()], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::NotFound {
                    what: "代办员",
                    what_en: "agent",
                    key: code.clone(),
                })?,
        ),
        None => None,
    };
    if tx
        .prepare_cached(
            "SELECT 1 FROM paid WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
        )?
        .exists(params![req.year, req.insurance.code(), resident_id])?
    {
        return Err(duplicate(tx, resident_id, req.year, req.insurance)?);
    }
    let (person_fen, government_fen) = (to_fen(person_pays), to_fen(gov_pays));
    tx.prepare_cached(
        "INSERT INTO payments (resident_id, year, insurance, kind, person_fen, government_fen, tier_fen, channel,
                               office, receipt, agent_id, paid_on, late, special, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, 'payment', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        resident_id,
        req.year,
        req.insurance.code(),
        person_fen,
        government_fen,
        tier_fen,
        req.channel.code(),
        office.map(|o| o.code()),
        req.receipt.as_deref().map(str::trim).filter(|r| !r.is_empty()),
        agent_id,
        req.paid_on.to_string(),
        late,
        req.special,
        user,
        now_text()
    ])?;
    let payment_id = tx.last_insert_rowid();
    let inserted = tx
        .prepare_cached(
            "INSERT INTO paid (year, insurance, resident_id, payment_id) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            req.year,
            req.insurance.code(),
            resident_id,
            payment_id
        ]);
    if let Err(e) = inserted {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            return Err(duplicate(tx, resident_id, req.year, req.insurance)?);
        }
        return Err(e.into());
    }
    audit::record(
        tx,
        user,
        "record-payment",
        "payments",
        Some(payment_id),
        &format!(
            "{{\"resident_id\":{resident_id},\"year\":{},\"insurance\":\"{}\",\"person_fen\":{person_fen},\"government_fen\":{government_fen},\"channel\":\"{}\"}}",
            req.year,
            req.insurance.code(),
            req.channel.code()
        ),
    )?;
    Ok(Recorded {
        payment_id,
        resident_id,
        name,
        year: req.year,
        insurance: req.insurance,
        person_fen,
        government_fen,
        tier_fen,
        late,
    })
}

/// resident, year, insurance, kind, person fen, government fen, tier fen, channel
type PaymentCore = (i64, i32, String, String, i64, i64, Option<i64>, String);

/// Reverse (冲正) or refund (退费) a payment: a new row with negative amounts
/// pointing at the original, which stays. The payment no longer counts.
pub fn undo_in(
    tx: &Transaction,
    user: &str,
    payment_id: i64,
    kind: &str,
    reason: &str,
    on: NaiveDate,
) -> Result<i64> {
    if reason.trim().is_empty() {
        return Err(StoreError::refused("请填写原因", "a reason is required"));
    }
    let row: Option<PaymentCore> = tx
        .query_row(
            "SELECT resident_id, year, insurance, kind, person_fen, government_fen, tier_fen, channel FROM payments WHERE id = ?1",
            [payment_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .optional()?;
    let (resident_id, year, insurance, orig_kind, person_fen, government_fen, tier_fen, channel) =
        row.ok_or_else(|| StoreError::NotFound {
            what: "缴费记录",
            what_en: "payment",
            key: payment_id.to_string(),
        })?;
    if orig_kind != "payment" {
        return Err(StoreError::refused(
            "只能对缴费记录冲正或退费",
            "only a payment can be reversed or refunded",
        ));
    }
    if tx
        .query_row(
            "SELECT 1 FROM payments WHERE original_id = ?1",
            [payment_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some()
    {
        return Err(StoreError::refused(
            format!("缴费记录{payment_id}已经冲正或退费"),
            format!("payment {payment_id} was already reversed or refunded"),
        ));
    }
    tx.execute(
        "INSERT INTO payments (resident_id, year, insurance, kind, original_id, person_fen, government_fen, tier_fen,
                               channel, paid_on, reason, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            resident_id,
            year,
            insurance,
            kind,
            payment_id,
            -person_fen,
            -government_fen,
            tier_fen,
            channel,
            on.to_string(),
            reason.trim(),
            user,
            now_text()
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute("DELETE FROM paid WHERE payment_id = ?1", [payment_id])?;
    audit::record(
        tx,
        user,
        kind,
        "payments",
        Some(id),
        &format!(
            "{{\"original\":{payment_id},\"reason\":{:?}}}",
            reason.trim()
        ),
    )?;
    Ok(id)
}

impl Store {
    /// Record one payment in its own audited transaction.
    pub fn record_payment(&mut self, req: &PaymentRequest) -> Result<Recorded> {
        let policies = self.policies()?;
        self.write(|tx, user| record_in(tx, &policies, user, req))
    }

    /// Reversals (冲正) are for admins.
    pub fn reverse_payment(&mut self, payment_id: i64, reason: &str, on: NaiveDate) -> Result<i64> {
        self.write_as(super::users::Role::Admin, |tx, user| {
            undo_in(tx, user, payment_id, "reversal", reason, on)
        })
    }

    pub fn refund_payment(&mut self, payment_id: i64, reason: &str, on: NaiveDate) -> Result<i64> {
        self.write(|tx, user| undo_in(tx, user, payment_id, "refund", reason, on))
    }

    /// Every payment, reversal and refund of a resident across years.
    pub fn payment_history(&self, resident_id: i64) -> Result<Vec<PaymentRecord>> {
        let mut st = self.conn().prepare_cached(
            "SELECT p.id, p.year, p.insurance, p.kind, p.original_id, p.person_fen, p.government_fen, p.tier_fen,
                    p.channel, p.office, p.receipt, a.code, p.paid_on, p.late, p.special, p.reason, p.recorded_by, p.recorded_at
               FROM payments p LEFT JOIN agents a ON a.id = p.agent_id
              WHERE p.resident_id = ?1 ORDER BY p.year DESC, p.id DESC",
        )?;
        let rows = st.query_map([resident_id], |r| {
            Ok(PaymentRecord {
                id: r.get(0)?,
                year: r.get(1)?,
                insurance: r.get(2)?,
                kind: r.get(3)?,
                original_id: r.get(4)?,
                person_fen: r.get(5)?,
                government_fen: r.get(6)?,
                tier_fen: r.get(7)?,
                channel: r.get(8)?,
                office: r.get(9)?,
                receipt: r.get(10)?,
                agent_code: r.get(11)?,
                paid_on: r.get(12)?,
                late: r.get(13)?,
                special: r.get(14)?,
                reason: r.get(15)?,
                recorded_by: r.get(16)?,
                recorded_at: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Payments recorded per day of a year (for the trend chart): (date, count, person yuan).
    pub fn daily_payments(&self, year: i32) -> Result<Vec<(NaiveDate, i64, Decimal)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT paid_on, count(*), sum(person_fen) FROM payments WHERE year = ?1 AND kind = 'payment'
              GROUP BY paid_on ORDER BY paid_on",
        )?;
        let rows = st.query_map([year], |r| Ok((r.get(0)?, r.get(1)?, from_fen(r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
