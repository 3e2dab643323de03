//! The help overlay, generated from the live keymap: one section per context,
//! each action with every key bound to it. Sections flow into as many columns
//! as fit; what does not fit scrolls.

use super::popup;
use super::text::{self, Align};
use crate::tui::Ctx;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::strings::{S, fill};
use crate::tui::theme::Tone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};
use strum::IntoEnumIterator;

const KEYS_MAX: usize = 14;
const DESC_MAX: usize = 18;

enum Item {
    Heading(&'static str),
    Entry(String, String),
}

pub struct Help<'a> {
    ctx: Ctx<'a>,
    scroll: usize,
}

impl<'a> Help<'a> {
    pub fn new(ctx: Ctx<'a>) -> Self {
        Help { ctx, scroll: 0 }
    }

    /// First row shown (clamped when drawn; see [`Help::max_scroll`]).
    pub fn scroll(mut self, rows: usize) -> Self {
        self.scroll = rows;
        self
    }

    fn items(&self) -> Vec<Item> {
        let ascii = self.ctx.theme.sym.ascii;
        let mut items = Vec::new();
        for context in Context::iter() {
            let entries = self.ctx.keymap.help_entries(context);
            if entries.is_empty() {
                continue;
            }
            if !items.is_empty() {
                items.push(Item::Heading(""));
            }
            items.push(Item::Heading(context.title(self.ctx.lang)));
            for e in entries {
                let keys: Vec<String> = e.keys.iter().map(|k| k.label(ascii)).collect();
                items.push(Item::Entry(
                    keys.join(" "),
                    e.describe(self.ctx.lang).to_string(),
                ));
            }
        }
        items
    }

    fn grid(&self, items: &[Item], inner: Rect) -> (usize, usize, usize) {
        let keys_w = items
            .iter()
            .filter_map(|i| match i {
                Item::Entry(k, _) => Some(text::width(k)),
                Item::Heading(_) => None,
            })
            .max()
            .unwrap_or(0)
            .min(KEYS_MAX);
        let col_w = keys_w + 1 + DESC_MAX + 2;
        let ncols = (usize::from(inner.width) / col_w).max(1);
        let rows = items.len().div_ceil(ncols);
        (keys_w, ncols, rows)
    }

    fn area(area: Rect) -> Rect {
        popup(
            area,
            area.width.saturating_sub(4).min(120),
            area.height.saturating_sub(2),
        )
    }

    /// The largest useful scroll for a screen of this size.
    pub fn max_scroll(&self, screen: Rect) -> usize {
        let inner = Self::area(screen).inner(ratatui::layout::Margin::new(1, 1));
        let items = self.items();
        let (_, _, rows) = self.grid(&items, inner);
        rows.saturating_sub(usize::from(inner.height))
    }

    fn footer(&self) -> String {
        let lang = self.ctx.lang;
        let ascii = self.ctx.theme.sym.ascii;
        let key = |a| {
            let k = self.ctx.keymap.key_for(Context::Overlay, a);
            k.map_or_else(|| S::Unbound.get(lang).to_string(), |k| k.label(ascii))
        };
        format!(
            " {}  {} ",
            fill(S::HelpClose.get(lang), &[&key(Action::Back)]),
            fill(
                S::HelpScroll.get(lang),
                &[&key(Action::MoveUp), &key(Action::MoveDown)]
            )
        )
    }
}

impl Widget for Help<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let theme = self.ctx.theme;
        let area = Self::area(screen);
        Clear.render(area, buf);
        let title = format!(" {} ", S::HelpTitle.get(self.ctx.lang));
        let block = theme
            .block(true)
            .title(Span::styled(title, theme.title()))
            .title_bottom(Span::styled(self.footer(), theme.tone(Tone::Dim)));
        let inner = block.inner(area);
        block.render(area, buf);

        let items = self.items();
        let (keys_w, ncols, rows) = self.grid(&items, inner);
        let height = usize::from(inner.height);
        let scroll = self.scroll.min(rows.saturating_sub(height));
        let col_w = usize::from(inner.width) / ncols;
        let ellipsis = theme.sym.ellipsis;
        for (i, item) in items.iter().enumerate() {
            let (col, row) = (i / rows, i % rows);
            if row < scroll || row >= scroll + height {
                continue;
            }
            let x = inner.x + (col * col_w) as u16;
            let y = inner.y + (row - scroll) as u16;
            let line = match item {
                Item::Heading(title) => Line::from(Span::styled(*title, theme.title())),
                Item::Entry(keys, desc) => Line::from(vec![
                    Span::styled(text::fit(keys, keys_w, Align::Left, ellipsis), theme.key()),
                    Span::raw(" "),
                    Span::raw(desc.clone()),
                ]),
            };
            buf.set_line(x, y, &line, col_w.saturating_sub(1) as u16);
        }
        if scroll + height < rows {
            let x = inner.right().saturating_sub(1);
            let y = inner.bottom().saturating_sub(1);
            buf.set_string(x, y, theme.sym.more_below, theme.tone(Tone::Accent));
        }
    }
}
