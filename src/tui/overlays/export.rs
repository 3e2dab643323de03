//! Export the current residents list to Excel (XLSX, the default) or CSV
//! (UTF-8 with a byte-order mark, when the file name ends in `.csv`), ID
//! numbers masked, through the exchange module's [`ListWriter`]. The list is
//! walked a page at a time through `Store::resident_page` on a thread of its
//! own, with its own read-only connection, so the console stays live. When
//! residents are marked, only they are written.
//!
//! Lists hold names and phone numbers, so an export
//! - never replaces a file: the proposed name says what the file holds
//!   (`已选3人-…` for marked rows, the filter otherwise) and is made unique
//!   in its folder; a name typed over an existing file is refused, and the
//!   file is reserved with `create_new` so a race cannot clobber either;
//! - is created owner-only (0600 on unix), and written through a hidden
//!   `.part` file renamed into place when complete;
//! - is kept in the audit log (`Store::record_export`) before the file
//!   appears; if the audit row cannot be written, no file is left;
//! - shows the folder it goes to, and the full path when done.

use crate::domain::id_number::mask;
use crate::domain::insured_age;
use crate::exchange::export::{Cell, Column, ListWriter, Sheet};
use crate::store::Store;
use crate::store::exports::ExportRecord;
use crate::store::registry::residents::{ListQuery, Standing};
use crate::tui::Ctx;
use crate::tui::session::Session;
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
    /// What the file holds, for its name and the audit log: `已选3人` or the filter.
    pub fn what(&self) -> String {
        if self.marks.is_empty() {
            to_filter(self.query.filter).label(self.lang).to_string()
        } else {
            fill(S::ExportMarkedName.get(self.lang), &[&self.marks.len()])
        }
    }

    /// `未缴-山城街道-东庄-2024-11-23.xlsx`, `已选3人-山城街道-东庄-2024-11-23.xlsx`
    pub fn file_name(&self, as_of: chrono::NaiveDate) -> String {
        let title: String = self
            .title
            .chars()
            .map(|c| {
                if c.is_whitespace() || c == '/' || c == '\\' {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        format!("{}-{title}-{as_of}.xlsx", self.what())
    }
}

/// `path`, or `name-2.ext`, `name-3.ext`… : the first that does not exist.
pub fn unique_path(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| path.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .expect("some name is free")
}

/// A path made absolute against the working directory (what the clerk is shown).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
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
    /// why the typed name cannot be used (an existing file)
    pub problem: Option<String>,
}

impl ExportForm {
    pub fn new(spec: ExportSpec, as_of: chrono::NaiveDate) -> ExportForm {
        let mut path = InputState::default();
        let name = unique_path(Path::new(&spec.file_name(as_of)));
        path.set(&name.display().to_string());
        ExportForm {
            spec,
            path,
            step: ExportStep::Edit,
            problem: None,
        }
    }

    /// The file the typed name stands for, absolute.
    pub fn target(&self) -> Option<PathBuf> {
        let typed = self.path.text().trim();
        (!typed.is_empty()).then(|| absolute(Path::new(typed)))
    }

    /// The file to write, or why not (it exists: never replaced).
    pub fn check(&mut self) -> Option<PathBuf> {
        let target = self.target()?;
        if target.exists() {
            self.problem = Some(fill(
                S::ExportExists.get(self.spec.lang),
                &[&target.display()],
            ));
            return None;
        }
        self.problem = None;
        Some(target)
    }

    pub fn on_event(&mut self, e: ExportEvent) {
        self.step = match e {
            ExportEvent::Progress { done, total } => ExportStep::Running { done, total },
            ExportEvent::Finished(Ok((path, rows))) => ExportStep::Done { path, rows },
            ExportEvent::Finished(Err(e)) => ExportStep::Failed(e),
        };
    }

    fn area(screen: Rect) -> Rect {
        popup(screen, screen.width.saturating_sub(4).min(76), 10)
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
/// `path` is absolute and did not exist a moment ago.
pub fn start(session: &Session, spec: ExportSpec, path: PathBuf) -> Receiver<ExportEvent> {
    let (tx, rx) = channel();
    let session = session.clone();
    std::thread::Builder::new()
        .name("export".into())
        .spawn(move || {
            let result = export(&session, &spec, &path, |done, total| {
                let _ = tx.send(ExportEvent::Progress { done, total });
            })
            .map(|rows| (path, rows));
            let _ = tx.send(ExportEvent::Finished(result));
        })
        .expect("spawn the export thread");
    rx
}

/// Create a file that must not exist yet, readable by its owner only.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Owner-only permissions on a file written by a library (XLSX).
#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The hidden file the list is written to before it is complete.
fn part_path(path: &Path) -> PathBuf {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.part.{ext}"))
}

/// Reserve `path`, write the list beside it, audit, and move it into place.
/// Returns the number of residents written; on any failure no file is left.
pub fn export(
    session: &Session,
    spec: &ExportSpec,
    path: &Path,
    progress: impl FnMut(usize, Option<usize>),
) -> Result<usize, String> {
    let lang = spec.lang;
    let err = |e: &dyn std::fmt::Display| fill(S::ExportFailed.get(lang), &[&path.display(), &e]);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("xlsx" | "csv")) {
        return Err(err(&S::ExportExtension.get(lang)));
    }
    create_private(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => fill(S::ExportExists.get(lang), &[&path.display()]),
        _ => err(&e),
    })?;
    let part = part_path(path);
    let outcome = (|| {
        let _ = std::fs::remove_file(&part);
        drop(create_private(&part).map_err(|e| err(&e))?);
        let store = Store::open_read_only(&session.db).map_err(|e| err(&e))?;
        let rows = write_list(&store, spec, &part, progress)?;
        restrict(&part).map_err(|e| err(&e))?;
        let mut audit = session
            .open_store(super::super::session::CACHE_SMALL_KIB)
            .map_err(|e| err(&e))?;
        audit
            .record_export(&ExportRecord {
                kind: if spec.agent {
                    "console-outstanding".into()
                } else {
                    "console-list".into()
                },
                file: path.display().to_string(),
                scope: format!("{} {}", spec.title, spec.what()),
                year: spec.query.year,
                rows,
                full_ids: false,
                bulletin_as_of: None,
            })
            .map_err(|e| err(&e))?;
        std::fs::rename(&part, path).map_err(|e| err(&e))?;
        Ok(rows)
    })();
    if outcome.is_err() {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_file(path);
    }
    outcome
}

fn standing_cell(s: Standing, flagged: bool, lang: Lang) -> &'static str {
    status_text(s, flagged, lang).0
}

