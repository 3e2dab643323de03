//! One key as written in a keymap file (`j`, `G`, `<C-u>`, `<Enter>`, `F5`)
//! and as crossterm reports it, normalised so the two compare equal.
//!
//! Syntax: a single character is itself (`j`, `G`, `?`, `/`, `1`); a named key
//! may be written bare or in angle brackets (`Enter`, `<Enter>`); modifiers go
//! in angle brackets before a dash: `<C-u>` Ctrl, `<A-x>` Alt, `<S-Tab>` Shift.
//! Names are case-insensitive: Enter, Esc, Tab, BackTab, Backspace, Delete,
//! Insert, Home, End, PageUp, PageDown, Up, Down, Left, Right, Space, F1–F12.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("cr", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("bs", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("space", KeyCode::Char(' ')),
    ("lt", KeyCode::Char('<')),
    ("gt", KeyCode::Char('>')),
];

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        Key { code, mods }.normalised()
    }

    /// Parse the keymap-file spelling of a key.
    pub fn parse(text: &str) -> Option<Key> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Some(Key::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let inner = match text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            Some(inner) => inner,
            None => text,
        };
        let mut mods = KeyModifiers::NONE;
        let mut rest = inner;
        // a modifier is one letter and a dash, followed by at least one character
        while rest.len() > 2 && rest.as_bytes()[1] == b'-' {
            mods |= match rest.as_bytes()[0].to_ascii_uppercase() {
                b'C' => KeyModifiers::CONTROL,
                b'A' | b'M' => KeyModifiers::ALT,
                b'S' => KeyModifiers::SHIFT,
                _ => return None,
            };
            rest = &rest[2..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => named(rest)?,
        };
        Some(Key::new(code, mods))
    }

    /// Ctrl and Alt only; Shift is carried by the character itself (`G`, `?`)
    /// and by BackTab, since terminals disagree on reporting it.
    fn normalised(mut self) -> Key {
        match self.code {
            KeyCode::Char(c) => {
                if self.mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() {
                    self.code = KeyCode::Char(c.to_ascii_uppercase());
                }
                if self.mods.contains(KeyModifiers::CONTROL) {
                    // terminals cannot tell Ctrl-U from Ctrl-u
                    self.code = KeyCode::Char(c.to_ascii_lowercase());
                }
                self.mods.remove(KeyModifiers::SHIFT);
            }
            KeyCode::Tab if self.mods.contains(KeyModifiers::SHIFT) => {
                self.code = KeyCode::BackTab;
                self.mods.remove(KeyModifiers::SHIFT);
            }
            KeyCode::BackTab => self.mods.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        self.mods &= KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
        self
    }

    /// A short label for hints and help: `q`, `C-u`, `Enter`, `PgDn`, `↓`.
    pub fn label(&self, ascii: bool) -> String {
        self.spell(Spelling::Label { ascii })
    }

    fn spell(&self, spelling: Spelling) -> String {
        let mut out = String::new();
        for (flag, prefix) in [
            (KeyModifiers::CONTROL, "C-"),
            (KeyModifiers::ALT, "A-"),
            (KeyModifiers::SHIFT, "S-"),
        ] {
            if self.mods.contains(flag) {
                out.push_str(prefix);
            }
        }
        let file = spelling == Spelling::File;
        let arrows = matches!(spelling, Spelling::Label { ascii: false });
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char('<') if file => "lt".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => if file { "BackTab" } else { "S-Tab" }.into(),
            KeyCode::Backspace => if file { "Backspace" } else { "BS" }.into(),
            KeyCode::Delete => if file { "Delete" } else { "Del" }.into(),
            KeyCode::Insert => if file { "Insert" } else { "Ins" }.into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => if file { "PageUp" } else { "PgUp" }.into(),
            KeyCode::PageDown => if file { "PageDown" } else { "PgDn" }.into(),
            KeyCode::Up => if arrows { "↑" } else { "Up" }.into(),
            KeyCode::Down => if arrows { "↓" } else { "Down" }.into(),
            KeyCode::Left => if arrows { "←" } else { "Left" }.into(),
            KeyCode::Right => if arrows { "→" } else { "Right" }.into(),
            other => format!("{other:?}"),
        };
        out.push_str(&name);
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Label { ascii: bool },
    File,
}

fn named(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, code)| *code)
}

impl From<KeyEvent> for Key {
    fn from(ev: KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }
}

/// The keymap-file spelling, e.g. `<C-u>`, `<Enter>`, `j`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            KeyCode::Char(c) if self.mods.is_empty() && c != ' ' && c != '<' => write!(f, "{c}"),
            _ => write!(f, "<{}>", self.spell(Spelling::File)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, mods: KeyModifiers) -> Key {
        Key::new(code, mods)
    }

    #[test]
    fn parses_the_documented_spellings() {
        let none = KeyModifiers::NONE;
        assert_eq!(Key::parse("j"), Some(k(KeyCode::Char('j'), none)));
        assert_eq!(Key::parse("G"), Some(k(KeyCode::Char('G'), none)));
        assert_eq!(Key::parse("?"), Some(k(KeyCode::Char('?'), none)));
        assert_eq!(Key::parse("<"), Some(k(KeyCode::Char('<'), none)));
        assert_eq!(Key::parse("Enter"), Some(k(KeyCode::Enter, none)));
        assert_eq!(Key::parse("<enter>"), Some(k(KeyCode::Enter, none)));
        assert_eq!(Key::parse("<Space>"), Some(k(KeyCode::Char(' '), none)));
        assert_eq!(Key::parse("F5"), Some(k(KeyCode::F(5), none)));
        assert_eq!(Key::parse("<PageDown>"), Some(k(KeyCode::PageDown, none)));
        assert_eq!(
            Key::parse("<C-u>"),
            Some(k(KeyCode::Char('u'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            Key::parse("<C-U>"),
            Some(k(KeyCode::Char('u'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            Key::parse("<A-C-x>"),
            Some(k(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            ))
        );
        assert_eq!(Key::parse("<S-Tab>"), Some(k(KeyCode::BackTab, none)));
        assert_eq!(
            Key::parse("<C-->"),
            Some(k(KeyCode::Char('-'), KeyModifiers::CONTROL))
        );
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "", "<>", "<C->", "Entr", "<X-j>", "F13", "F0", "jj", "<C-Entr>",
        ] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn terminal_reports_compare_equal_to_the_file_spelling() {
        // Shift-g arrives as 'G' with SHIFT; Shift-Tab as BackTab with SHIFT.
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("G").unwrap());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("BackTab").unwrap());
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("?").unwrap());
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "j",
            "G",
            "<C-u>",
            "<Enter>",
            "<F5>",
            "<Space>",
            "<BackTab>",
            "<PageDown>",
        ] {
            let key = Key::parse(text).unwrap();
            assert_eq!(key.to_string(), text);
            assert_eq!(Key::parse(&key.to_string()), Some(key));
        }
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(Key::parse("<C-u>").unwrap().label(true), "C-u");
        assert_eq!(Key::parse("Down").unwrap().label(true), "Down");
        assert_eq!(Key::parse("Down").unwrap().label(false), "↓");
        assert_eq!(Key::parse("PageDown").unwrap().label(false), "PgDn");
    }
}
