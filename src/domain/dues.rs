//! Dues: for one policy year and one person, who pays what for each insurance.

use super::channel::Insurance;
use super::group::{Group, Office};
use super::policy::PolicyYear;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// What the rules need to know about a person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    pub birth_date: Option<NaiveDate>,
    pub groups: BTreeSet<Group>,
    pub deceased: bool,
    pub hukou_cancelled: bool,
}

impl Person {
    pub fn born(birth_date: NaiveDate) -> Person {
        Person {
            birth_date: Some(birth_date),
            ..Person::default()
        }
    }

    pub fn with_groups(mut self, groups: impl IntoIterator<Item = Group>) -> Person {
        self.groups.extend(groups);
        self
    }

    pub fn has(&self, g: Group) -> bool {
        self.groups.contains(&g)
    }
}

/// Age for insured year Y: `Y − birth year` (the age reached during the year).
pub fn insured_age(year: i32, birth: NaiveDate) -> i32 {
    year - birth.year()
}

/// Why a person is not covered by an insurance this year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ineligible {
    NotBorn,
    Deceased,
    HukouCancelled,
    EmployeeInsured,
    Student,
    TooYoung,
    PensionAge,
    /// Enrolled in the employee insurance of this kind (职工医保 / 职工养老).
    EmployeeOne,
    /// Insured for this insurance in another place (外地参保).
    InsuredElsewhere,
}

impl Ineligible {
    pub fn zh(self) -> &'static str {
        match self {
            Ineligible::NotBorn => "本年度尚未出生",
            Ineligible::Deceased => "已死亡",
            Ineligible::HukouCancelled => "户籍已注销",
            Ineligible::EmployeeInsured => "已参加职工保险",
            Ineligible::Student => "在校学生不参加居民养老保险",
            Ineligible::TooYoung => "未满16周岁",
            Ineligible::PensionAge => "已满60周岁，领取待遇不再缴费",
            Ineligible::EmployeeOne => "已参加职工保险（本险种）",
            Ineligible::InsuredElsewhere => "已在外地参保（本险种）",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Ineligible::NotBorn => "not yet born in this year",
            Ineligible::Deceased => "deceased",
            Ineligible::HukouCancelled => "hukou cancelled",
            Ineligible::EmployeeInsured => "enrolled in employee insurance",
            Ineligible::Student => "students are excluded from residents' pension",
            Ineligible::TooYoung => "under 16",
            Ineligible::PensionAge => "60 or older: draws pension, pays no more",
            Ineligible::EmployeeOne => "enrolled in the employee insurance of this kind",
            Ineligible::InsuredElsewhere => "insured for this insurance in another place",
        }
    }
}

/// Why the government pays (part of) a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Basis {
    Group(Group),
    Age(i32),
}

