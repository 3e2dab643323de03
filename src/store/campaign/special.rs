//! Special cases (特殊情形缴费) recorded through the one payment path:
//! policy back-payment (政策性补缴) and interrupted back-payment (中断补缴)
//! for a past year at that year's own rates, and the newborn's medical
//! payment (新生儿缴费), never late.

use crate::domain::{Insurance, PolicyYear};
use crate::store::campaign::payments::PaymentRequest;
use crate::store::{Result, StoreError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Special cases (特殊情形缴费) recorded through the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Special {
    /// 政策性补缴: a past year at that year's own rates.
    PolicyBackpay,
    /// 中断补缴: a past year missed, at that year's own rates.
    InterruptedBackpay,
    /// 新生儿: a newborn's medical insurance, not late whenever paid.
    Newborn,
}

pub const ALL_SPECIALS: [Special; 3] = [
    Special::PolicyBackpay,
    Special::InterruptedBackpay,
    Special::Newborn,
];

impl Special {
    pub fn code(self) -> &'static str {
        match self {
            Special::PolicyBackpay => "policy-backpay",
            Special::InterruptedBackpay => "interrupted-backpay",
            Special::Newborn => "newborn",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Special::PolicyBackpay => "政策性补缴",
            Special::InterruptedBackpay => "中断补缴",
            Special::Newborn => "新生儿缴费",
        }
    }

    pub fn parse(text: &str) -> Option<Special> {
        let t = text.trim();
        ALL_SPECIALS.iter().copied().find(|s| {
            s.code().eq_ignore_ascii_case(t)
                || s.zh() == t
                || match s {
                    Special::PolicyBackpay => t == "政策性补交",
                    Special::InterruptedBackpay => t == "中断补交",
                    Special::Newborn => t == "新生儿",
                }
        })
    }

    pub fn is_backpay(self) -> bool {
        matches!(self, Special::PolicyBackpay | Special::InterruptedBackpay)
    }

    /// The refusal for an unknown special-case code.
    pub fn unknown(text: &str) -> StoreError {
        let codes: Vec<&str> = ALL_SPECIALS.iter().map(|s| s.code()).collect();
        StoreError::refused(
            format!("未知的特殊缴费类型“{text}”，可选：{}", codes.join("、")),
            format!(
                "unknown special payment '{text}'; one of: {}",
                codes.join(", ")
            ),
        )
    }
}

/// Check a special case against the year, the insurance and the person;
/// back-payments and newborns are charged at the year's own on-time rates.
pub fn check_special(
    special: Special,
    req: &PaymentRequest,
    policy: &PolicyYear,
    birth: Option<NaiveDate>,
    name: &str,
) -> Result<()> {
    if special.is_backpay() && !policy.is_late(req.paid_on) {
        return Err(StoreError::refused(
            format!(
                "{}只适用于征缴期已结束的以往年度：{}年度征缴期到{}为止，请按正常缴费登记",
                special.zh(),
                req.year,
                policy.window.end
            ),
            format!(
                "{} is for a past year whose window has closed; the {} window runs to {}: record an ordinary payment",
                special.code(),
                req.year,
                policy.window.end
            ),
        ));
    }
    if special == Special::Newborn {
        if req.insurance != Insurance::Medical {
            return Err(StoreError::refused(
                "新生儿缴费只适用于医疗保险",
                "newborn payment is for medical insurance only",
            ));
        }
        let born =
            birth.ok_or_else(|| StoreError::refused("缺少出生日期", "birth date is missing"))?;
        if born > req.paid_on || !(req.year - 1..=req.year).contains(&born.year()) {
            return Err(StoreError::refused(
                format!(
                    "{name}出生于{born}，不是{}年度的新生儿（应出生于{}年或{}年）",
                    req.year,
                    req.year - 1,
                    req.year
                ),
                format!(
                    "born on {born}: not a newborn of insured year {} (born in {} or {}, before the payment)",
                    req.year,
                    req.year - 1,
                    req.year
                ),
            ));
        }
    }
    Ok(())
}
