//! The console's views and panes, each a [`View`](crate::tui::View):
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`towns`] | towns, then a town's villages, with rates and pace markers |
//! | [`residents`] | the residents of the selection, a page at a time |
//! | [`detail`] | one resident: groups, this year's dues, payment history |
//! | [`main`] | the three linked panes above |
//! | [`dashboard`] | towns ranked, the daily trend, the projection |
//! | [`outstanding`] | a village's outstanding residents, for its agent |
//! | [`audit`] | the audit log |
//! | [`remittance`] | agents' days: expected against cash handed in, held, closed |
//!
//! Views hold a query and the page that answers it; [`Fetch::fetches`] turns
//! a stale page into store jobs for the workers, and replies come back
//! through [`Fetch::accept_reply`].

pub mod audit;
pub mod dashboard;
pub mod detail;
pub mod main;
pub mod outstanding;
pub mod remittance;
pub mod residents;
pub mod towns;

use super::status::PayStatus;
use super::strings::{Lang, S, fill};
use super::theme::Tone;
use super::widgets::gauge::{Pace, Rate, pace};
use super::worker::{Job, Reply, Slot};
use crate::domain::progress::Counts;
use crate::domain::{Channel, Group, Insurance, PolicyYear};
use crate::store::campaign::progress::AreaProgress;
use crate::store::registry::residents::Standing;
use chrono::NaiveDate;

/// Store work a view wants, each for the slot whose reply it will accept.
pub type Fetches = Vec<(Slot, Job)>;

/// How a view asks for data and takes it back.
pub trait Fetch {
    /// Jobs that bring the view's pages up to date with its queries. A job
    /// already asked for is not asked again.
    fn fetches(&mut self) -> Fetches;
    /// Take a reply meant for this view; false if the slot is not its own.
    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool;
    /// The database changed: pages are stale (but stay shown until replaced).
    fn invalidate(&mut self, generation: u64);
}

/// The views, in the order of the number keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewId {
    Main,
    Dashboard,
    Outstanding,
    Remittance,
    Audit,
}

impl ViewId {
    pub const ALL: [ViewId; 5] = [
        ViewId::Main,
        ViewId::Dashboard,
        ViewId::Outstanding,
        ViewId::Remittance,
        ViewId::Audit,
    ];

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            ViewId::Main => S::ViewMain,
            ViewId::Dashboard => S::ViewDashboard,
            ViewId::Outstanding => S::ViewOutstanding,
            ViewId::Remittance => S::ViewRemittance,
            ViewId::Audit => S::ViewAudit,
        }
        .get(lang)
    }

    pub fn next(self) -> ViewId {
        let at = ViewId::ALL.iter().position(|v| *v == self).unwrap_or(0);
        ViewId::ALL[(at + 1) % ViewId::ALL.len()]
    }

    pub fn prev(self) -> ViewId {
        let at = ViewId::ALL.iter().position(|v| *v == self).unwrap_or(0);
        ViewId::ALL[(at + ViewId::ALL.len() - 1) % ViewId::ALL.len()]
    }
}

/// One measure of progress: medical, or a pension target band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub key: String,
    /// what a marker calls it: 医 (M), or the band's first age
    pub code_zh: String,
    pub code_en: String,
    pub label_zh: String,
    pub label_en: String,
    /// short column title: 医保, 养老45-59
    pub short_zh: String,
    pub short_en: String,
    pub target: Rate,
}

impl Measure {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.label_zh,
            Lang::En => &self.label_en,
        }
    }

    pub fn code(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.code_zh,
            Lang::En => &self.code_en,
        }
    }

    pub fn short(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.short_zh,
            Lang::En => &self.short_en,
        }
    }

    pub fn counts(&self, area: &AreaProgress) -> Counts {
        area.measures.get(&self.key).copied().unwrap_or_default()
    }

    pub fn rate(&self, area: &AreaProgress) -> Option<Rate> {
        rate(&self.counts(area))
    }
}

/// The year's measures from its policy: medical first, then the pension bands.
pub fn measures(policy: &PolicyYear) -> Vec<Measure> {
    let mut out = vec![Measure {
        key: "medical".into(),
        code_zh: "医".into(),
        code_en: "M".into(),
        label_zh: S::GaugeMedical.get(Lang::Zh).into(),
        label_en: S::GaugeMedical.get(Lang::En).into(),
        short_zh: S::GaugeMedical.get(Lang::Zh).into(),
        short_en: S::GaugeMedical.get(Lang::En).into(),
        target: Rate::percent(policy.targets.medical_percent),
    }];
    for b in &policy.targets.bands {
        let (zh, en) = S::GaugePensionBand.pair();
        let (szh, sen) = S::ColPensionBand.pair();
        out.push(Measure {
            key: b.key.clone(),
            code_zh: b.min_age.to_string(),
            code_en: b.min_age.to_string(),
            label_zh: fill(zh, &[&b.min_age, &b.max_age]),
            label_en: fill(en, &[&b.min_age, &b.max_age]),
            short_zh: fill(szh, &[&b.min_age, &b.max_age]),
            short_en: fill(sen, &[&b.min_age, &b.max_age]),
            target: Rate::percent(b.target_percent),
        });
    }
    out
}

