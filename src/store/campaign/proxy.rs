//! Government proxy payments (政府代缴): an office (民政, 残联, 卫健, 乡村振兴,
//! 退役军人事务) pays the whole share of the people on the roster it answers
//! for. A batch is recorded in one transaction with one audit entry; those
//! already paid, deceased or whose hukou is cancelled are skipped and listed.

use crate::domain::{Channel, Insurance, Office, Policies};
use crate::store::campaign::payments::{PaymentRequest, record_unaudited};
use crate::store::campaign::review::policy_year;
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, params};
use serde::Serialize;
use serde_json::json;

/// A roster row whose whole share the office pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyLine {
    pub resident_id: i64,
    pub id_number: String,
    pub name: String,
    pub village_code: String,
    pub village_name: String,
    pub insurance: Insurance,
    pub government_fen: i64,
    pub basis: Option<String>,
    /// The payment in force, if any (by this office or anyone).
    pub paid_payment_id: Option<i64>,
    pub deceased_on: Option<NaiveDate>,
    pub hukou_cancelled_on: Option<NaiveDate>,
}

/// Why a line of a batch was not paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SkipReason {
    AlreadyPaid {
        payment_id: i64,
    },
    Deceased {
        on: NaiveDate,
    },
    HukouCancelled {
        on: NaiveDate,
    },
    /// The payment path refused it (its message, Chinese / English).
    Refused {
        message: String,
    },
}

impl SkipReason {
    pub fn text(&self) -> String {
        match self {
            SkipReason::AlreadyPaid { payment_id } => {
                format!("已缴费（缴费记录{payment_id}）/ already paid (payment {payment_id})")
            }
            SkipReason::Deceased { on } => format!("已于{on}死亡 / died on {on}"),
            SkipReason::HukouCancelled { on } => {
                format!("户籍已于{on}注销 / hukou cancelled on {on}")
            }
            SkipReason::Refused { message } => message.clone(),
        }
    }
}

