//! Helpers shared by the campaign subcommands (proxy, receipts, remit,
//! declare, roster, refund, resident): defaults for dates and the year,
//! parsing of offices and insurances, amounts in JSON.

use crate::domain::money::{Amount, from_fen};
use crate::domain::{Insurance, Office};
use crate::store::Store;
use crate::store::registry::geo::Village;
use anyhow::Context;
use chrono::NaiveDate;
use serde_json::Value;

/// The real date, for flags left out (tests always pin dates).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The campaign year: the flag, else the database's, else the newest policy.
pub fn year(store: &Store, flag: Option<i32>) -> anyhow::Result<i32> {
    if let Some(y) = flag {
        return Ok(y);
    }
    Ok(match store.stored_year()? {
        Some(y) => y,
        None => store.policies()?.latest().year,
    })
}

/// A village by 12-digit code or unambiguous name.
pub fn village(store: &Store, text: &str) -> anyhow::Result<Village> {
    Ok(store.resolve_village(text, None)?)
}

pub fn office(text: &str) -> anyhow::Result<Office> {
    Office::parse(text).with_context(|| {
        format!(
            "未知部门“{text}”，可选：民政 残联 卫健 乡村振兴 退役军人事务 / unknown office '{text}': civil-affairs, disabled-persons, health, rural-revitalization, veterans"
        )
    })
}

pub fn insurance(text: &str) -> anyhow::Result<Insurance> {
    Insurance::parse(text).with_context(|| {
        format!("未知险种“{text}”，应为 medical 或 pension / unknown insurance '{text}'")
    })
}

/// Fen as an exact JSON number of yuan (`400`, `12.5`).
pub fn amount(fen: i64) -> Value {
    serde_json::to_value(Amount::from(from_fen(fen))).expect("number")
}

/// Fen as yuan text for people (`400.00`).
pub fn yuan(fen: i64) -> String {
    crate::domain::money::yuan(fen)
}

pub fn print_json(v: &Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}
