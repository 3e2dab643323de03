//! The daily remittance view (日报解) comes with the remittance module, which
//! another part of the project is building; until then its tab says so.

use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::strings::S;
use crate::tui::theme::Tone;
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::any::Any;

#[derive(Debug, Default)]
pub struct Remittance;

impl View for Remittance {
    fn context(&self) -> Context {
        Context::Global
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::NextView,
            Action::PrevView,
            Action::Quit,
        ]
    }

    fn apply(&mut self, _action: Action) -> Outcome {
        Outcome::Ignored
    }

    fn accept(&mut self, _page: Box<dyn Any + Send>) {}

    fn visible_rows(&self, area: Rect) -> usize {
        usize::from(area.height)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let block = theme.block(false).title(Span::styled(
            format!(" {} ", S::ViewRemittance.get(ctx.lang)),
            theme.title(),
        ));
        let text = vec![
            Line::from(""),
            Line::from(Span::styled(
                S::RemittanceLater.get(ctx.lang),
                theme.tone(Tone::Info),
            )),
            Line::from(""),
            Line::from(Span::styled(
                S::RemittanceMeanwhile.get(ctx.lang),
                theme.tone(Tone::Dim),
            )),
        ];
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
    }
}
