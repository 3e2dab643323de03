//! Export the current residents list to CSV (UTF-8 with a byte-order mark, so
//! Excel on a station PC reads the Chinese), ID numbers masked. The list is
//! walked a page at a time through `Store::resident_page` on a thread of its
//! own, with its own read-only connection, so the console stays live. When
//! residents are marked, only they are written. (XLSX comes with the
//! exchange module.)

use crate::domain::id_number::mask;
use crate::domain::insured_age;
use crate::domain::money::yuan;
use crate::store::Store;
use crate::store::registry::residents::{ListQuery, Standing};
use crate::tui::Ctx;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::Tone;
use crate::tui::views::residents::to_filter;
use crate::tui::views::status_text;
use crate::tui::widgets::input::{InputLine, InputState};
use crate::tui::widgets::{clear, popup};
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

/// Rows per page while exporting.
pub const EXPORT_PAGE: i64 = 10_000;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub query: ListQuery,
    pub marks: BTreeSet<i64>,
    pub town: String,
    /// 山城街道 东庄村 (for the file name)
    pub title: String,
    /// the outstanding view's list: phone and amount due too
    pub agent: bool,
    pub lang: Lang,
}

impl ExportSpec {
    /// `未缴-山城街道-东庄-2024-11-23.csv`
    pub fn file_name(&self, as_of: chrono::NaiveDate) -> String {
        let filter = to_filter(self.query.filter).label(self.lang);
        let title: String = self
            .title
            .chars()
            .map(|c| {
                if c.is_whitespace() || c == '/' {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        format!("{filter}-{title}-{as_of}.csv")
    }
}

#[derive(Debug)]
pub enum ExportEvent {
    Progress { done: usize, total: Option<usize> },
    Finished(Result<(PathBuf, usize), String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportStep {
    Edit,
    Running { done: usize, total: Option<usize> },
    Done { path: PathBuf, rows: usize },
    Failed(String),
}

pub struct ExportForm {
    pub spec: ExportSpec,
    pub path: InputState,
    pub step: ExportStep,
}

impl ExportForm {
    pub fn new(spec: ExportSpec, as_of: chrono::NaiveDate) -> ExportForm {
        let mut path = InputState::default();
        path.set(&spec.file_name(as_of));
        ExportForm {
            spec,
            path,
            step: ExportStep::Edit,
        }
    }

    pub fn on_event(&mut self, e: ExportEvent) {
        self.step = match e {
            ExportEvent::Progress { done, total } => ExportStep::Running { done, total },
            ExportEvent::Finished(Ok((path, rows))) => ExportStep::Done { path, rows },
            ExportEvent::Finished(Err(e)) => ExportStep::Failed(e),
        };
    }

    fn area(screen: Rect) -> Rect {
        popup(screen, screen.width.saturating_sub(4).min(72), 9)
    }

    fn input_area(screen: Rect) -> Rect {
        let inner = Self::area(screen).inner(Margin::new(1, 1));
        Rect {
            y: inner.y + 2,
            height: 1,
            ..inner
        }
    }

    pub fn cursor(&self, screen: Rect, ctx: &Ctx<'_>) -> Option<Position> {
        (self.step == ExportStep::Edit).then(|| {
            InputLine::new(S::ExportFile.get(ctx.lang), &self.path, ctx.theme)
                .cursor(Self::input_area(screen))
        })
    }
}

/// Start writing in the background; events come back on the receiver.
pub fn start(db: &Path, year_query: ExportSpec, path: PathBuf) -> Receiver<ExportEvent> {
    let (tx, rx) = channel();
    let db = db.to_path_buf();
    std::thread::Builder::new()
        .name("export".into())
        .spawn(move || {
            let result = Store::open_read_only(&db)
                .map_err(|e| e.to_string())
                .and_then(|store| {
                    write_csv(&store, &year_query, &path, |done, total| {
                        let _ = tx.send(ExportEvent::Progress { done, total });
                    })
                })
                .map(|rows| (path, rows));
            let _ = tx.send(ExportEvent::Finished(result));
        })
        .expect("spawn the export thread");
    rx
}

fn standing_cell(s: Standing, flagged: bool, lang: Lang) -> &'static str {
    status_text(s, flagged, lang).0
}

/// Write the list to `path` (through a temporary file, renamed when done).
/// Returns the number of residents written.
pub fn write_csv(
    store: &Store,
    spec: &ExportSpec,
    path: &Path,
    mut progress: impl FnMut(usize, Option<usize>),
) -> Result<usize, String> {
    let lang = spec.lang;
    let q = spec.query;
    let total = if spec.marks.is_empty() {
        store.resident_count(&q).ok().map(|n| n.max(0) as usize)
    } else {
        Some(spec.marks.len())
    };
    let part = path.with_extension("csv.part");
    let err = |e: &dyn std::fmt::Display| fill(S::ExportFailed.get(lang), &[&path.display(), &e]);
    let mut file = std::fs::File::create(&part).map_err(|e| err(&e))?;
    file.write_all(b"\xEF\xBB\xBF").map_err(|e| err(&e))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let mut header = vec![
        S::ColTown.get(lang),
        S::ColVillage.get(lang),
        S::ColName.get(lang),
        S::ColIdMasked.get(lang),
        S::ColSex.get(lang),
        S::ColAge.get(lang),
        S::ColMedical.get(lang),
        S::ColPension.get(lang),
    ];
    if spec.agent {
        header.push(S::ColPhone.get(lang));
        header.push(S::ColDue.get(lang));
    }
    w.write_record(&header).map_err(|e| err(&e))?;
    let mut offset = 0i64;
    let mut written = 0usize;
    loop {
        let rows = store
            .resident_page(&q, offset, EXPORT_PAGE)
            .map_err(|e| err(&e))?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let dues = if spec.agent {
            store.roster_dues(q.year, &ids).map_err(|e| err(&e))?
        } else {
            Vec::new()
        };
        for r in &rows {
            if !spec.marks.is_empty() && !spec.marks.contains(&r.id) {
                continue;
            }
            let sex = match (r.sex.as_str(), lang) {
                ("M", Lang::Zh) => "男",
                ("F", Lang::Zh) => "女",
                (s, _) => s,
            };
            let mut rec = vec![
                spec.town.clone(),
                crate::domain::village_name::short(&r.village_name).to_string(),
                r.name.clone(),
                mask(&r.id_number),
                sex.to_string(),
                insured_age(q.year, r.birth_date).to_string(),
                standing_cell(r.medical, r.flagged, lang).to_string(),
                standing_cell(r.pension, r.flagged, lang).to_string(),
            ];
            if spec.agent {
                let d = dues.iter().find(|d| d.resident_id == r.id);
                let mut fen = 0;
                if r.medical == Standing::Due {
                    fen += d.and_then(|d| d.medical_fen).unwrap_or(0);
                }
                if r.pension == Standing::Due {
                    fen += d.and_then(|d| d.pension_fen).unwrap_or(0);
                }
                rec.push(d.and_then(|d| d.phone.clone()).unwrap_or_default());
                rec.push(yuan(fen));
            }
            w.write_record(&rec).map_err(|e| err(&e))?;
            written += 1;
        }
        progress(written, total);
        if (rows.len() as i64) < EXPORT_PAGE {
            break;
        }
        offset += EXPORT_PAGE;
    }
    let file = w.into_inner().map_err(|e| err(&e.error()))?;
    file.into_inner()
        .map_err(|e| err(&e.error()))?
        .sync_all()
        .map_err(|e| err(&e))?;
    std::fs::rename(&part, path).map_err(|e| err(&e))?;
    Ok(written)
}

pub struct ExportBox<'a> {
    pub form: &'a ExportForm,
    pub ctx: Ctx<'a>,
}

impl Widget for ExportBox<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let f = self.form;
        let theme = self.ctx.theme;
        let lang = self.ctx.lang;
        let area = ExportForm::area(screen);
        clear(area, buf);
        let block = theme.block(true).title(Span::styled(
            format!(" {} ", S::ExportTitle.get(lang)),
            theme.title(),
        ));
        let inner = block.inner(area);
        block.render(area, buf);
        let dim = theme.tone(Tone::Dim);
        let what = if f.spec.marks.is_empty() {
            fill(
                S::ExportWhat.get(lang),
                &[&f.spec.title, &to_filter(f.spec.query.filter).label(lang)],
            )
        } else {
            fill(S::ExportMarked.get(lang), &[&f.spec.marks.len()])
        };
        let mut lines = vec![
            Line::from(what),
            Line::from(Span::styled(S::ExportNote.get(lang), dim)),
        ];
        lines.push(Line::from(""));
        let status = match &f.step {
            ExportStep::Edit => Line::from(Span::styled(
                fill(
                    S::ExportHelp.get(lang),
                    &[
                        &super::payment::key(&self.ctx, crate::tui::action::Action::DrillIn),
                        &super::payment::key(&self.ctx, crate::tui::action::Action::Back),
                    ],
                ),
                dim,
            )),
            ExportStep::Running { done, total } => Line::from(fill(
                S::ExportRunning.get(lang),
                &[done, &total.map_or("?".to_string(), |t| t.to_string())],
            )),
            ExportStep::Done { path, rows } => Line::from(Span::styled(
                fill(S::ExportDone.get(lang), &[rows, &path.display()]),
                theme.tone(Tone::Good),
            )),
            ExportStep::Failed(e) => Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad))),
        };
        lines.push(Line::from(""));
        lines.push(status);
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        let input = ExportForm::input_area(screen);
        clear(input, buf);
        InputLine::new(S::ExportFile.get(lang), &f.path, theme).render(input, buf);
    }
}
