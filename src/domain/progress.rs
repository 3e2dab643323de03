//! Progress arithmetic: counts per measure, rates against targets, pace.

use rust_decimal::Decimal;
use serde::Serialize;

/// Counts of one measure (medical, or a pension band) for some area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Residents who pay (part of) their share themselves.
    pub due: i64,
    /// Of those, how many have paid.
    pub paid: i64,
    /// Residents whose whole share the government pays (免缴费认定).
    pub exempt: i64,
    /// Of the exempt, for how many the government's payment is recorded.
    pub exempt_paid: i64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.due += o.due;
        self.paid += o.paid;
        self.exempt += o.exempt;
        self.exempt_paid += o.exempt_paid;
    }

    /// Collection rate among those who pay themselves: paid / due.
    pub fn rate(&self) -> Option<Decimal> {
        ratio(self.paid, self.due)
    }

    /// The collection rate as people read it (see [`super::rate`]): 0.675.
    pub fn shown_rate(&self) -> Option<Decimal> {
        super::rate::shown(self.paid, self.due)
    }

    /// Coverage of everyone eligible, the exempt included.
    pub fn coverage(&self) -> Option<Decimal> {
        ratio(self.paid + self.exempt_paid, self.due + self.exempt)
    }

    pub fn outstanding(&self) -> i64 {
        self.due - self.paid
    }
}

/// `num / den` to four decimals (the JSON's rates), half up like every
/// shown rate ([`super::rate::half_up`]).
pub fn ratio(num: i64, den: i64) -> Option<Decimal> {
    if den <= 0 {
        return None;
    }
    super::rate::half_up(num, den, 4).map(|q| Decimal::from_i128_with_scale(q, 4).normalize())
}

/// Whether a rate is on pace to reach the target by the window's end,
/// assuming collection grows in step with the days elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pace {
    Reached,
    OnPace,
    Behind,
}

pub fn pace(rate: Decimal, target: Decimal, elapsed_share: Decimal) -> Pace {
    if rate >= target {
        Pace::Reached
    } else if rate >= target * elapsed_share.min(Decimal::ONE) {
        Pace::OnPace
    } else {
        Pace::Behind
    }
}

/// Projected end-of-window rate at the current pace (linear in days).
pub fn projection(rate: Decimal, elapsed_days: i64, total_days: i64) -> Decimal {
    if elapsed_days <= 0 {
        return Decimal::ZERO;
    }
    (rate * Decimal::from(total_days) / Decimal::from(elapsed_days))
        .min(Decimal::ONE)
        .round_dp(4)
}

/// Split `total` over parts in proportion to `weights`, so that the parts
/// sum to exactly `total` (largest-remainder method).
pub fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum <= 0 || weights.is_empty() {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    let mut out: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let mut rest: Vec<(i64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (-(total * w % sum), i))
        .collect();
    rest.sort();
    let missing = total - out.iter().sum::<i64>();
    for (_, i) in rest.into_iter().take(missing as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pace_and_projection() {
        let half = Decimal::new(5, 1);
        assert_eq!(
            pace(Decimal::new(96, 2), Decimal::new(95, 2), half),
            Pace::Reached
        );
        assert_eq!(
            pace(Decimal::new(50, 2), Decimal::new(95, 2), half),
            Pace::OnPace
        );
        assert_eq!(
            pace(Decimal::new(40, 2), Decimal::new(95, 2), half),
            Pace::Behind
        );
        assert_eq!(
            projection(Decimal::new(30, 2), 61, 122),
            Decimal::new(60, 2)
        );
    }

    proptest! {
        #[test]
        fn apportion_sums_exactly(total in 0i64..100_000, weights in proptest::collection::vec(0i64..5_000, 1..60)) {
            let parts = apportion(total, &weights);
            prop_assert_eq!(parts.iter().sum::<i64>(), total);
            prop_assert_eq!(parts.len(), weights.len());
        }
    }
}
