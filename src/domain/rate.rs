//! How a rate is shown: one rounding for every place a person reads one (the
//! console, `report progress`, the bulletin, the exports). Half up to one
//! decimal of a percent (per mille), computed on the exact counts with
//! integer arithmetic, never on a float or on an already rounded figure; a
//! rate short of complete never reads 100.0% (one unpaid resident of 2,000
//! is not "done" against a 100% target).

use rust_decimal::{Decimal, RoundingStrategy};

/// `num / den` in units of `10^-scale`, rounded half away from zero (half up
/// for the non-negative counts rates are made of); `None` when `den` is 0.
pub fn half_up(num: i64, den: i64, scale: u32) -> Option<i128> {
    if den == 0 {
        return None;
    }
    let (num, den) = (i128::from(num), i128::from(den));
    let unit = 10i128.pow(scale);
    let negative = (num < 0) != (den < 0);
    let (n, d) = (num.abs() * unit, den.abs());
    let q = (2 * n + d) / (2 * d);
    Some(if negative { -q } else { q })
}

/// The rate as shown, in per mille (675 reads 67.5%); below 1000 unless
/// `num >= den`.
pub fn permille(num: i64, den: i64) -> Option<i64> {
    if den <= 0 {
        return None;
    }
    let p = half_up(num, den, 3)? as i64;
    Some(if num < den { p.min(999) } else { p })
}

/// The rate as shown, as a fraction with three decimals: 0.675 for 67.5%.
pub fn shown(num: i64, den: i64) -> Option<Decimal> {
    permille(num, den).map(|p| Decimal::new(p, 3))
}

/// A rate already held as a fraction (a projection, a change between two
/// shown rates) as shown: per mille, half away from zero.
pub fn permille_of(fraction: Decimal) -> i64 {
    (fraction * Decimal::from(1000))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .mantissa() as i64
}

/// "67.5%" for a fraction, with [`permille_of`]'s rounding.
pub fn percent_text(fraction: Decimal) -> String {
    let p = permille_of(fraction);
    let sign = if p < 0 { "-" } else { "" };
    format!("{sign}{}.{}%", p.abs() / 10, p.abs() % 10)
}

/// "67.5%" for `num / den`, "—" when nobody is counted.
pub fn percent_of_counts(num: i64, den: i64) -> String {
    match permille(num, den) {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halves_go_up_and_the_rest_to_the_nearest() {
        // 城头镇 in the issue: 67.45% must read 67.5 (it was truncated to 67.4)
        assert_eq!(permille(6745, 10000), Some(675));
        assert_eq!(permille(67449, 100000), Some(674));
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(1, 8), Some(125));
        assert_eq!(permille(1, 16), Some(63)); // 6.25 -> 6.3
        assert_eq!(permille(0, 5), Some(0));
        assert_eq!(permille(5, 0), None);
        assert_eq!(shown(6745, 10000), Some(Decimal::new(675, 3)));
        assert_eq!(percent_of_counts(6745, 10000), "67.5%");
        assert_eq!(percent_of_counts(0, 0), "—");
    }

    #[test]
    fn short_of_complete_never_reads_a_hundred() {
        assert_eq!(permille(1999, 2000), Some(999));
        assert_eq!(permille(2000, 2000), Some(1000));
    }

    #[test]
    fn fractions_round_half_away_from_zero() {
        assert_eq!(permille_of(Decimal::new(67450, 5)), 675);
        assert_eq!(permille_of(Decimal::new(-12, 3)), -12);
        assert_eq!(permille_of(Decimal::new(-125, 4)), -13);
        assert_eq!(percent_text(Decimal::new(-125, 4)), "-1.3%");
        assert_eq!(percent_text(Decimal::new(6745, 4)), "67.5%");
        assert_eq!(half_up(-1, 8, 3), Some(-125));
    }

    proptest! {
        #[test]
        fn shown_is_never_more_than_half_a_unit_off(num in 0i64..1_000_000, den in 1i64..1_000_000) {
            let p = i128::from(permille(num, den).unwrap());
            // |p/1000 - num/den| <= 1/2000, i.e. |2*p*den - 2000*num| <= den
            let err = (2 * p * i128::from(den) - 2000 * i128::from(num)).abs();
            let capped = num < den && p == 999;
            prop_assert!(err <= i128::from(den) || capped);
        }
    }
}
