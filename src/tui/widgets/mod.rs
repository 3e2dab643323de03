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
use ratatui::layout::Rect;

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
