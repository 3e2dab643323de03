//! Every row of the domain rules table in DESIGN.md, for both built-in years.
//!
//! The expected values are written out here from DESIGN.md and the seeds
//! (山政办发〔2020〕11号 for 2021, 山政办发〔2024〕3号 for 2025), never read
//! back from the policy files, so a wrong policy file fails these tests.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use zhengjiao::domain::dues::{Basis, DuesError, Ineligible};
use zhengjiao::domain::group::ALL_GROUPS;
use zhengjiao::domain::{
    Dues, Group, Insurance, Office, Person, Policies, PolicyYear, compute, compute_on,
};

fn policy(year: i32) -> PolicyYear {
    Policies::built_in()
        .get(year)
        .unwrap_or_else(|| panic!("no built-in policy for {year}"))
        .clone()
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A person who reaches `age` during insured year `year`.
fn aged(year: i32, age: i32, groups: &[Group]) -> Person {
    Person::born(date(year - age, 6, 15)).with_groups(groups.iter().copied())
}

fn quote(year: i32, age: i32, groups: &[Group], tier: Option<i64>) -> Dues {
    compute(&policy(year), &aged(year, age, groups), tier.map(d))
        .unwrap_or_else(|e| panic!("{year} age {age} {groups:?} tier {tier:?}: {e}"))
}

const YEARS: [i32; 2] = [2021, 2025];

// ---------------------------------------------------------------- pension tiers

/// (tier, subsidy) per DESIGN.md: 2021 — 30 for 100/300, 60 for 500/600, 80 for ≥800.
const TIERS_2021: [(i64, i64); 12] = [
    (100, 30),
    (300, 30),
    (500, 60),
    (600, 60),
    (800, 80),
    (1000, 80),
    (1500, 80),
    (2000, 80),
    (2500, 80),
    (3000, 80),
    (4000, 80),
    (5000, 80),
];

/// 2025 — 30 for 100/350, 60 for 500, 80 for ≥800.
const TIERS_2025: [(i64, i64); 8] = [
    (100, 30),
    (350, 30),
    (500, 60),
    (800, 80),
    (1000, 80),
    (3000, 80),
    (5000, 80),
    (8000, 80),
];

fn tiers(year: i32) -> &'static [(i64, i64)] {
    match year {
        2021 => &TIERS_2021,
        2025 => &TIERS_2025,
        _ => unreachable!(),
    }
}

#[test]
fn tiers_are_exactly_the_seed_lists() {
    for year in YEARS {
        let p = policy(year);
        let expected: Vec<Decimal> = tiers(year).iter().map(|(t, _)| d(*t)).collect();
        assert_eq!(p.tier_amounts(), expected, "{year}");
        for (t, s) in tiers(year) {
            assert_eq!(p.tier(d(*t)).unwrap().subsidy, d(*s), "{year} tier {t}");
        }
    }
}

#[test]
fn every_tier_quotes_its_amount_and_subsidy() {
    for year in YEARS {
        for (t, s) in tiers(year) {
            // 低保 may take every tier in both years.
            let q = quote(year, 30, &[Group::Dibao], Some(*t));
            let p = &q.pension;
            assert!(p.eligible);
            assert_eq!(p.tier, Some(d(*t)), "{year} {t}");
            assert_eq!(p.subsidy, d(*s), "{year} {t}");
            assert_eq!(p.person_pays, d(*t), "{year} {t}");
            assert_eq!(p.government_pays, Decimal::ZERO);
            assert!(!p.exempt);
        }
    }
}

#[test]
fn tiers_missing_from_a_year_are_refused() {
    for (year, tier) in [
        (2021, 350),
        (2021, 8000),
        (2025, 300),
        (2025, 600),
        (2025, 1500),
    ] {
        let err = compute(&policy(year), &aged(year, 30, &[]), Some(d(tier))).unwrap_err();
        assert!(
            matches!(err, DuesError::NoSuchTier { year: y, tier: t, .. } if y == year && t == d(tier)),
            "{year} {tier}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("没有") && msg.contains("has no"), "{msg}");
    }
}

#[test]
fn without_a_tier_the_lowest_open_tier_is_quoted() {
    assert_eq!(quote(2021, 30, &[], None).pension.tier, Some(d(300)));
    assert_eq!(quote(2025, 30, &[], None).pension.tier, Some(d(350)));
    assert_eq!(
        quote(2021, 30, &[Group::Wubao], None).pension.tier,
        Some(d(100))
    );
    assert_eq!(
        quote(2025, 30, &[Group::Tekun], None).pension.tier,
        Some(d(100))
    );
}

// ---------------------------------------------------------------- the 100 tier

/// 2021: 残疾 (any grade), 五保 (= 特困 since 2014), 低保, 优抚, 扶贫户 (建档立卡).
const MIN_TIER_2021: [Group; 9] = [
    Group::Disabled1,
    Group::Disabled2,
    Group::Disabled3,
    Group::Disabled4,
    Group::Wubao,
    Group::Tekun,
    Group::Dibao,
    Group::Youfu,
    Group::PovertyRegistered,
];

/// 2025: 重度残疾 (1–2), 特困 (= 五保), 低保, 低保边缘, 返贫致贫, 防止返贫监测帮扶.
const MIN_TIER_2025: [Group; 8] = [
    Group::Disabled1,
    Group::Disabled2,
    Group::Tekun,
    Group::Wubao,
    Group::Dibao,
    Group::DibaoEdge,
    Group::Fanpin,
    Group::Monitored,
];

fn min_tier_groups(year: i32) -> &'static [Group] {
    match year {
        2021 => &MIN_TIER_2021,
        2025 => &MIN_TIER_2025,
        _ => unreachable!(),
    }
}