impl Basis {
    pub fn zh(self) -> String {
        match self {
            Basis::Group(g) => g.zh().to_string(),
            Basis::Age(a) => format!("{a}岁"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedicalDues {
    pub eligible: bool,
    pub ineligible: Option<Ineligible>,
    /// The individual share of the year (个人缴费标准).
    pub individual_share: Decimal,
    /// The fiscal subsidy per person (财政补助).
    pub fiscal_subsidy: Decimal,
    pub person_pays: Decimal,
    /// The part of the individual share the government pays (代缴).
    pub government_pays: Decimal,
    /// The government pays the whole individual share (免缴费认定).
    pub exempt: bool,
    pub basis: Option<Basis>,
    pub office: Option<Office>,
    pub late: bool,
    /// Of `person_pays`, the fiscal share a late payer pays (逾期补缴).
    pub late_fiscal: Decimal,
    /// A late payer's first day of benefits (缴费满N日后方可享受待遇).
    pub benefit_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PensionDues {
    pub eligible: bool,
    pub ineligible: Option<Ineligible>,
    /// The target band (`pension_45_59`, `pension_16_44`), if any.
    pub band: Option<String>,
    /// Tiers this person may choose.
    pub tiers: Vec<Decimal>,
    pub tier: Option<Decimal>,
    pub person_pays: Decimal,
    pub government_pays: Decimal,
    /// Subsidy credited to the personal account for the tier.
    pub subsidy: Decimal,
    pub exempt: bool,
    pub basis: Option<Basis>,
    pub office: Option<Office>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dues {
    pub year: i32,
    pub age: i32,
    pub birth_date: NaiveDate,
    pub medical: MedicalDues,
    pub pension: PensionDues,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DuesError {
    #[error(
        "{year}年度没有 {tier} 元档次，可选档次：{choices} / the {year} policy has no {tier} tier; tiers: {choices}"
    )]
    NoSuchTier {
        year: i32,
        tier: Decimal,
        choices: String,
    },
    #[error(
        "{tier} 元档次只适用于本年度政策规定的缴费困难群体，此人不符合 / the {tier} tier is only for the hardship groups of the year's policy; this person is not entitled to it"
    )]
    TierNotEntitled { tier: Decimal },
    #[error("缺少出生日期 / birth date is missing")]
    NoBirthDate,
}

/// The person's first group named by the list; a group the list names by
/// its other name (五保 for 特困) counts, and the person's own is returned.
fn first_group_in(person: &Person, list: &[Group]) -> Option<Group> {
    list.iter().find_map(|g| {
        if person.has(*g) {
            Some(*g)
        } else {
            g.same_people().iter().copied().find(|e| person.has(*e))
        }
    })
}

fn common_ineligibility(person: &Person, age: i32, insurance: Insurance) -> Option<Ineligible> {
    let excluded = |kinds: &[Group]| kinds.iter().any(|g| person.has(*g));
    let (employee, elsewhere) = match insurance {
        Insurance::Medical => (Group::EmployeeMedical, Group::ElsewhereMedical),
        Insurance::Pension => (Group::EmployeePension, Group::ElsewherePension),
    };
    if age < 0 {
        Some(Ineligible::NotBorn)
    } else if person.deceased {
        Some(Ineligible::Deceased)
    } else if person.hukou_cancelled {
        Some(Ineligible::HukouCancelled)
    } else if person.has(Group::EmployeeInsured) {
        Some(Ineligible::EmployeeInsured)
    } else if excluded(&[employee]) {
        Some(Ineligible::EmployeeOne)
    } else if excluded(&[elsewhere]) {
        Some(Ineligible::InsuredElsewhere)
    } else {
        None
    }
}

/// Compute the dues of `person` for the policy year, on time.
/// `tier` picks a pension tier; without it the lowest tier open to the
/// person is quoted.
pub fn compute(
    policy: &PolicyYear,
    person: &Person,
    tier: Option<Decimal>,
) -> Result<Dues, DuesError> {
    let birth = person.birth_date.ok_or(DuesError::NoBirthDate)?;
    let age = insured_age(policy.year, birth);
    let medical = medical(policy, person, age);
    let pension = pension(policy, person, age, tier)?;
    Ok(Dues {
        year: policy.year,
        age,
        birth_date: birth,
        medical,
        pension,
    })
}

/// Compute dues for a payment made on `date`: after the window has closed the
/// year's late rule (逾期参保缴费) applies to medical insurance. A date before
/// the window opens is not late.
pub fn compute_on(
    policy: &PolicyYear,
    person: &Person,
    tier: Option<Decimal>,
    date: NaiveDate,
) -> Result<Dues, DuesError> {
    let mut dues = compute(policy, person, tier)?;
    if policy.is_late(date) && dues.medical.eligible {
        let m = &mut dues.medical;
        m.late = true;
        m.benefit_from = Some(policy.benefit_from(date));
        // 需全额缴纳包括各级政府补助资金在内: the person who pays late also
        // pays the fiscal share. The government's proxy share (低保, 特困,
        // 70+, half at 60–69) stands; where the government pays the whole
        // individual share nobody is late by choice and the fiscal share
        // stays the treasury's own (README, "Policy years are data").
        if policy.medical.late.person_pays_fiscal_share && !m.exempt {
            m.late_fiscal = policy.medical.fiscal;
            m.person_pays += policy.medical.fiscal;
        }
    }
    Ok(dues)
}

fn medical(policy: &PolicyYear, person: &Person, age: i32) -> MedicalDues {
    let rules = &policy.medical;
    let ineligible = common_ineligibility(person, age, Insurance::Medical);
    let share = rules.individual;
    let mut d = MedicalDues {
        eligible: ineligible.is_none(),
        ineligible,
        individual_share: share,
        fiscal_subsidy: rules.fiscal,
        person_pays: Decimal::ZERO,
        government_pays: Decimal::ZERO,
        exempt: false,
        basis: None,
        office: None,
        late: false,
        late_fiscal: Decimal::ZERO,
        benefit_from: None,
    };
    if !d.eligible {
        return d;
    }
    if let Some(g) = first_group_in(person, &rules.full_proxy_groups) {
        d.government_pays = share;
        d.basis = Some(Basis::Group(g));
        d.office = policy.offices.groups.get(&g).copied();
    } else if age >= rules.full_proxy_min_age {
        d.government_pays = share;
        d.basis = Some(Basis::Age(age));
        d.office = Some(policy.offices.age);
    } else if age >= rules.half_proxy_min_age {
        d.government_pays =
            (share * Decimal::from(rules.half_proxy_percent) / Decimal::from(100)).round_dp(2);
        d.basis = Some(Basis::Age(age));
        d.office = Some(policy.offices.age);
    }
    d.person_pays = share - d.government_pays;
    d.exempt = d.person_pays.is_zero();
    d
}

fn pension(
    policy: &PolicyYear,
    person: &Person,
    age: i32,
    tier: Option<Decimal>,
) -> Result<PensionDues, DuesError> {
    let rules = &policy.pension;
    let ineligible =
        common_ineligibility(person, age, Insurance::Pension).or(if age < rules.min_age {
            Some(Ineligible::TooYoung)
        } else if age > rules.max_age {
            Some(Ineligible::PensionAge)
        } else if rules.exclude_students && person.has(Group::Student) {
            Some(Ineligible::Student)
        } else {
            None
        });
    let entitled = first_group_in(person, &rules.minimum_tier_groups);
    let proxy = first_group_in(person, &rules.proxy_groups);
    let tiers: Vec<Decimal> = policy
        .pension
        .tiers
        .iter()
        .map(|t| t.amount)
        .filter(|a| *a != rules.minimum_tier || entitled.is_some())
        .collect();
    if let Some(t) = tier {
        if policy.tier(t).is_none() {
            let choices = policy
                .tier_amounts()
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join("/");
            return Err(DuesError::NoSuchTier {
                year: policy.year,
                tier: t,
                choices,
            });
        }
        if !tiers.contains(&t) {
            return Err(DuesError::TierNotEntitled { tier: t });
        }
    }
    let band = if ineligible.is_none() {
        policy.band_for_age(age).map(|b| b.key.clone())
    } else {
        None
    };
    let mut d = PensionDues {
        eligible: ineligible.is_none(),
        ineligible,
        band,
        // Only those who pay into the pension this year have tiers to choose.
        tiers: if ineligible.is_none() {
            tiers
        } else {
            Vec::new()
        },
        tier: None,
        person_pays: Decimal::ZERO,
        government_pays: Decimal::ZERO,
        subsidy: Decimal::ZERO,
        exempt: false,
        basis: None,
        office: None,
    };
    if !d.eligible {
        return Ok(d);
    }
    let chosen = tier.unwrap_or(if proxy.is_some() {
        rules.proxy_tier
    } else {
        d.tiers[0]
    });
    let t = policy.tier(chosen).expect("checked above");
    d.tier = Some(t.amount);
    d.subsidy = t.subsidy;
    if let Some(g) = proxy {
        d.government_pays = rules.proxy_tier.min(t.amount);
        d.basis = Some(Basis::Group(g));
        d.office = policy.offices.groups.get(&g).copied();
    }
    d.person_pays = t.amount - d.government_pays;
    d.exempt = d.person_pays.is_zero();
    Ok(d)
}
