//! The towns pane: the district's towns, or one town's villages after Enter,
//! each with its medical and pension rates and a marker when behind target.
//! It reads the progress counters the app fetched for the whole district (a
//! few hundred rows), so moving here never waits for the store.

use super::{Measure, behind_marker, elapsed, measures, rate_cell};
use crate::domain::village_name;
use crate::store::campaign::progress::{AreaProgress, Progress};
use crate::store::registry::residents::Scope;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::strings::{S, fill};
use crate::tui::widgets::gauge::Rate;
use crate::tui::widgets::table::{Column, TableRow, VirtualTable, follow};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::any::Any;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Towns,
    /// the villages of the town at this index
    Villages(usize),
}

/// What the pane has selected, for the panes that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub scope: Scope,
    pub town_name: String,
    /// 山城街道, or 山城街道 东庄村
    pub title: String,
    pub town_id: i64,
}

pub struct TownsPane {
    session: Arc<Session>,
    measures: Vec<Measure>,
    elapsed: Rate,
    progress: Option<Arc<Progress>>,
    level: Level,
    town_cursor: usize,
    village_cursor: usize,
    first_row: usize,
    visible: usize,
    pub focused: bool,
}

impl TownsPane {
    pub fn new(session: Arc<Session>) -> TownsPane {
        TownsPane {
            measures: measures(&session.policy),
            elapsed: elapsed(&session.policy, session.as_of),
            session,
            progress: None,
            level: Level::Towns,
            town_cursor: 0,
            village_cursor: 0,
            first_row: 0,
            visible: 10,
            focused: true,
        }
    }

    pub fn set_progress(&mut self, progress: Arc<Progress>) {
        self.progress = Some(progress);
        self.clamp();
    }

    pub fn level(&self) -> Level {
        self.level
    }

    fn len(&self) -> usize {
        let Some(p) = &self.progress else { return 0 };
        match self.level {
            Level::Towns => p.towns.len(),
            Level::Villages(t) => p.towns.get(t).map_or(0, |t| t.villages.len()),
        }
    }

    fn cursor(&self) -> usize {
        match self.level {
            Level::Towns => self.town_cursor,
            Level::Villages(_) => self.village_cursor,
        }
    }

    fn set_cursor(&mut self, at: usize) {
        let len = self.len();
        let at = at.min(len.saturating_sub(1));
        match self.level {
            Level::Towns => self.town_cursor = at,
            Level::Villages(_) => self.village_cursor = at,
        }
        self.first_row = follow(self.first_row, at, self.visible, len);
    }

    fn clamp(&mut self) {
        if let (Level::Villages(t), Some(p)) = (self.level, &self.progress)
            && t >= p.towns.len()
        {
            self.level = Level::Towns;
        }
        self.set_cursor(self.cursor());
    }

    /// The town or village under the cursor.
    pub fn selection(&self) -> Option<Selection> {
        let p = self.progress.as_ref()?;
        match self.level {
            Level::Towns => {
                let t = p.towns.get(self.town_cursor)?;
                Some(Selection {
                    scope: Scope::Town(t.area.id),
                    town_name: t.area.name.clone(),
                    title: t.area.name.clone(),
                    town_id: t.area.id,
                })
            }
            Level::Villages(ti) => {
                let t = p.towns.get(ti)?;
                let v = t.villages.get(self.village_cursor)?;
                Some(Selection {
                    scope: Scope::Village(v.id),
                    town_name: t.area.name.clone(),
                    title: format!("{} {}", t.area.name, village_name::short(&v.name)),
                    town_id: t.area.id,
                })
            }
        }
    }

    /// Go to a village (after a search): its town's villages, cursor on it.
    pub fn select_village(&mut self, village_code: &str) -> bool {
        let Some(p) = &self.progress else {
            return false;
        };
        for (ti, t) in p.towns.iter().enumerate() {
            if let Some(vi) = t.villages.iter().position(|v| v.code == village_code) {
                self.town_cursor = ti;
                self.level = Level::Villages(ti);
                self.first_row = 0;
                self.set_cursor(vi);
                return true;
            }
        }
        false
    }

    /// Put the cursor on a town in the towns list (the dashboard opens one).
    pub fn select_town(&mut self, town_id: i64) -> bool {
        let Some(ti) = self
            .progress
            .as_ref()
            .and_then(|p| p.towns.iter().position(|t| t.area.id == town_id))
        else {
            return false;
        };
        self.level = Level::Towns;
        self.first_row = 0;
        self.set_cursor(ti);
        true
    }

    /// The counters of the town or village under the cursor, with its name
    /// (the header's gauges follow it).
    pub fn selected_area(&self) -> Option<(String, &AreaProgress)> {
        let p = self.progress.as_ref()?;
        match self.level {
            Level::Towns => p
                .towns
                .get(self.town_cursor)
                .map(|t| (t.area.name.clone(), &t.area)),
            Level::Villages(ti) => {
                let v = p.towns.get(ti)?.villages.get(self.village_cursor)?;
                Some((village_name::short(&v.name).to_string(), v))
            }
        }
    }

    /// Show the villages of a town (the outstanding view follows the main view's town).
    pub fn open_town(&mut self, town_id: i64) {
        let Some(p) = &self.progress else { return };
        if let Some(ti) = p.towns.iter().position(|t| t.area.id == town_id) {
            self.town_cursor = ti;
            if self.level != Level::Villages(ti) {
                self.level = Level::Villages(ti);
                self.village_cursor = 0;
                self.first_row = 0;
            }
            self.clamp();
        }
    }

