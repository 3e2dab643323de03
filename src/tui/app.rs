//! The console application: the views on the real store, overlays, and the
//! workers that keep store work off the input path.
//!
//! Keys are resolved against the keymap (an open text field first, then an
//! overlay, then the focused pane) and applied; applying never waits for the
//! store. Whatever became stale is sent to a worker as a job, and replies
//! are taken on the next tick, which comes within milliseconds while work is
//! out (see [`Console::next_tick`]). Another session's commit shows as a new
//! `PRAGMA data_version`, polled every second: the visible pages are fetched
//! again, and the old ones stay on screen until the new ones arrive.

use super::action::Action;
use super::keymap::Context;
use super::layout::{self, Pane};
use super::overlays::Overlay;
use super::overlays::export::{self, ExportEvent, ExportForm, ExportSpec, ExportStep};
use super::overlays::payment::{self, FormData, PaymentForm, PaymentReply, ReceiptCheck, Step};
use super::overlays::prompt::{self, Prompt, PromptReply, PromptStep};
use super::overlays::search::{SearchBox, SearchState};
use super::session::Session;
use super::strings::{S, fill};
use super::terminal::{Console, Flow};
use super::theme::Tone;
use super::views::audit::AuditView;
use super::views::dashboard::Dashboard;
use super::views::detail::FullIdReply;
use super::views::main::MainView;
use super::views::outstanding::OutstandingView;
use super::views::remittance::Remittance;
use super::views::{Fetch, Measure, ViewId, elapsed, insurance_name, measures};
use super::widgets::footer::Footer;
use super::widgets::gauge::GaugeSpec;
use super::widgets::header::{Header, HeaderInfo};
use super::widgets::help::Help;
use super::widgets::input::Edit;
use super::widgets::palette::{Palette, PaletteState};
use super::widgets::text;
use super::worker::{Job, Lane, Reply, Slot, Workers};
use super::{Outcome, Ui, View};
use crate::domain::money::yuan;
use crate::store::campaign::progress::Progress;
use crate::store::{self, Store};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

mod draw;
mod keys;

/// How often the database is asked whether another session changed it.
const DATA_POLL: Duration = Duration::from_millis(1000);
/// How soon the loop comes back while workers are busy.
const BUSY_TICK: Duration = Duration::from_millis(8);

struct ProgressReply {
    generation: u64,
    result: Result<Progress, String>,
}

pub struct App {
    ui: Ui,
    session: Arc<Session>,
    measures: Vec<Measure>,
    workers: Workers,
    /// the connection that watches `data_version`
    watch: Store,
    data_version: i64,
    last_poll: Instant,
    generation: u64,
    progress: Option<Arc<Progress>>,
    progress_gen: Option<u64>,
    progress_asked: Option<u64>,
    view: ViewId,
    main: MainView,
    dashboard: Dashboard,
    outstanding: OutstandingView,
    audit: AuditView,
    remittance: Remittance,
    /// reversals (冲正) are offered to admins only
    admin: bool,
    overlay: Option<Overlay>,
    message: Option<(String, Tone)>,
    size: Rect,
    export: Option<Receiver<ExportEvent>>,
    export_status: Option<ExportStep>,
}

impl App {
    /// Open the workers' connections next to `store` (which becomes the
    /// watcher) and ask for the first pages.
    pub fn new(ui: Ui, session: Session, store: Store) -> store::Result<App> {
        let session = Arc::new(session);
        let workers = Workers::start(|big| {
            session.open_store(if big {
                super::session::CACHE_LIST_KIB
            } else {
                super::session::CACHE_SMALL_KIB
            })
        })?;
        let data_version = store.data_version()?;
        let reminder = backup_reminder(&store, ui.lang)?;
        let admin = store.role()? == Some(store::users::Role::Admin);
        let mut app = App {
            measures: measures(&session.policy),
            workers,
            watch: store,
            data_version,
            last_poll: Instant::now(),
            generation: 0,
            progress: None,
            progress_gen: None,
            progress_asked: None,
            view: ViewId::Main,
            main: MainView::new(Arc::clone(&session)),
            dashboard: Dashboard::new(Arc::clone(&session)),
            outstanding: OutstandingView::new(Arc::clone(&session)),
            audit: AuditView::default(),
            remittance: Remittance::new(Arc::clone(&session)),
            admin,
            overlay: None,
            message: reminder,
            size: Rect::new(0, 0, 80, 24),
            export: None,
            export_status: None,
            ui,
            session,
        };
        app.resize(80, 24);
        app.pump();
        Ok(app)
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Lay the views out for a terminal of this size.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        let header = Header::height(width, self.measures.len());
        let body = layout::screen(self.size, header).body;
        self.main.layout(body);
        self.outstanding.layout(body);
        self.audit
            .set_visible(usize::from(body.height.saturating_sub(3)));
        self.remittance
            .set_visible(usize::from(body.height.saturating_sub(3)));
        self.pump();
    }

