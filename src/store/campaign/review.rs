//! The roster's way through a village (清册初审、公示): listed → reviewed →
//! publicized → final, the publicity's length and dates as the year's plan
//! has them (`[process.roster_publicity]`); a year whose plan has no roster
//! publicity goes from reviewed straight to final. Additions and removals
//! are roster amendments with a reason; the roster triggers keep the
//! progress counters.

use crate::domain::policy::Publicity;
use crate::domain::{IdNumber, Insurance, Policies, PolicyYear, compute};
use crate::store::campaign::roster::entries;
use crate::store::registry::residents::person;
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    Listed,
    Reviewed,
    Publicized,
    Final,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::Listed => "listed",
            ReviewState::Reviewed => "reviewed",
            ReviewState::Publicized => "publicized",
            ReviewState::Final => "final",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ReviewState::Listed => "已下发",
            ReviewState::Reviewed => "已初审",
            ReviewState::Publicized => "公示中",
            ReviewState::Final => "已定稿",
        }
    }
    fn parse(s: &str) -> ReviewState {
        match s {
            "reviewed" => ReviewState::Reviewed,
            "publicized" => ReviewState::Publicized,
            "final" => ReviewState::Final,
            _ => ReviewState::Listed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterReview {
    pub year: i32,
    pub village_id: i64,
    pub state: ReviewState,
    pub reviewed_on: Option<NaiveDate>,
    pub reviewed_by: Option<String>,
    pub publicity_from: Option<NaiveDate>,
    pub publicity_to: Option<NaiveDate>,
    pub finalized_on: Option<NaiveDate>,
    pub amendments: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amendment {
    pub id: i64,
    pub year: i32,
    pub insurance: String,
    pub resident_id: i64,
    pub name: String,
    pub id_number: String,
    pub village_id: i64,
    pub action: String,
    pub reason: String,
    pub on_date: NaiveDate,
    pub review_state: String,
    pub measure: String,
    pub status: String,
    pub person_fen: i64,
    pub government_fen: i64,
    pub recorded_by: String,
}

fn review(conn: &Connection, year: i32, village_id: i64) -> Result<RosterReview> {
    let amendments: i64 = conn.query_row(
        "SELECT count(*) FROM roster_amendments WHERE year = ?1 AND village_id = ?2",
        params![year, village_id],
        |r| r.get(0),
    )?;
    let row = conn
        .query_row(
            "SELECT state, reviewed_on, reviewed_by, publicity_from, publicity_to, finalized_on
               FROM roster_reviews WHERE year = ?1 AND village_id = ?2",
            params![year, village_id],
            |r| {
                Ok(RosterReview {
                    year,
                    village_id,
                    state: ReviewState::parse(&r.get::<_, String>(0)?),
                    reviewed_on: r.get(1)?,
                    reviewed_by: r.get(2)?,
                    publicity_from: r.get(3)?,
                    publicity_to: r.get(4)?,
                    finalized_on: r.get(5)?,
                    amendments,
                })
            },
        )
        .optional()?;
    Ok(row.unwrap_or(RosterReview {
        year,
        village_id,
        state: ReviewState::Listed,
        reviewed_on: None,
        reviewed_by: None,
        publicity_from: None,
        publicity_to: None,
        finalized_on: None,
        amendments,
    }))
}

fn wrong_state(r: &RosterReview, want: ReviewState, next: ReviewState) -> StoreError {
    StoreError::refused(
        format!(
            "该村居{}年度清册当前为“{}”，只有“{}”的清册才能改为“{}”",
            r.year,
            r.state.zh(),
            want.zh(),
            next.zh()
        ),
        format!(
            "the village's {} roster is {}; only a {} roster can become {}",
            r.year,
            r.state.code(),
            want.code(),
            next.code()
        ),
    )
}

/// A publicity's dates against the year's plan.
pub(crate) fn publicity_fits(
    policy: &PolicyYear,
    which: Publicity,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<()> {
    match policy.publicity_refusal(which, from, to) {
        Some((zh, en)) => Err(StoreError::refused(zh, en)),
        None => Ok(()),
    }
}

pub(crate) fn village_exists(conn: &Connection, village_id: i64) -> Result<()> {
    if conn
        .prepare_cached("SELECT 1 FROM villages WHERE id = ?1")?
        .exists([village_id])?
    {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            what: "村居",
            what_en: "village",
            key: village_id.to_string(),
        })
    }
}

/// Resolve an ID number to (resident id, name, village id).
fn resident(conn: &Connection, id_number: &str) -> Result<(i64, String, i64)> {
    let id = IdNumber::parse(id_number).map_err(|e| StoreError::Refused(e.to_string()))?;
    conn.query_row(
        "SELECT id, name, village_id FROM residents WHERE id_number = ?1",
        [id.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        what: "居民",
        what_en: "resident",
        key: id.masked(),
    })
}

#[allow(clippy::too_many_arguments)]
fn amend(
    tx: &Transaction,
    user: &str,
    year: i32,
    insurance: Insurance,
    resident_id: i64,
    village_id: i64,
    action: &str,
    reason: &str,
    on: NaiveDate,
    row: (&str, &str, i64, i64),
) -> Result<i64> {
    let state = review(tx, year, village_id)?.state;
    tx.execute(
        "INSERT INTO roster_amendments (year, insurance, resident_id, village_id, action, reason, on_date, review_state,
                                        measure, status, person_fen, government_fen, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            year,
            insurance.code(),
            resident_id,
            village_id,
            action,
            reason.trim(),
            on.to_string(),
            state.code(),
            row.0,
            row.1,
            row.2,
            row.3,
            user,
            now_text()
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record(
        tx,
        user,
        &format!("roster-{action}"),
        "roster_amendments",
        Some(id),
        &json!({
            "year": year,
            "insurance": insurance.code(),
            "resident_id": resident_id,
            "reason": reason.trim(),
        })
        .to_string(),
    )?;
    Ok(id)
}

/// The policy of a year, or the refusal naming the year.
pub(crate) fn policy_year(policies: &Policies, year: i32) -> Result<&PolicyYear> {
    policies.get(year).ok_or_else(|| {
        StoreError::refused(
            format!("没有{year}年度的政策"),
            format!("no policy for year {year}"),
        )
    })
}

fn need_reason(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(StoreError::refused("请填写原因", "a reason is required"));
    }
    Ok(())
}

impl Store {
    /// The review state of a village's roster for a year.
    pub fn roster_review(&self, year: i32, village_id: i64) -> Result<RosterReview> {
        village_exists(self.conn(), village_id)?;
        review(self.conn(), year, village_id)
    }

    fn set_review(
        &mut self,
        year: i32,
        village_id: i64,
        from: ReviewState,
        to: ReviewState,
        dates: (NaiveDate, Option<NaiveDate>),
    ) -> Result<RosterReview> {
        let policies = self.policies()?;
        let policy = policy_year(&policies, year)?;
        // Without a roster publicity in the plan the reviewed roster is final.
        let no_publicity = policy.publicity_step(Publicity::Roster).is_none();
        self.write(|tx, user| {
            village_exists(tx, village_id)?;
            let r = review(tx, year, village_id)?;
            let skips = to == ReviewState::Final && no_publicity && r.state == ReviewState::Reviewed;
            if r.state != from && !skips {
                return Err(wrong_state(&r, from, to));
            }
            let (on, until) = dates;
            match to {
                ReviewState::Reviewed => {
                    tx.execute(
                        "INSERT INTO roster_reviews (year, village_id, state, reviewed_on, reviewed_by)
                         VALUES (?1, ?2, 'reviewed', ?3, ?4)",
                        params![year, village_id, on.to_string(), user],
                    )?;
                }
                ReviewState::Publicized => {
                    let until = until.expect("publicity end");
                    if r.reviewed_on.is_some_and(|d| on < d) {
                        return Err(StoreError::refused(
                            format!("公示开始日期{on}早于初审日期"),
                            format!("publicity starts on {on}, before the review"),
                        ));
                    }
                    publicity_fits(policy, Publicity::Roster, on, until)?;
                    tx.execute(
                        "UPDATE roster_reviews SET state = 'publicized', publicity_from = ?3, publicity_to = ?4, publicized_by = ?5
                          WHERE year = ?1 AND village_id = ?2",
                        params![year, village_id, on.to_string(), until.to_string(), user],
                    )?;
                }
                _ => {
                    let end = r.publicity_to.or(r.reviewed_on).unwrap_or(on);
                    if r.publicity_to.is_none() && on < end {
                        return Err(StoreError::refused(
                            format!("定稿日期{on}早于初审日期{end}"),
                            format!("the roster cannot be final on {on}, before its review ({end})"),
                        ));
                    }
                    if r.publicity_to.is_some() && on <= end {
                        return Err(StoreError::refused(
                            format!("公示期到{end}为止，{on}还不能定稿"),
                            format!("the publicity runs to {end}; the roster cannot be final on {on}"),
                        ));
                    }
                    tx.execute(
                        "UPDATE roster_reviews SET state = 'final', finalized_on = ?3, finalized_by = ?4
                          WHERE year = ?1 AND village_id = ?2",
                        params![year, village_id, on.to_string(), user],
                    )?;
                }
            }
            audit::record(
                tx,
                user,
                &format!("roster-{}", to.code()),
                "roster_reviews",
                Some(village_id),
                &{
                    let mut detail = json!({"year": year, "on": on.to_string()});
                    if let Some(u) = until {
                        detail["to"] = json!(u.to_string());
                    }
                    detail.to_string()
                },
            )?;
            review(tx, year, village_id)
        })
    }

    /// The station's initial review (初审): listed → reviewed.
    pub fn review_roster(
        &mut self,
        year: i32,
        village_id: i64,
        on: NaiveDate,
    ) -> Result<RosterReview> {
        self.set_review(
            year,
            village_id,
            ReviewState::Listed,
            ReviewState::Reviewed,
            (on, None),
        )
    }

    /// Publicize the reviewed roster in the village from `from` to `to`
    /// (both included), as long and when the year's plan says.
    pub fn publicize_roster(
        &mut self,
        year: i32,
        village_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<RosterReview> {
        self.set_review(
            year,
            village_id,
            ReviewState::Reviewed,
            ReviewState::Publicized,
            (from, Some(to)),
        )
    }

    /// Make the roster final after its publicity has ended (or, in a year
    /// whose plan has no roster publicity, after its review).
    pub fn finalize_roster(
        &mut self,
        year: i32,
        village_id: i64,
        on: NaiveDate,
    ) -> Result<RosterReview> {
        self.set_review(
            year,
            village_id,
            ReviewState::Publicized,
            ReviewState::Final,
            (on, None),
        )
    }

    /// Add a resident to the year's roster of one insurance, as the policy
    /// engine computes the row; refused when not eligible or already there.
    pub fn roster_add(
        &mut self,
        year: i32,
        insurance: Insurance,
        id_number: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<Amendment> {
        need_reason(reason)?;
        let policies = self.policies()?;
        let policy = policy_year(&policies, year)?;
        let id = self.write(|tx, user| {
            let (rid, name, village_id) = resident(tx, id_number)?;
            if tx
                .prepare_cached("SELECT 1 FROM roster WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3")?
                .exists(params![year, insurance.code(), rid])?
            {
                return Err(StoreError::refused(
                    format!("{name}已在{year}年度{}清册中", insurance.zh()),
                    format!("already on the {year} {} roster", insurance.code()),
                ));
            }
            let p = person(tx, rid, policy.window.start)?;
            let dues = compute(policy, &p, None).map_err(|e| StoreError::Refused(e.to_string()))?;
            let ineligible = match insurance {
                Insurance::Medical => dues.medical.ineligible,
                Insurance::Pension => dues.pension.ineligible,
            };
            let e = entries(&dues)
                .into_iter()
                .find(|e| e.insurance == insurance.code())
                .ok_or_else(|| {
                    let (zh, en) = ineligible.map(|i| (i.zh(), i.en())).unwrap_or(("不在参保范围", "not covered"));
                    StoreError::refused(
                        format!("{name}不符合{year}年度{}参保条件：{zh}", insurance.zh()),
                        format!("not eligible for {} {year}: {en}", insurance.code()),
                    )
                })?;
            tx.execute(
                "INSERT INTO roster (year, insurance, resident_id, village_id, measure, status, person_fen, government_fen, office, basis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    year,
                    e.insurance,
                    rid,
                    village_id,
                    e.measure,
                    e.status,
                    e.person_fen,
                    e.government_fen,
                    e.office,
                    e.basis
                ],
            )?;
            amend(
                tx,
                user,
                year,
                insurance,
                rid,
                village_id,
                "add",
                reason,
                on,
                (&e.measure, e.status, e.person_fen, e.government_fen),
            )
        })?;
        self.amendment(id)
    }

    /// Remove a resident from the year's roster of one insurance. Refused
    /// while a payment is in force (refund it first).
    pub fn roster_remove(
        &mut self,
        year: i32,
        insurance: Insurance,
        id_number: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<Amendment> {
        need_reason(reason)?;
        let id = self.write(|tx, user| {
            let (rid, name, _) = resident(tx, id_number)?;
            let row: Option<(i64, String, String, i64, i64)> = tx
                .query_row(
                    "SELECT village_id, measure, status, person_fen, government_fen FROM roster
                      WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
                    params![year, insurance.code(), rid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let (village_id, measure, status, person_fen, government_fen) = row.ok_or_else(|| {
                StoreError::refused(
                    format!("{name}不在{year}年度{}清册中", insurance.zh()),
                    format!("not on the {year} {} roster", insurance.code()),
                )
            })?;
            let paid: Option<i64> = tx
                .query_row(
                    "SELECT payment_id FROM paid WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
                    params![year, insurance.code(), rid],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(p) = paid {
                return Err(StoreError::refused(
                    format!("{name}已缴费（缴费记录{p}），不能移出清册；如需移出请先退费"),
                    format!("paid (payment {p}); refund it before removing from the roster"),
                ));
            }
            tx.execute(
                "DELETE FROM roster WHERE year = ?1 AND insurance = ?2 AND resident_id = ?3",
                params![year, insurance.code(), rid],
            )?;
            amend(
                tx,
                user,
                year,
                insurance,
                rid,
                village_id,
                "remove",
                reason,
                on,
                (&measure, &status, person_fen, government_fen),
            )
        })?;
        self.amendment(id)
    }

    fn amendment(&self, id: i64) -> Result<Amendment> {
        Ok(self
            .amendments_where("a.id = ?1", id)?
            .into_iter()
            .next()
            .expect("just recorded"))
    }

    fn amendments_where(&self, cond: &str, arg: i64) -> Result<Vec<Amendment>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT a.id, a.year, a.insurance, a.resident_id, r.name, r.id_number, a.village_id, a.action, a.reason,
                    a.on_date, a.review_state, a.measure, a.status, a.person_fen, a.government_fen, a.recorded_by
               FROM roster_amendments a JOIN residents r ON r.id = a.resident_id
              WHERE {cond} ORDER BY a.id"
        ))?;
        let rows = st.query_map([arg], |r| {
            Ok(Amendment {
                id: r.get(0)?,
                year: r.get(1)?,
                insurance: r.get(2)?,
                resident_id: r.get(3)?,
                name: r.get(4)?,
                id_number: r.get(5)?,
                village_id: r.get(6)?,
                action: r.get(7)?,
                reason: r.get(8)?,
                on_date: r.get(9)?,
                review_state: r.get(10)?,
                measure: r.get(11)?,
                status: r.get(12)?,
                person_fen: r.get(13)?,
                government_fen: r.get(14)?,
                recorded_by: r.get(15)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A village's roster amendments of a year, oldest first.
    pub fn roster_amendments(&self, year: i32, village_id: i64) -> Result<Vec<Amendment>> {
        Ok(self
            .amendments_where("a.village_id = ?1", village_id)?
            .into_iter()
            .filter(|a| a.year == year)
            .collect())
    }

    /// A resident's roster amendments, every year.
    pub fn resident_amendments(&self, resident_id: i64) -> Result<Vec<Amendment>> {
        self.amendments_where("a.resident_id = ?1", resident_id)
    }
}
