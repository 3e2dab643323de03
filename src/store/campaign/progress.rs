//! The progress report: per village, town and district, from the counters
//! that triggers keep (a few hundred rows whatever the district's size).

use crate::domain::PolicyYear;
use crate::domain::policy::WindowDays;
use crate::domain::progress::{Counts, apportion, ratio};
use crate::store::{Result, Store};
use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Counts per measure ("medical", "pension_45_59", …) for one area.
pub type Measures = BTreeMap<String, Counts>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaProgress {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub measures: Measures,
    /// Planned medical headcount (附件2), villages apportioned by their due count.
    pub medical_planned: i64,
    pub pension_planned: i64,
    /// The plan table has a row for this town (for a village: its town's).
    /// 山亭经济开发区 has none: its people were planned under the towns its
    /// villages belonged to (README, "Policy years are data").
    pub in_plan: bool,
}

impl AreaProgress {
    /// Residents who paid their own share, medical (the plan's 口径: the
    /// government-exempt are not counted).
    pub fn medical_paid(&self) -> i64 {
        self.measures.get("medical").map_or(0, |c| c.paid)
    }

    /// Residents who paid their own pension, every band.
    pub fn pension_paid(&self) -> i64 {
        self.measures
            .iter()
            .filter(|(k, _)| *k != "medical")
            .map(|(_, c)| c.paid)
            .sum()
    }

    /// Paid against the plan's medical headcount; `None` without a plan.
    pub fn medical_plan_completion(&self) -> Option<Decimal> {
        ratio(self.medical_paid(), self.medical_planned)
    }

