//! The daily remittance view (费款日报解): per agent and day, the payments
//! recorded through agent channels (expected) next to the cash handed in,
//! the difference (短款 short / 长款 over), cash held past the next working
//! day (滞留), and whether the day is closed. By default the days still
//! open; `f` shows every day including the closed ones. `a` records cash an
//! agent hands in, `c` closes a balanced day, each through a confirmation
//! (see [`crate::tui::overlays::prompt`]). The rows come from the store's
//! remittance functions (`remittance_open`, `remittance_days`); nothing is
//! computed here.

use super::{Fetch, Fetches};
use crate::domain::money::yuan;
use crate::store::campaign::remittance::AgentDay;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::strings::{S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::table::{Column, TableRow, VirtualTable, follow};
use crate::tui::worker::{Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::any::Any;
use std::sync::Arc;

pub struct RemittanceReply {
    generation: u64,
    all: bool,
    rows: Result<Vec<AgentDay>, String>,
}

pub struct Remittance {
    session: Arc<Session>,
    /// every day, closed ones too (else the open ones)
    all: bool,
    generation: u64,
    asked: Option<(u64, bool)>,
    page: Option<(u64, bool, Vec<AgentDay>)>,
    cursor: usize,
    first_row: usize,
    visible: usize,
    pub notice: Option<String>,
}

/// How an agent's day stands: closed, ready to close, else the worst first.
fn state(d: &AgentDay) -> (S, Tone) {
    if d.is_closed() {
        (S::RemitClosed, Tone::Dim)
    } else if d.balanced() && d.expected_fen > 0 {
        // ready to close, even if it came in late
        (S::RemitBalanced, Tone::Good)
    } else if d.held {
        (S::RemitHeld, Tone::Flag)
    } else if d.difference_fen < 0 && d.cash_fen > 0 {
        (S::RemitShort, Tone::Bad)
    } else if d.difference_fen > 0 {
        (S::RemitOver, Tone::Warn)
    } else if d.balanced() {
        (S::RemitBalanced, Tone::Good)
    } else {
        (S::RemitWaiting, Tone::Normal)
    }
}

/// The last two characters of an agent's code (`37040600121301` → `01`).
fn code_tail(code: &str) -> String {
    let n = code.chars().count();
    code.chars().skip(n.saturating_sub(2)).collect()
}

impl Remittance {
    pub fn new(session: Arc<Session>) -> Remittance {
        Remittance {
            session,
            all: false,
            generation: 0,
            asked: None,
            page: None,
            cursor: 0,
            first_row: 0,
            visible: 10,
            notice: None,
        }
    }

    pub fn set_visible(&mut self, rows: usize) {
        self.visible = rows.max(1);
    }

    fn rows(&self) -> &[AgentDay] {
        match &self.page {
            Some((_, all, rows)) if *all == self.all => rows,
            _ => &[],
        }
    }

    /// The agent's day under the cursor.
    pub fn current(&self) -> Option<&AgentDay> {
        self.rows().get(self.cursor)
    }

    fn move_to(&mut self, to: usize) -> Outcome {
        let total = self.rows().len();
        self.cursor = to.min(total.saturating_sub(1));
        self.first_row = follow(self.first_row, self.cursor, self.visible, total);
        Outcome::Redraw
    }
}

impl Fetch for Remittance {
    fn fetches(&mut self) -> Fetches {
        let (g, all) = (self.generation, self.all);
        let fresh = matches!(&self.page, Some((pg, pall, _)) if *pg == g && *pall == all);
        if fresh || self.asked == Some((g, all)) {
            return Vec::new();
        }
        self.asked = Some((g, all));
        let as_of = self.session.as_of;
        vec![(
            Slot::Remittance,
            Box::new(move |store| {
                let rows = if all {
                    store.remittance_days(as_of)
                } else {
                    store.remittance_open(as_of)
                };
                Box::new(RemittanceReply {
                    generation: g,
                    all,
                    rows: rows.map_err(|e| e.to_string()),
                }) as Reply
            }),
        )]
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        if slot != Slot::Remittance {
            return false;
        }
        if let Ok(r) = reply.downcast::<RemittanceReply>() {
            if self.asked == Some((r.generation, r.all)) {
                self.asked = None;
            }
            match r.rows {
                Ok(rows) => {
                    let newer = matches!(&self.page, Some((g, all, _)) if *all == r.all && *g > r.generation);
                    if !newer {
                        self.page = Some((r.generation, r.all, rows));
                        self.move_to(self.cursor);
                    }
                }
                Err(e) => self.notice = Some(e),
            }
        }
        true
    }

    fn invalidate(&mut self, generation: u64) {
        self.generation = generation;
    }
}

impl View for Remittance {
    fn context(&self) -> Context {
        Context::Remittance
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::RecordRemittance,
            Action::CloseRemittance,
            Action::CycleFilter,
            Action::NextView,
            Action::Quit,
        ]
    }

    fn apply(&mut self, action: Action) -> Outcome {
        let page = self.visible.max(1);
        let at = self.cursor;
        match action {
            Action::MoveUp => self.move_to(at.saturating_sub(1)),
            Action::MoveDown => self.move_to(at + 1),
            Action::PageUp => self.move_to(at.saturating_sub(page)),
            Action::PageDown => self.move_to(at + page),
            Action::HalfPageUp => self.move_to(at.saturating_sub(page / 2)),
            Action::HalfPageDown => self.move_to(at + page / 2),
            Action::Home => self.move_to(0),
            Action::End => self.move_to(usize::MAX),
            Action::CycleFilter => {
                self.all = !self.all;
                self.cursor = 0;
                self.first_row = 0;
                Outcome::Refetch
            }
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        self.accept_reply(Slot::Remittance, page);
    }

    fn visible_rows(&self, area: Rect) -> usize {
        VirtualTable::visible_rows(area, true)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let columns = [
            Column::fixed(S::ColDate.get(lang), 5),
            Column::flex(S::ColAgent.get(lang), 10),
            Column::flex(S::ColVillage.get(lang), 6),
            Column::fixed(S::RemitCount.get(lang), 4).right(),
            Column::fixed(S::RemitExpected.get(lang), 9).right(),
            Column::fixed(S::RemitCash.get(lang), 9).right(),
            Column::fixed(S::RemitDifference.get(lang), 9).right(),
            Column::fixed(S::ColStatus.get(lang), 6),
        ];
        let rows_all = self.rows();
        let visible = VirtualTable::visible_rows(area, true);
        let total = rows_all.len();
        let first = follow(self.first_row, self.cursor, visible, total);
        let rows: Vec<TableRow> = rows_all
            .iter()
            .skip(first)
            .take(visible)
            .map(|d| {
                let (st, tone) = state(d);
                let diff = if d.difference_fen == 0 {
                    String::from("0.00")
                } else {
                    format!("{:+}", rust_decimal::Decimal::new(d.difference_fen, 2))
                };
                let diff_tone = match d.difference_fen {
                    0 => Tone::Normal,
                    x if x < 0 => Tone::Bad,
                    _ => Tone::Warn,
                };
                TableRow::new([
                    Span::raw(d.day.format("%m-%d").to_string()),
                    // the code's last digits tell a village's agents apart
                    Span::raw(format!("{} {}", d.agent_name, code_tail(&d.agent_code))),
                    Span::raw(crate::domain::village_name::short(&d.village_name).to_string()),
                    Span::raw(d.payments.to_string()),
                    Span::raw(yuan(d.expected_fen)),
                    Span::raw(yuan(d.cash_fen)),
                    Span::styled(diff, theme.tone(diff_tone)),
                    Span::styled(st.get(lang), theme.tone(tone)),
                ])
            })
            .collect();
        let open = rows_all.iter().filter(|d| !d.is_closed()).count();
        let held = rows_all.iter().filter(|d| d.held && !d.is_closed()).count();
        let short: i64 = rows_all
            .iter()
            .filter(|d| !d.is_closed() && d.difference_fen < 0)
            .map(|d| -d.difference_fen)
            .sum();
        let summary = fill(S::RemitSummary.get(lang), &[&open, &held, &yuan(short)]);
        let status = if total == 0 {
            summary
        } else {
            format!(
                "{}  {summary}",
                fill(S::MsgCursor.get(lang), &[&(self.cursor + 1), &total])
            )
        };
        let which = if self.all {
            S::RemitAllDays
        } else {
            S::RemitOpenDays
        };
        let block = theme
            .block(true)
            .title(Span::styled(
                format!(" {} · {} ", S::ViewRemittance.get(lang), which.get(lang)),
                theme.title(),
            ))
            .title_bottom(Line::from(format!(" {status} ")));
        let empty = if self.page.is_some() {
            S::RemitNone.get(lang)
        } else {
            S::MsgLoading.get(lang)
        };
        let table = VirtualTable::new(
            &columns,
            &rows,
            if rows.is_empty() { 0 } else { total },
            first,
            theme,
        )
        .selected(Some(self.cursor))
        .block(block)
        .empty_text(empty);
        frame.render_widget(table, area);
    }
}
