//! A table that draws only the rows on screen. It is given the total count,
//! the index of the first visible row, and just the visible rows — fetched
//! for that window by the view's query — so 60,000 residents cost no more to
//! draw than 20. Columns are laid out in terminal columns (Chinese names are
//! two columns a character) and cut with the theme's ellipsis.

use super::text::{self, Align};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Widget};

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// exactly this many columns
    Fixed(u16),
    /// at least this many; leftover space is shared among flexible columns
    Flex(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column<'a> {
    pub title: &'a str,
    pub width: Width,
    pub align: Align,
}

impl<'a> Column<'a> {
    pub fn fixed(title: &'a str, cols: u16) -> Self {
        Column {
            title,
            width: Width::Fixed(cols),
            align: Align::Left,
        }
    }

    pub fn flex(title: &'a str, min: u16) -> Self {
        Column {
            title,
            width: Width::Flex(min),
            align: Align::Left,
        }
    }

    pub fn right(mut self) -> Self {
        self.align = Align::Right;
        self
    }
}

/// One visible row: a styled text per column, and whether it is marked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRow<'a> {
    pub cells: Vec<Span<'a>>,
    pub marked: bool,
}

impl<'a> TableRow<'a> {
    pub fn new<I: IntoIterator<Item = Span<'a>>>(cells: I) -> Self {
        TableRow {
            cells: cells.into_iter().collect(),
            marked: false,
        }
    }

    pub fn marked(mut self, marked: bool) -> Self {
        self.marked = marked;
        self
    }
}

/// The sort column and direction, shown as an arrow in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortMark {
    pub column: usize,
    pub descending: bool,
}

/// The first row to show so that `selected` stays visible, moving as little
/// as possible from `first_row`. Views use it to know which rows to fetch.
pub fn follow(first_row: usize, selected: usize, visible: usize, total: usize) -> usize {
    if visible == 0 || total == 0 {
        return 0;
    }
    let selected = selected.min(total - 1);
    let last_start = total.saturating_sub(visible);
    let first = if selected < first_row {
        selected
    } else if selected >= first_row + visible {
        selected + 1 - visible
    } else {
        first_row
    };
    first.min(last_start)
}

/// Column widths for `available` columns, one space between columns. Columns
/// that do not fit at their minimum are hidden (width 0), rightmost first.
pub fn layout(columns: &[Column<'_>], available: u16) -> Vec<u16> {
    let min = |c: &Column<'_>| match c.width {
        Width::Fixed(w) | Width::Flex(w) => w,
    };
    let mut shown = columns.len();
    let need = |n: usize| -> u16 {
        let widths: u16 = columns[..n].iter().map(min).sum();
        widths + n.saturating_sub(1) as u16
    };
    while shown > 0 && need(shown) > available {
        shown -= 1;
    }
    let mut widths: Vec<u16> = columns.iter().map(min).collect();
    widths[shown..].iter_mut().for_each(|w| *w = 0);
    let flex: Vec<usize> = (0..shown)
        .filter(|&i| matches!(columns[i].width, Width::Flex(_)))
        .collect();
    if !flex.is_empty() {
        let spare = available - need(shown);
        let share = spare / flex.len() as u16;
        let extra = spare % flex.len() as u16;
        for (n, &i) in flex.iter().enumerate() {
            widths[i] += share + u16::from((n as u16) < extra);
        }
    }
    widths
}

pub struct VirtualTable<'a> {
    columns: &'a [Column<'a>],
    rows: &'a [TableRow<'a>],
    total: usize,
    first_row: usize,
    selected: Option<usize>,
    sort: Option<SortMark>,
    marks: bool,
    block: Option<Block<'a>>,
    empty: &'a str,
    theme: &'a Theme,
}

impl<'a> VirtualTable<'a> {
    /// `rows` are the visible rows only, the first being row `first_row` of `total`.
    pub fn new(
        columns: &'a [Column<'a>],
        rows: &'a [TableRow<'a>],
        total: usize,
        first_row: usize,
        theme: &'a Theme,
    ) -> Self {
        VirtualTable {
            columns,
            rows,
            total,
            first_row,
            selected: None,
            sort: None,
            marks: false,
            block: None,
            empty: "",
            theme,
        }
    }

    /// The selected row by its index among all `total` rows.
    pub fn selected(mut self, index: Option<usize>) -> Self {
        self.selected = index;
        self
    }

    pub fn sort(mut self, sort: Option<SortMark>) -> Self {
        self.sort = sort;
        self
    }

    /// Show a gutter with a mark symbol for marked rows.
    pub fn marks(mut self, on: bool) -> Self {
        self.marks = on;
        self
    }

    pub fn block(mut self, block: Block<'a>) -> Self {
        self.block = Some(block);
        self
    }

    /// Text shown when there are no rows at all.
    pub fn empty_text(mut self, text: &'a str) -> Self {
        self.empty = text;
        self
    }

    /// How many rows fit in `area` (what to fetch).
    pub fn visible_rows(area: Rect, bordered: bool) -> usize {
        let frame = if bordered { 2 } else { 0 };
        usize::from(area.height.saturating_sub(frame + 1))
    }

    fn draw_cells(&self, buf: &mut Buffer, x: u16, y: u16, widths: &[u16], cells: &[Span<'_>]) {
        let sym = &self.theme.sym;
        let mut x = x;
        for (i, (col, &w)) in self.columns.iter().zip(widths).enumerate() {
            if w == 0 {
                continue;
            }
            if let Some(cell) = cells.get(i) {
                let text = text::fit(&cell.content, usize::from(w), col.align, sym.ellipsis);
                buf.set_stringn(x, y, text, usize::from(w), cell.style);
            }
            x += w + 1;
        }
    }
}