impl ProxyLine {
    /// Why this line would be skipped today, if it would.
    pub fn skip_reason(&self) -> Option<SkipReason> {
        if let Some(payment_id) = self.paid_payment_id {
            Some(SkipReason::AlreadyPaid { payment_id })
        } else if let Some(on) = self.deceased_on {
            Some(SkipReason::Deceased { on })
        } else {
            self.hukou_cancelled_on
                .map(|on| SkipReason::HukouCancelled { on })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyPaid {
    pub line: ProxyLine,
    /// None in a dry run.
    pub payment_id: Option<i64>,
    pub government_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxySkipped {
    pub line: ProxyLine,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyOutcome {
    pub year: i32,
    pub office: Office,
    pub paid_on: NaiveDate,
    pub dry_run: bool,
    /// None in a dry run, or when there was nothing to pay.
    pub batch_id: Option<i64>,
    pub paid: Vec<ProxyPaid>,
    pub skipped: Vec<ProxySkipped>,
    pub government_fen: i64,
}

fn lines(conn: &Connection, year: i32, office: Office) -> Result<Vec<ProxyLine>> {
    let mut st = conn.prepare_cached(
        "SELECT r.id, r.id_number, r.name, v.code, v.name, ro.insurance, ro.government_fen, ro.basis,
                x.payment_id, r.deceased_on, r.hukou_cancelled_on
           FROM roster ro
           JOIN residents r ON r.id = ro.resident_id
           JOIN villages v ON v.id = ro.village_id
           LEFT JOIN paid x ON x.year = ro.year AND x.insurance = ro.insurance AND x.resident_id = ro.resident_id
          WHERE ro.year = ?1 AND ro.office = ?2 AND ro.status = 'exempt'
          ORDER BY v.code, r.name, r.id, ro.insurance",
    )?;
    let rows = st.query_map(params![year, office.code()], |r| {
        let ins: String = r.get(5)?;
        Ok(ProxyLine {
            resident_id: r.get(0)?,
            id_number: r.get(1)?,
            name: r.get(2)?,
            village_code: r.get(3)?,
            village_name: r.get(4)?,
            insurance: Insurance::parse(&ins).unwrap_or(Insurance::Medical),
            government_fen: r.get(6)?,
            basis: r.get(7)?,
            paid_payment_id: r.get(8)?,
            deceased_on: r.get(9)?,
            hukou_cancelled_on: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pay every unpaid line in the open transaction; each payment goes
/// through the one payment path, under a savepoint so that a refused line
/// leaves nothing behind.
fn pay_batch(
    tx: &Transaction,
    policies: &Policies,
    user: &str,
    year: i32,
    office: Office,
    paid_on: NaiveDate,
    dry_run: bool,
) -> Result<ProxyOutcome> {
    let mut out = ProxyOutcome {
        year,
        office,
        paid_on,
        dry_run,
        batch_id: None,
        paid: Vec::new(),
        skipped: Vec::new(),
        government_fen: 0,
    };
    let mut payment_ids = Vec::new();
    for line in lines(tx, year, office)? {
        if let Some(reason) = line.skip_reason() {
            out.skipped.push(ProxySkipped { line, reason });
            continue;
        }
        let req = PaymentRequest {
            id_number: line.id_number.clone(),
            year,
            insurance: line.insurance,
            tier: None,
            channel: Channel::Proxy,
            receipt: None,
            agent_code: None,
            office: Some(office),
            paid_on,
            special: None,
        };
        tx.execute_batch("SAVEPOINT proxy_line")?;
        match record_unaudited(tx, policies, user, &req) {
            Ok(r) => {
                tx.execute_batch("RELEASE proxy_line")?;
                out.government_fen += r.government_fen;
                payment_ids.push(r.payment_id);
                out.paid.push(ProxyPaid {
                    line,
                    payment_id: (!dry_run).then_some(r.payment_id),
                    government_fen: r.government_fen,
                });
            }
            Err(StoreError::Refused(message)) => {
                tx.execute_batch("ROLLBACK TO proxy_line; RELEASE proxy_line")?;
                out.skipped.push(ProxySkipped {
                    line,
                    reason: SkipReason::Refused { message },
                });
            }
            Err(e) => return Err(e),
        }
    }
    if payment_ids.is_empty() || dry_run {
        return Ok(out);
    }
    tx.execute(
        "INSERT INTO proxy_batches (year, office, paid_on, payments, government_fen, skipped, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            year,
            office.code(),
            paid_on.to_string(),
            payment_ids.len() as i64,
            out.government_fen,
            out.skipped.len() as i64,
            user,
            now_text()
        ],
    )?;
    let batch_id = tx.last_insert_rowid();
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO proxy_batch_items (batch_id, payment_id) VALUES (?1, ?2)",
        )?;
        for id in &payment_ids {
            st.execute(params![batch_id, id])?;
        }
    }
    audit::record(
        tx,
        user,
        "proxy-batch",
        "proxy_batches",
        Some(batch_id),
        &json!({
            "year": year,
            "office": office.code(),
            "paid_on": paid_on.to_string(),
            "payments": payment_ids.len(),
            "government_fen": out.government_fen,
            "skipped": out.skipped.len(),
            "first_payment": payment_ids[0],
            "last_payment": payment_ids[payment_ids.len() - 1],
        })
        .to_string(),
    )?;
    out.batch_id = Some(batch_id);
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyBatch {
    pub id: i64,
    pub year: i32,
    pub office: String,
    pub paid_on: NaiveDate,
    pub payments: i64,
    pub government_fen: i64,
    pub skipped: i64,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl Store {
    /// Everyone on the year's roster whose whole share the office pays,
    /// with who is already paid, deceased or cancelled.
    pub fn proxy_list(&self, year: i32, office: Office) -> Result<Vec<ProxyLine>> {
        lines(self.conn(), year, office)
    }

    /// Pay the office's batch: one transaction, one audit entry. With
    /// `dry_run` the same work is done and rolled back.
    pub fn proxy_pay(
        &mut self,
        year: i32,
        office: Office,
        paid_on: NaiveDate,
        dry_run: bool,
    ) -> Result<ProxyOutcome> {
        let policies = self.policies()?;
        policy_year(&policies, year)?;
        if dry_run {
            if self.read_only {
                return Err(StoreError::ReadOnly);
            }
            let tx = self.conn.transaction()?;
            let user = self.user.clone();
            // Dropped without commit: rolled back.
            return pay_batch(&tx, &policies, &user, year, office, paid_on, true);
        }
        self.write(|tx, user| pay_batch(tx, &policies, user, year, office, paid_on, false))
    }

    /// The batches recorded, newest first.
    pub fn proxy_batches(&self, year: i32) -> Result<Vec<ProxyBatch>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, year, office, paid_on, payments, government_fen, skipped, recorded_by, recorded_at
               FROM proxy_batches WHERE year = ?1 ORDER BY id DESC",
        )?;
        let rows = st.query_map([year], |r| {
            Ok(ProxyBatch {
                id: r.get(0)?,
                year: r.get(1)?,
                office: r.get(2)?,
                paid_on: r.get(3)?,
                payments: r.get(4)?,
                government_fen: r.get(5)?,
                skipped: r.get(6)?,
                recorded_by: r.get(7)?,
                recorded_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
