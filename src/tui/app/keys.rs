//! Keys: resolved against the keymap (an open text field first, then an
//! overlay, then the focused pane) and applied. Applying never waits for the
//! store; what became stale goes to the workers.

use super::*;

impl App {
    pub(super) fn on_key(&mut self, key: &KeyEvent) -> Flow {
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
            Action::RefundPayment => self.open_undo(false),
            Action::ReversePayment => self.open_undo(true),
            Action::RecordRemittance | Action::CloseRemittance => self.open_remit(action),
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
            Action::DrillIn if self.view == ViewId::Dashboard => {
                // the ranking's town opens in the main view, on that town
                match self.dashboard.selected_area().map(|a| a.id) {
                    Some(id) if self.main.towns.select_town(id) => {
                        self.view = ViewId::Main;
                        self.main.set_focus(Pane::Towns);
                        self.main.link();
                        Flow::Redraw
                    }
                    _ => Flow::Idle,
                }
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

    /// The highlighted resident: the residents pane's row or the detail
    /// shown, never the first resident of a village only passed over in the
    /// towns pane.
    fn current_resident(&self) -> Option<i64> {
        match self.view {
            ViewId::Main if self.main.focus != Pane::Towns => self.main.current_resident(),
            ViewId::Outstanding => self.outstanding.current_resident(),
            _ => None,
        }
    }

    fn open_payment(&mut self) -> Flow {
        let lang = self.ui.lang;
        if self.session.read_only {
            let text = match self.session.read_only_why {
                Some(super::super::session::ReadOnlyWhy::Flag) => S::MsgReadOnlyFlag,
                Some(super::super::session::ReadOnlyWhy::File) => S::MsgReadOnlyFile,
                _ => S::MsgReadOnly,
            };
            return self.say(text.get(lang), Tone::Warn);
        }
        let Some(id) = self.current_resident() else {
            return self.say(S::MsgPickResident.get(lang), Tone::Warn);
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

    /// 退费 / 冲正 of one of the shown resident's payments in force.
    fn open_undo(&mut self, reversal: bool) -> Flow {
        let lang = self.ui.lang;
        if self.session.read_only {
            return self.say(S::MsgReadOnly.get(lang), Tone::Warn);
        }
        if reversal && !self.admin {
            return self.say(S::MsgAdminOnly.get(lang), Tone::Warn);
        }
        let shown = (self.view == ViewId::Main && self.main.focus != Pane::Towns)
            .then(|| self.main.detail.data())
            .flatten();
        let Some(d) = shown else {
            return self.say(S::MsgNoResident.get(lang), Tone::Warn);
        };
        let payments = super::super::views::detail::in_force_payments(&d.history, lang);
        let name = d.resident.name.clone();
        self.overlay = Some(Overlay::Prompt(Box::new(Prompt::undo(
            Arc::clone(&self.session),
            lang,
            reversal,
            &name,
            payments,
        ))));
        Flow::Redraw
    }

    /// Cash handed in for, or closing, the agent's day under the cursor.
    fn open_remit(&mut self, action: Action) -> Flow {
        let lang = self.ui.lang;
        if self.session.read_only {
            return self.say(S::MsgReadOnly.get(lang), Tone::Warn);
        }
        let day = (self.view == ViewId::Remittance)
            .then(|| self.remittance.current())
            .flatten();
        let Some(d) = day else {
            return self.say(S::MsgNoAgentDay.get(lang), Tone::Warn);
        };
        let session = Arc::clone(&self.session);
        let prompt = if action == Action::CloseRemittance {
            Prompt::close(session, lang, d)
        } else {
            Prompt::remit(session, lang, d)
        };
        self.overlay = Some(Overlay::Prompt(Box::new(prompt)));
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
        if self.session.read_only {
            return self.say(S::MsgExportReadOnly.get(lang), Tone::Warn);
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
                    (Step::Nothing(_), Some(Action::Back | Action::DrillIn)) => {
                        return Flow::Redraw;
                    }
                    (Step::Edit, Some(Action::Back)) => return Flow::Redraw,
                    (Step::Edit, Some(Action::DrillIn)) if f.ready() => f.step = Step::Confirm,
                    (Step::Edit, Some(Action::DrillIn)) => {}
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
                if let Some(job) = f.check_job() {
                    self.submit(Slot::PayCheck, job);
                }
                self.overlay = Some(Overlay::Payment(f));
                Flow::Redraw
            }
            Overlay::Prompt(mut p) => {
                let action = keymap.resolve(Context::Input, key);
                match (&p.step, action) {
                    (_, Some(Action::Quit)) => return Flow::Quit,
                    (PromptStep::Edit, Some(Action::Back)) => return Flow::Redraw,
                    (PromptStep::Edit, Some(Action::DrillIn)) => p.next(),
                    (PromptStep::Edit, Some(Action::MoveUp)) => p.move_field(-1),
                    (PromptStep::Edit, Some(Action::MoveDown)) => p.move_field(1),
                    (PromptStep::Edit, _) => match key.code {
                        KeyCode::Tab => p.move_field(1),
                        KeyCode::BackTab => p.move_field(-1),
                        KeyCode::Left if p.on_choice() => p.choose(-1),
                        KeyCode::Right | KeyCode::Char(' ') if p.on_choice() => p.choose(1),
                        _ => {
                            // typing on the payment choice goes on to the reason
                            if p.on_choice() && matches!(key.code, KeyCode::Char(_)) {
                                p.move_field(1);
                            }
                            if let Some(f) = p.field() {
                                f.handle_key(key);
                            }
                        }
                    },
                    (PromptStep::Confirm, Some(Action::DrillIn)) => {
                        if let Some(job) = p.submit_job() {
                            self.submit(Slot::Prompt, job);
                        }
                    }
                    (PromptStep::Confirm, Some(Action::Back)) => {
                        if p.fields.is_empty() {
                            return Flow::Redraw;
                        }
                        p.step = PromptStep::Edit;
                    }
                    (PromptStep::Refused(_), Some(Action::Back | Action::DrillIn)) => {
                        if p.fields.is_empty() {
                            return Flow::Redraw;
                        }
                        p.step = PromptStep::Edit;
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Prompt(p));
                Flow::Redraw
            }
            Overlay::Export(mut f) => {
                let action = keymap.resolve(Context::Input, key);
                match (&f.step, action) {
                    (_, Some(Action::Quit)) => return Flow::Quit,
                    (ExportStep::Edit, Some(Action::Back)) => return Flow::Redraw,
                    (ExportStep::Edit, Some(Action::DrillIn)) => {
                        let Some(path) = f.check() else {
                            self.overlay = Some(Overlay::Export(f));
                            return Flow::Redraw;
                        };
                        self.export = Some(export::start(&self.session, f.spec.clone(), path));
                        f.step = ExportStep::Running {
                            done: 0,
                            total: None,
                        };
                        self.export_status = Some(f.step.clone());
                    }
                    (ExportStep::Edit, _) if f.path.handle_key(key) == Edit::Changed => {
                        f.problem = None;
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
        self.main.unpin();
        self.main.link();
        self.main.residents.locate(resident_id);
        self.main.set_focus(Pane::Residents);
        Flow::Redraw
    }

    pub(super) fn on_paste(&mut self, text: &str) -> Flow {
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
                if let Some(job) = f.check_job() {
                    self.workers.submit(Slot::PayCheck, job);
                }
                None
            }
            Some(Overlay::Export(f)) if f.step == ExportStep::Edit => {
                f.path.insert_str(text);
                None
            }
            Some(Overlay::Prompt(p)) if p.takes_text() => {
                if let Some(f) = p.field() {
                    f.insert_str(text);
                }
                None
            }
            _ => return Flow::Idle,
        };
        if let Some(job) = job {
            self.submit(Slot::Search, job);
        }
        Flow::Redraw
    }
}