impl Widget for VirtualTable<'_> {
    fn render(mut self, area: Rect, buf: &mut Buffer) {
        let area = match self.block.take() {
            Some(block) => {
                let inner = block.inner(area);
                block.render(area, buf);
                inner
            }
            None => area,
        };
        if area.height == 0 || area.width == 0 {
            return;
        }
        let body = usize::from(area.height - 1);
        let scroll = self.total > body && area.width > 1;
        let gutter: u16 = if self.marks { 2 } else { 0 };
        let content = area.width - u16::from(scroll);
        let widths = layout(self.columns, content.saturating_sub(gutter));
        let x0 = area.x + gutter;
        let sym = self.theme.sym;

        // header, with the sort arrow in place of the title's last column if needed
        let titles: Vec<Span<'_>> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| match self.sort {
                Some(s) if s.column == i => {
                    let arrow = if s.descending {
                        sym.sort_desc
                    } else {
                        sym.sort_asc
                    };
                    Span::raw(format!("{}{arrow}", c.title))
                }
                _ => Span::raw(c.title),
            })
            .collect();
        buf.set_style(
            Rect::new(area.x, area.y, content, 1),
            self.theme.table_header(),
        );
        self.draw_cells(buf, x0, area.y, &widths, &titles);

        if self.total == 0 {
            let text = text::truncate(self.empty, usize::from(content), sym.ellipsis);
            buf.set_string(area.x, area.y + 1, text, self.theme.tone(super::Tone::Dim));
        }
        for (i, row) in self.rows.iter().take(body).enumerate() {
            let y = area.y + 1 + i as u16;
            let index = self.first_row + i;
            if self.marks && row.marked {
                buf.set_string(area.x, y, sym.mark, self.theme.marked());
            }
            self.draw_cells(buf, x0, y, &widths, &row.cells);
            if self.selected == Some(index) {
                buf.set_style(Rect::new(area.x, y, content, 1), self.theme.selected());
            }
        }
        if scroll {
            let x = area.x + content;
            let track = body;
            let thumb = (track * track / self.total).max(1);
            // rounded, so the thumb reaches the bottom exactly at the last page
            let span = self.total - track;
            let top = (self.first_row.min(span) * (track - thumb) + span / 2) / span;
            for i in 0..track {
                let y = area.y + 1 + i as u16;
                let on_thumb = (top..top + thumb).contains(&i);
                let symbol = if on_thumb {
                    sym.scroll_thumb
                } else {
                    sym.scroll_track
                };
                buf.set_string(x, y, symbol, self.theme.tone(super::Tone::Dim));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_keeps_the_selection_in_view() {
        // 20 rows visible of 60,000
        assert_eq!(follow(0, 5, 20, 60_000), 0);
        assert_eq!(follow(0, 20, 20, 60_000), 1);
        assert_eq!(follow(100, 99, 20, 60_000), 99);
        assert_eq!(follow(100, 119, 20, 60_000), 100);
        assert_eq!(follow(0, 59_999, 20, 60_000), 59_980);
        // shrinking lists pull the window back
        assert_eq!(follow(50, 55, 20, 30), 10);
        assert_eq!(follow(0, 3, 20, 5), 0);
        assert_eq!(follow(7, 0, 0, 5), 0);
        assert_eq!(follow(7, 0, 10, 0), 0);
    }

    #[test]
    fn selected_row_is_reversed_and_marks_show() {
        use ratatui::style::Modifier;
        let theme = Theme::new(false, true);
        let columns = [Column::flex("name", 4)];
        let rows: Vec<TableRow> = (100..103)
            .map(|i| TableRow::new([Span::raw(format!("r{i}"))]).marked(i == 102))
            .collect();
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 4));
        VirtualTable::new(&columns, &rows, 1000, 100, &theme)
            .selected(Some(101))
            .marks(true)
            .render(buf.area, &mut buf);
        let reversed = |y: u16| buf[(3, y)].modifier.contains(Modifier::REVERSED);
        assert!(!reversed(1));
        assert!(reversed(2), "row 101 is on screen line 2");
        assert_eq!(buf[(0, 3)].symbol(), "*");
        assert_eq!(buf[(2, 2)].symbol(), "r");
        // a scrollbar, since 1000 rows do not fit
        assert_eq!(buf[(9, 1)].symbol(), "#");
    }

    #[test]
    fn layout_shares_space_and_hides_what_does_not_fit() {
        let cols = [
            Column::fixed("a", 4),
            Column::flex("b", 6),
            Column::fixed("c", 8),
            Column::flex("d", 4),
        ];
        // 4+6+8+4 and 3 gaps = 25
        assert_eq!(layout(&cols, 25), vec![4, 6, 8, 4]);
        assert_eq!(layout(&cols, 30), vec![4, 9, 8, 6]);
        // d no longer fits: hidden, b takes the room
        assert_eq!(layout(&cols, 24), vec![4, 10, 8, 0]);
        assert_eq!(layout(&cols, 3), vec![0, 0, 0, 0]);
    }
}