/// Write the list to `path` (XLSX or CSV by its extension). Returns the
/// number of residents written.
pub fn write_list(
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
    let err = |e: &dyn std::fmt::Display| fill(S::ExportFailed.get(lang), &[&path.display(), &e]);
    let mut w = ListWriter::create(path, None).map_err(|e| err(&e))?;
    let mut columns = vec![
        Column::context(S::ColTown.get(lang), 12.0),
        Column::new(S::ColVillage.get(lang), 14.0),
        Column::new(S::ColName.get(lang), 10.0),
        Column::new(S::ColIdMasked.get(lang), 22.0),
        Column::new(S::ColSex.get(lang), 5.0),
        Column::new(S::ColAge.get(lang), 5.0),
        Column::new(S::ColMedical.get(lang), 7.0),
        Column::new(S::ColPension.get(lang), 7.0),
    ];
    if spec.agent {
        columns.push(Column::new(S::ColPhone.get(lang), 13.0));
        columns.push(Column::new(S::ColDue.get(lang), 9.0));
    }
    w.sheet(&Sheet {
        name: spec.title.clone(),
        title: Some(format!("{} {}", spec.title, spec.what())),
        subtitle: Some(fill(S::ExportSubtitle.get(lang), &[&q.year])),
        columns,
        landscape: spec.agent,
    })
    .map_err(|e| err(&e))?;
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
                Cell::text(spec.town.clone()),
                Cell::text(crate::domain::village_name::short(&r.village_name)),
                Cell::text(r.name.clone()),
                Cell::Id(mask(&r.id_number)),
                Cell::text(sex),
                Cell::Int(i64::from(insured_age(q.year, r.birth_date))),
                Cell::text(standing_cell(r.medical, r.flagged, lang)),
                Cell::text(standing_cell(r.pension, r.flagged, lang)),
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
                rec.push(Cell::opt(d.and_then(|d| d.phone.clone())));
                rec.push(Cell::Fen(fen));
            }
            w.row(&rec).map_err(|e| err(&e))?;
            written += 1;
        }
        progress(written, total);
        if (rows.len() as i64) < EXPORT_PAGE {
            break;
        }
        offset += EXPORT_PAGE;
    }
    w.finish().map_err(|e| err(&e))?;
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
        let folder = f
            .target()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let mut lines = vec![
            Line::from(what),
            Line::from(Span::styled(S::ExportNote.get(lang), dim)),
            Line::from(""),
            Line::from(Span::styled(
                fill(S::ExportFolder.get(lang), &[&folder]),
                dim,
            )),
        ];
        let status = match (&f.step, &f.problem) {
            (ExportStep::Edit, Some(p)) => {
                Line::from(Span::styled(p.clone(), theme.tone(Tone::Bad)))
            }
            (ExportStep::Edit, None) => Line::from(Span::styled(
                fill(
                    S::ExportHelp.get(lang),
                    &[
                        &super::payment::key(&self.ctx, crate::tui::action::Action::DrillIn),
                        &super::payment::key(&self.ctx, crate::tui::action::Action::Back),
                    ],
                ),
                dim,
            )),
            (ExportStep::Running { done, total }, _) => Line::from(fill(
                S::ExportRunning.get(lang),
                &[done, &total.map_or("?".to_string(), |t| t.to_string())],
            )),
            (ExportStep::Done { path, rows }, _) => Line::from(Span::styled(
                fill(S::ExportDone.get(lang), &[rows, &path.display()]),
                theme.tone(Tone::Good),
            )),
            (ExportStep::Failed(e), _) => {
                Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad)))
            }
        };
        lines.push(status);
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        let input = ExportForm::input_area(screen);
        clear(input, buf);
        InputLine::new(S::ExportFile.get(lang), &f.path, theme).render(input, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_a_number_and_a_new_file_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("未缴-东庄-2024-11-23.xlsx");
        assert_eq!(unique_path(&path), path);
        std::fs::write(&path, b"x").unwrap();
        let second = unique_path(&path);
        assert_eq!(second, dir.path().join("未缴-东庄-2024-11-23-2.xlsx"));
        drop(create_private(&second).unwrap());
        assert_eq!(
            unique_path(&path),
            dir.path().join("未缴-东庄-2024-11-23-3.xlsx")
        );
        // create_private never replaces a file
        assert!(create_private(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&second).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
