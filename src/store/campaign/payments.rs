//! Payments: recording (one code path for the console, `pay` and imports),
//! reversals (冲正) and refunds (退费) as new rows, and the history query.

use crate::domain::dues::Ineligible;
use crate::domain::money::to_fen;
use crate::domain::{
    Channel, IdNumber, Insurance, Office, Person, Policies, PolicyYear, compute, compute_on,
};
use crate::store::campaign::roster::refresh_resident;
use crate::store::campaign::special::{Special, check_special};
use crate::store::campaign::{receipts, remittance};
use crate::store::registry::residents::person;
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

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
    /// The agent or counter till the money went into (cash without an
    /// agent goes into the counter till of the resident's town).
    pub agent_code: Option<String>,
    /// The till is a station counter's, not a village agent's.
    pub counter: bool,
    /// Recorded, but worth a second look (Chinese / English each): an agent
    /// paying for another village's resident, a payment to refund.
    pub warnings: Vec<String>,
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
        &{
            let mut detail = json!({
                "resident_id": r.resident_id,
                "year": r.year,
                "insurance": r.insurance.code(),
                "person_fen": r.person_fen,
                "government_fen": r.government_fen,
                "channel": r.channel.code(),
            });
            if let Some(s) = r.special {
                detail["special"] = json!(s.code());
            }
            detail.to_string()
        },
    )?;
    Ok(r)
}

/// `record_in` without its audit row: for a batch, which records one audit
/// entry for all its payments (`proxy::pay_batch`). Every check is the same.
/// The checks run in this order, the first refusal wins: the special case
/// named, the resident (alive on the day of payment, hukou not cancelled),
/// the year's policy and its window, the special case's own conditions,
/// eligibility, a proxy payment's government share, the till (agent or
/// counter), the till's day not yet remitted, not paid already, the payer
/// fits the channel; then the receipt is taken and the payment written.
pub(crate) fn record_unaudited(
    tx: &Transaction,
    policies: &Policies,
    user: &str,
    req: &PaymentRequest,
) -> Result<Recorded> {
    let special = special_named(req)?;
    let living = living_resident(tx, req)?;
    let (resident_id, name) = (living.id, living.name.clone());
    let policy = policy_of(policies, req.year)?;
    check_in_window(req, policy)?;
    let mut p = person(tx, resident_id, policy.window.start)?;
    // The person was alive on the day of payment (checked above).
    p.deceased = false;
    if let Some(s) = special {
        check_special(s, req, policy, p.birth_date, &name)?;
    }
    let share = share_due(policy, &p, req, special)?;
    check_eligible(&name, req, &share)?;
    check_proxy_has_share(&name, req, &share)?;
    let mut warnings = Vec::new();
    let till = till_of(tx, req, user, &living, &mut warnings)?;
    check_day_open(tx, req, till.as_ref())?;
    check_not_paid(tx, req, resident_id)?;
    check_payer_fits_channel(&name, req, &share)?;
    let (taken, receipt) = receipt_for(tx, req, till.as_ref())?;
    let (person_fen, government_fen) = (to_fen(share.person_pays), to_fen(share.gov_pays));
    let payment_id = insert_payment(
        tx,
        req,
        &Insert {
            resident_id,
            person_fen,
            government_fen,
            tier_fen: share.tier_fen,
            office: share.office,
            receipt: receipt.as_deref(),
            agent_id: till.as_ref().map(|t| t.id),
            late: share.late,
            special,
            user,
        },
    )?;
    if let Some(t) = &taken {
        receipts::mark_used(tx, t, payment_id, user)?;
    }
    if let Some(d) = living.deceased {
        // Paid before the death: the person stays on (or comes back to) the
        // year's roster as paid.
        refresh_resident(tx, policy, resident_id)?;
        if d < insured_from(req.year) {
            warnings.push(format!(
                "{name}已于{d}死亡，早于{}年度参保开始，此笔缴费应退费 / died on {d}, before the {} insured year began: this payment is to be refunded",
                req.year, req.year
            ));
        }
    }
    Ok(Recorded {
        payment_id,
        resident_id,
        name,
        year: req.year,
        insurance: req.insurance,
        person_fen,
        government_fen,
        tier_fen: share.tier_fen,
        late: share.late,
        channel: req.channel,
        receipt,
        special,
        agent_code: till.as_ref().map(|t| t.code.clone()),
        counter: till.as_ref().is_some_and(|t| t.counter),
        warnings,
    })
}

