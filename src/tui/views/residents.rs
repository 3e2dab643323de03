//! The residents pane: the residents of the selected town or village, a
//! window of rows at a time from `Store::resident_page`, with the count from
//! `Store::resident_count` asked for separately (it costs as much as a page,
//! and changes only with the scope, the filter or the data).
//!
//! The window holds a few screens of rows around the visible ones, so moving
//! the cursor fetches nothing until the view leaves it; drawing takes only
//! the visible rows. Marks are kept by resident id across pages.

use super::{Fetch, Fetches, status_text};
use crate::domain::id_number::mask;
use crate::domain::insured_age;
use crate::domain::money::yuan;
use crate::store::console::RosterDues;
use crate::store::registry::residents::{
    ListFilter, ListQuery, ResidentRow, SORT_COLUMNS, Scope, SortColumn, Standing,
};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::status::Filter;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::table::{Column, SortMark, TableRow, VirtualTable, follow};
use crate::tui::worker::{Lane, Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::any::Any;
use std::collections::BTreeSet;
use std::sync::Arc;

mod fetch;

use fetch::PageKey;
pub use fetch::{CountKey, CountReply, LocateReply, MarkAllReply, PageReply};

/// Rows fetched around the visible ones, at least.
const WINDOW_MIN: usize = 200;
/// At most this many residents are marked at once by mark-all.
pub const MARK_ALL_MAX: usize = 20_000;
/// Rows per page when a job walks a whole list (locate, mark all, export).
pub const WALK_PAGE: i64 = 2_000;

struct Window {
    query: ListQuery,
    generation: u64,
    offset: usize,
    /// the window reached the end of the list
    complete: bool,
    rows: Vec<ResidentRow>,
    dues: Vec<RosterDues>,
}

pub struct ResidentsPane {
    lane: Lane,
    session: Arc<Session>,
    scope: Option<Scope>,
    title: String,
    filter: ListFilter,
    sort: SortColumn,
    descending: bool,
    cursor: usize,
    first_row: usize,
    visible: usize,
    generation: u64,
    total: Option<(CountKey, usize)>,
    count_asked: Option<CountKey>,
    window: Option<Window>,
    page_asked: Option<PageKey>,
    /// a resident to find in the list, and whether the job is out
    locate: Option<(ListQuery, i64, bool)>,
    mark_all_asked: Option<ListQuery>,
    marks: BTreeSet<i64>,
    /// the outstanding view's list: phone and amounts due, filter fixed
    agent: bool,
    pub focused: bool,
    /// a message for the footer (errors, mark-all refused)
    pub notice: Option<(String, Tone)>,
}

/// The first row to show so that `selected` is visible. Unlike
/// [`follow`], when the cursor leaves the view the view jumps to put it in
/// the middle: over a slow link a cursor move then repaints two rows instead
/// of the whole list, and the list scrolls by half screens.
pub fn jump(first_row: usize, selected: usize, visible: usize, total: usize) -> usize {
    if visible == 0 || total == 0 {
        return 0;
    }
    let selected = selected.min(total - 1);
    let first = if selected < first_row || selected >= first_row + visible {
        selected.saturating_sub(visible / 2)
    } else {
        first_row
    };
    first.min(total.saturating_sub(visible))
}

pub fn to_list_filter(f: Filter) -> ListFilter {
    match f {
        Filter::Outstanding => ListFilter::Outstanding,
        Filter::Paid => ListFilter::Paid,
        Filter::Exempt => ListFilter::Exempt,
        Filter::Flagged => ListFilter::Flagged,
        Filter::All => ListFilter::All,
    }
}

pub fn to_filter(f: ListFilter) -> Filter {
    match f {
        ListFilter::Outstanding => Filter::Outstanding,
        ListFilter::Paid => Filter::Paid,
        ListFilter::Exempt => Filter::Exempt,
        ListFilter::Flagged => Filter::Flagged,
        ListFilter::All => Filter::All,
    }
}

pub fn sort_label(s: SortColumn, lang: Lang) -> &'static str {
    match s {
        SortColumn::Name => S::ColName,
        SortColumn::IdNumber => S::ColId,
        SortColumn::Age => S::ColAge,
        SortColumn::Village => S::ColVillage,
        SortColumn::Medical => S::ColMedical,
        SortColumn::Pension => S::ColPension,
    }
    .get(lang)
}

impl ResidentsPane {
    pub fn new(session: Arc<Session>, lane: Lane) -> ResidentsPane {
        ResidentsPane {
            lane,
            session,
            scope: None,
            title: String::new(),
            filter: ListFilter::Outstanding,
            sort: SortColumn::Name,
            descending: false,
            cursor: 0,
            first_row: 0,
            visible: 10,
            generation: 0,
            total: None,
            count_asked: None,
            window: None,
            page_asked: None,
            locate: None,
            mark_all_asked: None,
            marks: BTreeSet::new(),
            agent: lane == Lane::Outstanding,
            focused: false,
            notice: None,
        }
    }

