//! Colours and symbols: 16 named ANSI colours only (they look right in PuTTY's
//! default palette), none at all under `NO_COLOR` (modifiers carry the
//! meaning), and an ASCII set of borders and symbols (`--ascii`) for consoles
//! where box-drawing and block characters are double width.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};

/// What a piece of text means, which decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Normal,
    Dim,
    /// paid, target met, on pace
    Good,
    /// behind, due
    Warn,
    /// far behind, errors
    Bad,
    /// exempt, proxy-paid, informational
    Info,
    /// flagged for review
    Flag,
    /// titles, keys in hints
    Accent,
}

/// The characters that differ between Unicode and ASCII consoles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub ascii: bool,
    pub border: border::Set<'static>,
    pub ellipsis: &'static str,
    pub gauge_left: &'static str,
    pub gauge_right: &'static str,
    pub gauge_fill: &'static str,
    pub gauge_empty: &'static str,
    pub mark: &'static str,
    pub sort_asc: &'static str,
    pub sort_desc: &'static str,
    pub separator: &'static str,
    pub scroll_track: &'static str,
    pub scroll_thumb: &'static str,
    pub more_below: &'static str,
    pub pace_met: &'static str,
    pub pace_behind: &'static str,
    pub pace_far_behind: &'static str,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Symbols {
    pub const UNICODE: Symbols = Symbols {
        ascii: false,
        border: border::PLAIN,
        ellipsis: "…",
        gauge_left: "▕",
        gauge_right: "▏",
        gauge_fill: "█",
        gauge_empty: "░",
        mark: "●",
        sort_asc: "▲",
        sort_desc: "▼",
        separator: "│",
        scroll_track: "│",
        scroll_thumb: "█",
        more_below: "▼",
        pace_met: "✓",
        pace_behind: "!",
        pace_far_behind: "!!",
    };

    pub const ASCII: Symbols = Symbols {
        ascii: true,
        border: ASCII_BORDER,
        ellipsis: "~",
        gauge_left: "[",
        gauge_right: "]",
        gauge_fill: "#",
        gauge_empty: "-",
        mark: "*",
        sort_asc: "^",
        sort_desc: "v",
        separator: "|",
        scroll_track: "|",
        scroll_thumb: "#",
        more_below: "v",
        pace_met: "ok",
        pace_behind: "!",
        pace_far_behind: "!!",
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub sym: Symbols,
}

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Theme {
        let sym = if ascii {
            Symbols::ASCII
        } else {
            Symbols::UNICODE
        };
        Theme { color, sym }
    }

    /// Colours unless `NO_COLOR` is set to anything non-empty (no-color.org)
    /// or the terminal has none (`TERM=vt100`, see [`super::colors::Depth`]).
    pub fn from_env(ascii: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let mono = super::colors::Depth::from_env() == super::colors::Depth::None;
        Theme::new(!no_color && !mono, ascii)
    }

    pub fn tone(&self, tone: Tone) -> Style {
        let s = Style::new();
        if !self.color {
            return match tone {
                Tone::Normal | Tone::Good | Tone::Info | Tone::Dim => s,
                Tone::Warn | Tone::Flag => s.add_modifier(Modifier::UNDERLINED),
                Tone::Bad | Tone::Accent => s.add_modifier(Modifier::BOLD),
            };
        }
        match tone {
            Tone::Normal => s,
            Tone::Dim => s.fg(Color::DarkGray),
            Tone::Good => s.fg(Color::Green),
            Tone::Warn => s.fg(Color::Yellow),
            Tone::Bad => s.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Tone::Info => s.fg(Color::Cyan),
            Tone::Flag => s.fg(Color::Magenta),
            Tone::Accent => s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    /// The header and footer bars.
    pub fn bar(&self) -> Style {
        if self.color {
            Style::new().fg(Color::White).bg(Color::Blue)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A key name in hints and help.
    pub fn key(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn title(&self) -> Style {
        self.tone(Tone::Accent)
    }

    /// The row under the cursor: reversed works on every terminal.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn marked(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn table_header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// A bordered block; `focused` panes get a brighter border.
    pub fn block(&self, focused: bool) -> Block<'static> {
        let border_style = match (self.color, focused) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().fg(Color::DarkGray),
            (false, true) => Style::new().add_modifier(Modifier::BOLD),
            (false, false) => Style::new(),
        };
        Block::new()
            .borders(Borders::ALL)
            .border_set(self.sym.border)
            .border_style(border_style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colours(style: Style) -> [Option<Color>; 2] {
        [style.fg, style.bg]
    }

    #[test]
    fn no_color_means_no_colour_anywhere() {
        let t = Theme::new(false, false);
        let tones = [
            Tone::Normal,
            Tone::Dim,
            Tone::Good,
            Tone::Warn,
            Tone::Bad,
            Tone::Info,
            Tone::Flag,
            Tone::Accent,
        ];
        for tone in tones {
            assert_eq!(colours(t.tone(tone)), [None, None], "{tone:?}");
        }
        for style in [t.bar(), t.key(), t.title(), t.selected(), t.marked()] {
            assert_eq!(colours(style), [None, None]);
        }
    }

    #[test]
    fn colours_are_from_the_16_colour_palette() {
        let t = Theme::new(true, false);
        let styles = [
            t.tone(Tone::Good),
            t.tone(Tone::Bad),
            t.bar(),
            t.key(),
            t.marked(),
        ];
        for style in styles {
            for c in colours(style).into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{c:?} is not one of the 16"
                );
            }
        }
    }

    #[test]
    fn ascii_symbols_are_ascii() {
        let s = Symbols::ASCII;
        let all = [
            s.border.top_left,
            s.border.horizontal_top,
            s.border.vertical_left,
            s.ellipsis,
            s.gauge_left,
            s.gauge_right,
            s.gauge_fill,
            s.gauge_empty,
            s.mark,
            s.sort_asc,
            s.sort_desc,
            s.separator,
            s.scroll_track,
            s.scroll_thumb,
            s.more_below,
            s.pace_met,
            s.pace_behind,
            s.pace_far_behind,
        ];
        assert!(all.iter().all(|t| t.is_ascii() && !t.is_empty()));
    }
}