    pub fn set_visible(&mut self, rows: usize) {
        self.visible = rows.max(1);
        self.set_cursor(self.cursor());
    }

    fn areas(&self) -> Vec<&AreaProgress> {
        let Some(p) = &self.progress else {
            return Vec::new();
        };
        match self.level {
            Level::Towns => p.towns.iter().map(|t| &t.area).collect(),
            Level::Villages(t) => p
                .towns
                .get(t)
                .map(|t| t.villages.iter().collect())
                .unwrap_or_default(),
        }
    }

    fn title(&self, ctx: &Ctx<'_>) -> String {
        let lang = ctx.lang;
        match (self.level, &self.progress) {
            (Level::Villages(t), Some(p)) if t < p.towns.len() => {
                format!(" {} {} ", p.towns[t].area.name, S::ColVillage.get(lang))
            }
            _ => format!(" {} {} ", S::District.get(lang), S::ColTown.get(lang)),
        }
    }
}

impl View for TownsPane {
    fn context(&self) -> Context {
        Context::Towns
    }

    fn apply(&mut self, action: Action) -> Outcome {
        let page = self.visible.max(1);
        let at = self.cursor();
        let last = self.len().saturating_sub(1);
        let moved = |to: usize| {
            if to == at {
                Outcome::Redraw
            } else {
                Outcome::Refetch
            }
        };
        match action {
            Action::MoveUp => {
                self.set_cursor(at.saturating_sub(1));
                moved(self.cursor())
            }
            Action::MoveDown => {
                self.set_cursor((at + 1).min(last));
                moved(self.cursor())
            }
            Action::PageUp | Action::HalfPageUp => {
                let step = if action == Action::PageUp {
                    page
                } else {
                    page / 2
                };
                self.set_cursor(at.saturating_sub(step.max(1)));
                moved(self.cursor())
            }
            Action::PageDown | Action::HalfPageDown => {
                let step = if action == Action::PageDown {
                    page
                } else {
                    page / 2
                };
                self.set_cursor((at + step.max(1)).min(last));
                moved(self.cursor())
            }
            Action::Home => {
                self.set_cursor(0);
                moved(self.cursor())
            }
            Action::End => {
                self.set_cursor(last);
                moved(self.cursor())
            }
            Action::DrillIn if self.level == Level::Towns && self.len() > 0 => {
                self.level = Level::Villages(self.town_cursor);
                self.village_cursor = 0;
                self.first_row = 0;
                self.clamp();
                Outcome::Refetch
            }
            Action::Back => match self.level {
                Level::Villages(t) => {
                    self.level = Level::Towns;
                    self.first_row = 0;
                    self.set_cursor(t);
                    Outcome::Refetch
                }
                Level::Towns => Outcome::Ignored,
            },
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        if let Ok(p) = page.downcast::<Arc<Progress>>() {
            self.set_progress(*p);
        }
    }

    fn visible_rows(&self, area: Rect) -> usize {
        VirtualTable::visible_rows(area, true)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let name_title = match self.level {
            Level::Towns => S::ColTown.get(lang),
            Level::Villages(_) => S::ColVillage.get(lang),
        };
        // medical and each pension band apart (their targets differ), each
        // coloured by its own pace; the marker names the measure behind
        let mut columns = vec![
            Column::flex(name_title, 6),
            Column::fixed(S::ColMedicalShort.get(lang), 4).right(),
        ];
        let band_titles: Vec<String> = self
            .measures
            .iter()
            .skip(1)
            .map(|m| fill(S::ColBandShort.get(lang), &[&m.code(lang)]))
            .collect();
        for t in &band_titles {
            columns.push(Column::fixed(t, 4).right());
        }
        columns.push(Column::fixed("", 4));
        let areas = self.areas();
        let visible = VirtualTable::visible_rows(area, true);
        let first = follow(self.first_row, self.cursor(), visible, areas.len());
        let rows: Vec<TableRow> = areas
            .iter()
            .skip(first)
            .take(visible)
            .map(|a| {
                let (marker, pace) =
                    behind_marker(a, &self.measures, self.elapsed, &theme.sym, lang);
                let tone = theme.tone(pace.tone());
                let name = match self.level {
                    Level::Towns => a.name.clone(),
                    Level::Villages(_) => village_name::short(&a.name).to_string(),
                };
                let mut cells = vec![Span::raw(name)];
                for m in &self.measures {
                    let r = m.rate(a);
                    let t = theme
                        .tone(crate::tui::widgets::gauge::pace(r, m.target, self.elapsed).tone());
                    cells.push(Span::styled(rate_cell(r), t));
                }
                cells.push(Span::styled(marker, tone));
                TableRow::new(cells)
            })
            .collect();
        let mut block = theme
            .block(self.focused)
            .title(Span::styled(self.title(&ctx), theme.title()));
        if self.progress.is_none() {
            block = block.title_bottom(Line::from(S::MsgLoading.get(lang)));
        }
        let table = VirtualTable::new(&columns, &rows, areas.len(), first, theme)
            .selected(Some(self.cursor()))
            .block(block)
            .empty_text(if self.progress.is_some() {
                S::MsgEmpty.get(lang)
            } else {
                S::MsgLoading.get(lang)
            });
        frame.render_widget(table, area);
    }
}

impl TownsPane {
    /// The session this pane reads (for its owner).
    pub fn session(&self) -> &Session {
        &self.session
    }
}