    /// Whether any store work is still out.
    pub fn busy(&self) -> bool {
        self.workers.busy()
    }

    /// Wait until every job asked for (and every job its reply asks for) is
    /// done and taken: for tests and benchmarks, which draw a settled screen.
    pub fn settle(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            self.on_tick();
            if !self.workers.busy() && self.export.is_none() {
                // one more tick takes the last replies and asks for nothing new
                self.on_tick();
                if !self.workers.busy() {
                    return true;
                }
            }
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn current_view(&self) -> &dyn View {
        match self.view {
            ViewId::Main => &self.main,
            ViewId::Dashboard => &self.dashboard,
            ViewId::Outstanding => &self.outstanding,
            ViewId::Remittance => &self.remittance,
            ViewId::Audit => &self.audit,
        }
    }

    fn context(&self) -> Context {
        self.current_view().context()
    }

    fn say(&mut self, text: impl Into<String>, tone: Tone) -> Flow {
        self.message = Some((text.into(), tone));
        Flow::Redraw
    }

    fn submit(&self, slot: Slot, job: Job) {
        self.workers.submit(slot, job);
    }

    /// Ask the workers for whatever is stale in what is shown.
    fn pump(&mut self) {
        let g = self.generation;
        if self.progress_gen != Some(g) && self.progress_asked != Some(g) {
            self.progress_asked = Some(g);
            let session = Arc::clone(&self.session);
            self.submit(
                Slot::Progress,
                Box::new(move |store| {
                    Box::new(ProgressReply {
                        generation: g,
                        result: store
                            .progress(&session.policy, session.as_of)
                            .map_err(|e| e.to_string()),
                    }) as Reply
                }),
            );
        }
        let fetches = match self.view {
            ViewId::Main => self.main.fetches(),
            ViewId::Dashboard => self.dashboard.fetches(),
            ViewId::Outstanding => self.outstanding.fetches(),
            ViewId::Audit => self.audit.fetches(),
            ViewId::Remittance => self.remittance.fetches(),
        };
        for (slot, job) in fetches {
            self.submit(slot, job);
        }
    }

    /// The database changed: everything shown is fetched again.
    fn data_changed(&mut self) {
        self.generation += 1;
        let g = self.generation;
        self.main.invalidate(g);
        self.dashboard.invalidate(g);
        self.outstanding.invalidate(g);
        self.audit.invalidate(g);
        self.remittance.invalidate(g);
    }

    /// Our own commit: refresh now, and do not count it twice.
    fn own_commit(&mut self) {
        self.data_changed();
        if let Ok(v) = self.watch.data_version() {
            self.data_version = v;
        }
    }

    fn route(&mut self, slot: Slot, reply: Reply) {
        match slot {
            Slot::Progress => {
                if let Ok(r) = reply.downcast::<ProgressReply>() {
                    if self.progress_asked == Some(r.generation) {
                        self.progress_asked = None;
                    }
                    match r.result {
                        Ok(p) if self.progress_gen.is_none_or(|g| g <= r.generation) => {
                            let p = Arc::new(p);
                            self.progress = Some(Arc::clone(&p));
                            self.progress_gen = Some(r.generation);
                            self.main.set_progress(Arc::clone(&p));
                            self.dashboard.set_progress(Arc::clone(&p));
                            self.outstanding.set_progress(p);
                        }
                        Ok(_) => {}
                        Err(e) => self.message = Some((e, Tone::Bad)),
                    }
                }
            }
            Slot::Count(Lane::Main)
            | Slot::Page(Lane::Main)
            | Slot::Locate(Lane::Main)
            | Slot::MarkAll(Lane::Main)
            | Slot::Detail => {
                self.main.accept_reply(slot, reply);
            }
            Slot::Count(Lane::Outstanding)
            | Slot::Page(Lane::Outstanding)
            | Slot::Locate(Lane::Outstanding)
            | Slot::MarkAll(Lane::Outstanding) => {
                self.outstanding.accept_reply(slot, reply);
            }
            Slot::Daily => {
                self.dashboard.accept_reply(slot, reply);
            }
            Slot::AuditCount | Slot::AuditPage => {
                self.audit.accept_reply(slot, reply);
            }
            Slot::Remittance => {
                self.remittance.accept_reply(slot, reply);
            }
            Slot::Prompt => {
                if let Ok(r) = reply.downcast::<PromptReply>() {
                    match r.result {
                        Ok(text) => {
                            if matches!(self.overlay, Some(Overlay::Prompt(_))) {
                                self.overlay = None;
                            }
                            self.message = Some((text, Tone::Good));
                            self.own_commit();
                        }
                        Err(e) => {
                            if let Some(Overlay::Prompt(p)) = &mut self.overlay {
                                p.step = PromptStep::Refused(e);
                            } else {
                                self.message = Some((e, Tone::Bad));
                            }
                        }
                    }
                }
            }
            Slot::FullId => {
                if let Ok(r) = reply.downcast::<FullIdReply>() {
                    let full = r.result.clone();
                    if let Some(e) = self.main.detail.set_full_id(*r) {
                        self.message = Some((e, Tone::Bad));
                    } else if let Ok(full) = full {
                        let lang = self.ui.lang;
                        self.message = Some((fill(S::MsgFullId.get(lang), &[&full]), Tone::Info));
                    }
                }
            }
            Slot::Search => {
                if let Some(Overlay::Search(s)) = &mut self.overlay {
                    s.accept(reply);
                }
            }
            Slot::PayForm => {
                let lang = self.ui.lang;
                if let (Some(Overlay::Payment(f)), Ok(d)) =
                    (&mut self.overlay, reply.downcast::<FormData>())
                {
                    f.accept_data(*d, lang);
                    if let Some(job) = f.check_job() {
                        self.workers.submit(Slot::PayCheck, job);
                    }
                }
            }
            Slot::PayCheck => {
                if let (Some(Overlay::Payment(f)), Ok(c)) =
                    (&mut self.overlay, reply.downcast::<ReceiptCheck>())
                {
                    f.accept_check(*c);
                }
            }
            Slot::Payment => {
                if let Ok(r) = reply.downcast::<PaymentReply>() {
                    match r.result {
                        Ok(rec) => {
                            if matches!(self.overlay, Some(Overlay::Payment(_))) {
                                self.overlay = None;
                            }
                            let lang = self.ui.lang;
                            let text = fill(
                                S::MsgPaid.get(lang),
                                &[
                                    &rec.name,
                                    &rec.year,
                                    &insurance_name(rec.insurance, lang),
                                    &yuan(rec.person_fen),
                                    &yuan(rec.government_fen),
                                ],
                            );
                            // Recorded, but worth a look (another village's
                            // agent, a payment to refund): say so.
                            self.message = Some(if rec.warnings.is_empty() {
                                (text, Tone::Good)
                            } else {
                                (format!("{text}  {}", rec.warnings.join("  ")), Tone::Warn)
                            });
                            // the record just made stays on screen
                            if self.view == ViewId::Main {
                                self.main.pin(rec.resident_id);
                            }
                            // our own commit: refresh now, and do not count it twice
                            self.data_changed();
                            if let Ok(v) = self.watch.data_version() {
                                self.data_version = v;
                            }
                        }
                        Err(e) => {
                            if let Some(Overlay::Payment(f)) = &mut self.overlay {
                                f.step = Step::Refused(e);
                            } else {
                                self.message = Some((e, Tone::Bad));
                            }
                        }
                    }
                }
            }
        }
    }

    fn collect_notices(&mut self) {
        for notice in [
            self.main.residents.notice.take(),
            self.outstanding.list.notice.take(),
            self.audit.notice.take().map(|n| (n, Tone::Bad)),
            self.remittance.notice.take().map(|n| (n, Tone::Bad)),
        ]
        .into_iter()
        .flatten()
        {
            self.message = Some(notice);
        }
    }

    fn poll_export(&mut self) -> bool {
        let Some(rx) = &self.export else {
            return false;
        };
        let mut changed = false;
        let mut finished = false;
        while let Ok(e) = rx.try_recv() {
            changed = true;
            if let ExportEvent::Finished(_) = &e {
                finished = true;
            }
            let step = match &e {
                ExportEvent::Progress { done, total } => ExportStep::Running {
                    done: *done,
                    total: *total,
                },
                ExportEvent::Finished(Ok((path, rows))) => ExportStep::Done {
                    path: path.clone(),
                    rows: *rows,
                },
                ExportEvent::Finished(Err(e)) => ExportStep::Failed(e.clone()),
            };
            if let Some(Overlay::Export(f)) = &mut self.overlay {
                f.on_event(e);
            }
            self.export_status = Some(step);
        }
        if finished {
            self.export = None;
            let lang = self.ui.lang;
            match self.export_status.take() {
                Some(ExportStep::Done { path, rows }) => {
                    self.message = Some((
                        fill(S::ExportDone.get(lang), &[&rows, &path.display()]),
                        Tone::Good,
                    ))
                }
                Some(ExportStep::Failed(e)) => self.message = Some((e, Tone::Bad)),
                _ => {}
            }
        }
        changed
    }
}

impl Console for App {
    fn on_event(&mut self, event: &Event) -> Flow {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Paste(text) => self.on_paste(text),
            Event::Resize(w, h) => {
                self.resize(*w, *h);
                Flow::Redraw
            }
            _ => Flow::Idle,
        }
    }

