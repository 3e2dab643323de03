//! The year's roster (征收清册) per insurance: who is due and who is exempt,
//! derived from the registry by the policy engine.

use crate::domain::dues::{Basis, Dues};
use crate::domain::money::to_fen;
use crate::domain::{Policies, PolicyYear, compute};
use crate::store::registry::residents::person;
use crate::store::{Result, Store, audit, now_text};
use rusqlite::{OptionalExtension, Transaction, params};

/// A roster row for one insurance, or None when the person is not covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub insurance: &'static str,
    pub measure: String,
    pub status: &'static str,
    pub person_fen: i64,
    pub government_fen: i64,
    pub office: Option<&'static str>,
    pub basis: Option<String>,
}

fn basis_text(b: Option<Basis>) -> Option<String> {
    b.map(|b| b.zh())
}

/// The roster entries the dues call for.
pub fn entries(dues: &Dues) -> Vec<RosterEntry> {
    let mut out = Vec::with_capacity(2);
    let m = &dues.medical;
    if m.eligible {
        out.push(RosterEntry {
            insurance: "medical",
            measure: "medical".into(),
            status: if m.exempt { "exempt" } else { "due" },
            person_fen: to_fen(m.person_pays),
            government_fen: to_fen(m.government_pays),
            office: m.office.map(|o| o.code()),
            basis: basis_text(m.basis),
        });
    }
    let p = &dues.pension;
    if p.eligible
        && let Some(band) = &p.band
    {
        out.push(RosterEntry {
            insurance: "pension",
            measure: band.clone(),
            status: if p.exempt { "exempt" } else { "due" },
            person_fen: to_fen(p.person_pays),
            government_fen: to_fen(p.government_pays),
            office: p.office.map(|o| o.code()),
            basis: basis_text(p.basis),
        });
    }
    out
}

/// Does the resident hold a payment in force for the year and insurance
/// dated before `day`?
fn paid_before(
    tx: &Transaction,
    year: i32,
    insurance: &str,
    resident_id: i64,
    day: &str,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM paid x JOIN payments p ON p.id = x.payment_id
              WHERE x.year = ?1 AND x.insurance = ?2 AND x.resident_id = ?3 AND p.paid_on < ?4",
        )?
        .exists(params![year, insurance, resident_id, day])?)
}

/// Whether the last roster amendment of a resident for a year and
/// insurance is a removal (`roster remove`, with its reason): such a row
/// stays off the roster until a `roster add` brings it back.
fn removed_by_hand(tx: &Transaction, year: i32, insurance: &str, resident_id: i64) -> Result<bool> {
    let last: Option<String> = tx
        .prepare_cached(
            "SELECT action FROM roster_amendments WHERE resident_id = ?1 AND year = ?2 AND insurance = ?3
              ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![resident_id, year, insurance], |r| r.get(0))
        .optional()?;
    Ok(last.as_deref() == Some("remove"))
}

/// Recompute one resident's roster rows for a year (after a change to the
/// resident or their groups). Rows no longer called for are removed; a row
/// removed by hand (`roster remove`) is not brought back.
///
/// The dead: a person who paid before dying stays on the roster as paid
/// (the payment stands); the unpaid dead leave it, whatever the date.
pub fn refresh_resident(tx: &Transaction, policy: &PolicyYear, resident_id: i64) -> Result<()> {
    let mut p = person(tx, resident_id, policy.window.start)?;
    let (village_id, died): (i64, Option<String>) = tx.query_row(
        "SELECT village_id, deceased_on FROM residents WHERE id = ?1",
        [resident_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // Dues as they stood while the person was alive.
    p.deceased = false;
    let dues = compute(policy, &p, None).ok();
    let mut wanted = dues.as_ref().map(entries).unwrap_or_default();
    if let Some(d) = &died {
        let mut kept = Vec::with_capacity(wanted.len());
        for e in wanted {
            if paid_before(tx, policy.year, e.insurance, resident_id, d)? {
                kept.push(e);
            }
        }
        wanted = kept;
    }
    for ins in ["medical", "pension"] {
        let wanted = wanted.iter().find(|e| e.insurance == ins);
        let wanted = match wanted {
            Some(_) if removed_by_hand(tx, policy.year, ins, resident_id)? => None,
            other => other,
        };
        match wanted {
            Some(e) => {
                tx.prepare_cached(
                    "INSERT INTO roster (year, insurance, resident_id, village_id, measure, status, person_fen, government_fen, office, basis)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (year, insurance, resident_id) DO UPDATE SET
                        village_id = excluded.village_id, measure = excluded.measure, status = excluded.status,
                        person_fen = excluded.person_fen, government_fen = excluded.government_fen,
                        office = excluded.office, basis = excluded.basis
                     WHERE (village_id, measure, status, person_fen, government_fen, office, basis) IS NOT
                           (excluded.village_id, excluded.measure, excluded.status, excluded.person_fen,
                            excluded.government_fen, excluded.office, excluded.basis)",
                )?
                .execute(params![
                    policy.year,
                    ins,
                    resident_id,
                    village_id,
                    e.measure,
                    e.status,
                    e.person_fen,
                    e.government_fen,
                    e.office,
                    e.basis
                ])?;
            }
            None => {
                tx.prepare_cached(
                    "DELETE FROM roster WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
                )?
                .execute(params![policy.year, ins, resident_id])?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Built-in policy years plus those imported into this database.
    pub fn policies(&self) -> Result<Policies> {
        let mut p = Policies::built_in();
        let mut st = self
            .conn()
            .prepare_cached("SELECT source_toml FROM policy_years ORDER BY year")?;
        for text in st.query_map([], |r| r.get::<_, String>(0))? {
            if let Ok(y) = PolicyYear::from_toml(&text?) {
                p.insert(y);
            }
        }
        Ok(p)
    }

    /// (Re)generate the whole roster of a year from the registry, in one
    /// audited transaction. Returns the number of roster rows.
    pub fn generate_roster(&mut self, policy: &PolicyYear) -> Result<i64> {
        let policy = policy.clone();
        self.write(|tx, user| {
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM residents ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in &ids {
                refresh_resident(tx, &policy, *id)?;
            }
            let n: i64 = tx.query_row(
                "SELECT count(*) FROM roster WHERE year = ?1",
                [policy.year],
                |r| r.get(0),
            )?;
            audit::record(
                tx,
                user,
                "generate-roster",
                "roster",
                Some(policy.year as i64),
                &format!("rows={n} at={}", now_text()),
            )?;
            Ok(n)
        })
    }
}
