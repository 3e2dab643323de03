//! Policy years as data: one TOML file per insured year. The 2021 and 2025
//! files ship inside the binary; a later year is added by importing a file.

use super::group::{Group, Office};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const BUILT_IN: [&str; 2] = [
    include_str!("../../policies/2021.toml"),
    include_str!("../../policies/2025.toml"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyYear {
    pub year: i32,
    pub title: String,
    #[serde(default)]
    pub source: String,
    pub window: Window,
    pub phases: Vec<Phase>,
    pub pension: PensionRules,
    pub medical: MedicalRules,
    pub targets: Targets,
    pub offices: Offices,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub amount: Decimal,
    pub subsidy: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PensionRules {
    pub min_age: i32,
    pub max_age: i32,
    pub exclude_students: bool,
    pub tiers: Vec<Tier>,
    pub minimum_tier: Decimal,
    pub minimum_tier_groups: Vec<Group>,
    pub proxy_groups: Vec<Group>,
    pub proxy_tier: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicalRules {
    pub individual: Decimal,
    pub fiscal: Decimal,
    pub full_proxy_groups: Vec<Group>,
    pub full_proxy_min_age: i32,
    pub half_proxy_min_age: i32,
    pub half_proxy_percent: u32,
    pub late: LateRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateRule {
    pub person_pays_fiscal_share: bool,
    pub benefit_wait_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub medical_percent: u32,
    pub bands: Vec<Band>,
}

/// An age band of the pension target (e.g. 45–59 at 95%).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub key: String,
    pub min_age: i32,
    pub max_age: i32,
    pub target_percent: u32,
}

impl Band {
    pub fn target(&self) -> Decimal {
        Decimal::from(self.target_percent) / Decimal::from(100)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offices {
    /// The office that pays the age-based medical share.
    pub age: Office,
    pub groups: BTreeMap<Group, Office>,
}

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("政策文件格式错误 / policy file is not valid: {0}")]
    Syntax(String),
    #[error("政策文件内容不一致 / policy file is inconsistent: {0}")]
    Invalid(String),
}

impl PolicyYear {
    /// Parse and check a policy file. TOML errors carry line and column.
    pub fn from_toml(text: &str) -> Result<PolicyYear, PolicyError> {
        let p: PolicyYear = toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let bad = |m: String| Err(PolicyError::Invalid(m));
        if !(1990..=2200).contains(&self.year) {
            return bad(format!(
                "年度 {} 不合理 / year {} is out of range",
                self.year, self.year
            ));
        }
        if self.window.start > self.window.end {
            return bad("征缴期开始晚于结束 / window starts after it ends".into());
        }
        if self.pension.tiers.is_empty() {
            return bad("没有养老保险缴费档次 / no pension tiers".into());
        }
        for w in self.pension.tiers.windows(2) {
            if w[0].amount >= w[1].amount {
                return bad(format!(
                    "缴费档次须从低到高排列：{} 在 {} 之后 / tiers must ascend: {} after {}",
                    w[1].amount, w[0].amount, w[1].amount, w[0].amount
                ));
            }
        }
        for t in &self.pension.tiers {
            if t.amount <= Decimal::ZERO || t.subsidy < Decimal::ZERO {
                return bad(format!(
                    "档次 {} 金额无效 / tier {} has an invalid amount",
                    t.amount, t.amount
                ));
            }
        }
        if self
            .pension
            .tiers
            .iter()
            .all(|t| t.amount == self.pension.minimum_tier)
        {
            return bad("没有人人可选的缴费档次 / no tier is open to everyone".into());
        }
        for (what, amount) in [
            ("minimum_tier", self.pension.minimum_tier),
            ("proxy_tier", self.pension.proxy_tier),
        ] {
            if self.tier(amount).is_none() {
                return bad(format!(
                    "{what} = {amount} 不是本年度档次 / {what} = {amount} is not one of the tiers"
                ));
            }
        }
        if self.pension.min_age > self.pension.max_age {
            return bad("养老保险年龄范围无效 / pension age range is empty".into());
        }
        // The government pays the proxy tier on the person's behalf, so a
        // proxy group must be allowed to hold that tier.
        if self.pension.proxy_tier == self.pension.minimum_tier {
            for g in &self.pension.proxy_groups {
                if !self.pension.minimum_tier_groups.contains(g) {
                    return bad(format!(
                        "代缴群体 {} 不在最低档次群体中 / proxy group {} is missing from minimum_tier_groups",
                        g.zh(),
                        g.code()
                    ));
                }
            }
        }
        if self.medical.half_proxy_min_age > self.medical.full_proxy_min_age {
            return bad(
                "医疗保险减半年龄高于全额代缴年龄 / half_proxy_min_age is above full_proxy_min_age"
                    .into(),
            );
        }
        for (i, a) in self.targets.bands.iter().enumerate() {
            if a.min_age > a.max_age {
                return bad(format!(
                    "目标年龄段 {} 为空 / target band {} is empty",
                    a.key, a.key
                ));
            }
            // An age must fall in one band only: the seed's "16～45" overlaps 45.
            for b in &self.targets.bands[i + 1..] {
                if a.min_age <= b.max_age && b.min_age <= a.max_age {
                    return bad(format!(
                        "目标年龄段 {} 与 {} 重叠 / target bands {} and {} overlap",
                        a.key, b.key, a.key, b.key
                    ));
                }
            }
        }
        if self.medical.individual < Decimal::ZERO || self.medical.fiscal < Decimal::ZERO {
            return bad("医疗保险金额不能为负 / medical amounts cannot be negative".into());
        }
        if self.medical.half_proxy_percent > 100 {
            return bad("half_proxy_percent 超过 100 / half_proxy_percent exceeds 100".into());
        }
        for p in &self.phases {
            if p.start > p.end {
                return bad(format!(
                    "阶段 {} 开始晚于结束 / phase {} starts after it ends",
                    p.zh, p.key
                ));
            }
        }
        Ok(())
    }

    pub fn tier(&self, amount: Decimal) -> Option<Tier> {
        self.pension
            .tiers
            .iter()
            .copied()
            .find(|t| t.amount == amount)
    }

    pub fn tier_amounts(&self) -> Vec<Decimal> {
        self.pension.tiers.iter().map(|t| t.amount).collect()
    }

    /// The phase a date falls in, if any.
    pub fn phase_on(&self, date: NaiveDate) -> Option<&Phase> {
        self.phases
            .iter()
            .find(|p| p.start <= date && date <= p.end)
    }

    pub fn in_window(&self, date: NaiveDate) -> bool {
        self.window.start <= date && date <= self.window.end
    }

    /// A payment on `date` is late (逾期) when the window has closed.
    pub fn is_late(&self, date: NaiveDate) -> bool {
        date > self.window.end
    }

    /// The groups allowed the minimum tier, in Chinese (`一级残疾、低保`) and
    /// as codes (`disabled-1, dibao`), for messages.
    pub fn minimum_tier_groups_text(&self) -> (String, String) {
        let groups = &self.pension.minimum_tier_groups;
        let zh: Vec<&str> = groups.iter().map(|g| g.zh()).collect();
        let en: Vec<&str> = groups.iter().map(|g| g.code()).collect();
        (zh.join("、"), en.join(", "))
    }

    /// Days of the window in total, elapsed by `as_of` (inclusive) and left.
    pub fn window_days(&self, as_of: NaiveDate) -> WindowDays {
        let total = (self.window.end - self.window.start).num_days() + 1;
        let elapsed = ((as_of - self.window.start).num_days() + 1).clamp(0, total);
        WindowDays {
            total,
            elapsed,
            left: total - elapsed,
        }
    }

    pub fn band(&self, key: &str) -> Option<&Band> {
        self.targets.bands.iter().find(|b| b.key == key)
    }

    pub fn band_for_age(&self, age: i32) -> Option<&Band> {
        self.targets
            .bands
            .iter()
            .find(|b| b.min_age <= age && age <= b.max_age)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WindowDays {
    pub total: i64,
    pub elapsed: i64,
    pub left: i64,
}

/// The policy years known to the program: built-in ones plus imported ones.
#[derive(Debug, Clone)]
pub struct Policies {
    years: BTreeMap<i32, PolicyYear>,
}

impl Policies {
    pub fn built_in() -> Policies {
        let years = BUILT_IN
            .iter()
            .map(|t| PolicyYear::from_toml(t).expect("built-in policy files are valid"))
            .map(|p| (p.year, p))
            .collect();
        Policies { years }
    }

    /// Add or replace a year (an imported policy file).
    pub fn insert(&mut self, p: PolicyYear) {
        self.years.insert(p.year, p);
    }

    pub fn get(&self, year: i32) -> Option<&PolicyYear> {
        self.years.get(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    pub fn latest(&self) -> &PolicyYear {
        self.years
            .values()
            .next_back()
            .expect("at least the built-in years")
    }

    /// The policy year whose window contains `date`, or the nearest one
    /// that started before it.
    pub fn for_date(&self, date: NaiveDate) -> &PolicyYear {
        self.years
            .values()
            .rev()
            .find(|p| p.window.start <= date)
            .unwrap_or_else(|| self.years.values().next().expect("at least one year"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_years_load() {
        let p = Policies::built_in();
        assert_eq!(p.years().collect::<Vec<_>>(), vec![2021, 2025]);
        assert_eq!(p.get(2025).unwrap().tier_amounts().len(), 8);
        assert_eq!(p.get(2021).unwrap().tier_amounts().len(), 12);
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = PolicyYear::from_toml("year = 2026\ntitle = \n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    fn refused(from: &str, to: &str, says: &str) {
        let text = BUILT_IN[1].replace(from, to);
        assert_ne!(text, BUILT_IN[1], "{from} not found");
        let err = PolicyYear::from_toml(&text).unwrap_err();
        assert!(matches!(err, PolicyError::Invalid(_)), "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }

    #[test]
    fn inconsistent_files_are_refused() {
        // The seed's "16～45" would put 45 in both bands.
        refused(
            "{ key = \"pension_16_44\", min_age = 16, max_age = 44",
            "{ key = \"pension_16_44\", min_age = 16, max_age = 45",
            "overlap",
        );
        refused(
            "proxy_groups = [\"disabled-1\", \"disabled-2\"]",
            "proxy_groups = [\"disabled-1\", \"disabled-3\"]",
            "disabled-3",
        );
        refused("half_proxy_min_age = 60", "half_proxy_min_age = 75", "half");
        refused("proxy_tier = 100", "proxy_tier = 200", "proxy_tier");
        refused(
            "{ amount = 350, subsidy = 30 },\n  { amount = 500",
            "{ amount = 500, subsidy = 30 },\n  { amount = 500",
            "ascend",
        );
        refused(
            "start = \"2024-09-01\"\nend = \"2024-12-31\"",
            "start = \"2024-12-31\"\nend = \"2024-09-01\"",
            "window",
        );
        refused(
            "min_age = 16\nmax_age = 59",
            "min_age = 60\nmax_age = 59",
            "age",
        );
    }

    #[test]
    fn a_year_with_only_the_minimum_tier_is_refused() {
        let p = Policies::built_in();
        let mut y = p.get(2025).unwrap().clone();
        y.pension.tiers.truncate(1);
        let text = toml::to_string(&y).unwrap();
        let err = PolicyYear::from_toml(&text).unwrap_err();
        assert!(err.to_string().contains("open to everyone"), "{err}");
    }

    #[test]
    fn is_late_only_after_the_window() {
        let p = Policies::built_in();
        let y = p.get(2021).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2020, m, d).unwrap();
        assert!(!y.is_late(day(9, 1)));
        assert!(!y.is_late(day(12, 20)));
        assert!(y.is_late(day(12, 21)));
    }

    #[test]
    fn window_days() {
        let p = Policies::built_in();
        let y = p.get(2025).unwrap();
        let d = y.window_days(NaiveDate::from_ymd_opt(2024, 11, 23).unwrap());
        assert_eq!((d.total, d.elapsed, d.left), (122, 84, 38));
        assert_eq!(
            y.phase_on(NaiveDate::from_ymd_opt(2024, 11, 23).unwrap())
                .unwrap()
                .key,
            "pay"
        );
    }
}
