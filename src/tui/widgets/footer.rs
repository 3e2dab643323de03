//! The footer: an optional message, then key hints for the focused context,
//! taken from the live keymap (a remapped key shows as remapped; an unbound
//! action is left out rather than shown with a key that does not work).

use crate::tui::Ctx;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::theme::Tone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::text;

/// Hints most panes show, most important first; cut from the end to fit.
pub const DEFAULT_HINTS: &[Action] = &[
    Action::Help,
    Action::Search,
    Action::RecordPayment,
    Action::DrillIn,
    Action::Back,
    Action::FocusNextPane,
    Action::CycleFilter,
    Action::CommandPalette,
    Action::Quit,
];

pub struct Footer<'a> {
    ctx: Ctx<'a>,
    context: Context,
    hints: &'a [Action],
    message: Option<(&'a str, Tone)>,
}

impl<'a> Footer<'a> {
    pub fn new(ctx: Ctx<'a>, context: Context, hints: &'a [Action]) -> Self {
        Footer {
            ctx,
            context,
            hints,
            message: None,
        }
    }

    pub fn message(mut self, text: &'a str, tone: Tone) -> Self {
        self.message = Some((text, tone));
        self
    }

    /// The hints that have a key here, as (key label, description).
    pub fn hint_texts(&self) -> Vec<(String, &'static str)> {
        let ascii = self.ctx.theme.sym.ascii;
        self.hints
            .iter()
            .filter_map(|&action| {
                let key = self.ctx.keymap.key_for(self.context, action)?;
                Some((key.label(ascii), action.describe(self.ctx.lang)))
            })
            .collect()
    }
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let theme = self.ctx.theme;
        let mut spans = vec![Span::raw(" ")];
        let mut used = 1;
        let room = usize::from(area.width);
        if let Some((message, tone)) = self.message {
            let cut = text::truncate(message, room.saturating_sub(used), theme.sym.ellipsis);
            used += text::width(&cut) + 2;
            spans.push(Span::styled(cut.into_owned(), theme.tone(tone)));
            spans.push(Span::raw("  "));
        }
        for (key, desc) in self.hint_texts() {
            let w = text::width(&key) + 1 + text::width(desc) + 2;
            if used + w > room {
                break;
            }
            used += w;
            spans.push(Span::styled(key, theme.key()));
            spans.push(Span::raw(format!(" {desc}  ")));
        }
        buf.set_style(area, theme.tone(Tone::Normal));
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }
}
