//! Display width of Chinese text: a Han character takes two terminal columns.
//! Truncation never splits a wide character and marks a cut with the theme's
//! ellipsis; padding counts columns, not characters.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Right,
    Center,
}

/// Columns the text takes on screen.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The text cut to at most `max` columns, ending in `ellipsis` when cut.
pub fn truncate<'a>(text: &'a str, max: usize, ellipsis: &str) -> Cow<'a, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    let ellipsis = if width(ellipsis) <= max { ellipsis } else { "" };
    let room = max - width(ellipsis);
    let mut used = 0;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let w = char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        end = at + c.len_utf8();
    }
    Cow::Owned(format!("{}{ellipsis}", &text[..end]))
}

/// The text truncated and padded to exactly `cols` columns.
pub fn fit(text: &str, cols: usize, align: Align, ellipsis: &str) -> String {
    let cut = truncate(text, cols, ellipsis);
    let gap = cols - width(&cut);
    let (left, right) = match align {
        Align::Left => (0, gap),
        Align::Right => (gap, 0),
        Align::Center => (gap / 2, gap - gap / 2),
    };
    format!("{}{cut}{}", " ".repeat(left), " ".repeat(right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_characters_are_two_columns() {
        assert_eq!(width("张三"), 4);
        assert_eq!(width("ab"), 2);
        assert_eq!(width("欧阳娜娜a"), 9);
    }

    #[test]
    fn truncation_never_splits_a_wide_character() {
        assert_eq!(truncate("张三丰", 6, "…"), "张三丰");
        assert_eq!(truncate("张三丰", 5, "…"), "张三…");
        assert_eq!(truncate("张三丰", 4, "…"), "张…");
        assert_eq!(truncate("张三丰", 4, "~"), "张~");
        assert_eq!(truncate("张三丰", 1, "…"), "…");
        assert_eq!(truncate("张三丰", 0, "…"), "");
        assert_eq!(truncate("abcdef", 4, ".."), "ab..");
    }

    #[test]
    fn fitting_pads_by_columns() {
        assert_eq!(fit("张三", 6, Align::Left, "…"), "张三  ");
        assert_eq!(fit("张三", 6, Align::Right, "…"), "  张三");
        assert_eq!(fit("张三", 7, Align::Center, "…"), " 张三  ");
        // a wide character that does not fit leaves a space, not half a glyph
        assert_eq!(fit("张三丰", 5, Align::Left, ""), "张三 ");
        assert_eq!(width(&fit("欧阳娜娜", 5, Align::Left, "…")), 5);
    }
}
