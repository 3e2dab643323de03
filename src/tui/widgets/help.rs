//! The help overlay, generated from the live keymap: one section per context,
//! each action with every key bound to it. Sections flow top to bottom into
//! columns, as many side by side as fit; scrolling moves by whole columns, so
//! the text always reads in order.

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
use ratatui::widgets::Widget;
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

    /// First column shown (clamped when drawn; see [`Help::max_scroll`]).
    pub fn scroll(mut self, columns: usize) -> Self {
        self.scroll = columns;
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
        // what the towns list's and the dashboard's markers mean
        let lang = self.ctx.lang;
        let sym = &self.ctx.theme.sym;
        let medical = if lang == crate::tui::strings::Lang::Zh {
            "医"
        } else {
            "M"
        };
        items.push(Item::Heading(""));
        items.push(Item::Heading(S::LegendTitle.get(lang)));
        for (mark, desc) in [
            (sym.pace_behind.to_string(), S::LegendBehind),
            (sym.pace_far_behind.to_string(), S::LegendFarBehind),
            (sym.pace_met.to_string(), S::LegendMet),
            (format!("{}{medical}", sym.pace_behind), S::LegendMedical),
            (
                format!("{}16 {}45", sym.pace_behind, sym.pace_behind),
                S::LegendBand,
            ),
        ] {
            items.push(Item::Entry(mark, desc.get(lang).to_string()));
        }
        items
    }

    fn keys_width(items: &[Item]) -> usize {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Entry(k, _) => Some(text::width(k)),
                Item::Heading(_) => None,
            })
            .max()
            .unwrap_or(0)
            .min(KEYS_MAX)
    }

    /// Items flowed top to bottom into columns of `height` rows. A section
    /// title never ends a column, and a column never starts with a spacer.
    fn flow(items: &[Item], height: usize) -> Vec<Vec<&Item>> {
        let mut columns: Vec<Vec<&Item>> = vec![Vec::new()];
        for item in items {
            let column = columns.last_mut().expect("never empty");
            let spacer = matches!(item, Item::Heading(""));
            let heading = matches!(item, Item::Heading(t) if !t.is_empty());
            if column.is_empty() && spacer {
                continue;
            }
            if column.len() >= height || (heading && column.len() + 1 >= height) {
                if spacer {
                    columns.push(Vec::new());
                    continue;
                }
                columns.push(Vec::new());
            }
            columns.last_mut().expect("never empty").push(item);
        }
        columns
    }

    /// The popup, its column count and the flowed columns for a screen.
    fn grid<'i>(&self, items: &'i [Item], screen: Rect) -> (Rect, usize, Vec<Vec<&'i Item>>) {
        let width = screen.width.saturating_sub(4).min(120);
        let max_height = usize::from(screen.height.saturating_sub(4)).max(1);
        let col_w = Self::keys_width(items) + 1 + DESC_MAX + 2;
        let ncols = (usize::from(width.saturating_sub(2)) / col_w).max(1);
        // the shortest popup that shows everything, else the tallest one
        let height = (1..=max_height)
            .find(|&h| Self::flow(items, h).len() <= ncols)
            .unwrap_or(max_height);
        let area = popup(screen, width, height as u16 + 2);
        (area, ncols, Self::flow(items, height))
    }

    /// The largest useful scroll (in columns) for a screen of this size.
    pub fn max_scroll(&self, screen: Rect) -> usize {
        let items = self.items();
        let (_, ncols, columns) = self.grid(&items, screen);
        columns.len().saturating_sub(ncols)
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
        let items = self.items();
        let (area, ncols, columns) = self.grid(&items, screen);
        super::clear(area, buf);
        let title = format!(" {} ", S::HelpTitle.get(self.ctx.lang));
        let block = theme
            .block(true)
            .title(Span::styled(title, theme.title()))
            .title_bottom(Span::styled(self.footer(), theme.tone(Tone::Dim)));
        let inner = block.inner(area);
        block.render(area, buf);

        let keys_w = Self::keys_width(&items);
        let first = self.scroll.min(columns.len().saturating_sub(ncols));
        let col_w = usize::from(inner.width) / ncols;
        let ellipsis = theme.sym.ellipsis;
        for (n, column) in columns.iter().skip(first).take(ncols).enumerate() {
            let x = inner.x + (n * col_w) as u16;
            for (row, item) in column.iter().enumerate() {
                let y = inner.y + row as u16;
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
        }
        if first + ncols < columns.len() {
            let x = inner.right().saturating_sub(1);
            let y = inner.bottom().saturating_sub(1);
            buf.set_string(x, y, theme.sym.more_below, theme.tone(Tone::Accent));
        }
    }
}
