//! Where things go on the screen: header, body, footer, and the linked panes
//! (towns → residents → detail) by width — three side by side from 140
//! columns, two from 80 (the detail takes the towns' place when focused), and
//! only the focused one below 80. The residents list keeps the most room.

use super::keymap::Context;
use ratatui::layout::Rect;

/// Below this the console shows a "window too small" message instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub footer: Rect,
}

/// Split the screen: header on top, one footer line at the bottom.
pub fn screen(area: Rect, header_height: u16) -> Screen {
    let header_height = header_height.min(area.height.saturating_sub(2));
    let footer_height = u16::from(area.height > header_height);
    let body_height = area.height - header_height - footer_height;
    Screen {
        header: Rect {
            height: header_height,
            ..area
        },
        body: Rect {
            y: area.y + header_height,
            height: body_height,
            ..area
        },
        footer: Rect {
            y: area.y + header_height + body_height,
            height: footer_height,
            ..area
        },
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Towns,
    Residents,
    Detail,
}

impl Pane {
    pub const ORDER: [Pane; 3] = [Pane::Towns, Pane::Residents, Pane::Detail];

    /// The keymap table consulted while this pane has focus.
    pub fn context(self) -> Context {
        match self {
            Pane::Towns => Context::Towns,
            Pane::Residents => Context::Residents,
            Pane::Detail => Context::Detail,
        }
    }

    pub fn next(self) -> Pane {
        let at = Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ORDER[(at + 1) % 3]
    }

    pub fn prev(self) -> Pane {
        let at = Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ORDER[(at + 2) % 3]
    }
}

/// The area of each pane, `None` when it is not shown at this width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    pub towns: Option<Rect>,
    pub residents: Option<Rect>,
    pub detail: Option<Rect>,
}

impl Panes {
    pub fn get(&self, pane: Pane) -> Option<Rect> {
        match pane {
            Pane::Towns => self.towns,
            Pane::Residents => self.residents,
            Pane::Detail => self.detail,
        }
    }
}

const THREE_PANES: u16 = 140;
const TOWNS_COLS: u16 = 34;
/// room for a name, three rates (medical and both pension bands) and a marker
const TOWNS_COLS_NARROW: u16 = 31;
const DETAIL_COLS: u16 = 44;
const DETAIL_COLS_NARROW: u16 = 40;

pub fn panes(body: Rect, focus: Pane) -> Panes {
    let split = |left: u16| {
        let left = left.min(body.width);
        (
            Rect {
                width: left,
                ..body
            },
            Rect {
                x: body.x + left,
                width: body.width - left,
                ..body
            },
        )
    };
    if body.width >= THREE_PANES {
        let (towns, rest) = split(TOWNS_COLS);
        let residents = Rect {
            width: rest.width - DETAIL_COLS,
            ..rest
        };
        let detail = Rect {
            x: rest.x + residents.width,
            width: DETAIL_COLS,
            ..rest
        };
        Panes {
            towns: Some(towns),
            residents: Some(residents),
            detail: Some(detail),
        }
    } else if body.width >= 80 {
        if focus == Pane::Detail {
            let (residents, detail) = split(body.width - DETAIL_COLS_NARROW);
            Panes {
                residents: Some(residents),
                detail: Some(detail),
                ..Panes::default()
            }
        } else {
            let (towns, residents) = split(TOWNS_COLS_NARROW);
            Panes {
                towns: Some(towns),
                residents: Some(residents),
                ..Panes::default()
            }
        }
    } else {
        let mut panes = Panes::default();
        match focus {
            Pane::Towns => panes.towns = Some(body),
            Pane::Residents => panes.residents = Some(body),
            Pane::Detail => panes.detail = Some(body),
        }
        panes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_split_at_80x24() {
        let s = screen(Rect::new(0, 0, 80, 24), 3);
        assert_eq!(s.header, Rect::new(0, 0, 80, 3));
        assert_eq!(s.body, Rect::new(0, 3, 80, 20));
        assert_eq!(s.footer, Rect::new(0, 23, 80, 1));
    }

    #[test]
    fn panes_by_width() {
        let wide = panes(Rect::new(0, 3, 160, 36), Pane::Towns);
        assert_eq!(wide.towns.unwrap().width, 34);
        assert_eq!(wide.residents.unwrap(), Rect::new(34, 3, 82, 36));
        assert_eq!(wide.detail.unwrap(), Rect::new(116, 3, 44, 36));

        let big = panes(Rect::new(0, 3, 120, 36), Pane::Residents);
        assert_eq!(big.towns.unwrap().width, 31);
        assert_eq!(big.residents.unwrap().width, 89);
        assert_eq!(big.detail, None);

        let ssh = Rect::new(0, 3, 80, 20);
        let p = panes(ssh, Pane::Residents);
        assert_eq!(
            (p.towns.unwrap().width, p.residents.unwrap().width),
            (31, 49)
        );
        assert_eq!(p.detail, None);
        let p = panes(ssh, Pane::Detail);
        assert_eq!(p.towns, None);
        assert_eq!(
            (p.residents.unwrap().width, p.detail.unwrap().width),
            (40, 40)
        );

        let narrow = panes(Rect::new(0, 3, 70, 20), Pane::Residents);
        assert_eq!(narrow.residents, Some(Rect::new(0, 3, 70, 20)));
        assert_eq!((narrow.towns, narrow.detail), (None, None));
    }

    #[test]
    fn focus_cycles() {
        assert_eq!(Pane::Towns.next(), Pane::Residents);
        assert_eq!(Pane::Detail.next(), Pane::Towns);
        assert_eq!(Pane::Towns.prev(), Pane::Detail);
        assert_eq!(Pane::Residents.context(), Context::Residents);
    }
}