    pub fn pension_plan_completion(&self) -> Option<Decimal> {
        ratio(self.pension_paid(), self.pension_planned)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownProgress {
    pub area: AreaProgress,
    pub villages: Vec<AreaProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub year: i32,
    pub as_of: NaiveDate,
    pub days: WindowDays,
    pub district: AreaProgress,
    pub towns: Vec<TownProgress>,
}

fn add_measures(into: &mut Measures, from: &Measures) {
    for (k, c) in from {
        into.entry(k.clone()).or_default().add(c);
    }
}

impl Store {
    /// Counts per village and measure. When `as_of` is before the newest
    /// payment, payments after it are left out (summed from the daily counters).
    fn village_counts(&self, year: i32, as_of: NaiveDate) -> Result<HashMap<i64, Measures>> {
        let newest: Option<String> = self.conn().query_row(
            "SELECT max(paid_on) FROM payments WHERE year = ?1",
            [year],
            |r| r.get(0),
        )?;
        let as_of_text = as_of.to_string();
        let exact_counters = newest.as_deref().is_none_or(|n| n <= as_of_text.as_str());
        let sql = if exact_counters {
            "SELECT village_id, measure, status, n, paid FROM progress_counts WHERE year = ?1 AND ?2 = ?2"
        } else {
            "SELECT c.village_id, c.measure, c.status, c.n,
                    coalesce((SELECT sum(d.paid) FROM progress_paid_days d
                               WHERE d.year = c.year AND d.village_id = c.village_id AND d.measure = c.measure
                                 AND d.status = c.status AND d.day <= ?2), 0)
               FROM progress_counts c WHERE c.year = ?1"
        };
        let mut out: HashMap<i64, Measures> = HashMap::new();
        let mut st = self.conn().prepare_cached(sql)?;
        let rows = st.query_map(params![year, as_of_text], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (village, measure, status, n, paid) = row?;
            let c = out.entry(village).or_default().entry(measure).or_default();
            if status == "exempt" {
                c.exempt += n;
                c.exempt_paid += paid;
            } else {
                c.due += n;
                c.paid += paid;
            }
        }
        Ok(out)
    }

    /// Progress of a year as of a date, for every village, town and the district.
    pub fn progress(&self, policy: &PolicyYear, as_of: NaiveDate) -> Result<Progress> {
        let year = policy.year;
        let counts = self.village_counts(year, as_of)?;
        let mut plans: HashMap<i64, (i64, i64)> = HashMap::new();
        {
            let mut st = self.conn().prepare_cached(
                "SELECT town_id, medical_planned, pension_planned FROM plans WHERE year = ?1",
            )?;
            for row in st.query_map([year], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })? {
                let (t, m, p) = row?;
                plans.insert(t, (m, p));
            }
        }
        let mut empty = Measures::new();
        empty.insert("medical".into(), Counts::default());
        for b in &policy.targets.bands {
            empty.insert(b.key.clone(), Counts::default());
        }
        let mut towns = Vec::new();
        let mut district = AreaProgress {
            id: 0,
            code: "370406".into(),
            name: "山亭区".into(),
            measures: empty.clone(),
            medical_planned: 0,
            pension_planned: 0,
            in_plan: !plans.is_empty(),
        };
        for town in self.towns()? {
            let in_plan = plans.contains_key(&town.id);
            let mut villages: Vec<AreaProgress> = self
                .villages(Some(town.id))?
                .into_iter()
                .map(|v| {
                    let mut measures = empty.clone();
                    if let Some(m) = counts.get(&v.id) {
                        add_measures(&mut measures, m);
                    }
                    AreaProgress {
                        id: v.id,
                        code: v.code,
                        name: v.name,
                        measures,
                        medical_planned: 0,
                        pension_planned: 0,
                        in_plan,
                    }
                })
                .collect();
            let (med_plan, pen_plan) = plans.get(&town.id).copied().unwrap_or((0, 0));
            let med_w: Vec<i64> = villages.iter().map(|v| v.measures["medical"].due).collect();
            let pen_w: Vec<i64> = villages
                .iter()
                .map(|v| {
                    v.measures
                        .iter()
                        .filter(|(k, _)| *k != "medical")
                        .map(|(_, c)| c.due)
                        .sum()
                })
                .collect();
            for ((v, m), p) in villages
                .iter_mut()
                .zip(apportion(med_plan, &med_w))
                .zip(apportion(pen_plan, &pen_w))
            {
                v.medical_planned = m;
                v.pension_planned = p;
            }
            let mut area = AreaProgress {
                id: town.id,
                code: town.code,
                name: town.name,
                measures: empty.clone(),
                medical_planned: 0,
                pension_planned: 0,
                in_plan,
            };
            for v in &villages {
                add_measures(&mut area.measures, &v.measures);
                area.medical_planned += v.medical_planned;
                area.pension_planned += v.pension_planned;
            }
            add_measures(&mut district.measures, &area.measures);
            district.medical_planned += area.medical_planned;
            district.pension_planned += area.pension_planned;
            towns.push(TownProgress { area, villages });
        }
        Ok(Progress {
            year,
            as_of,
            days: policy.window_days(as_of),
            district,
            towns,
        })
    }

    /// Progress of one scope only (the console's gauges): counts summed over
    /// the counters of its villages.
    pub fn scope_counts(
        &self,
        year: i32,
        town_id: Option<i64>,
        village_id: Option<i64>,
    ) -> Result<Measures> {
        let mut st = self.conn().prepare_cached(
            "SELECT c.measure, c.status, sum(c.n), sum(c.paid) FROM progress_counts c JOIN villages v ON v.id = c.village_id
              WHERE c.year = ?1 AND (?2 IS NULL OR v.town_id = ?2) AND (?3 IS NULL OR c.village_id = ?3)
              GROUP BY c.measure, c.status",
        )?;
        let mut out = Measures::new();
        for row in st.query_map(params![year, town_id, village_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })? {
            let (measure, status, n, paid) = row?;
            let c = out.entry(measure).or_default();
            if status == "exempt" {
                c.exempt += n;
                c.exempt_paid += paid;
            } else {
                c.due += n;
                c.paid += paid;
            }
        }
        Ok(out)
    }
}