#[test]
fn who_may_take_the_100_tier() {
    for year in YEARS {
        for g in ALL_GROUPS {
            if g.excludes().contains(&Insurance::Pension) || (g == Group::Student && year == 2025) {
                continue; // not in residents' pension at all
            }
            let allowed = min_tier_groups(year).contains(&g);
            let person = aged(year, 30, &[g]);
            let q = compute(&policy(year), &person, None).unwrap();
            assert_eq!(
                q.pension.tiers.contains(&d(100)),
                allowed,
                "{year} {g:?}: tiers {:?}",
                q.pension.tiers
            );
            let r = compute(&policy(year), &person, Some(d(100)));
            if allowed {
                let q = r.unwrap();
                assert_eq!(q.pension.tier, Some(d(100)));
                assert_eq!(q.pension.subsidy, d(30));
            } else {
                assert_eq!(
                    r.unwrap_err(),
                    DuesError::TierNotEntitled { tier: d(100) },
                    "{year} {g:?}"
                );
            }
        }
        // Nobody in no group.
        let r = compute(&policy(year), &aged(year, 30, &[]), Some(d(100)));
        assert!(matches!(r, Err(DuesError::TierNotEntitled { .. })));
    }
}

#[test]
fn disability_grades_3_and_4_lose_the_100_tier_in_2025() {
    for g in [Group::Disabled3, Group::Disabled4] {
        assert!(compute(&policy(2021), &aged(2021, 30, &[g]), Some(d(100))).is_ok());
        assert_eq!(
            compute(&policy(2025), &aged(2025, 30, &[g]), Some(d(100))).unwrap_err(),
            DuesError::TierNotEntitled { tier: d(100) }
        );
    }
}

