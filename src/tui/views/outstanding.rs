//! The outstanding view: per village, who has not paid yet, with a phone
//! number and what they owe — the list a village agent takes on the rounds.
//! Left, the towns and villages; right, the chosen village's outstanding list.

use super::residents::ResidentsPane;
use super::towns::TownsPane;
use super::{Fetch, Fetches};
use crate::store::campaign::progress::Progress;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::worker::{Lane, Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;
use std::sync::Arc;

pub struct OutstandingView {
    pub towns: TownsPane,
    pub list: ResidentsPane,
    list_focused: bool,
    /// the town followed from the main view, until the clerk moves here
    followed: Option<i64>,
}

const LEFT: u16 = 26;
const LEFT_WIDE: u16 = 30;

fn split(area: Rect, list_focused: bool) -> (Option<Rect>, Option<Rect>) {
    if area.width < 80 {
        return if list_focused {
            (None, Some(area))
        } else {
            (Some(area), None)
        };
    }
    let left = if area.width >= 140 { LEFT_WIDE } else { LEFT };
    (
        Some(Rect {
            width: left,
            ..area
        }),
        Some(Rect {
            x: area.x + left,
            width: area.width - left,
            ..area
        }),
    )
}

impl OutstandingView {
    pub fn new(session: Arc<Session>) -> OutstandingView {
        let mut v = OutstandingView {
            towns: TownsPane::new(Arc::clone(&session)),
            list: ResidentsPane::new(session, Lane::Outstanding),
            list_focused: false,
            followed: None,
        };
        v.set_focus(false);
        v
    }

    fn set_focus(&mut self, list: bool) {
        self.list_focused = list;
        self.towns.focused = !list;
        self.list.focused = list;
    }

    pub fn set_progress(&mut self, progress: Arc<Progress>) {
        self.towns.set_progress(progress);
        self.link();
    }

    /// Open on the main view's town, so the agent's village is one move away.
    pub fn follow_town(&mut self, town_id: Option<i64>) {
        if let Some(t) = town_id
            && self.followed != Some(t)
        {
            self.followed = Some(t);
            self.towns.open_town(t);
            self.link();
        }
    }

    pub fn layout(&mut self, body: Rect) {
        let rows = usize::from(body.height.saturating_sub(3));
        self.towns.set_visible(rows);
        self.list.set_visible(rows);
    }

    pub fn link(&mut self) {
        match self.towns.selection() {
            Some(sel) => self.list.set_scope(Some(sel.scope), &sel.title),
            None => self.list.set_scope(None, ""),
        }
    }

    pub fn current_resident(&self) -> Option<i64> {
        self.list.current().map(|r| r.id)
    }
}

impl Fetch for OutstandingView {
    fn fetches(&mut self) -> Fetches {
        self.link();
        self.list.fetches()
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        self.list.accept_reply(slot, reply)
    }

    fn invalidate(&mut self, generation: u64) {
        self.list.invalidate(generation);
    }
}

impl View for OutstandingView {
    fn context(&self) -> Context {
        if self.list_focused {
            Context::Residents
        } else {
            Context::Towns
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::DrillIn,
            Action::Back,
            Action::FocusNextPane,
            Action::RecordPayment,
            Action::ExportList,
            Action::NextView,
            Action::Quit,
        ]
    }

    fn apply(&mut self, action: Action) -> Outcome {
        let outcome = match action {
            Action::FocusNextPane | Action::FocusPrevPane => {
                self.set_focus(!self.list_focused);
                Outcome::Redraw
            }
            Action::DrillIn if !self.list_focused => match self.towns.level() {
                super::towns::Level::Towns => self.towns.apply(action),
                super::towns::Level::Villages(_) => {
                    self.set_focus(true);
                    Outcome::Redraw
                }
            },
            Action::Back if self.list_focused => {
                self.set_focus(false);
                Outcome::Redraw
            }
            a if self.list_focused => self.list.apply(a),
            Action::SortNextColumn | Action::ReverseSort => self.list.apply(action),
            a => self.towns.apply(a),
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
        self.list.visible_rows(area)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let (left, right) = split(area, self.list_focused);
        if let Some(r) = left {
            self.towns.draw(frame, r, ctx);
        }
        if let Some(r) = right {
            self.list.draw(frame, r, ctx);
        }
    }
}
