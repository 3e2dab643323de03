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
use super::overlays::payment::{self, FormData, PaymentForm, PaymentReply, Step};
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
use crate::store::progress::Progress;
use crate::store::{self, Store};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

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
            remittance: Remittance,
            overlay: None,
            message: None,
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
            ViewId::Remittance => Vec::new(),
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
                if let (Some(Overlay::Payment(f)), Ok(d)) =
                    (&mut self.overlay, reply.downcast::<FormData>())
                {
                    f.accept_data(*d);
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
                            self.message = Some((text, Tone::Good));
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

    // ----- keys -----

    fn on_key(&mut self, key: &KeyEvent) -> Flow {
        if key.kind != KeyEventKind::Press {
            return Flow::Idle;
        }
        let had_message = self.message.take().is_some();
        let flow = match self.overlay.take() {
            Some(o) => self.overlay_key(o, key),
            None => match self.ui.keymap.resolve(self.context(), key) {
                Some(a) => self.apply(a),
                None => Flow::Idle,
            },
        };
        self.pump();
        if had_message {
            flow.max(Flow::Redraw)
        } else {
            flow
        }
    }

    /// Apply an action with no overlay open (a key, or the palette's choice).
    pub fn apply(&mut self, action: Action) -> Flow {
        let lang = self.ui.lang;
        match action {
            Action::Quit => Flow::Quit,
            Action::Help => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Flow::Redraw
            }
            Action::CommandPalette => {
                self.overlay = Some(Overlay::Palette(PaletteState::default()));
                Flow::Redraw
            }
            Action::Search => {
                self.overlay = Some(Overlay::Search(SearchState::default()));
                Flow::Redraw
            }
            Action::RecordPayment => self.open_payment(),
            Action::ShowFullId => self.show_full_id(),
            Action::ExportList => self.open_export(),
            Action::MarkAll => {
                let job = match self.view {
                    ViewId::Main => self.main.residents.mark_all_job(),
                    ViewId::Outstanding => self.outstanding.list.mark_all_job(),
                    _ => None,
                };
                if let Some((slot, job)) = job {
                    self.submit(slot, job);
                    return self.say(S::MsgMarking.get(lang), Tone::Info);
                }
                Flow::Idle
            }
            Action::Refresh => {
                self.data_changed();
                Flow::Redraw
            }
            Action::ViewMain => self.switch(ViewId::Main),
            Action::ViewDashboard => self.switch(ViewId::Dashboard),
            Action::ViewOutstanding => self.switch(ViewId::Outstanding),
            Action::ViewRemittance => self.switch(ViewId::Remittance),
            Action::ViewAudit => self.switch(ViewId::Audit),
            Action::NextView => self.switch(self.view.next()),
            Action::PrevView => self.switch(self.view.prev()),
            Action::FocusNextPane | Action::FocusPrevPane
                if !matches!(self.view, ViewId::Main | ViewId::Outstanding) =>
            {
                let to = if action == Action::FocusNextPane {
                    self.view.next()
                } else {
                    self.view.prev()
                };
                self.switch(to)
            }
            a => {
                let outcome = match self.view {
                    ViewId::Main => self.main.apply(a),
                    ViewId::Dashboard => self.dashboard.apply(a),
                    ViewId::Outstanding => self.outstanding.apply(a),
                    ViewId::Remittance => self.remittance.apply(a),
                    ViewId::Audit => self.audit.apply(a),
                };
                match outcome {
                    Outcome::Ignored => Flow::Idle,
                    Outcome::Redraw | Outcome::Refetch => Flow::Redraw,
                }
            }
        }
    }

    fn switch(&mut self, to: ViewId) -> Flow {
        if to == ViewId::Outstanding {
            let town = self.main.towns.selection().map(|s| s.town_id);
            self.outstanding.follow_town(town);
        }
        if to == self.view {
            return Flow::Idle;
        }
        self.view = to;
        Flow::Redraw
    }

    fn current_resident(&self) -> Option<i64> {
        match self.view {
            ViewId::Main => self.main.current_resident(),
            ViewId::Outstanding => self.outstanding.current_resident(),
            _ => None,
        }
    }

    fn open_payment(&mut self) -> Flow {
        let lang = self.ui.lang;
        if self.session.read_only {
            return self.say(S::MsgReadOnly.get(lang), Tone::Warn);
        }
        let Some(id) = self.current_resident() else {
            return self.say(S::MsgNoResident.get(lang), Tone::Warn);
        };
        self.submit(
            Slot::PayForm,
            payment::load_job(Arc::clone(&self.session), id),
        );
        self.overlay = Some(Overlay::Payment(Box::new(PaymentForm::new(
            Arc::clone(&self.session),
            id,
        ))));
        Flow::Redraw
    }

    fn show_full_id(&mut self) -> Flow {
        let lang = self.ui.lang;
        if self.session.read_only {
            return self.say(S::MsgFullIdReadOnly.get(lang), Tone::Warn);
        }
        let Some(id) = self.current_resident() else {
            return self.say(S::MsgNoResident.get(lang), Tone::Warn);
        };
        self.submit(
            Slot::FullId,
            Box::new(move |store| {
                Box::new(FullIdReply {
                    id,
                    result: store
                        .reveal_id_number(id, "{\"via\":\"console\"}")
                        .map_err(|e| e.to_string()),
                }) as Reply
            }),
        );
        Flow::Idle
    }

    fn open_export(&mut self) -> Flow {
        let lang = self.ui.lang;
        if self.export.is_some() {
            return self.say(S::MsgExportBusy.get(lang), Tone::Warn);
        }
        let (pane, towns, agent) = match self.view {
            ViewId::Main => (&self.main.residents, &self.main.towns, false),
            ViewId::Outstanding => (&self.outstanding.list, &self.outstanding.towns, true),
            _ => return Flow::Idle,
        };
        let (Some(query), Some(sel)) = (pane.query(), towns.selection()) else {
            return self.say(S::MsgNoList.get(lang), Tone::Warn);
        };
        let spec = ExportSpec {
            query,
            marks: pane.marks().clone(),
            town: sel.town_name.clone(),
            title: sel.title.clone(),
            agent,
            lang,
        };
        self.overlay = Some(Overlay::Export(Box::new(ExportForm::new(
            spec,
            self.session.as_of,
        ))));
        Flow::Redraw
    }

    fn overlay_key(&mut self, overlay: Overlay, key: &KeyEvent) -> Flow {
        let keymap = &self.ui.keymap;
        match overlay {
            Overlay::Help { scroll } => {
                let max = Help::new(self.ui.ctx()).max_scroll(self.size);
                let scroll = match keymap.resolve(Context::Overlay, key) {
                    Some(Action::Back | Action::Help) => return Flow::Redraw,
                    Some(Action::Quit) => return Flow::Quit,
                    Some(Action::MoveDown | Action::PageDown | Action::HalfPageDown) => {
                        (scroll + 1).min(max)
                    }
                    Some(Action::MoveUp | Action::PageUp | Action::HalfPageUp) => {
                        scroll.saturating_sub(1)
                    }
                    Some(Action::Home) => 0,
                    Some(Action::End) => max,
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Help { scroll });
                Flow::Redraw
            }
            Overlay::Palette(mut p) => {
                match keymap.resolve(Context::Input, key) {
                    Some(Action::Back) => return Flow::Redraw,
                    Some(Action::Quit) => return Flow::Quit,
                    Some(Action::DrillIn) => {
                        return match p.chosen() {
                            Some(a) => self.apply(a).max(Flow::Redraw),
                            None => Flow::Redraw,
                        };
                    }
                    Some(Action::MoveUp) => p.move_by(-1),
                    Some(Action::MoveDown) => p.move_by(1),
                    Some(Action::PageUp) => p.move_by(-10),
                    Some(Action::PageDown) => p.move_by(10),
                    _ => {
                        if p.input.handle_key(key) == Edit::Changed {
                            p.text_changed();
                        }
                    }
                }
                self.overlay = Some(Overlay::Palette(p));
                Flow::Redraw
            }
            Overlay::Search(mut s) => {
                match keymap.resolve(Context::Input, key) {
                    Some(Action::Back) => return Flow::Redraw,
                    Some(Action::Quit) => return Flow::Quit,
                    Some(Action::DrillIn) => {
                        if let Some(hit) = s.chosen().cloned() {
                            return self.jump(&hit.village_code, hit.resident_id);
                        }
                    }
                    Some(Action::MoveUp) => s.move_by(-1),
                    Some(Action::MoveDown) => s.move_by(1),
                    Some(Action::PageUp) => s.move_by(-10),
                    Some(Action::PageDown) => s.move_by(10),
                    _ => {
                        if s.input.handle_key(key) == Edit::Changed
                            && let Some(job) = s.job()
                        {
                            self.submit(Slot::Search, job);
                        }
                    }
                }
                self.overlay = Some(Overlay::Search(s));
                Flow::Redraw
            }
            Overlay::Payment(mut f) => {
                let action = keymap.resolve(Context::Input, key);
                if action == Some(Action::Quit) {
                    return Flow::Quit;
                }
                match (&f.step, action) {
                    (Step::Loading, Some(Action::Back)) => return Flow::Redraw,
                    (Step::Edit, Some(Action::Back)) => return Flow::Redraw,
                    (Step::Edit, Some(Action::DrillIn)) => f.step = Step::Confirm,
                    (Step::Edit, Some(Action::MoveUp)) => f.move_field(-1),
                    (Step::Edit, Some(Action::MoveDown)) => f.move_field(1),
                    (Step::Edit, _) => match key.code {
                        KeyCode::Tab => f.move_field(1),
                        KeyCode::BackTab => f.move_field(-1),
                        _ => {
                            f.edit_key(key);
                        }
                    },
                    (Step::Confirm, Some(Action::DrillIn)) => {
                        if let Some(job) = f.submit_job() {
                            self.submit(Slot::Payment, job);
                        }
                    }
                    (Step::Confirm, Some(Action::Back)) => f.step = Step::Edit,
                    (Step::Refused(_), Some(Action::Back | Action::DrillIn)) => {
                        if f.request().is_none() {
                            return Flow::Redraw;
                        }
                        f.step = Step::Edit;
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Payment(f));
                Flow::Redraw
            }
            Overlay::Export(mut f) => {
                let action = keymap.resolve(Context::Input, key);
                match (&f.step, action) {
                    (_, Some(Action::Quit)) => return Flow::Quit,
                    (ExportStep::Edit, Some(Action::Back)) => return Flow::Redraw,
                    (ExportStep::Edit, Some(Action::DrillIn)) => {
                        let path = std::path::PathBuf::from(f.path.text().trim());
                        if path.as_os_str().is_empty() {
                            return Flow::Redraw;
                        }
                        self.export = Some(export::start(&self.session.db, f.spec.clone(), path));
                        f.step = ExportStep::Running {
                            done: 0,
                            total: None,
                        };
                        self.export_status = Some(f.step.clone());
                    }
                    (ExportStep::Edit, _) => {
                        f.path.handle_key(key);
                    }
                    (_, Some(Action::Back | Action::DrillIn)) => return Flow::Redraw,
                    _ => {}
                }
                self.overlay = Some(Overlay::Export(f));
                Flow::Redraw
            }
        }
    }

    /// Go to a resident found by search: its village in the towns pane, the
    /// resident's row in the residents pane.
    fn jump(&mut self, village_code: &str, resident_id: i64) -> Flow {
        let lang = self.ui.lang;
        self.view = ViewId::Main;
        if !self.main.towns.select_village(village_code) {
            return self.say(S::MsgNotFound.get(lang), Tone::Warn);
        }
        self.main.link();
        self.main.residents.locate(resident_id);
        self.main.set_focus(Pane::Residents);
        Flow::Redraw
    }

    fn on_paste(&mut self, text: &str) -> Flow {
        let job = match &mut self.overlay {
            Some(Overlay::Search(s)) => {
                if s.input.insert_str(text) == Edit::Changed {
                    s.job()
                } else {
                    None
                }
            }
            Some(Overlay::Palette(p)) => {
                if p.input.insert_str(text) == Edit::Changed {
                    p.text_changed();
                }
                None
            }
            Some(Overlay::Payment(f)) if f.field == payment::Field::Receipt => {
                f.receipt.insert_str(text);
                None
            }
            Some(Overlay::Export(f)) if f.step == ExportStep::Edit => {
                f.path.insert_str(text);
                None
            }
            _ => return Flow::Idle,
        };
        if let Some(job) = job {
            self.submit(Slot::Search, job);
        }
        Flow::Redraw
    }

    // ----- drawing -----

    fn header_info(&self) -> HeaderInfo<'_> {
        let lang = self.ui.lang;
        let policy = &self.session.policy;
        let as_of = self.session.as_of;
        let (phase, day) = match policy.phase_on(as_of) {
            Some(p) => {
                let day = (as_of - p.start).num_days() + 1;
                let days = (p.end - p.start).num_days() + 1;
                let name: &str = match lang {
                    super::Lang::Zh => &p.zh,
                    super::Lang::En => &p.en,
                };
                (Some(name), Some((day as u32, days as u32)))
            }
            None if as_of < policy.window.start => (Some(S::PhaseBefore.get(lang)), None),
            None => (Some(S::PhaseAfter.get(lang)), None),
        };
        let gauges = self
            .measures
            .iter()
            .map(|m| GaugeSpec {
                label: m.label(lang),
                rate: self.progress.as_ref().and_then(|p| m.rate(&p.district)),
                target: m.target,
            })
            .collect();
        HeaderInfo {
            place: S::District.get(lang),
            year: policy.year,
            as_of,
            phase,
            day,
            elapsed: elapsed(policy, as_of),
            read_only: self.session.read_only,
            gauges,
        }
    }

    /// The views' names at the right of the title bar, where they fit.
    fn draw_tabs(&self, frame: &mut Frame, header: Rect) {
        let theme = &self.ui.theme;
        let lang = self.ui.lang;
        let buf = frame.buffer_mut();
        let y = header.y;
        let mut used = header.x;
        for x in (header.x..header.right()).rev() {
            if buf[(x, y)].symbol() != " " {
                used = x + 1;
                break;
            }
        }
        let room = header.right().saturating_sub(used + 2);
        let full: Vec<(String, bool)> = ViewId::ALL
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{}{}", i + 1, v.title(lang)), *v == self.view))
            .collect();
        let width: usize = full.iter().map(|(t, _)| text::width(t) + 1).sum::<usize>() + 1;
        let spans: Vec<Span> = if width <= usize::from(room) {
            full.into_iter()
                .flat_map(|(t, on)| {
                    let style = if on {
                        theme.bar().add_modifier(ratatui::style::Modifier::REVERSED)
                    } else {
                        theme.bar()
                    };
                    [Span::styled(t, style), Span::styled(" ", theme.bar())]
                })
                .collect()
        } else {
            let current = format!("[{}] ", self.view.title(lang));
            if text::width(&current) > usize::from(room) {
                return;
            }
            vec![Span::styled(current, theme.bar())]
        };
        let line = Line::from(spans);
        let w = line.width() as u16;
        buf.set_line(header.right().saturating_sub(w), y, &line, w);
    }

    fn footer_message(&self) -> Option<(String, Tone)> {
        let lang = self.ui.lang;
        if let Some(m) = &self.message {
            return Some(m.clone());
        }
        if let Some(ExportStep::Running { done, total }) = &self.export_status {
            let total = total.map_or("?".to_string(), |t| t.to_string());
            return Some((
                fill(S::ExportRunning.get(lang), &[done, &total]),
                Tone::Info,
            ));
        }
        self.ui.problems_notice().map(|n| (n, Tone::Warn))
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
        let area = frame.area();
        let ctx = self.ui.ctx();
        let lang = self.ui.lang;
        if layout::too_small(area) {
            let text = fill(
                S::MsgTooSmall.get(lang),
                &[&layout::MIN_WIDTH, &layout::MIN_HEIGHT],
            );
            frame.render_widget(
                ratatui::widgets::Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
                area,
            );
            return;
        }
        let info = self.header_info();
        let screen = layout::screen(area, Header::height(area.width, info.gauges.len()));
        frame.render_widget(Header::new(&info, ctx), screen.header);
        self.draw_tabs(frame, screen.header);
        self.current_view().draw(frame, screen.body, ctx);

        let view = self.current_view();
        let hints: Vec<Action> = view
            .hints()
            .iter()
            .copied()
            .filter(|a| !(self.session.read_only && *a == Action::RecordPayment))
            .collect();
        let message = self.footer_message();
        let mut footer = Footer::new(ctx, view.context(), &hints);
        if let Some((text, tone)) = &message {
            footer = footer.message(text, *tone);
        }
        frame.render_widget(footer, screen.footer);

        match &self.overlay {
            None => {}
            Some(Overlay::Help { scroll }) => {
                frame.render_widget(Help::new(ctx).scroll(*scroll), area);
            }
            Some(Overlay::Palette(p)) => {
                let palette = Palette::new(ctx, p, view.context());
                let cursor = palette.cursor(area);
                frame.render_widget(palette, area);
                frame.set_cursor_position(cursor);
            }
            Some(Overlay::Search(s)) => {
                frame.render_widget(SearchBox { state: s, ctx }, area);
                frame.set_cursor_position(s.cursor(area, &ctx));
            }
            Some(Overlay::Payment(f)) => {
                frame.render_widget(payment::PaymentBox { form: f, ctx }, area);
                if let Some(c) = f.cursor(area, &ctx) {
                    frame.set_cursor_position(c);
                }
            }
            Some(Overlay::Export(f)) => {
                frame.render_widget(export::ExportBox { form: f, ctx }, area);
                if let Some(c) = f.cursor(area, &ctx) {
                    frame.set_cursor_position(c);
                }
            }
        }
    }
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
