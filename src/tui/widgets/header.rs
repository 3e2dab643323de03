//! The header: one bar with the year, as-of date, phase and day of the
//! window, then the district (or town) gauges, one per line at 80 columns and
//! two at 120.

use super::gauge::{GaugeLine, GaugeSpec, Rate};
use super::text;
use crate::tui::Ctx;
use crate::tui::strings::{S, fill};
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// Columns one gauge wants (with the selection's name and the district's
/// rate beside): one per line below 160 columns, two from 160.
pub const GAUGE_COLS: u16 = 80;

/// What the header shows, prepared by the caller from the policy year and store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo<'a> {
    /// 山亭区, or a town's name when the view is a town's
    pub place: &'a str,
    pub year: i32,
    pub as_of: NaiveDate,
    /// the phase's name in the console's language (from the policy year)
    pub phase: Option<&'a str>,
    /// day of the collection window and its length
    pub day: Option<(u32, u32)>,
    /// share of the window elapsed, for the gauges' pace
    pub elapsed: Rate,
    pub read_only: bool,
    /// why the console is read-only, when it is (shown in the title bar)
    pub read_only_reason: Option<&'a str>,
    /// the district's gauges
    pub gauges: Vec<GaugeSpec<'a>>,
    /// the selected town or village and its rates, one per gauge: the gauges
    /// then show these, with the district's beside
    pub selection: Option<(String, Vec<Option<Rate>>)>,
}

pub struct Header<'a> {
    info: &'a HeaderInfo<'a>,
    ctx: Ctx<'a>,
}

impl<'a> Header<'a> {
    pub fn new(info: &'a HeaderInfo<'a>, ctx: Ctx<'a>) -> Self {
        Header { info, ctx }
    }

    fn per_line(width: u16) -> usize {
        usize::from((width / GAUGE_COLS).max(1))
    }

    /// Rows the header needs at this width.
    pub fn height(width: u16, gauges: usize) -> u16 {
        (1 + gauges.div_ceil(Self::per_line(width))) as u16
    }

    fn title_line(&self) -> Line<'static> {
        let lang = self.ctx.lang;
        let theme = self.ctx.theme;
        let sep = format!(" {} ", theme.sym.separator);
        let info = self.info;
        let mut parts = vec![
            format!(
                " {} {} {}",
                S::AppName.get(lang),
                info.place,
                fill(S::HeaderYear.get(lang), &[&info.year])
            ),
            fill(S::HeaderAsOf.get(lang), &[&info.as_of.format("%Y-%m-%d")]),
        ];
        if let Some(phase) = info.phase {
            let mut text = phase.to_string();
            // the phase's own day count, right after its name (集中缴费阶段第44/82天):
            // the window's (征缴期第84/122天) is `report progress`'s other figure
            if let Some((day, days)) = info.day {
                text.push_str(&fill(S::HeaderDay.get(lang), &[&day, &days]));
            }
            parts.push(text);
        }
        let mut spans = vec![Span::styled(
            parts.join(&sep),
            theme.bar().add_modifier(Modifier::BOLD),
        )];
        if info.read_only {
            let text = info.read_only_reason.unwrap_or(S::ReadOnly.get(lang));
            spans.push(Span::styled(format!("{sep}{text}"), theme.bar()));
        }
        Line::from(spans)
    }
}

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let theme = self.ctx.theme;
        buf.set_style(Rect { height: 1, ..area }, theme.bar());
        buf.set_line(area.x, area.y, &self.title_line(), area.width);

        let per_line = Self::per_line(area.width);
        let cell = area.width / per_line as u16;
        let label_width = self
            .info
            .gauges
            .iter()
            .map(|g| text::width(g.label))
            .max()
            .unwrap_or(0);
        for (i, spec) in self.info.gauges.iter().enumerate() {
            let row = (i / per_line) as u16 + 1;
            if row >= area.height {
                break;
            }
            let col = (i % per_line) as u16;
            let x = area.x + col * cell;
            let gauge_area = Rect::new(x + 1, area.y + row, cell.saturating_sub(2), 1);
            let gauge = GaugeLine::new(*spec, self.info.elapsed, self.ctx).label_width(label_width);
            match &self.info.selection {
                Some((place, rates)) => {
                    let spec = GaugeSpec {
                        rate: rates.get(i).copied().flatten(),
                        ..*spec
                    };
                    GaugeLine::new(spec, self.info.elapsed, self.ctx)
                        .label_width(label_width)
                        .beside(place, self.info.gauges[i].rate)
                        .render(gauge_area, buf);
                }
                None => gauge.render(gauge_area, buf),
            }
        }
    }
}
