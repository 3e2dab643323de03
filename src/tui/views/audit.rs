//! The audit log, newest first, a window of entries at a time from
//! `Store::audit_page`.

use super::{Fetch, Fetches};
use crate::store::audit::AuditEntry;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::strings::{self, S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::table::{Column, TableRow, VirtualTable, follow};
use crate::tui::worker::{Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::any::Any;

const WINDOW: usize = 200;

pub struct AuditCountReply {
    generation: u64,
    total: Result<i64, String>,
}

pub struct AuditPageReply {
    generation: u64,
    offset: usize,
    rows: Result<Vec<AuditEntry>, String>,
}

#[derive(Default)]
pub struct AuditView {
    cursor: usize,
    first_row: usize,
    visible: usize,
    generation: u64,
    total: Option<(u64, usize)>,
    count_asked: Option<u64>,
    window: Option<(u64, usize, Vec<AuditEntry>)>,
    page_asked: Option<(u64, usize)>,
    pub notice: Option<String>,
}

impl AuditView {
    pub fn set_visible(&mut self, rows: usize) {
        self.visible = rows.max(1);
    }

    fn total(&self) -> usize {
        self.total.map_or(0, |t| t.1)
    }

    fn covered(&self) -> bool {
        match &self.window {
            Some((g, off, rows)) if *g == self.generation => {
                let end = (self.first_row + self.visible).min(self.total());
                *off <= self.first_row && end <= off + rows.len()
            }
            _ => false,
        }
    }

    fn entry(&self, i: usize) -> Option<&AuditEntry> {
        let (_, off, rows) = self.window.as_ref()?;
        i.checked_sub(*off).and_then(|i| rows.get(i))
    }

    fn move_to(&mut self, to: usize) -> Outcome {
        let to = to.min(self.total().saturating_sub(1));
        self.cursor = to;
        self.first_row = follow(self.first_row, to, self.visible, self.total());
        Outcome::Refetch
    }
}

impl Fetch for AuditView {
    fn fetches(&mut self) -> Fetches {
        let mut out: Fetches = Vec::new();
        let g = self.generation;
        if self.total.is_none_or(|t| t.0 != g) && self.count_asked != Some(g) {
            self.count_asked = Some(g);
            out.push((
                Slot::AuditCount,
                Box::new(move |store| {
                    Box::new(AuditCountReply {
                        generation: g,
                        total: store.audit_count().map_err(|e| e.to_string()),
                    }) as Reply
                }),
            ));
        }
        if !self.covered() {
            let offset = self
                .first_row
                .saturating_sub(WINDOW.saturating_sub(self.visible) / 2);
            if self.page_asked != Some((g, offset)) {
                self.page_asked = Some((g, offset));
                out.push((
                    Slot::AuditPage,
                    Box::new(move |store| {
                        Box::new(AuditPageReply {
                            generation: g,
                            offset,
                            rows: store
                                .audit_page(offset as i64, WINDOW as i64)
                                .map_err(|e| e.to_string()),
                        }) as Reply
                    }),
                ));
            }
        }
        out
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        match slot {
            Slot::AuditCount => {
                if let Ok(r) = reply.downcast::<AuditCountReply>() {
                    if self.count_asked == Some(r.generation) {
                        self.count_asked = None;
                    }
                    match r.total {
                        Ok(n) => self.total = Some((r.generation, n.max(0) as usize)),
                        Err(e) => self.notice = Some(e),
                    }
                }
                true
            }
            Slot::AuditPage => {
                if let Ok(r) = reply.downcast::<AuditPageReply>() {
                    if self.page_asked == Some((r.generation, r.offset)) {
                        self.page_asked = None;
                    }
                    match r.rows {
                        Ok(rows) => self.window = Some((r.generation, r.offset, rows)),
                        Err(e) => self.notice = Some(e),
                    }
                }
                true
            }
            _ => false,
        }
    }

    fn invalidate(&mut self, generation: u64) {
        self.generation = generation;
    }
}

impl View for AuditView {
    fn context(&self) -> Context {
        Context::Global
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::PageDown,
            Action::PageUp,
            Action::NextView,
            Action::Refresh,
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
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        if page.is::<AuditCountReply>() {
            self.accept_reply(Slot::AuditCount, page);
        } else {
            self.accept_reply(Slot::AuditPage, page);
        }
    }

    fn visible_rows(&self, area: Rect) -> usize {
        VirtualTable::visible_rows(area, true)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let columns = [
            Column::fixed(S::ColTime.get(lang), 16),
            Column::fixed(S::ColUser.get(lang), 8),
            Column::fixed(S::ColAction.get(lang), 12),
            Column::flex(S::ColDetail.get(lang), 10),
        ];
        let visible = VirtualTable::visible_rows(area, true);
        let total = self.total();
        let first = follow(self.first_row, self.cursor, visible, total);
        let rows: Vec<TableRow> = (first..first + visible)
            .map_while(|i| self.entry(i))
            .map(|e| {
                let action = strings::audit_action(&e.action)
                    .map(|(zh, en)| lang.pick(zh, en).to_string())
                    .unwrap_or_else(|| e.action.clone());
                let target = match e.entity_id {
                    Some(id) => format!("{}#{id} ", e.entity),
                    None => format!("{} ", e.entity),
                };
                let at: String = e.at.chars().take(16).collect();
                TableRow::new([
                    Span::styled(at, theme.tone(Tone::Dim)),
                    Span::raw(e.user.clone()),
                    Span::raw(action),
                    Span::raw(format!("{target}{}", e.detail.clone().unwrap_or_default())),
                ])
            })
            .collect();
        let status = if total == 0 {
            String::new()
        } else {
            fill(S::MsgCursor.get(lang), &[&(self.cursor + 1), &total])
        };
        let block = theme
            .block(true)
            .title(Span::styled(
                format!(" {} ", S::ViewAudit.get(lang)),
                theme.title(),
            ))
            .title_bottom(Line::from(format!(" {status} ")));
        let empty = if self.total.is_some() {
            S::MsgEmpty.get(lang)
        } else {
            S::MsgLoading.get(lang)
        };
        let shown_total = if rows.is_empty() { 0 } else { total };
        let table = VirtualTable::new(&columns, &rows, shown_total, first, theme)
            .selected(Some(self.cursor))
            .block(block)
            .empty_text(empty);
        frame.render_widget(table, area);
    }
}