    /// The list as the store is asked for it, once a scope is selected.
    pub fn query(&self) -> Option<ListQuery> {
        Some(ListQuery {
            year: self.session.year(),
            scope: self.scope?,
            filter: self.filter,
            sort: self.sort,
            descending: self.descending,
        })
    }

    fn count_key(&self) -> Option<CountKey> {
        Some(CountKey {
            year: self.session.year(),
            scope: self.scope?,
            filter: self.filter,
            generation: self.generation,
        })
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn filter(&self) -> ListFilter {
        self.filter
    }

    pub fn marks(&self) -> &BTreeSet<i64> {
        &self.marks
    }

    /// Follow the towns pane: a new scope starts at the top of its list.
    pub fn set_scope(&mut self, scope: Option<Scope>, title: &str) {
        if self.scope != scope {
            self.scope = scope;
            self.cursor = 0;
            self.first_row = 0;
            self.locate = None;
        }
        self.title = title.to_string();
    }

    pub fn set_visible(&mut self, rows: usize) {
        self.visible = rows.max(1);
        self.first_row = follow(self.first_row, self.cursor, self.visible, self.len_bound());
    }

    /// The count when known and current for this scope and filter (even if
    /// the data changed since: it is replaced when the new one comes).
    pub fn total(&self) -> Option<usize> {
        let (key, n) = self.total?;
        let want = self.count_key()?;
        (key.scope == want.scope && key.filter == want.filter && key.year == want.year).then_some(n)
    }

    /// The window when it answers the current query (any generation).
    fn current_window(&self) -> Option<&Window> {
        let q = self.query()?;
        self.window.as_ref().filter(|w| w.query == q)
    }

    /// How far the cursor may go: the count, or the end of what is loaded.
    fn len_bound(&self) -> usize {
        if let Some(n) = self.total() {
            return n;
        }
        match self.current_window() {
            Some(w) if w.complete => w.offset + w.rows.len(),
            Some(w) => w.offset + w.rows.len().max(1),
            None => 1,
        }
    }

    fn row_at(&self, index: usize) -> Option<&ResidentRow> {
        let w = self.current_window()?;
        index.checked_sub(w.offset).and_then(|i| w.rows.get(i))
    }

    /// The resident under the cursor, once its row is loaded.
    pub fn current(&self) -> Option<&ResidentRow> {
        self.row_at(self.cursor)
    }

    /// Select a resident after a search: locate it in this list, switching to
    /// the whole list (filter all) so it is surely there.
    pub fn locate(&mut self, resident_id: i64) {
        if !self.agent {
            self.filter = ListFilter::All;
        }
        if let Some(q) = self.query() {
            self.locate = Some((q, resident_id, false));
        }
        self.cursor = 0;
        self.first_row = 0;
    }

    fn move_to(&mut self, to: usize) -> Outcome {
        let bound = self.len_bound();
        let to = to.min(bound.saturating_sub(1));
        if to == self.cursor {
            return Outcome::Redraw;
        }
        self.cursor = to;
        self.first_row = jump(self.first_row, self.cursor, self.visible, bound);
        Outcome::Refetch
    }

    fn reset_list(&mut self) -> Outcome {
        self.cursor = 0;
        self.first_row = 0;
        self.locate = None;
        Outcome::Refetch
    }

    fn set_filter(&mut self, filter: ListFilter) -> Outcome {
        if self.agent {
            return Outcome::Ignored;
        }
        if self.filter == filter {
            return Outcome::Redraw;
        }
        self.filter = filter;
        self.reset_list()
    }

    /// The rows the view shows are loaded (for the current data, or older).
    fn covered(&self, fresh_only: bool) -> bool {
        let Some(w) = self.current_window() else {
            return false;
        };
        if fresh_only && w.generation != self.generation {
            return false;
        }
        let end = w.offset + w.rows.len();
        let want_end = self.first_row + self.visible;
        w.offset <= self.first_row && (want_end <= end || w.complete)
    }

    /// Whether the pane waits for rows it has to show.
    pub fn loading(&self) -> bool {
        self.scope.is_some() && !self.covered(false)
    }

    fn columns(&self, width: u16, lang: Lang) -> (Vec<Column<'static>>, Vec<Option<SortColumn>>) {
        let mut cols: Vec<(Column<'static>, Option<SortColumn>)> = Vec::new();
        let wide = width >= 66;
        cols.push((
            Column::flex(S::ColName.get(lang), 6),
            Some(SortColumn::Name),
        ));
        if wide {
            cols.push((
                Column::fixed(S::ColId.get(lang), 18),
                Some(SortColumn::IdNumber),
            ));
        } else {
            cols.push((
                Column::fixed(S::ColTail.get(lang), 5),
                Some(SortColumn::IdNumber),
            ));
        }
        // room for the title and the sort arrow: 年龄▼, 医保▲
        cols.push((
            Column::fixed(S::ColAge.get(lang), 5).right(),
            Some(SortColumn::Age),
        ));
        // "proxy-paid" is cut in English
        let status = if lang == Lang::Zh { 5 } else { 8 };
        cols.push((
            Column::fixed(S::ColMedical.get(lang), status),
            Some(SortColumn::Medical),
        ));
        cols.push((
            Column::fixed(S::ColPension.get(lang), status),
            Some(SortColumn::Pension),
        ));
        if self.agent {
            cols.push((Column::fixed(S::ColPhone.get(lang), 11), None));
            cols.push((Column::fixed(S::ColDue.get(lang), 7).right(), None));
        }
        if matches!(self.scope, Some(Scope::Town(_) | Scope::District)) {
            cols.push((
                Column::flex(S::ColVillage.get(lang), 6),
                Some(SortColumn::Village),
            ));
        }
        cols.into_iter().unzip()
    }

    fn cells(
        &self,
        row: &ResidentRow,
        wide: bool,
        lang: Lang,
        ctx: &Ctx<'_>,
    ) -> Vec<Span<'static>> {
        let theme = ctx.theme;
        let age = insured_age(self.session.year(), row.birth_date);
        let (med, med_tone) = status_text(row.medical, row.flagged, lang);
        let (pen, pen_tone) = status_text(row.pension, row.flagged, lang);
        let id = if wide {
            mask(&row.id_number)
        } else {
            row.id_number.chars().skip(14).collect()
        };
        let name_tone = if row.flagged {
            Tone::Flag
        } else {
            Tone::Normal
        };
        let mut cells = vec![
            Span::styled(row.name.clone(), theme.tone(name_tone)),
            Span::raw(id),
            Span::raw(age.to_string()),
            Span::styled(med, theme.tone(med_tone)),
            Span::styled(pen, theme.tone(pen_tone)),
        ];
        if self.agent {
            let dues = self
                .current_window()
                .and_then(|w| w.dues.iter().find(|d| d.resident_id == row.id));
            let phone = dues.and_then(|d| d.phone.clone()).unwrap_or_default();
            let mut fen = 0;
            if row.medical == Standing::Due {
                fen += dues.and_then(|d| d.medical_fen).unwrap_or(0);
            }
            if row.pension == Standing::Due {
                fen += dues.and_then(|d| d.pension_fen).unwrap_or(0);
            }
            cells.push(Span::raw(phone));
            cells.push(Span::raw(yuan(fen)));
        }
        if matches!(self.scope, Some(Scope::Town(_) | Scope::District)) {
            let v = crate::domain::village_name::short(&row.village_name).to_string();
            cells.push(Span::styled(v, theme.tone(Tone::Dim)));
        }
        cells
    }

    fn status_line(&self, lang: Lang, ctx: &Ctx<'_>) -> String {
        let sym = &ctx.theme.sym;
        let arrow = if self.descending {
            sym.sort_desc
        } else {
            sym.sort_asc
        };
        let mut parts = Vec::new();
        if !self.agent {
            parts.push(fill(
                S::FilterLabel.get(lang),
                &[&to_filter(self.filter).label(lang)],
            ));
        }
        parts.push(format!(
            "{}{arrow}",
            fill(S::SortLabel.get(lang), &[&sort_label(self.sort, lang)])
        ));
        match self.total() {
            Some(0) => parts.push(fill(S::MsgRows.get(lang), &[&0, &0, &0])),
            Some(n) => parts.push(fill(
                S::MsgCursor.get(lang),
                &[&(self.cursor + 1).min(n), &n],
            )),
            None if self.scope.is_some() => parts.push(S::MsgCounting.get(lang).to_string()),
            None => {}
        }
        if !self.marks.is_empty() {
            parts.push(fill(S::MsgMarked.get(lang), &[&self.marks.len()]));
        }
        format!(" {} ", parts.join(" "))
    }
}

impl View for ResidentsPane {
    fn context(&self) -> Context {
        Context::Residents
    }

