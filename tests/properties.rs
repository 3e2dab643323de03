//! Property tests of dues and ID numbers.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use zhengjiao::domain::dues::DuesError;
use zhengjiao::domain::group::ALL_GROUPS;
use zhengjiao::domain::id_number::check_char;
use zhengjiao::domain::{Group, IdNumber, Person, Policies, PolicyYear, Sex, compute, compute_on};

fn policy(year: i32) -> PolicyYear {
    Policies::built_in().get(year).unwrap().clone()
}

fn any_year() -> impl Strategy<Value = i32> {
    prop_oneof![Just(2021), Just(2025)]
}

fn any_groups() -> impl Strategy<Value = Vec<Group>> {
    proptest::sample::subsequence(ALL_GROUPS.to_vec(), 0..=4)
}

fn any_date(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
    (from..=to, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// A person born up to 110 years before the insured year, or just after it.
fn any_person(year: i32) -> impl Strategy<Value = Person> {
    (any_date(year - 110, year + 1), any_groups(), any::<bool>()).prop_map(
        |(birth, groups, dead)| {
            let mut p = Person::born(birth).with_groups(groups);
            // Rarely dead: most cases should exercise the arithmetic.
            p.deceased = dead && birth.day() == 1;
            p
        },
    )
}

fn year_and_person() -> impl Strategy<Value = (i32, Person)> {
    any_year().prop_flat_map(|y| (Just(y), any_person(y)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// On time, the person's and the government's parts make the individual
    /// share exactly; the ineligible owe nothing and get nothing.
    #[test]
    fn medical_parts_sum_to_the_individual_share((year, person) in year_and_person()) {
        let p = policy(year);
        let m = compute(&p, &person, None).unwrap().medical;
        prop_assert!(m.person_pays >= Decimal::ZERO);
        prop_assert!(m.government_pays >= Decimal::ZERO);
        if m.eligible {
            prop_assert_eq!(m.person_pays + m.government_pays, p.medical.individual);
            prop_assert_eq!(m.exempt, m.person_pays.is_zero());
            let half = p.medical.individual / Decimal::from(2);
            prop_assert!(
                [Decimal::ZERO, half, p.medical.individual].contains(&m.government_pays),
                "government pays none, half or all: {}", m.government_pays
            );
            prop_assert_eq!(m.basis.is_some(), !m.government_pays.is_zero());
        } else {
            prop_assert!(m.ineligible.is_some());
            prop_assert_eq!(m.person_pays, Decimal::ZERO);
            prop_assert_eq!(m.government_pays, Decimal::ZERO);
        }
    }

    /// After the window a 2021 payer owes their part plus the fiscal share
    /// (the government's proxy part stands); in 2025 the amounts do not change.
    #[test]
    fn late_medical_parts(
        (year, person) in year_and_person(),
        days_late in 1i64..400,
    ) {
        let p = policy(year);
        let day = p.window.end + chrono::Duration::days(days_late);
        let on_time = compute(&p, &person, None).unwrap().medical;
        let late = compute_on(&p, &person, None, day).unwrap().medical;
        prop_assert_eq!(late.late, on_time.eligible);
        if !on_time.eligible {
            prop_assert_eq!(late, on_time);
        } else if p.medical.late.person_pays_fiscal_share && !on_time.exempt {
            // The late payer adds the fiscal share; the government's part stands.
            prop_assert_eq!(late.person_pays, on_time.person_pays + p.medical.fiscal);
            prop_assert_eq!(late.government_pays, on_time.government_pays);
        } else {
            prop_assert_eq!(late.person_pays, on_time.person_pays);
            prop_assert_eq!(late.government_pays, on_time.government_pays);
        }
    }

    /// Any payment date inside the window gives the on-time amounts.
    #[test]
    fn in_window_is_on_time((year, person) in year_and_person(), pick in any::<proptest::sample::Index>()) {
        let p = policy(year);
        let total = p.window_days(p.window.end).total;
        let offset = pick.index(total as usize) as i64;
        let day = p.window.start + chrono::Duration::days(offset);
        prop_assert!(p.in_window(day));
        let dues = compute_on(&p, &person, None, day).unwrap();
        prop_assert_eq!(dues, compute(&p, &person, None).unwrap());
    }

    /// For any tier the person may take, their part and the government's make
    /// the tier; the subsidy is the tier's. A refused tier is the minimum tier
    /// for someone outside its groups.
    #[test]
    fn pension_parts_sum_to_the_tier(
        (year, person) in year_and_person(),
        pick in any::<proptest::sample::Index>(),
        explicit in any::<bool>(),
    ) {
        let p = policy(year);
        let amounts = p.tier_amounts();
        let wanted = amounts[pick.index(amounts.len())];
        let tier = explicit.then_some(wanted);
        match compute(&p, &person, tier) {
            Ok(dues) => {
                let d = dues.pension;
                prop_assert!(d.person_pays >= Decimal::ZERO);
                prop_assert!(d.government_pays >= Decimal::ZERO);
                if d.eligible {
                    let t = d.tier.expect("an eligible person has a tier");
                    if let Some(w) = tier {
                        prop_assert_eq!(t, w);
                    }
                    prop_assert!(d.tiers.contains(&t));
                    prop_assert_eq!(d.person_pays + d.government_pays, t);
                    prop_assert_eq!(d.subsidy, p.tier(t).unwrap().subsidy);
                    prop_assert!(d.government_pays <= p.pension.proxy_tier);
                    let age = dues.age;
                    prop_assert!((p.pension.min_age..=p.pension.max_age).contains(&age));
                    prop_assert_eq!(d.band.is_some(), true);
                } else {
                    prop_assert_eq!(d.tier, None);
                    prop_assert_eq!(d.person_pays, Decimal::ZERO);
                    prop_assert_eq!(d.government_pays, Decimal::ZERO);
                    prop_assert_eq!(d.subsidy, Decimal::ZERO);
                }
            }
            Err(e) => {
                prop_assert_eq!(e, DuesError::TierNotEntitled { tier: p.pension.minimum_tier });
                prop_assert!(p.pension.minimum_tier_groups.iter().all(|g| !person.has(*g)));
            }
        }
    }

    /// The severely disabled aged 16–59 never pay for the default tier.
    #[test]
    fn severe_disability_pays_nothing(year in any_year(), age in 16i32..=59, g in prop_oneof![Just(Group::Disabled1), Just(Group::Disabled2)], extra in any_groups()) {
        prop_assume!(!extra.iter().any(|g| g.excludes().contains(&zhengjiao::domain::Insurance::Pension)));
        prop_assume!(!(year == 2025 && extra.contains(&Group::Student)));
        let person = Person::born(NaiveDate::from_ymd_opt(year - age, 3, 3).unwrap())
            .with_groups(extra)
            .with_groups([g]);
        let d = compute(&policy(year), &person, None).unwrap().pension;
        prop_assert_eq!(d.tier, Some(Decimal::from(100)));
        prop_assert_eq!(d.person_pays, Decimal::ZERO);
        prop_assert_eq!(d.subsidy, Decimal::from(30));
    }

    // ------------------------------------------------------------ ID numbers

    /// A composed number parses back to itself with its birth date and sex.
    #[test]
    fn id_round_trip(region in 100000u32..=999999, birth in any_date(1880, 2100), seq in 0u16..=999) {
        let id = IdNumber::compose(&region.to_string(), birth, seq);
        let parsed = IdNumber::parse(id.as_str()).unwrap();
        prop_assert_eq!(&parsed, &id);
        prop_assert_eq!(parsed.as_str().len(), 18);
        prop_assert_eq!(parsed.region(), region.to_string());
        prop_assert_eq!(parsed.birth_date(), birth);
        prop_assert_eq!(parsed.birth_year(), birth.year());
        let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(parsed.sex(), sex);
        // A lower-case x parses to the same number.
        let lower = id.as_str().to_ascii_lowercase();
        prop_assert_eq!(IdNumber::parse(&lower).unwrap(), id);
    }

    /// Changing any one character of a valid number is always caught
    /// (MOD 11-2 detects every single substitution).
    #[test]
    fn single_substitution_is_caught(
        region in 100000u32..=999999,
        birth in any_date(1880, 2100),
        seq in 0u16..=999,
        pos in 0usize..18,
        new in prop_oneof![(0u8..10).prop_map(|d| (b'0' + d) as char), Just('X')],
    ) {
        let id = IdNumber::compose(&region.to_string(), birth, seq);
        let mut chars: Vec<char> = id.as_str().chars().collect();
        prop_assume!(chars[pos] != new);
        chars[pos] = new;
        let changed: String = chars.into_iter().collect();
        prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
    }

    /// Swapping two different adjacent characters is always caught too.
    #[test]
    fn adjacent_transposition_is_caught(
        region in 100000u32..=999999,
        birth in any_date(1880, 2100),
        seq in 0u16..=999,
        pos in 0usize..17,
    ) {
        let id = IdNumber::compose(&region.to_string(), birth, seq);
        let mut chars: Vec<char> = id.as_str().chars().collect();
        prop_assume!(chars[pos] != chars[pos + 1]);
        chars.swap(pos, pos + 1);
        let changed: String = chars.into_iter().collect();
        prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
    }

    /// The check digit is the one character that makes the weighted sum ≡ 1 (mod 11).
    #[test]
    fn exactly_one_check_character(digits in "[0-9]{17}") {
        let valid: Vec<char> = "0123456789X"
            .chars()
            .filter(|c| {
                let value = if *c == 'X' { 10 } else { c.to_digit(10).unwrap() };
                let sum: u32 = digits
                    .bytes()
                    .enumerate()
                    .map(|(i, d)| u32::from(d - b'0') * (1u32 << (17 - i)) % 11)
                    .sum::<u32>()
                    + value;
                sum % 11 == 1
            })
            .collect();
        prop_assert_eq!(valid, vec![check_char(digits.as_bytes())]);
    }

    /// Masking keeps the first 6 and last 4 characters and hides the birth date.
    #[test]
    fn masking(region in 100000u32..=999999, birth in any_date(1880, 2100), seq in 0u16..=999) {
        let id = IdNumber::compose(&region.to_string(), birth, seq);
        let m = id.masked();
        prop_assert_eq!(m.chars().count(), 18);
        prop_assert_eq!(&m[..6], &id.as_str()[..6]);
        prop_assert_eq!(&m[14..], &id.as_str()[14..]);
        prop_assert_eq!(&m[6..14], "********");
    }

    /// A 15-digit legacy number upgrades to the 18-digit number of the same
    /// person born in the 1900s.
    #[test]
    fn legacy_upgrade(region in 100000u32..=999999, birth in any_date(1900, 1999), seq in 0u16..=999) {
        let id = IdNumber::compose(&region.to_string(), birth, seq);
        let s = id.as_str();
        let legacy = format!("{}{}", &s[..6], &s[8..17]);
        prop_assert_eq!(legacy.len(), 15);
        prop_assert_eq!(IdNumber::parse(&legacy).unwrap(), id);
    }
}
