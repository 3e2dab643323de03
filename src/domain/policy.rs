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
    /// The plan's steps around collection and their dates (清册公示, 缴费公示).
    #[serde(default)]
    pub process: Process,
}

/// The steps of the plan that have dates: the roster's publicity before
/// collection and the publicity of who paid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// 清册公示: absent when the plan has the roster only as a reference
    /// (2025); then the roster is made final right after its review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster_publicity: Option<PublicityStep>,
    /// 缴费公示: absent in a file that predates these steps, which keeps the
    /// old rule (after the window, at least 3 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_publicity: Option<PublicityStep>,
}

/// A publicity the plan calls for: how long at least, within which phase,
/// and whether declaration (申报) waits for it to end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityStep {
    pub min_days: u32,
    /// The phase (`phases[].key`) both its first and last day fall in.
    pub phase: String,
    #[serde(default)]
    pub before_declaration: bool,
}

/// Which publicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publicity {
    Roster,
    Payment,
}

/// Days a publicity lasts at least when the policy file names no step
/// (files written before the steps were data).
pub const DEFAULT_PUBLICITY_DAYS: u32 = 3;

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
        for (what, step) in [
            ("roster_publicity", &self.process.roster_publicity),
            ("payment_publicity", &self.process.payment_publicity),
        ] {
            let Some(step) = step else { continue };
            let Some(phase) = self.phases.iter().find(|p| p.key == step.phase) else {
                return bad(format!(
                    "{what} 的阶段 {} 不存在 / {what}: no phase {}",
                    step.phase, step.phase
                ));
            };
            let length = (phase.end - phase.start).num_days() + 1;
            if step.min_days == 0 || i64::from(step.min_days) > length {
                return bad(format!(
                    "{what} 的天数 {} 无效 / {what}: min_days {} does not fit phase {}",
                    step.min_days, step.min_days, phase.key
                ));
            }
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

    pub fn phase(&self, key: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.key == key)
    }

    pub fn publicity_step(&self, which: Publicity) -> Option<&PublicityStep> {
        match which {
            Publicity::Roster => self.process.roster_publicity.as_ref(),
            Publicity::Payment => self.process.payment_publicity.as_ref(),
        }
    }

    /// The least number of days of a publicity this year.
    pub fn publicity_min_days(&self, which: Publicity) -> u32 {
        match self.publicity_step(which) {
            Some(s) => s.min_days,
            None if which == Publicity::Roster => 1,
            None => DEFAULT_PUBLICITY_DAYS,
        }
    }

    /// Why a publicity from `from` to `to` (both included) does not fit
    /// the plan, Chinese and English; `None` when it fits.
    pub fn publicity_refusal(
        &self,
        which: Publicity,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<(String, String)> {
        let (zh, en) = match which {
            Publicity::Roster => ("清册公示", "roster publicity"),
            Publicity::Payment => ("缴费公示", "payment publicity"),
        };
        let year = self.year;
        if to < from {
            return Some((
                format!("{zh}结束日期{to}早于开始日期{from}"),
                format!("the {en} ends ({to}) before it starts ({from})"),
            ));
        }
        let days = (to - from).num_days() + 1;
        let least = i64::from(self.publicity_min_days(which));
        if days < least {
            return Some((
                format!("{zh}{from}至{to}共{days}天，{year}年度方案要求不少于{least}天"),
                format!(
                    "{en} {from} to {to} is {days} day(s); the {year} plan asks for at least {least}"
                ),
            ));
        }
        match self
            .publicity_step(which)
            .and_then(|s| self.phase(&s.phase))
        {
            Some(p) if from < p.start || to > p.end => Some((
                format!(
                    "{year}年度方案的{zh}在{}（{}至{}）进行，{from}至{to}不在其中",
                    p.zh, p.start, p.end
                ),
                format!(
                    "the {year} plan holds the {en} in its {} phase ({} to {}); {from} to {to} is outside it",
                    p.en, p.start, p.end
                ),
            )),
            Some(_) => None,
            // A file without the step: the payment publicity follows the window.
            None if which == Publicity::Payment && from <= self.window.end => Some((
                format!(
                    "{zh}应在{year}年度征缴期结束（{}）之后开始",
                    self.window.end
                ),
                format!(
                    "the {en} starts after the {year} window closes ({})",
                    self.window.end
                ),
            )),
            None => None,
        }
    }

    /// Whether declaration (申报) waits for the village's payment publicity
    /// to end (2021: 公示结束后…办理虚拟户申报).
    pub fn declaration_after_publicity(&self) -> bool {
        self.process
            .payment_publicity
            .as_ref()
            .is_some_and(|s| s.before_declaration)
    }

    pub fn in_window(&self, date: NaiveDate) -> bool {
        self.window.start <= date && date <= self.window.end
    }

    /// A payment on `date` is late (逾期) when the window has closed.
    pub fn is_late(&self, date: NaiveDate) -> bool {
        date > self.window.end
    }

    /// The first day of medical benefits for a late payment made on `date`:
    /// `benefit_wait_days` later (缴费满30日后方可享受待遇: paid on 01-01, the
    /// 30 days 01-01..01-30 are full and benefits start 01-31), never before
    /// the insured year begins.
    pub fn benefit_from(&self, date: NaiveDate) -> NaiveDate {
        let waited = date + chrono::Days::new(u64::from(self.medical.late.benefit_wait_days));
        let year_start = NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or(waited);
        waited.max(year_start)
    }

    /// The groups allowed the minimum tier, in Chinese (`一级残疾、低保`) and
    /// as codes (`disabled-1, dibao`), for messages.
    pub fn minimum_tier_groups_text(&self) -> (String, String) {
        let groups = &self.pension.minimum_tier_groups;
        let name = |g: &Group, f: fn(Group) -> &'static str, sep: &str| {
            std::iter::once(*g)
                .chain(g.same_people().iter().copied())
                .map(f)
                .collect::<Vec<_>>()
                .join(sep)
        };
        let zh: Vec<String> = groups.iter().map(|g| name(g, Group::zh, "/")).collect();
        let en: Vec<String> = groups.iter().map(|g| name(g, Group::code, "/")).collect();
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