    fn apply(&mut self, action: Action) -> Outcome {
        let page = self.visible.max(1);
        let at = self.cursor;
        match action {
            Action::MoveUp => self.move_to(at.saturating_sub(1)),
            Action::MoveDown => self.move_to(at + 1),
            Action::PageUp => self.move_to(at.saturating_sub(page)),
            Action::PageDown => self.move_to(at + page),
            Action::HalfPageUp => self.move_to(at.saturating_sub((page / 2).max(1))),
            Action::HalfPageDown => self.move_to(at + (page / 2).max(1)),
            Action::Home => self.move_to(0),
            Action::End => match self.total() {
                Some(n) => self.move_to(n.saturating_sub(1)),
                None => Outcome::Redraw,
            },
            Action::FilterOutstanding => self.set_filter(ListFilter::Outstanding),
            Action::FilterPaid => self.set_filter(ListFilter::Paid),
            Action::FilterExempt => self.set_filter(ListFilter::Exempt),
            Action::FilterFlagged => self.set_filter(ListFilter::Flagged),
            Action::FilterAll => self.set_filter(ListFilter::All),
            Action::CycleFilter => {
                let next = to_list_filter(to_filter(self.filter).next());
                self.set_filter(next)
            }
            Action::SortNextColumn => {
                let at = SORT_COLUMNS
                    .iter()
                    .position(|c| *c == self.sort)
                    .unwrap_or(0);
                self.sort = SORT_COLUMNS[(at + 1) % SORT_COLUMNS.len()];
                self.descending = false;
                self.reset_list()
            }
            Action::ReverseSort => {
                self.descending = !self.descending;
                self.reset_list()
            }
            Action::ToggleMark => {
                let Some(id) = self.current().map(|r| r.id) else {
                    return Outcome::Redraw;
                };
                if !self.marks.remove(&id) {
                    self.marks.insert(id);
                }
                match self.move_to(at + 1) {
                    Outcome::Refetch => Outcome::Refetch,
                    _ => Outcome::Redraw,
                }
            }
            Action::ClearMarks => {
                self.marks.clear();
                Outcome::Redraw
            }
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        if page.is::<CountReply>() {
            self.accept_reply(Slot::Count(self.lane), page);
        } else if page.is::<PageReply>() {
            self.accept_reply(Slot::Page(self.lane), page);
        }
    }

    fn visible_rows(&self, area: Rect) -> usize {
        VirtualTable::visible_rows(area, true)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let inner_width = area.width.saturating_sub(5);
        let (columns, sorts) = self.columns(inner_width, lang);
        let wide = inner_width >= 66;
        let visible = VirtualTable::visible_rows(area, true);
        let total = self.total().unwrap_or_else(|| self.len_bound());
        let first = follow(self.first_row, self.cursor, visible, total);
        let rows: Vec<TableRow> = (first..first + visible)
            .map_while(|i| {
                let row = self.row_at(i)?;
                Some(
                    TableRow::new(self.cells(row, wide, lang, &ctx))
                        .marked(self.marks.contains(&row.id)),
                )
            })
            .collect();
        // rows not loaded yet are left blank below the loaded ones
        let sort = sorts
            .iter()
            .position(|s| *s == Some(self.sort))
            .map(|column| SortMark {
                column,
                descending: self.descending,
            });
        let label = if self.agent {
            fill(S::OutstandingOf.get(lang), &[&self.title])
        } else {
            fill(S::ResidentsOf.get(lang), &[&self.title])
        };
        let mut block = theme
            .block(self.focused)
            .title(Span::styled(format!(" {label} "), theme.title()))
            .title_bottom(Line::from(self.status_line(lang, &ctx)));
        if self.loading() {
            block = block.title(
                Line::from(Span::styled(
                    format!(" {} ", S::MsgLoading.get(lang)),
                    theme.tone(Tone::Dim),
                ))
                .right_aligned(),
            );
        }
        let empty = if self.scope.is_none() || self.loading() {
            S::MsgLoading.get(lang)
        } else {
            S::MsgEmpty.get(lang)
        };
        let shown_total = if rows.is_empty() {
            self.total().unwrap_or(0)
        } else {
            total
        };
        let table = VirtualTable::new(&columns, &rows, shown_total, first, theme)
            .selected(self.current().map(|_| self.cursor))
            .sort(sort)
            .marks(true)
            .block(block)
            .empty_text(empty);
        frame.render_widget(table, area);
    }
}

#[cfg(test)]
mod tests {
    use super::jump;

    #[test]
    fn the_view_jumps_by_half_screens() {
        // 20 rows visible of 1,000: moving within the view keeps it
        assert_eq!(jump(0, 19, 20, 1000), 0);
        // one past the bottom: the cursor lands in the middle
        assert_eq!(jump(0, 20, 20, 1000), 10);
        assert_eq!(jump(10, 9, 20, 1000), 0);
        // the end of the list is not passed
        assert_eq!(jump(0, 999, 20, 1000), 980);
        assert_eq!(jump(5, 3, 20, 12), 0);
        assert_eq!(jump(5, 3, 0, 12), 0);
    }
}