#[test]
fn the_100_tier_message_is_bilingual_and_not_year_specific() {
    let msg = DuesError::TierNotEntitled { tier: d(100) }.to_string();
    assert!(
        msg.contains("100 元档次") && msg.contains("not entitled"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

// ---------------------------------------------------------------- severe disability

#[test]
fn severe_disability_government_pays_the_100_tier() {
    for year in YEARS {
        for g in [Group::Disabled1, Group::Disabled2] {
            let p = quote(year, 40, &[g], None).pension;
            assert!(p.eligible);
            assert_eq!(p.tier, Some(d(100)), "{year} {g:?}");
            assert_eq!(p.person_pays, Decimal::ZERO);
            assert_eq!(p.government_pays, d(100));
            assert_eq!(p.subsidy, d(30));
            assert!(p.exempt);
            assert_eq!(p.basis, Some(Basis::Group(g)));
            assert_eq!(p.office, Some(Office::DisabledPersons));
        }
        for g in [Group::Disabled3, Group::Disabled4] {
            let p = quote(year, 40, &[g], None).pension;
            assert_eq!(p.government_pays, Decimal::ZERO, "{year} {g:?}");
            assert!(!p.exempt);
            assert_eq!(p.basis, None);
        }
    }
}

#[test]
fn severe_disability_choosing_a_higher_tier_tops_up_the_rest() {
    // ▸ The seed only says the government pays the 100 standard; a person who
    // chooses more pays the difference and gets the chosen tier's subsidy.
    let p = quote(2025, 40, &[Group::Disabled1], Some(500)).pension;
    assert_eq!(
        (p.tier, p.government_pays, p.person_pays, p.subsidy),
        (Some(d(500)), d(100), d(400), d(60))
    );
    let p = quote(2021, 40, &[Group::Disabled2], Some(300)).pension;
    assert_eq!(
        (p.government_pays, p.person_pays, p.subsidy),
        (d(100), d(200), d(30))
    );
}

#[test]
fn severely_disabled_outside_the_pension_ages_get_no_proxy() {
    for year in YEARS {
        for age in [15, 60, 75] {
            let p = quote(year, age, &[Group::Disabled1], None).pension;
            assert!(!p.eligible, "{year} {age}");
            assert_eq!(p.government_pays, Decimal::ZERO);
            assert_eq!(p.tier, None);
        }
    }
}

// ---------------------------------------------------------------- pension age, students

#[test]
fn pension_ages_16_to_59() {
    for year in YEARS {
        for (age, why) in [
            (0, Some(Ineligible::TooYoung)),
            (15, Some(Ineligible::TooYoung)),
            (16, None),
            (30, None),
            (59, None),
            (60, Some(Ineligible::PensionAge)),
            (90, Some(Ineligible::PensionAge)),
        ] {
            let p = quote(year, age, &[], None).pension;
            assert_eq!(p.ineligible, why, "{year} age {age}");
            assert_eq!(p.eligible, why.is_none());
            if why.is_some() {
                assert_eq!(p.tier, None);
                assert!(p.tiers.is_empty(), "no tiers to choose from");
                assert_eq!(p.person_pays, Decimal::ZERO);
                assert_eq!(p.band, None);
            }
        }
    }
}

#[test]
fn students_are_excluded_from_pension_only_in_2025() {
    let p = quote(2021, 18, &[Group::Student], None).pension;
    assert!(p.eligible);
    assert_eq!(p.tier, Some(d(300)));
    let p = quote(2025, 18, &[Group::Student], None).pension;
    assert!(!p.eligible);
    assert_eq!(p.ineligible, Some(Ineligible::Student));
    // Students stay in residents' medical insurance both years.
    for year in YEARS {
        let m = quote(year, 18, &[Group::Student], None).medical;
        assert!(m.eligible);
        assert_eq!(m.person_pays, m.individual_share);
    }
}

// ---------------------------------------------------------------- medical share

#[test]
fn medical_individual_share_and_fiscal_subsidy() {
    for (year, individual, fiscal) in [(2021, 280, 580), (2025, 400, 670)] {
        let m = quote(year, 30, &[], None).medical;
        assert!(m.eligible);
        assert_eq!(m.individual_share, d(individual));
        assert_eq!(m.fiscal_subsidy, d(fiscal));
        assert_eq!(m.person_pays, d(individual));
        assert_eq!(m.government_pays, Decimal::ZERO);
        assert!(!m.exempt);
        assert_eq!(m.basis, None);
    }
    // 2025: total 1070 = 400 individual + 670 fiscal.
    let p = policy(2025);
    assert_eq!(p.medical.individual + p.medical.fiscal, d(1070));
}

/// 2021: 建档立卡贫困人口, 特困 (= 五保), 低保, 重度残疾, approved special hardship.
const MEDICAL_FULL_2021: [Group; 7] = [
    Group::PovertyRegistered,
    Group::Tekun,
    Group::Wubao,
    Group::Dibao,
    Group::Disabled1,
    Group::Disabled2,
    Group::HardshipApproved,
];

/// 2025: 特困 (= 五保), 低保, 返贫致贫, 低保边缘, 防止返贫监测帮扶.
const MEDICAL_FULL_2025: [Group; 6] = [
    Group::Tekun,
    Group::Wubao,
    Group::Dibao,
    Group::Fanpin,
    Group::DibaoEdge,
    Group::Monitored,
];

fn medical_full_groups(year: i32) -> &'static [Group] {
    match year {
        2021 => &MEDICAL_FULL_2021,
        2025 => &MEDICAL_FULL_2025,
        _ => unreachable!(),
    }
}

#[test]
fn groups_whose_medical_share_the_government_pays() {
    for year in YEARS {
        for g in ALL_GROUPS {
            if g.excludes().contains(&Insurance::Medical) {
                continue;
            }
            let m = quote(year, 30, &[g], None).medical;
            let full = medical_full_groups(year).contains(&g);
            assert!(m.eligible, "{year} {g:?}");
            if full {
                assert_eq!(m.person_pays, Decimal::ZERO, "{year} {g:?}");
                assert_eq!(m.government_pays, m.individual_share);
                assert!(m.exempt);
                assert_eq!(m.basis, Some(Basis::Group(g)));
                assert!(m.office.is_some(), "{year} {g:?} has a paying office");
            } else {
                assert_eq!(m.person_pays, m.individual_share, "{year} {g:?}");
                assert_eq!(m.government_pays, Decimal::ZERO);
                assert!(!m.exempt);
            }
        }
    }
}

#[test]
fn severe_disability_alone_exempts_from_medical_in_2021_but_not_2025() {
    for g in [Group::Disabled1, Group::Disabled2] {
        let m = quote(2021, 40, &[g], None).medical;
        assert_eq!((m.person_pays, m.government_pays), (d(0), d(280)));
        let m = quote(2025, 40, &[g], None).medical;
        assert_eq!((m.person_pays, m.government_pays), (d(400), d(0)));
        // ... but with 低保 as well the 2025 share is paid.
        let m = quote(2025, 40, &[g, Group::Dibao], None).medical;
        assert_eq!((m.person_pays, m.government_pays), (d(0), d(400)));
        assert_eq!(m.basis, Some(Basis::Group(Group::Dibao)));
        assert_eq!(m.office, Some(Office::CivilAffairs));
    }
}

#[test]
fn medical_by_age_full_from_70_half_from_60() {
    for (year, share) in [(2021, 280), (2025, 400)] {
        for (age, gov) in [
            (0, 0),
            (30, 0),
            (59, 0),
            (60, share / 2),
            (65, share / 2),
            (69, share / 2),
            (70, share),
            (71, share),
            (100, share),
        ] {
            let m = quote(year, age, &[], None).medical;
            assert_eq!(m.government_pays, d(gov), "{year} age {age}");
            assert_eq!(m.person_pays, d(share - gov), "{year} age {age}");
            assert_eq!(m.exempt, gov == share);
            if gov > 0 {
                assert_eq!(m.basis, Some(Basis::Age(age)));
                assert_eq!(m.office, Some(Office::Health));
            } else {
                assert_eq!(m.basis, None);
            }
        }
    }
}

#[test]
fn a_group_exemption_wins_over_the_age_half() {
    let m = quote(2025, 65, &[Group::Tekun], None).medical;
    assert_eq!((m.person_pays, m.government_pays), (d(0), d(400)));
    assert_eq!(m.basis, Some(Basis::Group(Group::Tekun)));
    // 2025 severe disability at 65 gets only the age half.
    let m = quote(2025, 65, &[Group::Disabled1], None).medical;
    assert_eq!((m.person_pays, m.government_pays), (d(200), d(200)));
}

// ---------------------------------------------------------------- window, phases

#[test]
fn collection_windows() {
    for (year, start, end) in [
        (2021, date(2020, 10, 1), date(2020, 12, 20)),
        (2025, date(2024, 9, 1), date(2024, 12, 31)),
    ] {
        let p = policy(year);
        assert_eq!((p.window.start, p.window.end), (start, end), "{year}");
        assert!(p.in_window(start) && p.in_window(end));
        assert!(!p.in_window(start.pred_opt().unwrap()));
        assert!(!p.in_window(end.succ_opt().unwrap()));
        assert!(!p.is_late(end) && p.is_late(end.succ_opt().unwrap()));
        assert!(!p.is_late(start.pred_opt().unwrap()), "early is not late");
        let days = p.window_days(end);
        assert_eq!((days.elapsed, days.left), (days.total, 0));
        let days = p.window_days(start.pred_opt().unwrap());
        assert_eq!((days.elapsed, days.left), (0, days.total));
    }
    assert_eq!(policy(2021).window_days(date(2020, 10, 1)).total, 81);
    assert_eq!(policy(2025).window_days(date(2024, 9, 1)).total, 122);
}

#[test]
fn phases_2021() {
    // ▸ The seed gives 准备 10-01–10-25 and 缴费 10-25–11-20; 10-25 is the first
    // day of collection, so preparation ends on 10-24.
    let p = policy(2021);
    let keys: Vec<(&str, NaiveDate, NaiveDate)> = p
        .phases
        .iter()
        .map(|ph| (ph.key.as_str(), ph.start, ph.end))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("prepare", date(2020, 10, 1), date(2020, 10, 24)),
            ("pay", date(2020, 10, 25), date(2020, 11, 20)),
            ("deposit", date(2020, 11, 21), date(2020, 12, 20)),
        ]
    );
    let phase = |m, dd| p.phase_on(date(2020, m, dd)).map(|ph| ph.key.as_str());
    assert_eq!(phase(9, 30), None);
    assert_eq!(phase(10, 1), Some("prepare"));
    assert_eq!(phase(10, 24), Some("prepare"));
    assert_eq!(phase(10, 25), Some("pay"));
    assert_eq!(phase(11, 20), Some("pay"));
    assert_eq!(phase(11, 21), Some("deposit"));
    assert_eq!(phase(12, 20), Some("deposit"));
    assert_eq!(phase(12, 21), None);
    assert_eq!(p.phases[0].zh, "征缴准备阶段");
    assert_eq!(p.phases[1].zh, "集中缴费阶段");
    assert_eq!(p.phases[2].zh, "费款入库阶段");
}

