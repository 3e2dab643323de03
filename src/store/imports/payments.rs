//! `import payments`: self-service payments reported by the tax system
//! (微信, 支付宝, 爱山东, 电子税务局, bank…). Each row goes through
//! [`record_in`], the one payment path, inside a savepoint, so a refused row
//! leaves nothing behind. The amount in the file must be what the policy
//! engine says the person pays; the same payment imported again is
//! unchanged, a different payment for the same year and insurance is refused.

use super::judging::{
    self, ImportError, ImportKind, ImportOptions, ImportReport, Journal, OnRows, missing,
};
use crate::domain::money::{from_fen, to_fen};
use crate::domain::{Channel, IdNumber, Insurance, Policies, PolicyYear};
use crate::exchange::{Field, Header, Row, Table};
use crate::store::campaign::payments::{PaymentRequest, record_unaudited};
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use std::collections::HashMap;

pub(crate) fn import(
    store: &mut Store,
    mut table: Table,
    header: &Header,
    opts: &ImportOptions,
    unknown: Vec<String>,
    progress: OnRows,
) -> std::result::Result<ImportReport, ImportError> {
    let policy = store.campaign_policy(opts.year)?;
    let policies = store.policies()?;
    judging::run(
        store,
        ImportKind::Payments,
        opts,
        Some(policy.year),
        unknown,
        |tx, user, journal| {
            let mut ctx = Ctx {
                tx,
                user,
                policies: &policies,
                policy: &policy,
                header,
                opts,
                seen: HashMap::new(),
            };
            let lists = super::members::Deferred::begin(tx)?;
            let mut done = 0;
            for row in judging::data_rows(&mut table, header) {
                ctx.row(&row?, journal)?;
                done += 1;
                if done % 200 == 0 {
                    progress(done);
                }
            }
            progress(done);
            lists.finish(tx)?;
            Ok(())
        },
    )
}

struct Ctx<'a> {
    tx: &'a Transaction<'a>,
    user: &'a str,
    policies: &'a Policies,
    policy: &'a PolicyYear,
    header: &'a Header,
    opts: &'a ImportOptions,
    /// (ID number, insurance) → the line it was first seen on.
    seen: HashMap<(String, Insurance), usize>,
}

/// A row that passed the checks that need no database.
struct Wanted {
    id: IdNumber,
    insurance: Insurance,
    amount: Decimal,
    tier: Option<Decimal>,
    paid_on: NaiveDate,
    channel: Channel,
}

