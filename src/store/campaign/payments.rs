//! Payments: recording (one code path for the console, `pay` and imports),
//! reversals (冲正) and refunds (退费) as new rows, and the history query.

use crate::domain::money::{from_fen, to_fen};
use crate::domain::{Channel, IdNumber, Insurance, Office, Policies, compute, compute_on};
use crate::store::campaign::special::{Special, check_special};
use crate::store::campaign::{receipts, remittance};
use crate::store::registry::residents::person;
use crate::store::{Result, Store, StoreError, audit, now_text};
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
    pub channel: Channel,
    pub receipt: Option<String>,
    pub special: Option<Special>,
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

const RECORD_SELECT: &str = "SELECT p.id, p.year, p.insurance, p.kind, p.original_id, p.person_fen, p.government_fen,
        p.tier_fen, p.channel, p.office, p.receipt, a.code, p.paid_on, p.late, p.special, p.reason, p.recorded_by,
        p.recorded_at, p.resident_id
   FROM payments p LEFT JOIN agents a ON a.id = p.agent_id";

fn record_row(r: &rusqlite::Row) -> rusqlite::Result<PaymentRecord> {
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
    let r = record_unaudited(tx, policies, user, req)?;
    audit::record(
        tx,
        user,
        "record-payment",
        "payments",
        Some(r.payment_id),
        &format!(
            "{{\"resident_id\":{},\"year\":{},\"insurance\":\"{}\",\"person_fen\":{},\"government_fen\":{},\"channel\":\"{}\"{}}}",
            r.resident_id,
            r.year,
            r.insurance.code(),
            r.person_fen,
            r.government_fen,
            r.channel.code(),
            r.special
                .map(|s| format!(",\"special\":\"{}\"", s.code()))
                .unwrap_or_default()
        ),
    )?;
    Ok(r)
}

/// `record_in` without its audit row: for a batch, which records one audit
/// entry for all its payments (`proxy::pay_batch`). Every check is the same.
pub(crate) fn record_unaudited(
    tx: &Transaction,
    policies: &Policies,
    user: &str,
    req: &PaymentRequest,
) -> Result<Recorded> {
    let special = match req
        .special
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => Some(Special::parse(text).ok_or_else(|| Special::unknown(text))?),
        None => None,
    };
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
    if let Some(s) = special {
        check_special(s, req, policy, p.birth_date, &name)?;
    }
    let tier = if req.insurance == Insurance::Pension {
        req.tier
    } else {
        None
    };
    // Out of the window the year's late rule applies (集中征缴期外补缴);
    // back-payments and newborns pay the year's own on-time rates.
    let dues = match special {
        Some(_) => compute(policy, &p, tier),
        None => compute_on(policy, &p, tier, req.paid_on),
    }
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
    if let Some(a) = agent_id
        && req.channel.is_agent()
        && remittance::is_closed(tx, a, req.paid_on)?
    {
        let code = req.agent_code.as_deref().unwrap_or("").trim();
        return Err(remittance::closed_refusal(
            code,
            req.paid_on,
            "再补录该日缴费",
            "record more payments for that day",
        ));
    }
    if tx
        .prepare_cached(
            "SELECT 1 FROM paid WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
        )?
        .exists(params![req.year, req.insurance.code(), resident_id])?
    {
        return Err(duplicate(tx, resident_id, req.year, req.insurance)?);
    }
    // Cash taken by an agent carries a receipt from the agent's books.
    let taken = match agent_id {
        Some(a) if req.channel == Channel::Cash => {
            Some(receipts::take_in(tx, a, req.receipt.as_deref())?)
        }
        _ => None,
    };
    let receipt = match &taken {
        Some(t) => Some(t.text.clone()),
        None => req
            .receipt
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
    };
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
        receipt,
        agent_id,
        req.paid_on.to_string(),
        late,
        special.map(Special::code),
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
    if let Some(t) = &taken {
        receipts::mark_used(tx, t, payment_id, user)?;
    }
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
        channel: req.channel,
        receipt,
        special,
    })
}

/// The payment a reversal or refund points at.
struct Original {
    resident_id: i64,
    year: i32,
    insurance: String,
    kind: String,
    person_fen: i64,
    government_fen: i64,
    tier_fen: Option<i64>,
    channel: String,
    agent: Option<(i64, String)>,
    paid_on: NaiveDate,
}

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
    let o = tx
        .query_row(
            "SELECT p.resident_id, p.year, p.insurance, p.kind, p.person_fen, p.government_fen, p.tier_fen, p.channel,
                    p.agent_id, a.code, p.paid_on
               FROM payments p LEFT JOIN agents a ON a.id = p.agent_id WHERE p.id = ?1",
            [payment_id],
            |r| {
                Ok(Original {
                    resident_id: r.get(0)?,
                    year: r.get(1)?,
                    insurance: r.get(2)?,
                    kind: r.get(3)?,
                    person_fen: r.get(4)?,
                    government_fen: r.get(5)?,
                    tier_fen: r.get(6)?,
                    channel: r.get(7)?,
                    agent: r.get::<_, Option<i64>>(8)?.zip(r.get::<_, Option<String>>(9)?),
                    paid_on: r.get(10)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "缴费记录",
            what_en: "payment",
            key: payment_id.to_string(),
        })?;
    if o.kind != "payment" {
        return Err(StoreError::refused(
            "只能对缴费记录冲正或退费",
            "only a payment can be reversed or refunded",
        ));
    }
    // A reversal takes the money back out of the agent's day; once that day
    // is remitted and closed the money is deposited: refund it instead.
    if kind == "reversal"
        && let Some((agent_id, code)) = &o.agent
        && Channel::parse(&o.channel).is_some_and(Channel::is_agent)
        && remittance::is_closed(tx, *agent_id, o.paid_on)?
    {
        return Err(remittance::closed_refusal(
            code,
            o.paid_on,
            "冲正，请办理退费",
            "reverse; record a refund instead",
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
            o.resident_id,
            o.year,
            o.insurance,
            kind,
            payment_id,
            -o.person_fen,
            -o.government_fen,
            o.tier_fen,
            o.channel,
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
        self.write_as(crate::store::users::Role::Admin, |tx, user| {
            undo_in(tx, user, payment_id, "reversal", reason, on)
        })
    }

    pub fn refund_payment(&mut self, payment_id: i64, reason: &str, on: NaiveDate) -> Result<i64> {
        self.write(|tx, user| undo_in(tx, user, payment_id, "refund", reason, on))
    }

    /// Every payment, reversal and refund of a resident across years.
    pub fn payment_history(&self, resident_id: i64) -> Result<Vec<PaymentRecord>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{RECORD_SELECT} WHERE p.resident_id = ?1 ORDER BY p.year DESC, p.id DESC"
        ))?;
        let rows = st.query_map([resident_id], record_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One payment, reversal or refund by its number, with its resident.
    pub fn payment(&self, payment_id: i64) -> Result<(i64, PaymentRecord)> {
        self.conn()
            .prepare_cached(&format!("{RECORD_SELECT} WHERE p.id = ?1"))?
            .query_row([payment_id], |r| Ok((r.get(18)?, record_row(r)?)))
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "缴费记录",
                what_en: "payment",
                key: payment_id.to_string(),
            })
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