#[test]
fn phases_2025() {
    let p = policy(2025);
    let keys: Vec<(&str, NaiveDate, NaiveDate)> = p
        .phases
        .iter()
        .map(|ph| (ph.key.as_str(), ph.start, ph.end))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("prepare", date(2024, 9, 1), date(2024, 10, 10)),
            ("pay", date(2024, 10, 11), date(2024, 12, 31)),
            ("publicity", date(2025, 1, 1), date(2025, 1, 31)),
        ]
    );
    let phase = |y, m, dd| p.phase_on(date(y, m, dd)).map(|ph| ph.key.as_str());
    assert_eq!(phase(2024, 8, 31), None);
    assert_eq!(phase(2024, 9, 1), Some("prepare"));
    assert_eq!(phase(2024, 10, 10), Some("prepare"));
    assert_eq!(phase(2024, 10, 11), Some("pay"));
    assert_eq!(phase(2024, 12, 31), Some("pay"));
    assert_eq!(phase(2025, 1, 1), Some("publicity"));
    assert_eq!(phase(2025, 1, 31), Some("publicity"));
    assert_eq!(phase(2025, 2, 1), None);
    // Publicity comes after the window: a payment then is late.
    assert!(p.is_late(date(2025, 1, 1)));
}

#[test]
fn phases_are_ordered_and_do_not_overlap() {
    for year in YEARS {
        let p = policy(year);
        assert_eq!(p.phases.first().unwrap().start, p.window.start);
        for w in p.phases.windows(2) {
            assert_eq!(w[0].end.succ_opt().unwrap(), w[1].start, "{year}");
        }
    }
}