impl Ctx<'_> {
    fn row(&mut self, row: &Row, journal: &mut Journal) -> Result<()> {
        let w = match self.check(row) {
            Ok(w) => w,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        let (_, known) = match judging::known_resident(self.tx, self.header, row)? {
            Ok(k) => k,
            Err(reason) => return journal.rejected(row.line, reason),
        };
        if let Some(died) = known.deceased_on
            && w.paid_on >= died
        {
            return journal.rejected(
                row.line,
                format!(
                    "缴费日期{}不早于死亡日期{died}，不能登记（应退费） / paid on {}, on or after the death on {died}; not recorded (refund it)",
                    w.paid_on, w.paid_on
                ),
            );
        }
        if self.already_recorded(known.id, &w)? {
            return journal.unchanged(row.line);
        }
        let req = PaymentRequest {
            id_number: w.id.as_str().to_string(),
            year: self.policy.year,
            insurance: w.insurance,
            tier: w.tier,
            channel: w.channel,
            receipt: None,
            agent_code: None,
            office: None,
            paid_on: w.paid_on,
            special: None,
        };
        self.tx.execute_batch("SAVEPOINT import_payment")?;
        // The import's one audit entry stands for every payment it records.
        let outcome = record_unaudited(self.tx, self.policies, self.user, &req);
        let verdict = match outcome {
            Ok(rec) if rec.person_fen == to_fen(w.amount) => {
                Ok(format!("缴费记录 payment #{}", rec.payment_id))
            }
            Ok(rec) => Err(format!(
                "金额{}元与政策应缴{}元不符{} / the amount {} differs from the {} the policy calls for{}",
                w.amount,
                from_fen(rec.person_fen),
                tier_zh(w.tier),
                w.amount,
                from_fen(rec.person_fen),
                tier_en(w.tier),
            )),
            Err(e @ (StoreError::Refused(_) | StoreError::NotFound { .. })) => Err(e.to_string()),
            Err(e) => {
                self.tx
                    .execute_batch("ROLLBACK TO import_payment; RELEASE import_payment")?;
                return Err(e);
            }
        };
        match verdict {
            Ok(note) => {
                self.tx.execute_batch("RELEASE import_payment")?;
                journal.accepted(row.line, Some(&note))
            }
            Err(reason) => {
                self.tx
                    .execute_batch("ROLLBACK TO import_payment; RELEASE import_payment")?;
                journal.rejected(row.line, reason)
            }
        }
    }

    fn check(&mut self, row: &Row) -> std::result::Result<Wanted, String> {
        let h = self.header;
        let id = judging::id_of(h, row)?;
        let insurance = match h.get(row, Field::Insurance) {
            Some(text) => Insurance::parse(text).ok_or_else(|| {
                format!(
                    "险种“{text}”无法识别，应为医疗或养老 / insurance '{text}' is neither medical nor pension"
                )
            })?,
            None => self.opts.insurance.ok_or_else(|| missing(Field::Insurance))?,
        };
        let key = (id.as_str().to_string(), insurance);
        if let Some(first) = self.seen.get(&key) {
            return Err(format!(
                "与第{first}行是同一人同一险种的缴费（重复） / the same person and insurance as line {first} (duplicate)"
            ));
        }
        self.seen.insert(key, row.line);
        let amount = parse_money(
            h.get(row, Field::Amount)
                .ok_or_else(|| missing(Field::Amount))?,
        )
        .map_err(|text| {
            format!("缴费金额“{text}”不是金额 / the amount '{text}' is not a sum of money")
        })?;
        let paid_on = judging::date_of(h, row, Field::PaidDate, self.opts.today)?
            .ok_or_else(|| missing(Field::PaidDate))?;
        let channel_text = h
            .get(row, Field::Channel)
            .ok_or_else(|| missing(Field::Channel))?;
        let channel = Channel::parse(channel_text).ok_or_else(|| {
            format!(
                "缴费渠道“{channel_text}”无法识别（可用：微信、支付宝、爱山东、电子税务局、银行、办税大厅、代办员POS） / unknown channel '{channel_text}'"
            )
        })?;
        let tier = match insurance {
            Insurance::Medical => None,
            Insurance::Pension => Some(self.tier(row, amount)?),
        };
        Ok(Wanted {
            id,
            insurance,
            amount,
            tier,
            paid_on,
            channel,
        })
    }

    /// The pension tier: its column, else the amount when it is a tier.
    fn tier(&self, row: &Row, amount: Decimal) -> std::result::Result<Decimal, String> {
        match self.header.get(row, Field::Tier) {
            Some(text) => parse_money(text.trim_end_matches('档')).map_err(|text| {
                format!("缴费档次“{text}”不是金额 / the tier '{text}' is not a sum of money")
            }),
            None if self.policy.tier(amount).is_some() => Ok(amount),
            None => Err(format!(
                "养老保险缺少缴费档次，{amount}元也不是{}年度的档次 / the pension tier is missing and {amount} is not a tier of {}",
                self.policy.year, self.policy.year
            )),
        }
    }

    /// Whether this very payment is already recorded (a file imported twice).
    fn already_recorded(&self, resident_id: i64, w: &Wanted) -> Result<bool> {
        let found: Option<(String, String, i64, Option<i64>)> = self
            .tx
            .prepare_cached(
                "SELECT p.paid_on, p.channel, p.person_fen, p.tier_fen
                   FROM paid x JOIN payments p ON p.id = x.payment_id
                  WHERE x.year = ?1 AND x.insurance = ?2 AND x.resident_id = ?3",
            )?
            .query_row(
                params![self.policy.year, w.insurance.code(), resident_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(found.is_some_and(|(on, channel, person_fen, tier_fen)| {
            on == w.paid_on.to_string()
                && channel == w.channel.code()
                && person_fen == to_fen(w.amount)
                && tier_fen == w.tier.map(to_fen)
        }))
    }
}

fn tier_zh(tier: Option<Decimal>) -> String {
    tier.map(|t| format!("（{t}元档次）")).unwrap_or_default()
}

fn tier_en(tier: Option<Decimal>) -> String {
    tier.map(|t| format!(" (tier {t})")).unwrap_or_default()
}

/// `400`, `400.00`, `400元`, `¥400`, `1,000`: whole fen, not negative.
/// `Err` gives back the text.
pub(crate) fn parse_money(text: &str) -> std::result::Result<Decimal, String> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    // A sum Excel computed may carry binary noise (399.99999999999994):
    // within a millionth of a fen-exact sum it is that sum; 1.005 is not.
    match t.parse::<Decimal>() {
        Ok(d) if d >= Decimal::ZERO && (d - d.round_dp(2)).abs() < Decimal::new(1, 6) => {
            Ok(d.round_dp(2).normalize())
        }
        _ => Err(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money() {
        assert_eq!(parse_money("400").unwrap(), Decimal::from(400));
        assert_eq!(parse_money("¥1,000.00元").unwrap(), Decimal::from(1000));
        assert!(parse_money("四百").is_err());
        assert!(parse_money("-5").is_err());
        assert!(parse_money("1.005").is_err());
        assert_eq!(
            parse_money("399.99999999999994").unwrap(),
            Decimal::from(400)
        );
        assert_eq!(
            parse_money("350.00000000000006").unwrap(),
            Decimal::from(350)
        );
    }
}