/// The special case the request names, if any; an unknown name is refused.
fn special_named(req: &PaymentRequest) -> Result<Option<Special>> {
    Ok(
        match req
            .special
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => Some(Special::parse(text).ok_or_else(|| Special::unknown(text))?),
            None => None,
        },
    )
}

/// The resident a payment is for, alive on the day of payment.
struct Living {
    id: i64,
    name: String,
    village_id: i64,
    deceased: Option<NaiveDate>,
}

/// The resident the ID number names: refused when not found, dead on or
/// before the day of payment (death lists arrive weeks late, so money taken
/// while the person was alive stands), or their hukou cancelled.
fn living_resident(tx: &Transaction, req: &PaymentRequest) -> Result<Living> {
    let id = IdNumber::parse(&req.id_number).map_err(|e| StoreError::Refused(e.to_string()))?;
    let (resident_id, name, village_id, deceased, cancelled): (
        i64,
        String,
        i64,
        Option<NaiveDate>,
        Option<String>,
    ) = tx
        .prepare_cached(
            "SELECT id, name, village_id, deceased_on, hukou_cancelled_on FROM residents WHERE id_number = ?1",
        )?
        .query_row([id.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "居民",
            what_en: "resident",
            key: id.masked(),
        })?;
    if let Some(d) = deceased
        && req.paid_on >= d
    {
        return Err(StoreError::refused(
            format!(
                "{name}已于{d}死亡，缴费日期{}不在死亡之前，不能缴费（死亡后缴费须退费）",
                req.paid_on
            ),
            format!(
                "the resident died on {d}; a payment dated {}, on or after the death, cannot be recorded",
                req.paid_on
            ),
        ));
    }
    if let Some(d) = cancelled {
        return Err(StoreError::refused(
            format!("{name}户籍已于{d}注销，不能缴费"),
            format!("the resident's hukou was cancelled on {d}"),
        ));
    }
    Ok(Living {
        id: resident_id,
        name,
        village_id,
        deceased,
    })
}

/// Refused when the payment is dated before the year's window opens.
fn check_in_window(req: &PaymentRequest, policy: &PolicyYear) -> Result<()> {
    if req.paid_on < policy.window.start {
        return Err(StoreError::refused(
            format!(
                "缴费日期{}早于{}年度集中征缴开始日{}，不能登记",
                req.paid_on, req.year, policy.window.start
            ),
            format!(
                "paid on {}, before the {} collection window opens on {}",
                req.paid_on, req.year, policy.window.start
            ),
        ));
    }
    Ok(())
}

/// The policy of the payment's year, refused when there is none.
fn policy_of(policies: &Policies, year: i32) -> Result<&PolicyYear> {
    policies.get(year).ok_or_else(|| {
        StoreError::refused(
            format!("没有{year}年度的政策"),
            format!("no policy for year {year}"),
        )
    })
}

/// What the policy engine says of the one insurance paid for.
struct Share {
    eligible: bool,
    reason: Option<Ineligible>,
    person_pays: Decimal,
    gov_pays: Decimal,
    tier_fen: Option<i64>,
    office: Option<Office>,
    late: bool,
}

/// The share due. Out of the window the year's late rule applies
/// (集中征缴期外补缴); back-payments and newborns pay the year's own
/// on-time rates.
fn share_due(
    policy: &PolicyYear,
    p: &Person,
    req: &PaymentRequest,
    special: Option<Special>,
) -> Result<Share> {
    let tier = if req.insurance == Insurance::Pension {
        req.tier
    } else {
        None
    };
    let dues = match special {
        Some(_) => compute(policy, p, tier),
        None => compute_on(policy, p, tier, req.paid_on),
    }
    .map_err(|e| StoreError::Refused(e.to_string()))?;
    Ok(match req.insurance {
        Insurance::Medical => {
            let m = &dues.medical;
            Share {
                eligible: m.eligible,
                reason: m.ineligible,
                person_pays: m.person_pays,
                gov_pays: m.government_pays,
                tier_fen: None,
                office: m.office,
                late: m.late,
            }
        }
        Insurance::Pension => {
            let q = &dues.pension;
            Share {
                eligible: q.eligible,
                reason: q.ineligible,
                person_pays: q.person_pays,
                gov_pays: q.government_pays,
                tier_fen: q.tier.map(to_fen),
                office: q.office,
                late: false,
            }
        }
    })
}

