//! How a resident stands for one insurance and year, and the filters of the
//! residents list: names and tones, so every view shows them alike. The store
//! decides a status; this only says how it reads and looks.

use super::strings::{Lang, S};
use super::theme::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayStatus {
    /// 已缴: paid this year.
    Paid,
    /// 未缴: owes and has not paid.
    Due,
    /// 免缴: the government pays the whole share; not counted among payers.
    Exempt,
    /// 代缴: paid by a department on the resident's behalf.
    ProxyPaid,
    /// 待核: something needs a clerk's review (death notice, duplicate, mismatch).
    Flagged,
}

impl PayStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PayStatus::Paid => S::StatusPaid,
            PayStatus::Due => S::StatusDue,
            PayStatus::Exempt => S::StatusExempt,
            PayStatus::ProxyPaid => S::StatusProxyPaid,
            PayStatus::Flagged => S::StatusFlagged,
        }
        .get(lang)
    }

    pub fn tone(self) -> Tone {
        match self {
            PayStatus::Paid => Tone::Good,
            PayStatus::Due => Tone::Warn,
            PayStatus::Exempt | PayStatus::ProxyPaid => Tone::Info,
            PayStatus::Flagged => Tone::Flag,
        }
    }
}

/// Which residents a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Filter {
    #[default]
    Outstanding,
    Paid,
    Exempt,
    Flagged,
    All,
}

impl Filter {
    /// The order `cycle-filter` goes through.
    pub const CYCLE: [Filter; 5] = [
        Filter::Outstanding,
        Filter::Paid,
        Filter::Exempt,
        Filter::Flagged,
        Filter::All,
    ];

    pub fn next(self) -> Filter {
        let at = Filter::CYCLE.iter().position(|f| *f == self).unwrap_or(0);
        Filter::CYCLE[(at + 1) % Filter::CYCLE.len()]
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Filter::Outstanding => S::FilterOutstanding,
            Filter::Paid => S::FilterPaid,
            Filter::Exempt => S::FilterExempt,
            Filter::Flagged => S::FilterFlagged,
            Filter::All => S::FilterAll,
        }
        .get(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_visits_every_filter_and_returns() {
        let mut f = Filter::default();
        let mut seen = vec![f];
        for _ in 0..4 {
            f = f.next();
            seen.push(f);
        }
        assert_eq!(seen, Filter::CYCLE);
        assert_eq!(f.next(), Filter::Outstanding);
    }

    #[test]
    fn labels() {
        assert_eq!(PayStatus::ProxyPaid.label(Lang::Zh), "代缴");
        assert_eq!(Filter::Outstanding.label(Lang::En), "outstanding");
    }
}
