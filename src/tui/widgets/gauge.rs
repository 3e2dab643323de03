//! A progress gauge on one line — `医保 92.3% ▕████████░░▏ 目标100%` — coloured
//! by pace: how the rate compares with where it should be by now, given the
//! share of the collection window elapsed.
//!
//! Rates are per-mille integers (no floats), rounded as every shown rate is
//! ([`crate::domain::rate`]): half up, and 100% only when everyone has paid.

use super::text::{self, Align};
use crate::tui::Ctx;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::{Symbols, Tone};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use std::fmt;

/// A share in tenths of a percent (per mille): 923 reads "92.3%".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(u32);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const FULL: Rate = Rate(1000);

    pub const fn permille(p: u32) -> Rate {
        Rate(p)
    }

    pub const fn percent(p: u32) -> Rate {
        Rate(p * 10)
    }

    /// `done / total` as shown everywhere ([`crate::domain::rate::permille`]);
    /// `None` when there is nobody to count.
    pub fn ratio(done: u64, total: u64) -> Option<Rate> {
        let done = i64::try_from(done).unwrap_or(i64::MAX);
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        let permille = crate::domain::rate::permille(done, total)?;
        Some(Rate(u32::try_from(permille.max(0)).unwrap_or(u32::MAX)))
    }

    pub fn as_permille(self) -> u32 {
        self.0
    }

    /// "95%" for whole percents, "92.3%" otherwise (targets).
    pub fn short(self) -> String {
        if self.0.is_multiple_of(10) {
            format!("{}%", self.0 / 10)
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}.{}%", self.0 / 10, self.0 % 10))
    }
}

/// How progress stands against the target at this point of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pace {
    NoData,
    /// more than 10 points below where it should be by now
    FarBehind,
    /// below where it should be by now, by at most 10 points
    Behind,
    /// at or above `target × elapsed`
    OnPace,
    /// at or above the target itself
    Met,
}

/// The longest bar: longer ones push the target too far from the rate.
const BAR_MAX: usize = 40;

/// Points below the expected rate still counted as "behind" rather than "far behind".
const BEHIND_MARGIN: u32 = 100;

/// Pace of `rate` against `target` when `elapsed` of the window has passed.
pub fn pace(rate: Option<Rate>, target: Rate, elapsed: Rate) -> Pace {
    let Some(rate) = rate else {
        return Pace::NoData;
    };
    if rate >= target {
        return Pace::Met;
    }
    let expected = target.0 * elapsed.0.min(1000) / 1000;
    if rate.0 >= expected {
        Pace::OnPace
    } else if rate.0 + BEHIND_MARGIN >= expected {
        Pace::Behind
    } else {
        Pace::FarBehind
    }
}

impl Pace {
    pub fn tone(self) -> Tone {
        match self {
            Pace::NoData => Tone::Dim,
            Pace::FarBehind => Tone::Bad,
            Pace::Behind => Tone::Warn,
            Pace::OnPace | Pace::Met => Tone::Good,
        }
    }

    /// A marker after the gauge, so the pace reads without colour too.
    pub fn marker(self, sym: &Symbols) -> &'static str {
        match self {
            Pace::Met => sym.pace_met,
            Pace::Behind => sym.pace_behind,
            Pace::FarBehind => sym.pace_far_behind,
            Pace::NoData | Pace::OnPace => "",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Pace::NoData => S::GaugeNoData,
            Pace::FarBehind => S::PaceFarBehind,
            Pace::Behind => S::PaceBehind,
            Pace::OnPace => S::PaceOnPace,
            Pace::Met => S::PaceMet,
        }
        .get(lang)
    }
}

/// One gauge: what is measured, how far it is, and against what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GaugeSpec<'a> {
    pub label: &'a str,
    pub rate: Option<Rate>,
    pub target: Rate,
}

/// The gauge widget; `label_width` aligns several gauges stacked in a column.
pub struct GaugeLine<'a> {
    spec: GaugeSpec<'a>,
    elapsed: Rate,
    label_width: usize,
    ctx: Ctx<'a>,
    /// the selected town or village the rate is of, and the district's rate
    beside: Option<(&'a str, Option<Rate>)>,
}

/// Columns the selection's name takes in a gauge line.
pub const PLACE_COLS: usize = 8;

impl<'a> GaugeLine<'a> {
    pub fn new(spec: GaugeSpec<'a>, elapsed: Rate, ctx: Ctx<'a>) -> GaugeLine<'a> {
        let label_width = text::width(spec.label);
        GaugeLine {
            spec,
            elapsed,
            label_width,
            ctx,
            beside: None,
        }
    }

    /// The rate is the selected `place`'s; the district's is shown after the bar.
    pub fn beside(mut self, place: &'a str, district: Option<Rate>) -> Self {
        self.beside = Some((place, district));
        self
    }

    pub fn label_width(mut self, cols: usize) -> Self {
        self.label_width = cols;
        self
    }

    /// The gauge as styled spans fitting `cols` columns; the bar shrinks first.
    pub fn line(&self, cols: usize) -> Line<'static> {
        let theme = self.ctx.theme;
        let sym = &theme.sym;
        let pace = pace(self.spec.rate, self.spec.target, self.elapsed);
        let tone = theme.tone(pace.tone());
        let dim = theme.tone(Tone::Dim);
        let label = text::fit(self.spec.label, self.label_width, Align::Left, sym.ellipsis);
        let pct = match self.spec.rate {
            Some(rate) => format!("{rate:>6}"),
            None => format!("{:>6}", "--"),
        };
        let target = fill(
            S::GaugeTarget.get(self.ctx.lang),
            &[&self.spec.target.short()],
        );
        let marker = pace.marker(sym);
        let place = self
            .beside
            .map(|(p, _)| text::fit(p, PLACE_COLS, Align::Left, sym.ellipsis));
        let district = self.beside.map(|(_, d)| {
            let d = d.map_or("--".to_string(), |r| r.to_string());
            fill(S::GaugeDistrict.get(self.ctx.lang), &[&d])
        });
        let extra = place.as_ref().map_or(0, |p| text::width(p) + 1)
            + district.as_ref().map_or(0, |d| text::width(d) + 1);
        let fixed = text::width(&label) + 1 + 6 + 1 + text::width(&target) + 1 + 2 + extra;
        let caps = text::width(sym.gauge_left) + text::width(sym.gauge_right);
        let mut spans = vec![Span::raw(label), Span::raw(" ")];
        if let Some(p) = place {
            spans.push(Span::styled(p, self.ctx.theme.tone(Tone::Accent)));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(pct, tone));
        let bar = cols.saturating_sub(fixed + 1 + caps).min(BAR_MAX);
        if bar >= 4 {
            let rate = self.spec.rate.unwrap_or(Rate::ZERO).0.min(1000) as usize;
            let filled = rate * bar / 1000;
            spans.push(Span::raw(" "));
            spans.push(Span::styled(sym.gauge_left, dim));
            spans.push(Span::styled(sym.gauge_fill.repeat(filled), tone));
            spans.push(Span::styled(sym.gauge_empty.repeat(bar - filled), dim));
            spans.push(Span::styled(sym.gauge_right, dim));
        }
        if let Some(d) = district {
            spans.push(Span::raw(" "));
            spans.push(Span::raw(d));
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(target, dim));
        if !marker.is_empty() {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(marker, tone));
        }
        Line::from(spans)
    }
}

impl Widget for GaugeLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let line = self.line(usize::from(area.width));
        buf.set_line(area.x, area.y, &line, area.width);
    }
}

#[cfg(test)]
#[path = "gauge_tests.rs"]
mod tests;