    fn on_tick(&mut self) -> Flow {
        let mut changed = false;
        while let Some((slot, reply)) = self.workers.try_reply() {
            self.route(slot, reply);
            changed = true;
        }
        changed |= self.poll_export();
        if self.last_poll.elapsed() >= DATA_POLL {
            self.last_poll = Instant::now();
            match self.watch.data_version() {
                Ok(v) if v != self.data_version => {
                    self.data_version = v;
                    self.data_changed();
                    changed = true;
                }
                Ok(_) => {}
                Err(e) => {
                    self.message = Some((e.to_string(), Tone::Bad));
                    changed = true;
                }
            }
        }
        if changed {
            self.collect_notices();
            self.pump();
            Flow::Redraw
        } else {
            Flow::Idle
        }
    }

    fn next_tick(&self) -> Option<Duration> {
        if self.workers.busy() || self.export.is_some() {
            return Some(BUSY_TICK);
        }
        Some(DATA_POLL.saturating_sub(self.last_poll.elapsed()))
    }

    fn draw(&self, frame: &mut Frame) {
        self.draw_screen(frame);
    }
}

/// Remind an admin when the last backup is older than a day (or missing).
fn backup_reminder(
    store: &Store,
    lang: crate::tui::strings::Lang,
) -> store::Result<Option<(String, Tone)>> {
    // Demo databases are rebuilt at will: no reminder there.
    if store.role()? != Some(store::users::Role::Admin) || store.meta("demo")?.is_some() {
        return Ok(None);
    }
    let last = store.last_backup()?;
    let stale = match &last {
        None => true,
        Some(at) => chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S")
            .map(|t| chrono::Local::now().naive_local() - t > chrono::Duration::days(1))
            .unwrap_or(true),
    };
    Ok(stale.then(|| {
        let text = match &last {
            Some(at) => fill(S::MsgBackupOld.get(lang), &[at]),
            None => S::MsgBackupNever.get(lang).to_string(),
        };
        (text, Tone::Bad)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_tick_is_short_and_idle_tick_waits_for_the_poll() {
        assert!(BUSY_TICK < Duration::from_millis(16));
        assert!(DATA_POLL <= Duration::from_secs(1));
    }
}
