//! The main view: towns → residents → detail, linked so that moving in one
//! pane updates the next at once. At 80 columns two panes show (the detail
//! takes the towns' place when it has focus); from 140, all three.

use super::detail::DetailPane;
use super::residents::ResidentsPane;
use super::towns::TownsPane;
use super::{Fetch, Fetches};
use crate::store::campaign::progress::Progress;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::layout::{self, Pane};
use crate::tui::session::Session;
use crate::tui::worker::{Lane, Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;
use std::sync::Arc;

pub struct MainView {
    pub focus: Pane,
    pub towns: TownsPane,
    pub residents: ResidentsPane,
    pub detail: DetailPane,
    body: Rect,
    /// the first progress opens the first town's villages
    opened: bool,
    /// a resident just paid for: the detail stays on them until the clerk
    /// moves, even if the list (filtered to the outstanding) drops them
    pinned: Option<i64>,
}

/// Actions of the residents list that work from the towns pane too.
fn list_action(a: Action) -> bool {
    matches!(
        a,
        Action::FilterOutstanding
            | Action::FilterPaid
            | Action::FilterExempt
            | Action::FilterFlagged
            | Action::FilterAll
            | Action::CycleFilter
            | Action::SortNextColumn
            | Action::ReverseSort
    )
}

impl MainView {
    pub fn new(session: Arc<Session>) -> MainView {
        let mut v = MainView {
            focus: Pane::Towns,
            towns: TownsPane::new(Arc::clone(&session)),
            residents: ResidentsPane::new(Arc::clone(&session), Lane::Main),
            detail: DetailPane::new(session),
            body: Rect::default(),
            opened: false,
            pinned: None,
        };
        v.set_focus(Pane::Towns);
        v
    }

    /// New counters. The first ones open on the first town's villages: a
    /// clerk works village by village, a village's list comes at once, and
    /// the towns are one Esc away (a whole town's list takes the store a
    /// scan of the town).
    pub fn set_progress(&mut self, progress: Arc<Progress>) {
        let first_town = progress.towns.first().map(|t| t.area.id);
        self.towns.set_progress(progress);
        if !self.opened {
            self.opened = true;
            if let Some(t) = first_town {
                self.towns.open_town(t);
            }
        }
        self.link();
    }

    /// Where the body is; each pane learns how many rows it shows.
    pub fn layout(&mut self, body: Rect) {
        self.body = body;
        let panes = layout::panes(body, self.focus);
        let rows = |r: Option<Rect>| r.map_or(10, |r| usize::from(r.height.saturating_sub(3)));
        let height = panes
            .get(Pane::Residents)
            .or(panes.get(self.focus))
            .or(Some(body));
        self.towns.set_visible(rows(panes.towns.or(height)));
        self.residents.set_visible(rows(panes.residents.or(height)));
    }

    pub fn set_focus(&mut self, pane: Pane) {
        self.focus = pane;
        self.towns.focused = pane == Pane::Towns;
        self.residents.focused = pane == Pane::Residents;
        self.detail.focused = pane == Pane::Detail;
        let body = self.body;
        if body.width > 0 {
            self.layout(body);
        }
    }

    /// Carry each pane's selection to the next.
    pub fn link(&mut self) {
        match self.towns.selection() {
            Some(sel) => self.residents.set_scope(Some(sel.scope), &sel.title),
            None => self.residents.set_scope(None, ""),
        }
        let id = self.pinned.or(self.residents.current().map(|r| r.id));
        self.detail.set_resident(id);
    }

    /// Keep a resident's detail on screen (after a payment for them), in
    /// the detail pane, until the next key the view handles.
    pub fn unpin(&mut self) {
        self.pinned = None;
    }

    pub fn pin(&mut self, resident_id: i64) {
        self.pinned = Some(resident_id);
        self.set_focus(Pane::Detail);
        self.link();
    }

    /// The resident whose detail is shown (payments and full ID act on them).
    pub fn current_resident(&self) -> Option<i64> {
        self.detail.resident()
    }
}

impl Fetch for MainView {
    fn fetches(&mut self) -> Fetches {
        self.link();
        let mut out = self.residents.fetches();
        out.extend(self.detail.fetches());
        out
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        let taken = match slot {
            Slot::Detail => self.detail.accept_reply(slot, reply),
            _ => self.residents.accept_reply(slot, reply),
        };
        if taken {
            self.link();
        }
        taken
    }

    fn invalidate(&mut self, generation: u64) {
        self.residents.invalidate(generation);
        self.detail.invalidate(generation);
    }
}

impl View for MainView {
    fn context(&self) -> Context {
        self.focus.context()
    }

    fn hints(&self) -> &'static [Action] {
        match self.focus {
            Pane::Towns => &[
                Action::Help,
                Action::Search,
                Action::DrillIn,
                Action::Back,
                Action::FocusNextPane,
                Action::CycleFilter,
                Action::NextView,
                Action::Quit,
            ],
            Pane::Residents => &[
                Action::Help,
                Action::Search,
                Action::RecordPayment,
                Action::ToggleMark,
                Action::CycleFilter,
                Action::SortNextColumn,
                Action::ExportList,
                Action::Quit,
            ],
            Pane::Detail => &[
                Action::Help,
                Action::RecordPayment,
                Action::ShowFullId,
                Action::RefundPayment,
                Action::Back,
                Action::Search,
                Action::Quit,
            ],
        }
    }

    fn apply(&mut self, action: Action) -> Outcome {
        // a pinned detail stays while it is scrolled; any other key lets go
        let scroll = matches!(
            action,
            Action::MoveUp
                | Action::MoveDown
                | Action::PageUp
                | Action::PageDown
                | Action::HalfPageUp
                | Action::HalfPageDown
                | Action::Home
        );
        if self.focus != Pane::Detail || !scroll {
            self.pinned = None;
        }
        let outcome = match action {
            Action::FocusNextPane => {
                self.set_focus(self.focus.next());
                Outcome::Redraw
            }
            Action::FocusPrevPane => {
                self.set_focus(self.focus.prev());
                Outcome::Redraw
            }
            a if list_action(a) && self.focus != Pane::Detail => self.residents.apply(a),
            Action::DrillIn => match self.focus {
                Pane::Towns => match self.towns.level() {
                    super::towns::Level::Towns => self.towns.apply(action),
                    super::towns::Level::Villages(_) => {
                        self.set_focus(Pane::Residents);
                        Outcome::Redraw
                    }
                },
                Pane::Residents => {
                    self.set_focus(Pane::Detail);
                    Outcome::Redraw
                }
                Pane::Detail => Outcome::Ignored,
            },
            Action::Back => match self.focus {
                Pane::Towns => self.towns.apply(action),
                Pane::Residents => {
                    self.set_focus(Pane::Towns);
                    Outcome::Redraw
                }
                Pane::Detail => {
                    self.set_focus(Pane::Residents);
                    Outcome::Redraw
                }
            },
            a => match self.focus {
                Pane::Towns => self.towns.apply(a),
                Pane::Residents => self.residents.apply(a),
                Pane::Detail => self.detail.apply(a),
            },
        };
        if outcome != Outcome::Ignored {
            self.link();
        }
        outcome
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        if let Ok(p) = page.downcast::<Arc<Progress>>() {
            self.set_progress(*p);
        }
    }

    fn visible_rows(&self, area: Rect) -> usize {
        self.residents.visible_rows(area)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let panes = layout::panes(area, self.focus);
        if let Some(r) = panes.towns {
            self.towns.draw(frame, r, ctx);
        }
        if let Some(r) = panes.residents {
            self.residents.draw(frame, r, ctx);
        }
        if let Some(r) = panes.detail {
            self.detail.draw(frame, r, ctx);
        }
    }
}
