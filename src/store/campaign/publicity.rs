//! The payment publicity (缴费公示) per village after collection: its dates
//! (length and phase as the year's plan has them, `[process.payment_publicity]`)
//! and the list of who paid, IDs masked when shown.

use crate::domain::policy::Publicity;
use crate::store::campaign::review::{policy_year, publicity_fits, village_exists};
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentPublicity {
    pub year: i32,
    pub village_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Residents with a payment in force in the village when it was recorded.
    pub listed: i64,
    pub recorded_by: String,
}

/// One line of the payment publicity list (ID masked when printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicityRow {
    pub name: String,
    pub id_number: String,
    pub insurance: String,
    pub person_fen: i64,
    pub government_fen: i64,
    pub tier_fen: Option<i64>,
    pub paid_on: NaiveDate,
}

impl Store {
    /// Record the payment publicity (缴费公示) of a village: in the phase
    /// and for the days the year's plan says, once per village and year.
    pub fn record_payment_publicity(
        &mut self,
        year: i32,
        village_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PaymentPublicity> {
        let policies = self.policies()?;
        publicity_fits(policy_year(&policies, year)?, Publicity::Payment, from, to)?;
        self.write(|tx, user| {
            village_exists(tx, village_id)?;
            if let Some(p) = publicity(tx, year, village_id)? {
                return Err(StoreError::refused(
                    format!("该村居{year}年度缴费公示已登记（{}至{}）", p.from, p.to),
                    format!("the village's {year} payment publicity is already recorded ({} to {})", p.from, p.to),
                ));
            }
            let listed: i64 = tx.query_row(
                "SELECT count(DISTINCT r.id) FROM residents r
                   JOIN roster ro ON ro.year = ?1 AND ro.insurance IN ('medical', 'pension')
                                 AND ro.resident_id = r.id AND ro.village_id = ?2
                   JOIN paid x ON x.year = ro.year AND x.insurance = ro.insurance AND x.resident_id = ro.resident_id
                  WHERE r.village_id = ?2",
                params![year, village_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO payment_publicity (year, village_id, from_date, to_date, listed, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![year, village_id, from.to_string(), to.to_string(), listed, user, now_text()],
            )?;
            audit::record(
                tx,
                user,
                "payment-publicity",
                "payment_publicity",
                Some(village_id),
                &json!({
                    "year": year,
                    "from": from.to_string(),
                    "to": to.to_string(),
                    "listed": listed,
                })
                .to_string(),
            )?;
            Ok(publicity(tx, year, village_id)?.expect("just recorded"))
        })
    }

    pub fn payment_publicity(
        &self,
        year: i32,
        village_id: i64,
    ) -> Result<Option<PaymentPublicity>> {
        publicity(self.conn(), year, village_id)
    }

    /// Who paid in a village in a year, for the publicity sheet: the
    /// payments in force, by name.
    pub fn publicity_list(&self, year: i32, village_id: i64) -> Result<Vec<PublicityRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.name, r.id_number, p.insurance, p.person_fen, p.government_fen, p.tier_fen, p.paid_on
               FROM residents r
               JOIN roster ro ON ro.year = ?1 AND ro.insurance IN ('medical', 'pension')
                             AND ro.resident_id = r.id AND ro.village_id = ?2
               JOIN paid x ON x.year = ro.year AND x.insurance = ro.insurance AND x.resident_id = ro.resident_id
               JOIN payments p ON p.id = x.payment_id
              WHERE r.village_id = ?2
              ORDER BY r.name, r.id, p.insurance",
        )?;
        let rows = st.query_map(params![year, village_id], |r| {
            Ok(PublicityRow {
                name: r.get(0)?,
                id_number: r.get(1)?,
                insurance: r.get(2)?,
                person_fen: r.get(3)?,
                government_fen: r.get(4)?,
                tier_fen: r.get(5)?,
                paid_on: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn publicity(conn: &Connection, year: i32, village_id: i64) -> Result<Option<PaymentPublicity>> {
    Ok(conn
        .query_row(
            "SELECT from_date, to_date, listed, recorded_by FROM payment_publicity WHERE year = ?1 AND village_id = ?2",
            params![year, village_id],
            |r| {
                Ok(PaymentPublicity {
                    year,
                    village_id,
                    from: r.get(0)?,
                    to: r.get(1)?,
                    listed: r.get(2)?,
                    recorded_by: r.get(3)?,
                })
            },
        )
        .optional()?)
}
