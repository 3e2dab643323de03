//! Reusable widgets. Each takes prepared data and a [`Ctx`](crate::tui::Ctx)
//! and draws; none fetches data or changes state.

pub mod footer;
pub mod gauge;
pub mod header;
pub mod help;
pub mod input;
pub mod palette;
pub mod table;
pub mod text;

pub use crate::tui::theme::Tone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

/// Clear `area` for a pop-up, also blanking a wide (Chinese) character that
/// straddles its left edge: half a glyph left under a border garbles the line.
pub fn clear(area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    if area.x > buf.area.x {
        for y in area.top()..area.bottom() {
            if let Some(cell) = buf.cell_mut((area.x - 1, y))
                && text::width(cell.symbol()) > 1
            {
                cell.reset();
            }
        }
    }
    Clear.render(area, buf);
}

/// A `width` × `height` rectangle centred in `area`, clamped to it.
pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
