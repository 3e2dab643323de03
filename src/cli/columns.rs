//! Text columns for the commands' plain output: padded by display width, so
//! that a column of Chinese names (two terminal columns a character) lines up
//! with the next one; `format!("{:<8}")` counts characters and cannot.

use unicode_width::UnicodeWidthStr;

/// Columns `text` takes in a terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `cols` columns (never cut).
pub fn left(text: &str, cols: usize) -> String {
    format!("{text}{}", " ".repeat(cols.saturating_sub(width(text))))
}

/// Spaces up to `cols` columns, then `text` (never cut).
pub fn right(text: &str, cols: usize) -> String {
    format!("{}{text}", " ".repeat(cols.saturating_sub(width(text))))
}

/// The widest of the texts, at least `min`.
pub fn widest<'a>(texts: impl IntoIterator<Item = &'a str>, min: usize) -> usize {
    texts.into_iter().map(width).max().unwrap_or(0).max(min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_display_width() {
        assert_eq!(left("张伟", 8), "张伟    ");
        assert_eq!(right("缴费率", 8), "  缴费率");
        assert_eq!(left("abc", 2), "abc");
        assert_eq!(widest(["山城街道", "桑村镇"], 4), 8);
    }
}