// ---------------------------------------------------------------- late payment

#[test]
fn late_medical_payment_2021_pays_individual_and_fiscal_share() {
    let p = policy(2021);
    let person = aged(2021, 30, &[]);
    let on_time = compute_on(&p, &person, None, date(2020, 12, 20)).unwrap();
    assert!(!on_time.medical.late);
    assert_eq!(on_time.medical.person_pays, d(280));

    let late = compute_on(&p, &person, None, date(2020, 12, 21)).unwrap();
    assert!(late.medical.late);
    assert_eq!(late.medical.person_pays, d(280 + 580));
    assert_eq!(late.medical.late_fiscal, d(580));
    assert_eq!(late.medical.government_pays, Decimal::ZERO);
    assert_eq!(p.medical.late.benefit_wait_days, 30);
    // Pension is not touched by the late rule.
    assert_eq!(late.pension, on_time.pension);

    // ▸ The late payer pays the fiscal share on top of their own part; the
    // government's proxy share stands (issue 13): 60–69 pay their half and
    // the fiscal share, 70+ and 低保 / 特困 / 五保 stay paid by the government.
    for (age, groups, person, gov, office) in [
        (65, vec![], 140 + 580, 140, Some(Office::Health)),
        (75, vec![], 0, 280, Some(Office::Health)),
        (70, vec![], 0, 280, Some(Office::Health)),
        (30, vec![Group::Dibao], 0, 280, Some(Office::CivilAffairs)),
        (30, vec![Group::Wubao], 0, 280, Some(Office::CivilAffairs)),
    ] {
        let late = compute_on(&p, &aged(2021, age, &groups), None, date(2021, 3, 1)).unwrap();
        let what = format!("{age} {groups:?}");
        assert!(late.medical.late, "{what}");
        assert_eq!(late.medical.person_pays, d(person), "{what}");
        assert_eq!(late.medical.government_pays, d(gov), "{what}");
        assert_eq!(late.medical.exempt, person == 0, "{what}");
        assert_eq!(late.medical.office, office, "{what}");
        assert!(late.medical.basis.is_some(), "{what}");
    }
}

#[test]
fn a_late_payer_waits_for_benefits() {
    let p = policy(2021);
    let person = aged(2021, 30, &[]);
    let on_time = compute_on(&p, &person, None, date(2020, 12, 20)).unwrap();
    assert_eq!(on_time.medical.benefit_from, None);
    // 缴费满30日后方可享受: paid 2021-01-05, benefits from 2021-02-04.
    let late = compute_on(&p, &person, None, date(2021, 1, 5)).unwrap();
    assert_eq!(late.medical.benefit_from, Some(date(2021, 2, 4)));
    // Never before the insured year begins.
    let late = compute_on(&p, &person, None, date(2020, 12, 21)).unwrap();
    assert_eq!(late.medical.benefit_from, Some(date(2021, 1, 20)));
    let p = policy(2025);
    let late = compute_on(&p, &aged(2025, 30, &[]), None, date(2025, 3, 1)).unwrap();
    assert_eq!(late.medical.benefit_from, Some(date(2025, 3, 1)));
}

#[test]
fn wubao_and_tekun_are_the_same_people_both_years() {
    for year in YEARS {
        for g in [Group::Wubao, Group::Tekun] {
            let q = quote(year, 30, &[g], None);
            assert!(q.medical.exempt, "{year} {g:?}");
            assert_eq!(q.medical.basis, Some(Basis::Group(g)), "{year} {g:?}");
            assert_eq!(q.medical.office, Some(Office::CivilAffairs));
            assert_eq!(q.pension.tier, Some(d(100)), "{year} {g:?}");
        }
    }
}

#[test]
fn late_medical_payment_2025_follows_medical_policy() {
    let p = policy(2025);
    assert!(!p.medical.late.person_pays_fiscal_share);
    for (age, person_pays) in [(30, 400), (65, 200), (75, 0)] {
        let late = compute_on(&p, &aged(2025, age, &[]), None, date(2025, 1, 1)).unwrap();
        assert!(late.medical.late);
        assert_eq!(late.medical.person_pays, d(person_pays), "{age}");
    }
}

