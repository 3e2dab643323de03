//! The command palette: every bindable action by name, filtered as you type
//! by a fuzzy matcher over the name and both languages' descriptions, with
//! the key that runs it in the current context (from the live keymap).

use super::input::{InputLine, InputState};
use super::popup;
use super::text::{self, Align};
use crate::tui::Ctx;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::strings::{self, S};
use crate::tui::theme::Tone;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

const NAME_COLS: usize = 20;
const KEY_COLS: usize = 8;

/// Actions matching `query`, best first; all of them, in order, for an empty query.
pub fn matches(query: &str) -> Vec<Action> {
    let haystacks: Vec<(Action, String)> = Action::bindable()
        .map(|a| {
            let (zh, en) = strings::action(a);
            (a, format!("{} {zh} {en}", a.name()))
        })
        .collect();
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    pattern
        .match_list(haystacks.iter().map(|(a, h)| Hay(*a, h)), &mut matcher)
        .into_iter()
        .map(|(hay, _)| hay.0)
        .collect()
}

struct Hay<'a>(Action, &'a str);

impl AsRef<str> for Hay<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

/// What the palette remembers between keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaletteState {
    pub input: InputState,
    /// index into the current matches
    pub selected: usize,
}

impl PaletteState {
    /// The action Enter would run.
    pub fn chosen(&self) -> Option<Action> {
        matches(self.input.text()).get(self.selected).copied()
    }

    /// Move the selection, staying within the matches.
    pub fn move_by(&mut self, delta: isize) {
        let n = matches(self.input.text()).len();
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(n.saturating_sub(1));
    }

    /// Call after the text changed: the best match is selected again.
    pub fn text_changed(&mut self) {
        self.selected = 0;
    }
}

pub struct Palette<'a> {
    ctx: Ctx<'a>,
    state: &'a PaletteState,
    /// keys are shown as they work in this context (the pane under the palette)
    context: Context,
}

impl<'a> Palette<'a> {
    pub fn new(ctx: Ctx<'a>, state: &'a PaletteState, context: Context) -> Self {
        Palette {
            ctx,
            state,
            context,
        }
    }

    fn area(screen: Rect) -> Rect {
        popup(
            screen,
            screen.width.saturating_sub(4).min(72),
            screen.height.saturating_sub(4).min(22),
        )
    }

    fn input_area(screen: Rect) -> Rect {
        let inner = Self::area(screen).inner(ratatui::layout::Margin::new(1, 1));
        Rect { height: 1, ..inner }
    }

    fn input(&self) -> InputLine<'a> {
        InputLine::new(": ", &self.state.input, self.ctx.theme)
            .placeholder(S::PalettePlaceholder.get(self.ctx.lang))
    }

    /// Where the terminal cursor goes while the palette is open.
    pub fn cursor(&self, screen: Rect) -> Position {
        self.input().cursor(Self::input_area(screen))
    }
}

impl Widget for Palette<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let theme = self.ctx.theme;
        let lang = self.ctx.lang;
        let area = Self::area(screen);
        super::clear(area, buf);
        let title = format!(" {} ", S::PaletteTitle.get(lang));
        let block = theme
            .block(true)
            .title(ratatui::text::Span::styled(title, theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        self.input().render(Self::input_area(screen), buf);

        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let found = matches(self.state.input.text());
        if found.is_empty() {
            buf.set_stringn(
                list.x,
                list.y,
                S::PaletteNoMatch.get(lang),
                usize::from(list.width),
                theme.tone(Tone::Dim),
            );
            return;
        }
        let visible = usize::from(list.height);
        let selected = self.state.selected.min(found.len() - 1);
        let first = super::table::follow(0, selected, visible, found.len());
        let width = usize::from(list.width);
        let desc_cols = width.saturating_sub(NAME_COLS + KEY_COLS + 2);
        let ellipsis = theme.sym.ellipsis;
        let ascii = theme.sym.ascii;
        for (i, &action) in found.iter().enumerate().skip(first).take(visible) {
            let y = list.y + (i - first) as u16;
            let key = self
                .ctx
                .keymap
                .key_for(self.context, action)
                .map(|k| k.label(ascii))
                .unwrap_or_default();
            let name = text::fit(action.name(), NAME_COLS, Align::Left, ellipsis);
            let desc = text::fit(action.describe(lang), desc_cols, Align::Left, ellipsis);
            let key = text::fit(&key, KEY_COLS, Align::Right, ellipsis);
            let x = list.x;
            buf.set_stringn(x, y, &name, NAME_COLS, theme.tone(Tone::Normal));
            buf.set_stringn(
                x + NAME_COLS as u16 + 1,
                y,
                &desc,
                desc_cols,
                theme.tone(Tone::Normal),
            );
            let kx = x + (NAME_COLS + desc_cols + 2) as u16;
            buf.set_stringn(kx, y, &key, KEY_COLS, theme.key());
            if i == selected {
                buf.set_style(Rect::new(list.x, y, list.width, 1), theme.selected());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_lists_every_bindable_action_in_order() {
        let all: Vec<Action> = Action::bindable().collect();
        assert_eq!(matches(""), all);
        assert!(!matches("").contains(&Action::Tick));
    }

    #[test]
    fn fuzzy_by_name_chinese_or_english() {
        assert_eq!(matches("recpay").first(), Some(&Action::RecordPayment));
        assert_eq!(matches("缴费").first(), Some(&Action::RecordPayment));
        assert_eq!(matches("full id").first(), Some(&Action::ShowFullId));
        assert!(matches("zzzzqqq").is_empty());
    }

    #[test]
    fn selection_stays_within_matches() {
        let mut s = PaletteState::default();
        s.input.set("filter");
        s.text_changed();
        s.move_by(100);
        let n = matches("filter").len();
        assert_eq!(s.selected, n - 1);
        s.move_by(-100);
        assert_eq!(s.selected, 0);
        assert!(s.chosen().unwrap().name().contains("filter"));
    }
}
