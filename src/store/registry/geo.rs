//! Towns (镇街), villages (村居), their agents (代办员) and the district plan.

use crate::domain::village_name;
use crate::store::{Result, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

pub const TOWNS_CSV: &str = include_str!("../../../sample-db/shanting-towns.csv");
pub const VILLAGES_CSV: &str = include_str!("../../../sample-db/shanting-villages.csv");
pub const PLAN_2025_CSV: &str = include_str!("../../../sample-db/plan-2025.csv");

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Town {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Village {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub town_id: i64,
    pub town_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agent {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub village_id: i64,
}

/// Rows of the bundled division files: (code, name) and (code, name, town code).
pub fn bundled_towns() -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(TOWNS_CSV.as_bytes());
    r.records()
        .filter_map(|x| x.ok())
        .map(|x| (x[0].to_string(), x[1].to_string()))
        .collect()
}

pub fn bundled_villages() -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_reader(VILLAGES_CSV.as_bytes());
    r.records()
        .filter_map(|x| x.ok())
        .map(|x| (x[0].to_string(), x[1].to_string(), x[2].to_string()))
        .collect()
}

/// The 2025 plan: (town name, pension planned, medical planned).
pub fn bundled_plan_2025() -> Vec<(String, i64, i64)> {
    let mut r = csv::Reader::from_reader(PLAN_2025_CSV.as_bytes());
    r.records()
        .filter_map(|x| x.ok())
        .map(|x| {
            (
                x[0].to_string(),
                x[2].parse().unwrap_or(0),
                x[3].parse().unwrap_or(0),
            )
        })
        .collect()
}

/// Insert or update a town by code; returns its id.
pub fn upsert_town(tx: &Connection, code: &str, name: &str) -> Result<i64> {
    tx.execute(
        "INSERT INTO towns (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        params![code, name],
    )?;
    Ok(tx.query_row("SELECT id FROM towns WHERE code = ?1", [code], |r| r.get(0))?)
}

/// Insert or update a village by code; returns its id.
pub fn upsert_village(tx: &Connection, code: &str, name: &str, town_id: i64) -> Result<i64> {
    tx.execute(
        "INSERT INTO villages (code, name, short_name, town_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, town_id = excluded.town_id",
        params![code, name, village_name::short(name), town_id],
    )?;
    Ok(
        tx.query_row("SELECT id FROM villages WHERE code = ?1", [code], |r| {
            r.get(0)
        })?,
    )
}

/// Load the bundled towns, villages and 2025 plan (idempotent).
pub fn load_bundled_divisions(tx: &Connection) -> Result<()> {
    for (code, name) in bundled_towns() {
        upsert_town(tx, &code, &name)?;
    }
    for (code, name, town_code) in bundled_villages() {
        let town_id: i64 =
            tx.query_row("SELECT id FROM towns WHERE code = ?1", [&town_code], |r| {
                r.get(0)
            })?;
        upsert_village(tx, &code, &name, town_id)?;
    }
    for (town, pension, medical) in bundled_plan_2025() {
        tx.execute(
            "INSERT INTO plans (year, town_id, pension_planned, medical_planned)
             SELECT 2025, id, ?2, ?3 FROM towns WHERE name = ?1
             ON CONFLICT (year, town_id) DO UPDATE SET pension_planned = excluded.pension_planned,
                                                      medical_planned = excluded.medical_planned",
            params![town, pension, medical],
        )?;
    }
    Ok(())
}

impl Store {
    pub fn towns(&self) -> Result<Vec<Town>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, code, name FROM towns ORDER BY code")?;
        let rows = st.query_map([], |r| {
            Ok(Town {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn villages(&self, town_id: Option<i64>) -> Result<Vec<Village>> {
        let mut st = self.conn().prepare_cached(
            "SELECT v.id, v.code, v.name, v.town_id, t.name FROM villages v JOIN towns t ON t.id = v.town_id
              WHERE ?1 IS NULL OR v.town_id = ?1 ORDER BY v.code",
        )?;
        let rows = st.query_map([town_id], village_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn village_by_code(&self, code: &str) -> Result<Option<Village>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT v.id, v.code, v.name, v.town_id, t.name FROM villages v JOIN towns t ON t.id = v.town_id
                  WHERE v.code = ?1",
                [code.trim()],
                village_row,
            )
            .optional()?)
    }

    /// Find a village by its 12-digit code, or by name (with or without the
    /// committee suffix) within an optional town given by code or name. A
    /// name that fits more than one village is refused, naming the candidates.
    pub fn resolve_village(&self, village: &str, town: Option<&str>) -> Result<Village> {
        let village = village.trim();
        if village.len() == 12 && village.bytes().all(|b| b.is_ascii_digit()) {
            return self
                .village_by_code(village)?
                .ok_or_else(|| StoreError::NotFound {
                    what: "村居",
                    what_en: "village",
                    key: village.to_string(),
                });
        }
        let town = town.map(str::trim).filter(|t| !t.is_empty());
        let mut st = self.conn().prepare_cached(
            "SELECT v.id, v.code, v.name, v.town_id, t.name FROM villages v JOIN towns t ON t.id = v.town_id
              WHERE v.short_name = ?1 OR v.name = ?2 OR v.short_name = ?2",
        )?;
        let found: Vec<Village> = st
            .query_map(params![village_name::short(village), village], village_row)?
            .collect::<rusqlite::Result<_>>()?;
        let found: Vec<Village> = found
            .into_iter()
            .filter(|v| village_name::matches(village, &v.name))
            .filter(|v| match town {
                None => true,
                Some(t) => {
                    v.town_name == t
                        || v.code.starts_with(t)
                        || v.town_name.trim_end_matches(['镇', '街', '道'])
                            == t.trim_end_matches(['镇', '街', '道'])
                }
            })
            .collect();
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(StoreError::NotFound {
                what: "村居",
                what_en: "village",
                key: match town {
                    Some(t) => format!("{t} {village}"),
                    None => village.to_string(),
                },
            }),
            _ => {
                let names: Vec<String> = found
                    .iter()
                    .map(|v| format!("{}{}（{}）", v.town_name, v.name, v.code))
                    .collect();
                Err(StoreError::refused(
                    format!(
                        "村居名称“{village}”不唯一，可能是：{}，请注明镇街或村居代码",
                        names.join("、")
                    ),
                    format!(
                        "village name '{village}' is ambiguous: {}; give the town or the 12-digit code",
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    pub fn agents_of_village(&self, village_id: i64) -> Result<Vec<Agent>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, code, name, phone, village_id FROM agents WHERE village_id = ?1 AND counter = 0 ORDER BY code")?;
        let rows = st.query_map([village_id], agent_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn agent_by_code(&self, code: &str) -> Result<Option<Agent>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, code, name, phone, village_id FROM agents WHERE code = ?1",
                [code.trim()],
                agent_row,
            )
            .optional()?)
    }
}

fn village_row(r: &rusqlite::Row) -> rusqlite::Result<Village> {
    Ok(Village {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        town_id: r.get(3)?,
        town_name: r.get(4)?,
    })
}

fn agent_row(r: &rusqlite::Row) -> rusqlite::Result<Agent> {
    Ok(Agent {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        village_id: r.get(4)?,
    })
}