#[test]
fn a_payment_before_the_window_is_not_late() {
    for (year, early) in [(2021, date(2020, 9, 30)), (2025, date(2024, 8, 31))] {
        let p = policy(year);
        let q = compute_on(&p, &aged(year, 30, &[]), None, early).unwrap();
        assert!(!q.medical.late, "{year}");
        assert_eq!(q.medical.person_pays, p.medical.individual);
    }
}

#[test]
fn the_ineligible_are_never_late() {
    let q = compute_on(
        &policy(2021),
        &aged(2021, 30, &[Group::EmployeeInsured]),
        None,
        date(2021, 2, 1),
    )
    .unwrap();
    assert!(!q.medical.late);
    assert_eq!(q.medical.person_pays, Decimal::ZERO);
}

// ---------------------------------------------------------------- who is covered

#[test]
fn employee_insured_are_ineligible_for_both() {
    for year in YEARS {
        for groups in [
            vec![Group::EmployeeInsured],
            vec![Group::EmployeeInsured, Group::Dibao, Group::Disabled1],
        ] {
            for age in [5, 30, 50, 65, 80] {
                let q = quote(year, age, &groups, None);
                for (eligible, why, pays, gov) in [
                    (
                        q.medical.eligible,
                        q.medical.ineligible,
                        q.medical.person_pays,
                        q.medical.government_pays,
                    ),
                    (
                        q.pension.eligible,
                        q.pension.ineligible,
                        q.pension.person_pays,
                        q.pension.government_pays,
                    ),
                ] {
                    assert!(!eligible, "{year} {age} {groups:?}");
                    assert_eq!(why, Some(Ineligible::EmployeeInsured));
                    assert_eq!((pays, gov), (Decimal::ZERO, Decimal::ZERO));
                }
            }
        }
    }
}

#[test]
fn exclusion_is_per_insurance() {
    for year in YEARS {
        for (g, medical, pension) in [
            (Group::EmployeeMedical, Some(Ineligible::EmployeeOne), None),
            (Group::EmployeePension, None, Some(Ineligible::EmployeeOne)),
            (
                Group::ElsewhereMedical,
                Some(Ineligible::InsuredElsewhere),
                None,
            ),
            (
                Group::ElsewherePension,
                None,
                Some(Ineligible::InsuredElsewhere),
            ),
        ] {
            let q = quote(year, 40, &[g], None);
            assert_eq!(q.medical.ineligible, medical, "{year} {g:?}");
            assert_eq!(q.pension.ineligible, pension, "{year} {g:?}");
            assert_eq!(q.medical.eligible, medical.is_none());
            assert_eq!(q.pension.eligible, pension.is_none());
        }
        // Employee medical and pension elsewhere: off both rosters.
        let q = quote(
            year,
            40,
            &[Group::EmployeeMedical, Group::ElsewherePension],
            None,
        );
        assert!(!q.medical.eligible && !q.pension.eligible);
    }
}

#[test]
fn the_dead_the_cancelled_and_the_unborn() {
    for year in YEARS {
        let p = policy(year);
        let mut dead = aged(year, 40, &[]);
        dead.deceased = true;
        let q = compute(&p, &dead, None).unwrap();
        assert_eq!(q.medical.ineligible, Some(Ineligible::Deceased));
        assert_eq!(q.pension.ineligible, Some(Ineligible::Deceased));

        let mut gone = aged(year, 40, &[]);
        gone.hukou_cancelled = true;
        let q = compute(&p, &gone, None).unwrap();
        assert_eq!(q.medical.ineligible, Some(Ineligible::HukouCancelled));

        let q = compute(&p, &Person::born(date(year + 1, 1, 1)), None).unwrap();
        assert_eq!(q.medical.ineligible, Some(Ineligible::NotBorn));
        assert_eq!(q.pension.ineligible, Some(Ineligible::NotBorn));

        // A child born in the insured year is covered by medical insurance.
        let q = compute(&p, &Person::born(date(year, 12, 31)), None).unwrap();
        assert_eq!(q.age, 0);
        assert!(q.medical.eligible);
        assert_eq!(q.pension.ineligible, Some(Ineligible::TooYoung));
    }
    let no_birth = Person::default();
    assert_eq!(
        compute(&policy(2025), &no_birth, None).unwrap_err(),
        DuesError::NoBirthDate
    );
}

// ---------------------------------------------------------------- ages and bands

#[test]
fn age_is_insured_year_minus_birth_year() {
    for year in YEARS {
        for (m, dd) in [(1, 1), (6, 15), (12, 31)] {
            let q = compute(&policy(year), &Person::born(date(year - 45, m, dd)), None).unwrap();
            assert_eq!(q.age, 45, "{year} born {m}-{dd}");
            assert_eq!(q.birth_date, date(year - 45, m, dd));
            assert_eq!(q.year, year);
        }
    }
}

