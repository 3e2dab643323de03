//! A resident's file (查询业务): the registry row, groups, the year's dues as
//! on the roster, every payment, refund and reversal across years, and the
//! roster amendments that concern them.

use crate::domain::{IdNumber, Insurance};
use crate::store::campaign::payments::PaymentRecord;
use crate::store::campaign::review::Amendment;
use crate::store::registry::residents::{Membership, Resident, Standing};
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// One insurance of the year: what the roster calls for and, once paid,
/// what the payment in force actually carried (a late 2021 payer's 860, the
/// chosen pension tier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuesLine {
    pub insurance: Insurance,
    pub standing: Standing,
    pub measure: Option<String>,
    /// What was paid when paid, else what is due.
    pub person_fen: i64,
    pub government_fen: i64,
    /// What the roster calls for (on time, lowest open tier).
    pub due_person_fen: i64,
    pub due_government_fen: i64,
    pub office: Option<String>,
    pub basis: Option<String>,
    /// The payment in force for the year, if any.
    pub payment_id: Option<i64>,
    pub paid: Option<PaidLine>,
}

/// The payment in force of a dues line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidLine {
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub paid_on: NaiveDate,
    pub late: bool,
    /// A late medical payer's first day of benefits.
    pub benefit_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dossier {
    pub resident: Resident,
    pub memberships: Vec<Membership>,
    pub year: i32,
    pub dues: Vec<DuesLine>,
    pub payments: Vec<PaymentRecord>,
    pub amendments: Vec<Amendment>,
}

impl Store {
    /// Find a resident by ID number (18 or 15 digits) or by the database id.
    pub fn resident_by_key(&self, key: &str) -> Result<Resident> {
        let key = key.trim();
        if key.chars().count() >= 15 {
            let id = IdNumber::parse(key).map_err(|e| StoreError::Refused(e.to_string()))?;
            return self
                .resident_by_id_number(id.as_str())?
                .ok_or_else(|| StoreError::NotFound {
                    what: "居民",
                    what_en: "resident",
                    key: id.masked(),
                });
        }
        match key.parse::<i64>() {
            Ok(n) => self.resident(n),
            Err(_) => Err(StoreError::refused(
                format!("“{key}”既不是有效的身份证号码，也不是居民编号"),
                format!("'{key}' is neither a valid ID number nor a resident number"),
            )),
        }
    }

    /// The year's dues of a resident, one line per insurance.
    pub fn dues_lines(&self, resident_id: i64, year: i32) -> Result<Vec<DuesLine>> {
        let mut out = Vec::with_capacity(2);
        let policies = self.policies()?;
        for ins in [Insurance::Medical, Insurance::Pension] {
            let mut line = self
                .conn()
                .prepare_cached(
                    "SELECT measure, status, person_fen, government_fen, office, basis FROM roster
                      WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
                )?
                .query_row(params![year, ins.code(), resident_id], |r| {
                    let status: String = r.get(1)?;
                    Ok(DuesLine {
                        insurance: ins,
                        standing: if status == "exempt" {
                            Standing::Exempt
                        } else {
                            Standing::Due
                        },
                        measure: r.get(0)?,
                        person_fen: r.get(2)?,
                        government_fen: r.get(3)?,
                        due_person_fen: r.get(2)?,
                        due_government_fen: r.get(3)?,
                        office: r.get(4)?,
                        basis: r.get(5)?,
                        payment_id: None,
                        paid: None,
                    })
                })
                .optional()?
                .unwrap_or(DuesLine {
                    insurance: ins,
                    standing: Standing::NotCovered,
                    measure: None,
                    person_fen: 0,
                    government_fen: 0,
                    due_person_fen: 0,
                    due_government_fen: 0,
                    office: None,
                    basis: None,
                    payment_id: None,
                    paid: None,
                });
            let paid: Option<(i64, PaidLine)> = self
                .conn()
                .prepare_cached(
                    "SELECT p.id, p.person_fen, p.government_fen, p.tier_fen, p.paid_on, p.late
                       FROM paid x JOIN payments p ON p.id = x.payment_id
                      WHERE x.year = ?1 AND x.insurance = ?2 AND x.resident_id = ?3",
                )?
                .query_row(params![year, ins.code(), resident_id], |r| {
                    Ok((
                        r.get(0)?,
                        PaidLine {
                            person_fen: r.get(1)?,
                            government_fen: r.get(2)?,
                            tier_fen: r.get(3)?,
                            paid_on: r.get(4)?,
                            late: r.get(5)?,
                            benefit_from: None,
                        },
                    ))
                })
                .optional()?;
            if let Some((id, mut p)) = paid {
                if p.late && ins == Insurance::Medical {
                    p.benefit_from = policies.get(year).map(|y| y.benefit_from(p.paid_on));
                }
                line.payment_id = Some(id);
                line.person_fen = p.person_fen;
                line.government_fen = p.government_fen;
                line.paid = Some(p);
            }
            if line.payment_id.is_some() {
                line.standing = match line.standing {
                    Standing::Exempt => Standing::ProxyPaid,
                    Standing::Due => Standing::Paid,
                    other => other,
                };
            }
            out.push(line);
        }
        Ok(out)
    }

    /// Everything the counter needs to answer a resident's question.
    pub fn dossier(&self, resident_id: i64, year: i32) -> Result<Dossier> {
        Ok(Dossier {
            resident: self.resident(resident_id)?,
            memberships: self.memberships(resident_id)?,
            year,
            dues: self.dues_lines(resident_id, year)?,
            payments: self.payment_history(resident_id)?,
            amendments: self.resident_amendments(resident_id)?,
        })
    }
}