/// Refused when the resident may not join this insurance this year.
fn check_eligible(name: &str, req: &PaymentRequest, share: &Share) -> Result<()> {
    if share.eligible {
        return Ok(());
    }
    let r = share.reason.expect("ineligible has a reason");
    Err(StoreError::refused(
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
    ))
}

/// A proxy payment: the government must pay a share.
fn check_proxy_has_share(name: &str, req: &PaymentRequest, share: &Share) -> Result<()> {
    if req.channel == Channel::Proxy && share.gov_pays.is_zero() {
        return Err(StoreError::refused(
            format!("{name}不属于政府代缴对象",),
            "this resident is not paid for by the government",
        ));
    }
    Ok(())
}

/// The payer must fit the channel: a proxy payment is the government's
/// money only (the person's own share goes through a channel the person
/// pays by), a person who owes nothing can only be recorded as proxy, and
/// the office that pays must be the one named (if one is).
fn check_payer_fits_channel(name: &str, req: &PaymentRequest, share: &Share) -> Result<()> {
    let (person_pays, gov_pays, office) = (share.person_pays, share.gov_pays, share.office);
    if req.channel == Channel::Proxy && !person_pays.is_zero() {
        return Err(StoreError::refused(
            format!(
                "{name}须个人缴纳{person_pays}元，政府代缴只承担{gov_pays}元；个人部分不能以政府代缴登记，请选个人缴费渠道"
            ),
            format!(
                "the resident pays {person_pays} themselves and the government only {gov_pays}; the person's share cannot be recorded as a proxy payment"
            ),
        ));
    }
    if req.channel != Channel::Proxy && person_pays.is_zero() && !gov_pays.is_zero() {
        let by = office.map(|o| o.zh()).unwrap_or("政府");
        let by_en = office.map(|o| o.code()).unwrap_or("government");
        return Err(StoreError::refused(
            format!(
                "{name}个人无需缴费，{gov_pays}元全部由{by}代缴，只能以政府代缴（proxy）登记，不能用{}",
                req.channel.zh()
            ),
            format!(
                "the resident pays nothing: {by_en} pays all {gov_pays}; record it as a proxy payment, not {}",
                req.channel.code()
            ),
        ));
    }
    let office = share.office;
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
    Ok(())
}