#[test]
fn boundary_ages_both_years() {
    for (year, share) in [(2021, 280), (2025, 400)] {
        // (age, pension eligible, band, medical person pays)
        let rows: [(i32, bool, Option<&str>, i64); 8] = [
            (15, false, None, share),
            (16, true, Some("pension_16_44"), share),
            (44, true, Some("pension_16_44"), share),
            (45, true, Some("pension_45_59"), share),
            (59, true, Some("pension_45_59"), share),
            (60, false, None, share / 2),
            (69, false, None, share / 2),
            (70, false, None, 0),
        ];
        for (age, pension, band, pays) in rows {
            for (m, dd) in [(1, 1), (12, 31)] {
                let person = Person::born(date(year - age, m, dd));
                let q = compute(&policy(year), &person, None).unwrap();
                assert_eq!(q.age, age);
                assert_eq!(q.pension.eligible, pension, "{year} age {age}");
                assert_eq!(q.pension.band.as_deref(), band, "{year} age {age}");
                assert_eq!(q.medical.person_pays, d(pays), "{year} age {age}");
            }
        }
    }
}

#[test]
fn target_bands() {
    for year in YEARS {
        let p = policy(year);
        assert_eq!(p.targets.medical_percent, 100);
        let upper = p.band("pension_45_59").unwrap();
        assert_eq!((upper.min_age, upper.max_age), (45, 59));
        assert_eq!(upper.target(), Decimal::new(95, 2));
        let lower = p.band("pension_16_44").unwrap();
        assert_eq!((lower.min_age, lower.max_age), (16, 44));
        assert_eq!(lower.target(), Decimal::new(60, 2));
        assert_eq!(p.band_for_age(15), None);
        assert_eq!(p.band_for_age(44).unwrap().key, "pension_16_44");
        assert_eq!(p.band_for_age(45).unwrap().key, "pension_45_59");
        assert_eq!(p.band_for_age(60), None);
    }
}

// ---------------------------------------------------------------- every group

/// Outcome for one group alone at age 30: (100 tier allowed, pension paid by
/// the government, medical paid by the government, pension eligible).
fn expected(year: i32, g: Group) -> (bool, bool, bool, bool) {
    use Group::*;
    match (year, g) {
        (2021, Tekun | Wubao) => (true, false, true, true),
        (2021, Dibao) => (true, false, true, true),
        (2021, DibaoEdge) => (false, false, false, true),
        (2021, Fanpin) => (false, false, false, true),
        (2021, Monitored) => (false, false, false, true),
        (2021, PovertyRegistered) => (true, false, true, true),
        (2021, Youfu) => (true, false, false, true),
        (2021, Disabled1 | Disabled2) => (true, true, true, true),
        (2021, Disabled3 | Disabled4) => (true, false, false, true),
        (2021, HardshipApproved) => (false, false, true, true),
        (2021, Student) => (false, false, false, true),
        (2025, Tekun | Wubao | Dibao | DibaoEdge | Fanpin | Monitored) => (true, false, true, true),
        (2025, PovertyRegistered | Youfu) => (false, false, false, true),
        (2025, Disabled1 | Disabled2) => (true, true, false, true),
        (2025, Disabled3 | Disabled4) => (false, false, false, true),
        (2025, HardshipApproved) => (false, false, false, true),
        (2025, Student) => (false, false, false, false),
        (_, EmployeeInsured | EmployeePension | ElsewherePension) => (false, false, false, false),
        (_, EmployeeMedical | ElsewhereMedical) => (false, false, false, true),
        _ => unreachable!(),
    }
}

#[test]
fn every_group_alone_both_years() {
    for year in YEARS {
        let share = policy(year).medical.individual;
        for g in ALL_GROUPS {
            let (min_tier, pension_proxy, medical_full, pension_ok) = expected(year, g);
            let q = quote(year, 30, &[g], None);
            let what = format!("{year} {g:?}");
            assert_eq!(q.pension.eligible, pension_ok, "{what}");
            if pension_ok {
                assert_eq!(q.pension.tiers.contains(&d(100)), min_tier, "{what}");
                assert_eq!(q.pension.exempt, pension_proxy, "{what}");
                let lowest = if min_tier { 100 } else { tiers(year)[1].0 };
                assert_eq!(q.pension.tier, Some(d(lowest)), "{what}");
            }
            if !g.is_exclusion() {
                let gov = if medical_full { share } else { Decimal::ZERO };
                assert_eq!(q.medical.government_pays, gov, "{what}");
            }
            // Every group parses from its code and its Chinese name.
            assert_eq!(Group::parse(g.code()), Some(g));
            assert_eq!(Group::parse(g.zh()), Some(g));
        }
    }
}