/// Collection rate among those who pay themselves.
pub fn rate(c: &Counts) -> Option<Rate> {
    Rate::ratio(c.paid.max(0) as u64, c.due.max(0) as u64)
}

/// Share of the collection window elapsed by `as_of`.
pub fn elapsed(policy: &PolicyYear, as_of: NaiveDate) -> Rate {
    let d = policy.window_days(as_of);
    Rate::ratio(d.elapsed.max(0) as u64, d.total.max(1) as u64).unwrap_or(Rate::ZERO)
}

/// The worst pace of an area over the measures (what its marker shows).
pub fn worst_pace(area: &AreaProgress, measures: &[Measure], elapsed: Rate) -> Pace {
    worst_measure(area, measures, elapsed).map_or(Pace::NoData, |(_, p)| p)
}

/// The measure furthest behind in an area, with its pace (the first of
/// equals: medical before the bands).
pub fn worst_measure<'m>(
    area: &AreaProgress,
    measures: &'m [Measure],
    elapsed: Rate,
) -> Option<(&'m Measure, Pace)> {
    measures
        .iter()
        .map(|m| (m, pace(m.rate(area), m.target, elapsed)))
        .filter(|(_, p)| *p != Pace::NoData)
        .min_by_key(|(_, p)| *p)
}

/// The marker of an area: `!` or `!!` followed by which measure is behind
/// (医 for medical, a pension band by its first age: `!!16`), `✓` when every
/// measure has met its target. The help's legend explains it.
pub fn behind_marker(
    area: &AreaProgress,
    measures: &[Measure],
    elapsed: Rate,
    sym: &super::theme::Symbols,
    lang: Lang,
) -> (String, Pace) {
    match worst_measure(area, measures, elapsed) {
        Some((m, p @ (Pace::Behind | Pace::FarBehind))) => {
            (format!("{}{}", p.marker(sym), m.code(lang)), p)
        }
        Some((_, p)) => (p.marker(sym).to_string(), p),
        None => (String::new(), Pace::NoData),
    }
}

/// How a resident's standing reads in a list: a status, or nothing when the
/// resident is not on that insurance's roster this year.
pub fn status_of(standing: Standing, flagged: bool) -> Option<PayStatus> {
    match standing {
        Standing::NotCovered => None,
        Standing::Paid => Some(PayStatus::Paid),
        Standing::ProxyPaid => Some(PayStatus::ProxyPaid),
        _ if flagged => Some(PayStatus::Flagged),
        Standing::Due => Some(PayStatus::Due),
        Standing::Exempt => Some(PayStatus::Exempt),
    }
}

/// The status text and tone of one standing, `-` when not covered.
pub fn status_text(standing: Standing, flagged: bool, lang: Lang) -> (&'static str, Tone) {
    match status_of(standing, flagged) {
        Some(s) => (s.label(lang), s.tone()),
        None => ("-", Tone::Dim),
    }
}

/// A rate as a short number for narrow columns: `92.3`, `100`.
pub fn rate_cell(rate: Option<Rate>) -> String {
    match rate {
        None => "--".into(),
        Some(r) if r == Rate::FULL => "100".into(),
        Some(r) => {
            let p = r.as_permille();
            format!("{}.{}", p / 10, p % 10)
        }
    }
}

/// A group's name in the console's language (codes in English).
pub fn group_name(g: Group, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => g.zh(),
        Lang::En => g.code(),
    }
}

/// A channel's name in the console's language (codes in English).
pub fn channel_name(c: Channel, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => c.zh(),
        Lang::En => c.code(),
    }
}

/// An insurance's short name: 医保 / 养老.
pub fn insurance_name(i: Insurance, lang: Lang) -> &'static str {
    match i {
        Insurance::Medical => S::ColMedical.get(lang),
        Insurance::Pension => S::ColPension.get(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Policies;

    #[test]
    fn measures_come_from_the_policy() {
        let p = Policies::built_in();
        let m = measures(p.get(2025).unwrap());
        let labels: Vec<&str> = m.iter().map(|m| m.label(Lang::Zh)).collect();
        assert_eq!(labels, vec!["医保", "养老45-59岁", "养老16-44岁"]);
        assert_eq!(m[1].target, Rate::percent(95));
        assert_eq!(m[2].short(Lang::En), "P16-44");
    }

    #[test]
    fn flagged_residents_read_as_to_review_unless_settled() {
        assert_eq!(status_of(Standing::Due, true), Some(PayStatus::Flagged));
        assert_eq!(status_of(Standing::Paid, true), Some(PayStatus::Paid));
        assert_eq!(status_of(Standing::NotCovered, true), None);
        assert_eq!(status_of(Standing::Exempt, false), Some(PayStatus::Exempt));
    }

    #[test]
    fn rate_cells_are_short() {
        assert_eq!(rate_cell(Rate::ratio(923, 1000)), "92.3");
        assert_eq!(rate_cell(Rate::ratio(1, 1)), "100");
        assert_eq!(rate_cell(None), "--");
    }
}