/// The till the money goes into: the agent named (refused when unknown),
/// or for cash without an agent the counter till of the resident's town —
/// cash is always someone's to hand in. An agent paying for another
/// village's resident is recorded with a warning.
fn till_of(
    tx: &Transaction,
    req: &PaymentRequest,
    user: &str,
    resident: &Living,
    warnings: &mut Vec<String>,
) -> Result<Option<remittance::Till>> {
    let till: Option<remittance::Till> = match &req.agent_code {
        Some(code) => Some(remittance::till(tx, code)?),
        None if req.channel == Channel::Cash => {
            Some(remittance::counter_till(tx, user, resident.village_id)?)
        }
        None => None,
    };
    if let Some(t) = &till
        && !t.counter
        && t.village_id != resident.village_id
    {
        let (v_zh, a_zh): (String, String) = tx.query_row(
            "SELECT (SELECT name FROM villages WHERE id = ?1), (SELECT name FROM villages WHERE id = ?2)",
            params![resident.village_id, t.village_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let name = &resident.name;
        warnings.push(format!(
            "注意：{name}是{v_zh}的居民，代办员{}属于{a_zh} / note: the resident lives in another village ({v_zh}) than agent {}'s ({a_zh})",
            t.code, t.code
        ));
    }
    Ok(till)
}

/// An agent's payment is refused on a day the agent has already remitted.
fn check_day_open(
    tx: &Transaction,
    req: &PaymentRequest,
    till: Option<&remittance::Till>,
) -> Result<()> {
    if let Some(t) = till
        && req.channel.is_agent()
        && remittance::is_closed(tx, t.id, req.paid_on)?
    {
        return Err(remittance::closed_refusal(
            &t.code,
            req.paid_on,
            "再补录该日缴费",
            "record more payments for that day",
        ));
    }
    Ok(())
}

/// Refused when this year's insurance is already paid.
fn check_not_paid(tx: &Transaction, req: &PaymentRequest, resident_id: i64) -> Result<()> {
    if tx
        .prepare_cached(
            "SELECT 1 FROM paid WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
        )?
        .exists(params![req.year, req.insurance.code(), resident_id])?
    {
        return Err(duplicate(tx, resident_id, req.year, req.insurance)?);
    }
    Ok(())
}

/// The receipt: cash taken by an agent carries a number from the agent's
/// books (taken now, marked used once the payment is written); otherwise
/// the number typed, if any.
fn receipt_for(
    tx: &Transaction,
    req: &PaymentRequest,
    till: Option<&remittance::Till>,
) -> Result<(Option<receipts::Taken>, Option<String>)> {
    // Cash taken by an agent carries a receipt from the agent's books; the
    // station's counter till has none.
    let taken = match till {
        Some(t) if req.channel == Channel::Cash && !t.counter => {
            Some(receipts::take_in(tx, t.id, req.receipt.as_deref())?)
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
    Ok((taken, receipt))
}

/// The columns of a payment row beside the request's own.
struct Insert<'a> {
    resident_id: i64,
    person_fen: i64,
    government_fen: i64,
    tier_fen: Option<i64>,
    office: Option<Office>,
    receipt: Option<&'a str>,
    agent_id: Option<i64>,
    late: bool,
    special: Option<Special>,
    user: &'a str,
}

/// Write the payment and its `paid` row; the `paid` primary key refuses a
/// second payment that slipped past [`check_not_paid`]. The payment's id.
fn insert_payment(tx: &Transaction, req: &PaymentRequest, row: &Insert) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO payments (resident_id, year, insurance, kind, person_fen, government_fen, tier_fen, channel,
                               office, receipt, agent_id, paid_on, late, special, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, 'payment', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        row.resident_id,
        req.year,
        req.insurance.code(),
        row.person_fen,
        row.government_fen,
        row.tier_fen,
        req.channel.code(),
        row.office.map(|o| o.code()),
        row.receipt,
        row.agent_id,
        req.paid_on.to_string(),
        row.late,
        row.special.map(Special::code),
        row.user,
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
            row.resident_id,
            payment_id
        ]);
    if let Err(e) = inserted {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            return Err(duplicate(tx, row.resident_id, req.year, req.insurance)?);
        }
        return Err(e.into());
    }
    Ok(payment_id)
}

/// The first day of the insured year `year` (参保年度: the calendar year).
pub fn insured_from(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year")
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
    // The unpaid dead leave the roster (a dead person stays only as paid).
    tx.execute(
        "DELETE FROM roster WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3
            AND EXISTS (SELECT 1 FROM residents WHERE id = ?3 AND deceased_on IS NOT NULL)",
        params![o.year, o.insurance, o.resident_id],
    )?;
    audit::record(
        tx,
        user,
        kind,
        "payments",
        Some(id),
        &json!({"original": payment_id, "reason": reason.trim()}).to_string(),
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

    /// Payments in force per day of a year (for the trend chart): (date,
    /// count), from the progress counters (a few rows per village and day,
    /// not every payment: 1.2 s → 30 ms at 400,000 residents). A payment
    /// reversed or refunded since no longer counts on its day.
    pub fn daily_payments(&self, year: i32) -> Result<Vec<(NaiveDate, i64)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT day, sum(paid) FROM progress_paid_days WHERE year = ?1
              GROUP BY day HAVING sum(paid) <> 0 ORDER BY day",
        )?;
        let rows = st.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