#[test]
fn every_certified_group_has_a_paying_office() {
    for year in YEARS {
        let p = policy(year);
        assert_eq!(p.offices.age, Office::Health);
        for g in ALL_GROUPS.iter().filter(|g| !g.is_status()) {
            assert!(p.offices.groups.contains_key(g), "{year} {g:?}");
        }
        assert_eq!(p.offices.groups[&Group::Youfu], Office::Veterans);
        assert_eq!(
            p.offices.groups[&Group::Fanpin],
            Office::RuralRevitalization
        );
        assert_eq!(p.offices.groups[&Group::Disabled1], Office::DisabledPersons);
        assert_eq!(p.offices.groups[&Group::Dibao], Office::CivilAffairs);
    }
}

#[test]
fn policy_files_round_trip_and_are_data() {
    // A later year is data: a copy of 2025 with a new year loads and quotes.
    let text = zhengjiao::domain::policy::BUILT_IN[1]
        .replace("year = 2025", "year = 2026")
        .replace("2025-01-", "2026-01-")
        .replace("2024-", "2025-");
    let p2026 = PolicyYear::from_toml(&text).unwrap();
    let mut all = Policies::built_in();
    all.insert(p2026.clone());
    assert_eq!(all.years().collect::<Vec<_>>(), vec![2021, 2025, 2026]);
    let q = compute(&p2026, &aged(2026, 45, &[]), None).unwrap();
    assert_eq!(q.age, 45);
    assert_eq!(q.medical.person_pays, d(400));
    assert_eq!(all.latest().year, 2026);
    assert_eq!(all.for_date(date(2024, 10, 1)).year, 2025);
    assert_eq!(all.for_date(date(2025, 10, 1)).year, 2026);
    assert_eq!(all.for_date(date(2020, 10, 1)).year, 2021);
    assert_eq!(all.for_date(date(2000, 1, 1)).year, 2021);
}

// ---------------------------------------------------------------- process steps

/// 2021: 清册 publicized 3 days before collection (准备阶段); collection →
/// 缴费公示 (3 days, 费款入库阶段) → 申报. 2025: no roster publicity; the
/// payment publicity between the window's end and 01-31.
#[test]
fn the_publicity_steps_of_each_plan() {
    use zhengjiao::domain::policy::Publicity::{Payment, Roster};
    let p = policy(2021);
    let r = p.process.roster_publicity.as_ref().unwrap();
    assert_eq!((r.min_days, r.phase.as_str()), (3, "prepare"));
    assert!(
        p.publicity_refusal(Roster, date(2020, 10, 6), date(2020, 10, 8))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Roster, date(2020, 10, 6), date(2020, 10, 7))
            .is_some()
    );
    assert!(
        p.publicity_refusal(Roster, date(2020, 10, 23), date(2020, 10, 25))
            .is_some()
    );
    assert!(
        p.publicity_refusal(Payment, date(2020, 11, 21), date(2020, 11, 23))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Payment, date(2020, 12, 18), date(2020, 12, 20))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Payment, date(2020, 11, 19), date(2020, 11, 21))
            .is_some()
    );
    assert!(
        p.publicity_refusal(Payment, date(2020, 12, 21), date(2020, 12, 23))
            .is_some()
    );
    assert!(p.declaration_after_publicity());

    let p = policy(2025);
    assert!(p.process.roster_publicity.is_none());
    assert_eq!(p.publicity_min_days(Roster), 1);
    assert!(
        p.publicity_refusal(Roster, date(2024, 9, 12), date(2024, 9, 12))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Payment, date(2025, 1, 29), date(2025, 1, 31))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Payment, date(2025, 1, 30), date(2025, 2, 3))
            .is_some()
    );
    assert!(
        p.publicity_refusal(Payment, date(2024, 12, 31), date(2025, 1, 2))
            .is_some()
    );
    assert!(!p.declaration_after_publicity());
}

#[test]
fn a_file_without_steps_keeps_the_old_rule_and_a_bad_step_is_refused() {
    use zhengjiao::domain::policy::Publicity::Payment;
    let text = zhengjiao::domain::policy::BUILT_IN[1];
    let cut = &text[..text.find("[process.payment_publicity]").unwrap()];
    let p = PolicyYear::from_toml(cut).unwrap();
    assert_eq!(p.process, Default::default());
    assert!(
        p.publicity_refusal(Payment, date(2024, 12, 31), date(2025, 1, 2))
            .is_some()
    );
    assert!(
        p.publicity_refusal(Payment, date(2025, 2, 1), date(2025, 2, 3))
            .is_none()
    );
    assert!(
        p.publicity_refusal(Payment, date(2025, 2, 1), date(2025, 2, 2))
            .is_some()
    );
    let bad = text.replace("phase = \"publicity\"", "phase = \"nope\"");
    let err = PolicyYear::from_toml(&bad).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    let bad = text.replace("min_days = 3", "min_days = 40");
    assert!(PolicyYear::from_toml(&bad).is_err());
}
