//! Money: `Decimal` yuan in code, integer fen (分) in storage.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Yuan to fen. Amounts are rounded to the fen (banker's rounding never
/// applies: policy amounts are whole fen).
pub fn to_fen(yuan: Decimal) -> i64 {
    (yuan * Decimal::from(100))
        .round()
        .to_i64()
        .expect("amount fits in i64 fen")
}

pub fn from_fen(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// For display: `400.00`.
pub fn yuan(fen: i64) -> String {
    format!("{:.2}", from_fen(fen))
}

/// Yuan for people: `400.00`.
pub fn fmt(yuan: Decimal) -> String {
    format!("{:.2}", yuan)
}

/// A yuan amount that serializes as an exact JSON number (`400`, `12.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Amount(#[serde(with = "rust_decimal::serde::arbitrary_precision")] pub Decimal);

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for fen in [0, 1, 99, 100, 40000, -3000, 123456789] {
            assert_eq!(to_fen(from_fen(fen)), fen);
        }
        assert_eq!(yuan(40000), "400.00");
    }
}
