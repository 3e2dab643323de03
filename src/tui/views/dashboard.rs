//! The dashboard: towns ranked by rate with bars, the daily payments over the
//! collection window, and where each measure ends at the current pace.

use super::{Fetch, Fetches, Measure, elapsed, measures, rate_cell};
use crate::domain::progress::projection;
use crate::store::campaign::progress::{AreaProgress, Progress};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::strings::{S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::gauge::{Rate, pace};
use crate::tui::widgets::table::{Column, TableRow, VirtualTable, follow, layout};
use crate::tui::worker::{Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::Sparkline;
use std::any::Any;
use std::sync::Arc;

const ASCII_BARS: bar::Set<'static> = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

/// Payments per day, or why they could not be read.
type Days = Result<Vec<(NaiveDate, i64)>, String>;

pub struct DailyReply {
    generation: u64,
    days: Days,
}

pub struct Dashboard {
    session: Arc<Session>,
    measures: Vec<Measure>,
    elapsed: Rate,
    progress: Option<Arc<Progress>>,
    /// the measure towns are ranked by
    rank_by: usize,
    /// listed worst first (ranks keep their meaning: 1 is the best)
    ascending: bool,
    /// the town under the cursor (kept across re-sorting)
    selected: Option<i64>,
    /// rows the ranking shows, for paging and scrolling
    visible: std::cell::Cell<usize>,
    generation: u64,
    daily: Option<(u64, Days)>,
    asked: Option<u64>,
}

impl Dashboard {
    pub fn new(session: Arc<Session>) -> Dashboard {
        Dashboard {
            measures: measures(&session.policy),
            elapsed: elapsed(&session.policy, session.as_of),
            session,
            progress: None,
            rank_by: 0,
            ascending: false,
            selected: None,
            visible: std::cell::Cell::new(11),
            generation: 0,
            daily: None,
            asked: None,
        }
    }

    pub fn set_progress(&mut self, progress: Arc<Progress>) {
        self.progress = Some(progress);
    }

    /// The towns in the order shown, each with its rank (1 = the highest
    /// rate), so that the worst-first order still reads as ranks.
    fn ranked(&self) -> Vec<(usize, &AreaProgress)> {
        let Some(p) = &self.progress else {
            return Vec::new();
        };
        let m = &self.measures[self.rank_by];
        let mut towns: Vec<&AreaProgress> = p.towns.iter().map(|t| &t.area).collect();
        towns.sort_by_key(|a| std::cmp::Reverse(m.rate(a)));
        let mut ranked: Vec<(usize, &AreaProgress)> = towns
            .into_iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a))
            .collect();
        if self.ascending {
            ranked.reverse();
        }
        ranked
    }

    /// Row of the cursor in the shown order (the first row when none yet).
    fn cursor(&self) -> usize {
        let ranked = self.ranked();
        self.selected
            .and_then(|id| ranked.iter().position(|(_, a)| a.id == id))
            .unwrap_or(0)
    }

    /// The town under the cursor: the header's gauges show it, Enter opens it.
    pub fn selected_area(&self) -> Option<&AreaProgress> {
        let ranked = self.ranked();
        ranked.get(self.cursor()).map(|(_, a)| *a)
    }

    fn move_to(&mut self, row: usize) -> Outcome {
        let id = {
            let ranked = self.ranked();
            let row = row.min(ranked.len().saturating_sub(1));
            ranked.get(row).map(|(_, a)| a.id)
        };
        self.selected = id.or(self.selected);
        Outcome::Redraw
    }

    fn projected(&self, area: &AreaProgress, m: &Measure) -> Option<Rate> {
        let c = m.counts(area);
        let r = c.rate()?;
        let d = self.session.policy.window_days(self.session.as_of);
        let p = projection(r, d.elapsed, d.total);
        let permille = crate::domain::rate::permille_of(p).clamp(0, 1000) as u32;
        Some(Rate::permille(permille))
    }

    fn draw_ranking(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let m = &self.measures[self.rank_by];
        let titles: Vec<String> = self
            .measures
            .iter()
            .map(|m| m.short(lang).to_string())
            .collect();
        let mut columns = vec![
            Column::fixed(S::ColRank.get(lang), 4).right(),
            Column::flex(S::ColTown.get(lang), 8),
            Column::flex(S::ColProgress.get(lang), 6),
        ];
        for t in &titles {
            let w = (crate::tui::widgets::text::width(t) as u16).max(5);
            columns.push(Column::fixed(t, w).right());
        }
        columns.push(Column::fixed(S::ColProjected.get(lang), 6).right());
        columns.push(Column::fixed("", 2));
        let inner_width = area.width.saturating_sub(2);
        let widths = layout(&columns, inner_width);
        let bar_w = usize::from(widths[2]);
        let ranked = self.ranked();
        let sym = &theme.sym;
        let visible = VirtualTable::visible_rows(area, true);
        self.visible.set(visible.max(1));
        let cursor = self.cursor();
        let first = follow(0, cursor, visible, ranked.len());
        let rows: Vec<TableRow> = ranked
            .iter()
            .skip(first)
            .take(visible)
            .map(|(rank, a)| {
                let rate = m.rate(a);
                let p = pace(rate, m.target, self.elapsed);
                let tone = theme.tone(p.tone());
                let filled = rate.map_or(0, |r| r.as_permille().min(1000) as usize * bar_w / 1000);
                let bar = format!(
                    "{}{}",
                    sym.gauge_fill.repeat(filled),
                    sym.gauge_empty.repeat(bar_w.saturating_sub(filled))
                );
                let mut cells = vec![
                    Span::raw(format!("{rank}")),
                    Span::raw(a.name.clone()),
                    Span::styled(bar, tone),
                ];
                for other in &self.measures {
                    let r = other.rate(a);
                    let t = theme.tone(pace(r, other.target, self.elapsed).tone());
                    cells.push(Span::styled(rate_cell(r), t));
                }
                cells.push(Span::raw(rate_cell(self.projected(a, m))));
                cells.push(Span::styled(p.marker(sym), tone));
                TableRow::new(cells)
            })
            .collect();
        let (arrow, order) = if self.ascending {
            (sym.sort_asc, S::DashWorstFirst)
        } else {
            (sym.sort_desc, S::DashBestFirst)
        };
        let title = format!(
            " {}{arrow} {} ",
            fill(S::DashRanking.get(lang), &[&m.label(lang)]),
            order.get(lang)
        );
        let block = theme.block(true).title(Span::styled(title, theme.title()));
        let table = VirtualTable::new(&columns, &rows, ranked.len(), first, theme)
            .selected(Some(cursor))
            .block(block)
            .empty_text(S::MsgLoading.get(lang));
        frame.render_widget(table, area);
    }

    fn draw_trend(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let policy = &self.session.policy;
        let (start, end) = (policy.window.start, policy.window.end);
        let days = ((end - start).num_days() + 1).max(1) as usize;
        let inner = usize::from(area.width.saturating_sub(2)).max(1);
        let mut per_day = vec![0u64; days];
        let mut total = 0u64;
        if let Some((_, Ok(list))) = &self.daily {
            for (d, n) in list {
                let i = (*d - start).num_days();
                if (0..days as i64).contains(&i) {
                    per_day[i as usize] += (*n).max(0) as u64;
                    total += (*n).max(0) as u64;
                }
            }
        }
        let peak = per_day.iter().copied().max().unwrap_or(0);
        // one bar per column: days are summed into as many buckets as fit
        let buckets = inner.min(days);
        let shown_days = self
            .session
            .policy
            .window_days(self.session.as_of)
            .elapsed
            .max(0) as usize;
        let data: Vec<Option<u64>> = (0..buckets)
            .map(|b| {
                let (from, to) = (b * days / buckets, (b + 1) * days / buckets);
                if from >= shown_days {
                    None
                } else {
                    Some(per_day[from..to.max(from + 1)].iter().sum())
                }
            })
            .collect();
        let mut title = fill(
            S::DashTrend.get(lang),
            &[&start.format("%m-%d"), &end.format("%m-%d"), &peak, &total],
        );
        match &self.daily {
            None => title = S::MsgLoading.get(lang).to_string(),
            Some((g, _)) if *g != self.generation => {
                title.push(' ');
                title.push_str(S::MsgLoading.get(lang));
            }
            Some((_, Err(e))) => title = e.clone(),
            _ => {}
        }
        let projections: Vec<String> = self
            .progress
            .as_ref()
            .map(|p| {
                self.measures
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}%",
                            m.label(lang),
                            rate_cell(self.projected(&p.district, m))
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let bottom = fill(S::DashProjection.get(lang), &[&projections.join("  ")]);
        let block = theme
            .block(false)
            .title(Span::styled(format!(" {title} "), theme.title()))
            .title_bottom(Line::from(Span::styled(
                format!(" {bottom} "),
                theme.tone(Tone::Accent),
            )));
        let spark = Sparkline::default()
            .block(block)
            .data(data)
            .style(theme.tone(Tone::Good))
            .bar_set(if theme.sym.ascii {
                ASCII_BARS
            } else {
                bar::NINE_LEVELS
            });
        frame.render_widget(spark, area);
    }
}

impl Fetch for Dashboard {
    fn fetches(&mut self) -> Fetches {
        let fresh = matches!(&self.daily, Some((g, _)) if *g == self.generation);
        if fresh || self.asked == Some(self.generation) {
            return Vec::new();
        }
        self.asked = Some(self.generation);
        let generation = self.generation;
        let year = self.session.year();
        vec![(
            Slot::Daily,
            Box::new(move |store| {
                let days = store.daily_payments(year).map_err(|e| e.to_string());
                Box::new(DailyReply { generation, days }) as Reply
            }),
        )]
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        if slot != Slot::Daily {
            return false;
        }
        if let Ok(r) = reply.downcast::<DailyReply>() {
            if self.asked == Some(r.generation) {
                self.asked = None;
            }
            self.daily = Some((r.generation, r.days));
        }
        true
    }

    fn invalidate(&mut self, generation: u64) {
        self.generation = generation;
    }
}

impl View for Dashboard {
    fn context(&self) -> Context {
        Context::Towns
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::DrillIn,
            Action::SortNextColumn,
            Action::ReverseSort,
            Action::NextView,
            Action::CommandPalette,
            Action::Quit,
        ]
    }

    fn apply(&mut self, action: Action) -> Outcome {
        match action {
            Action::SortNextColumn | Action::CycleFilter => {
                self.rank_by = (self.rank_by + 1) % self.measures.len();
                Outcome::Redraw
            }
            Action::ReverseSort => {
                self.ascending = !self.ascending;
                Outcome::Redraw
            }
            Action::MoveUp => self.move_to(self.cursor().saturating_sub(1)),
            Action::MoveDown => self.move_to(self.cursor() + 1),
            Action::PageUp | Action::HalfPageUp => {
                self.move_to(self.cursor().saturating_sub(self.visible.get()))
            }
            Action::PageDown | Action::HalfPageDown => {
                self.move_to(self.cursor() + self.visible.get())
            }
            Action::Home => self.move_to(0),
            Action::End => self.move_to(usize::MAX),
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        if let Ok(p) = page.downcast::<Arc<Progress>>() {
            self.set_progress(*p);
        }
    }

    fn visible_rows(&self, area: Rect) -> usize {
        usize::from(area.height)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let towns = self.progress.as_ref().map_or(11, |p| p.towns.len()) as u16;
        let table_h = (towns + 3).min(area.height.saturating_sub(5)).max(3);
        let top = Rect {
            height: table_h.min(area.height),
            ..area
        };
        let rest = Rect {
            y: area.y + top.height,
            height: area.height - top.height,
            ..area
        };
        self.draw_ranking(frame, top, &ctx);
        if rest.height >= 3 {
            self.draw_trend(frame, rest, &ctx);
        }
    }
}
