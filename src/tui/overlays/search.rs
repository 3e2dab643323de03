//! The search overlay: name, pinyin initials, ID number or its tail, through
//! `Store::find`; the hits follow the text as it is typed (only the newest
//! search waits on the worker), and Enter goes to the chosen resident.

use crate::domain::id_number::mask;
use crate::domain::name_keys::wrong_check_digit;
use crate::store::registry::search::Hit;
use crate::tui::Ctx;
use crate::tui::strings::{S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::input::{InputLine, InputState};
use crate::tui::widgets::table::follow;
use crate::tui::widgets::text::{self, Align};
use crate::tui::widgets::{clear, popup};
use crate::tui::worker::{Job, Reply};
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::Widget;

/// Hits asked for per search.
pub const LIMIT: i64 = 50;

pub struct SearchReply {
    text: String,
    hits: Result<Vec<Hit>, String>,
}

#[derive(Default)]
pub struct SearchState {
    pub input: InputState,
    /// the text the hits are for
    shown_for: String,
    hits: Vec<Hit>,
    error: Option<String>,
    pub selected: usize,
}

impl SearchState {
    /// The job for the current text, or None for an empty field.
    pub fn job(&mut self) -> Option<Job> {
        let text = self.input.text().trim().to_string();
        if text.is_empty() {
            self.hits.clear();
            self.shown_for.clear();
            self.error = None;
            return None;
        }
        Some(Box::new(move |store| {
            let hits = store.find(&text, LIMIT).map_err(|e| e.to_string());
            Box::new(SearchReply { text, hits }) as Reply
        }))
    }

    pub fn accept(&mut self, reply: Reply) {
        let Ok(r) = reply.downcast::<SearchReply>() else {
            return;
        };
        // a reply for text that is no longer typed is dropped
        if r.text != self.input.text().trim() {
            return;
        }
        match r.hits {
            Ok(hits) => {
                self.hits = hits;
                self.error = None;
            }
            Err(e) => {
                self.hits.clear();
                self.error = Some(e);
            }
        }
        self.shown_for = r.text;
        self.selected = 0;
    }

    pub fn waiting(&self) -> bool {
        self.shown_for != self.input.text().trim()
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.hits.len().saturating_sub(1));
    }

    pub fn chosen(&self) -> Option<&Hit> {
        self.hits.get(self.selected)
    }

    fn area(screen: Rect) -> Rect {
        popup(
            screen,
            screen.width.saturating_sub(4).min(84),
            screen.height.saturating_sub(4).min(20),
        )
    }

    fn input_area(screen: Rect) -> Rect {
        let inner = Self::area(screen).inner(Margin::new(1, 1));
        Rect { height: 1, ..inner }
    }

    /// Where the terminal cursor goes while searching.
    pub fn cursor(&self, screen: Rect, ctx: &Ctx<'_>) -> Position {
        InputLine::new(S::SearchPrompt.get(ctx.lang), &self.input, ctx.theme)
            .cursor(Self::input_area(screen))
    }
}

pub struct SearchBox<'a> {
    pub state: &'a SearchState,
    pub ctx: Ctx<'a>,
}

impl Widget for SearchBox<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let theme = self.ctx.theme;
        let lang = self.ctx.lang;
        let s = self.state;
        let area = SearchState::area(screen);
        clear(area, buf);
        // how many were found: eleven 张伟 are told apart by the lines
        let found = match s.hits.len() {
            0 => String::new(),
            n if n as i64 >= LIMIT => format!("· {} ", fill(S::SearchFoundFirst.get(lang), &[&n])),
            n => format!("· {} ", fill(S::SearchFound.get(lang), &[&n])),
        };
        let block = theme.block(true).title(Span::styled(
            format!(" {} {found}", S::SearchTitle.get(lang)),
            theme.title(),
        ));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        InputLine::new(S::SearchPrompt.get(lang), &s.input, theme)
            .placeholder(S::SearchPlaceholder.get(lang))
            .render(SearchState::input_area(screen), buf);
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let width = usize::from(list.width);
        let dim = theme.tone(Tone::Dim);
        if let Some(e) = &s.error {
            buf.set_stringn(list.x, list.y, e, width, theme.tone(Tone::Bad));
            return;
        }
        if s.hits.is_empty() {
            let typed = s.input.text().trim();
            let (text, tone) = if typed.is_empty() {
                (String::new(), Tone::Dim)
            } else if s.waiting() {
                (S::MsgLoading.get(lang).to_string(), Tone::Dim)
            } else if let Some(expected) = wrong_check_digit(typed) {
                (fill(S::SearchCheckDigit.get(lang), &[&expected]), Tone::Bad)
            } else {
                (S::SearchNoHits.get(lang).to_string(), Tone::Dim)
            };
            buf.set_stringn(list.x, list.y, text, width, theme.tone(tone));
            return;
        }
        let visible = usize::from(list.height);
        let first = follow(0, s.selected, visible, s.hits.len());
        let ellipsis = theme.sym.ellipsis;
        for (i, hit) in s.hits.iter().enumerate().skip(first).take(visible) {
            let y = list.y + (i - first) as u16;
            let name = text::fit(&hit.name, 10, Align::Left, ellipsis);
            let place = format!(
                "{} {}",
                hit.town_name,
                crate::domain::village_name::short(&hit.village_name)
            );
            let mut x = list.x;
            let mut put = |t: &str, w: usize, style| {
                if usize::from(x - list.x) + 1 >= width {
                    return;
                }
                let room = width - usize::from(x - list.x);
                let w = w.min(room);
                buf.set_stringn(x, y, text::fit(t, w, Align::Left, ellipsis), w, style);
                x += w as u16 + 1;
            };
            put(&name, 10, theme.tone(Tone::Normal));
            put(&mask(&hit.id_number), 18, theme.tone(Tone::Normal));
            // the masked number hides the birth date: the year tells people apart
            put(
                hit.birth_date.get(..4).unwrap_or(""),
                4,
                theme.tone(Tone::Normal),
            );
            let mut used = 35;
            if hit.same_name > 1 {
                let same = fill(S::SearchSameName.get(lang), &[&hit.same_name]);
                let w = text::width(&same);
                put(&same, w, dim);
                used += w + 1;
            }
            let rest = width.saturating_sub(used);
            match &hit.deceased_on {
                Some(d) => put(
                    &fill(S::SearchDeceased.get(lang), &[&place, &d]),
                    rest,
                    theme.tone(Tone::Flag),
                ),
                None => put(&place, rest, dim),
            }
            if i == s.selected {
                buf.set_style(Rect::new(list.x, y, list.width, 1), theme.selected());
            }
        }
    }
}
