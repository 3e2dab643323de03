//! A one-line text field (search, command palette): editing keys, pasted
//! Chinese text, horizontal scrolling by display width, and the cursor placed
//! by column so IME users see where the next character goes.

use super::text;
use crate::tui::theme::{Theme, Tone};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputState {
    text: String,
    /// byte index into `text`, always on a char boundary
    cursor: usize,
}

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// the text changed (re-run the search)
    Changed,
    /// only the cursor moved (redraw)
    Moved,
    /// not an editing key: let the keymap have it
    Ignored,
}

impl InputState {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn set(&mut self, text: &str) {
        self.text = clean(text);
        self.cursor = self.text.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Insert pasted text at the cursor; line breaks and tabs become spaces.
    pub fn insert_str(&mut self, text: &str) -> Edit {
        let text = clean(text);
        if text.is_empty() {
            return Edit::Ignored;
        }
        self.text.insert_str(self.cursor, &text);
        self.cursor += text.len();
        Edit::Changed
    }

    fn prev(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Apply an editing key; only presses count.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Edit {
        if key.kind != KeyEventKind::Press {
            return Edit::Ignored;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let before = (self.text.len(),);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.prev();
                self.text.replace_range(at..self.cursor, "");
                self.cursor = at;
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                let end = self.next();
                self.text.replace_range(self.cursor..end, "");
            }
            KeyCode::Left => self.cursor = self.prev(),
            KeyCode::Right => self.cursor = self.next(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let head = self.text[..self.cursor].trim_end();
                let at = head.rfind(' ').map_or(0, |i| i + 1);
                self.text.replace_range(at..self.cursor, "");
                self.cursor = at;
            }
            KeyCode::Backspace | KeyCode::Delete => return Edit::Moved,
            _ => return Edit::Ignored,
        }
        if self.text.len() != before.0 {
            Edit::Changed
        } else {
            Edit::Moved
        }
    }

    /// The byte where the visible part starts, so the cursor fits in `room` columns.
    fn scroll(&self, room: usize) -> usize {
        let mut start = 0;
        while start < self.cursor && text::width(&self.text[start..self.cursor]) + 1 > room {
            start += self.text[start..].chars().next().map_or(1, char::len_utf8);
        }
        start
    }
}

fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The field drawn on one line: prompt, text (or a dim placeholder when empty).
pub struct InputLine<'a> {
    prompt: &'a str,
    state: &'a InputState,
    placeholder: &'a str,
    theme: &'a Theme,
}

impl<'a> InputLine<'a> {
    pub fn new(prompt: &'a str, state: &'a InputState, theme: &'a Theme) -> Self {
        InputLine {
            prompt,
            state,
            placeholder: "",
            theme,
        }
    }

    pub fn placeholder(mut self, text: &'a str) -> Self {
        self.placeholder = text;
        self
    }

    fn room(&self, area: Rect) -> usize {
        usize::from(area.width).saturating_sub(text::width(self.prompt))
    }

    /// Where the terminal cursor goes: pass to `Frame::set_cursor_position`.
    pub fn cursor(&self, area: Rect) -> Position {
        let room = self.room(area);
        let start = self.state.scroll(room);
        let col =
            text::width(self.prompt) + text::width(&self.state.text[start..self.state.cursor]);
        let col = col.min(usize::from(area.width.saturating_sub(1)));
        Position::new(area.x + col as u16, area.y)
    }
}

impl Widget for InputLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let theme = self.theme;
        let (x, _) = buf.set_stringn(
            area.x,
            area.y,
            self.prompt,
            usize::from(area.width),
            theme.title(),
        );
        let room = self.room(area);
        if self.state.text.is_empty() {
            let hint = text::truncate(self.placeholder, room.saturating_sub(1), theme.sym.ellipsis);
            buf.set_stringn(
                x + 1,
                area.y,
                hint,
                room.saturating_sub(1),
                theme.tone(Tone::Dim),
            );
            return;
        }
        let start = self.state.scroll(room);
        let shown = text::truncate(&self.state.text[start..], room, "");
        buf.set_stringn(x, area.y, shown, room, theme.tone(Tone::Normal));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(state: &mut InputState, code: KeyCode) -> Edit {
        state.handle_key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(state: &mut InputState, c: char) -> Edit {
        state.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn typing_and_editing_chinese() {
        let mut s = InputState::default();
        for c in "张三".chars() {
            assert_eq!(press(&mut s, KeyCode::Char(c)), Edit::Changed);
        }
        assert_eq!(press(&mut s, KeyCode::Left), Edit::Moved);
        assert_eq!(press(&mut s, KeyCode::Char('小')), Edit::Changed);
        assert_eq!(s.text(), "张小三");
        assert_eq!(press(&mut s, KeyCode::Backspace), Edit::Changed);
        assert_eq!(s.text(), "张三");
        assert_eq!(press(&mut s, KeyCode::Delete), Edit::Changed);
        assert_eq!(s.text(), "张");
        assert_eq!(press(&mut s, KeyCode::Delete), Edit::Moved);
        assert_eq!(press(&mut s, KeyCode::Esc), Edit::Ignored);
        assert_eq!(press(&mut s, KeyCode::Enter), Edit::Ignored);
        assert_eq!(press(&mut s, KeyCode::Up), Edit::Ignored);
    }

    #[test]
    fn control_keys_edit_and_others_are_left_to_the_keymap() {
        let mut s = InputState::default();
        s.set("zhang san 3704");
        assert_eq!(ctrl(&mut s, 'w'), Edit::Changed);
        assert_eq!(s.text(), "zhang san ");
        assert_eq!(ctrl(&mut s, 'a'), Edit::Moved);
        assert_eq!(ctrl(&mut s, 'k'), Edit::Changed);
        assert_eq!(s.text(), "");
        s.set("abc");
        assert_eq!(ctrl(&mut s, 'u'), Edit::Changed);
        assert_eq!(s.text(), "");
        assert_eq!(ctrl(&mut s, 'c'), Edit::Ignored);
        let mut release = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(s.handle_key(&release), Edit::Ignored);
        assert_eq!(s.text(), "");
    }

    #[test]
    fn paste_is_one_line() {
        let mut s = InputState::default();
        assert_eq!(s.insert_str("李四\r\n370406"), Edit::Changed);
        assert_eq!(s.text(), "李四 370406");
    }

    #[test]
    fn cursor_is_placed_by_display_width_and_scrolls() {
        let theme = Theme::new(false, false);
        let mut s = InputState::default();
        s.set("张三");
        let area = Rect::new(0, 0, 20, 1);
        let line = InputLine::new("搜索：", &s, &theme);
        assert_eq!(line.cursor(area), Position::new(10, 0));
        s.set("一二三四五六七八九十");
        let line = InputLine::new("搜索：", &s, &theme);
        // 6 columns of prompt leave 14: the tail shows and the cursor stays inside
        assert_eq!(line.cursor(area), Position::new(18, 0));
    }
}
