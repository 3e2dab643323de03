//! A small form for the day's other changes: a refund (退费) or reversal
//! (冲正) of a payment, cash an agent hands in (登记解缴), closing an
//! agent's day (结账). Each asks what it needs (a choice, text fields),
//! checks every field as it is typed, shows what will be done and waits for
//! a second Enter before the store is asked. The store decides; its refusal
//! is shown as it comes, and Esc goes back to the fields.

use crate::domain::money::yuan;
use crate::store::campaign::remittance::AgentDay;
use crate::tui::Ctx;
use crate::tui::action::Action;
use crate::tui::session::Session;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::Tone;
use crate::tui::widgets::input::{InputLine, InputState};
use crate::tui::widgets::{clear, popup};
use crate::tui::worker::{Job, Reply};
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

/// What the prompt will ask the store to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// 退费 or 冲正 of one of the payments offered
    Undo {
        reversal: bool,
        /// (payment id, how it reads)
        payments: Vec<(i64, String)>,
    },
    /// cash handed in for an agent's day
    Remit { agent: String, day: NaiveDate },
    /// close a balanced agent-day
    Close { agent: String, day: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptStep {
    Edit,
    Confirm,
    Sending,
    Refused(String),
}

/// The store's answer: a message for the footer, or the refusal.
pub struct PromptReply {
    pub result: Result<String, String>,
}

pub struct Prompt {
    session: Arc<Session>,
    lang: Lang,
    pub task: Task,
    /// lines saying what this is about (the agent's day, the resident)
    pub about: Vec<String>,
    pub choice: usize,
    /// (label, value)
    pub fields: Vec<(S, InputState)>,
    pub focus: usize,
    /// the payment choice has the focus (not a text field)
    choice_focused: bool,
    pub step: PromptStep,
}

impl Prompt {
    fn new(session: Arc<Session>, lang: Lang, task: Task, about: Vec<String>) -> Prompt {
        let fields = match &task {
            Task::Undo { .. } => vec![(S::PromptReason, InputState::default())],
            Task::Remit { .. } => vec![
                (S::PromptCash, InputState::default()),
                (S::PromptSlip, InputState::default()),
            ],
            Task::Close { .. } => Vec::new(),
        };
        let step = if fields.is_empty() {
            PromptStep::Confirm
        } else {
            PromptStep::Edit
        };
        Prompt {
            session,
            lang,
            task,
            about,
            choice: 0,
            fields,
            focus: 0,
            choice_focused: false,
            step,
        }
    }

    /// Refund or reverse one of a resident's payments in force.
    pub fn undo(
        session: Arc<Session>,
        lang: Lang,
        reversal: bool,
        name: &str,
        payments: Vec<(i64, String)>,
    ) -> Prompt {
        let about = vec![name.to_string()];
        let choose = payments.len() > 1;
        let mut p = Prompt::new(session, lang, Task::Undo { reversal, payments }, about);
        p.choice_focused = choose;
        p
    }

    /// Cash handed in for an agent's day; the amount still missing proposed.
    pub fn remit(session: Arc<Session>, lang: Lang, d: &AgentDay) -> Prompt {
        let mut p = Prompt::new(
            session,
            lang,
            Task::Remit {
                agent: d.agent_code.clone(),
                day: d.day,
            },
            vec![day_line(d, lang)],
        );
        let missing = d.expected_fen - d.cash_fen;
        if missing > 0 {
            p.fields[0].1.set(&yuan(missing));
        }
        p
    }

    /// Close an agent's day (a confirmation only).
    pub fn close(session: Arc<Session>, lang: Lang, d: &AgentDay) -> Prompt {
        Prompt::new(
            session,
            lang,
            Task::Close {
                agent: d.agent_code.clone(),
                day: d.day,
            },
            vec![day_line(d, lang)],
        )
    }

    pub fn title(&self) -> &'static str {
        match &self.task {
            Task::Undo { reversal: true, .. } => S::PromptReverseTitle,
            Task::Undo { .. } => S::PromptRefundTitle,
            Task::Remit { .. } => S::PromptRemitTitle,
            Task::Close { .. } => S::PromptCloseTitle,
        }
        .get(self.lang)
    }

    /// Keys type into the focused field while editing.
    pub fn takes_text(&self) -> bool {
        self.step == PromptStep::Edit && !self.fields.is_empty() && !self.choice_focused
    }

    /// Whether Left/Right choose the payment.
    pub fn on_choice(&self) -> bool {
        self.choice_focused
    }

    fn has_choice(&self) -> bool {
        matches!(&self.task, Task::Undo { payments, .. } if payments.len() > 1)
    }

    /// Up/Down: the payment choice (when there is one), then each field.
    pub fn move_field(&mut self, delta: isize) {
        let stops = self.fields.len() + usize::from(self.has_choice());
        if stops == 0 {
            return;
        }
        let at = if self.choice_focused {
            0
        } else {
            self.focus + usize::from(self.has_choice())
        };
        let to = (at as isize + delta).rem_euclid(stops as isize) as usize;
        if self.has_choice() && to == 0 {
            self.choice_focused = true;
        } else {
            self.choice_focused = false;
            self.focus = to - usize::from(self.has_choice());
        }
    }

    /// Left/Right on a choice (which payment).
    pub fn choose(&mut self, delta: isize) {
        if let Task::Undo { payments, .. } = &self.task {
            let n = payments.len() as isize;
            if n > 0 {
                self.choice = (self.choice as isize + delta).rem_euclid(n) as usize;
            }
        }
    }

    pub fn field(&mut self) -> Option<&mut InputState> {
        if self.choice_focused {
            return None;
        }
        self.fields.get_mut(self.focus).map(|f| &mut f.1)
    }

    fn value(&self, label: S) -> &str {
        self.fields
            .iter()
            .find(|f| f.0 == label)
            .map_or("", |f| f.1.text().trim())
    }

    fn cash(&self) -> Result<Decimal, String> {
        let text = self.value(S::PromptCash).replace([',', '，'], "");
        match Decimal::from_str(text.trim_end_matches('元')) {
            Ok(d) if d > Decimal::ZERO && d.normalize().scale() <= 2 => Ok(d),
            _ => Err(fill(
                S::PromptBadCash.get(self.lang),
                &[&self.value(S::PromptCash)],
            )),
        }
    }

    /// What is wrong with the fields as typed, first problem first.
    pub fn problem(&self) -> Option<String> {
        let lang = self.lang;
        match &self.task {
            Task::Undo { payments, .. } => {
                if payments.is_empty() {
                    Some(S::PromptNoPayments.get(lang).to_string())
                } else if self.value(S::PromptReason).is_empty() {
                    Some(S::PromptNeedReason.get(lang).to_string())
                } else {
                    None
                }
            }
            Task::Remit { .. } => match self.cash() {
                Err(e) => Some(e),
                Ok(_) if self.value(S::PromptSlip).is_empty() => {
                    Some(S::PromptNeedSlip.get(lang).to_string())
                }
                Ok(_) => None,
            },
            Task::Close { .. } => None,
        }
    }

    /// Enter while editing: on to the confirmation when nothing is wrong.
    pub fn next(&mut self) {
        if self.step == PromptStep::Edit && self.problem().is_none() {
            self.step = PromptStep::Confirm;
        }
    }

    /// What will be done, in one line.
    fn summary(&self) -> String {
        let lang = self.lang;
        match &self.task {
            Task::Undo { payments, .. } => fill(
                S::PromptUndoWhat.get(lang),
                &[
                    &payments.get(self.choice).map_or("", |p| p.1.as_str()),
                    &self.value(S::PromptReason),
                ],
            ),
            Task::Remit { agent, day } => fill(
                S::PromptRemitWhat.get(lang),
                &[
                    agent,
                    &day.format("%m-%d"),
                    &self.value(S::PromptCash),
                    &self.value(S::PromptSlip),
                    &self.session.as_of,
                ],
            ),
            Task::Close { agent, day } => fill(
                S::PromptCloseWhat.get(lang),
                &[agent, &day.format("%m-%d"), &self.session.as_of],
            ),
        }
    }

    /// The job that asks the store (after the confirmation).
    pub fn submit_job(&mut self) -> Option<Job> {
        if self.step != PromptStep::Confirm || self.problem().is_some() {
            return None;
        }
        self.step = PromptStep::Sending;
        let lang = self.lang;
        let on = self.session.as_of;
        let job: Job = match self.task.clone() {
            Task::Undo { reversal, payments } => {
                let (id, label) = payments.get(self.choice)?.clone();
                let reason = self.value(S::PromptReason).to_string();
                Box::new(move |store| {
                    let done = if reversal {
                        store.reverse_payment(id, &reason, on)
                    } else {
                        store.refund_payment(id, &reason, on)
                    };
                    let what = if reversal {
                        S::MsgReversed
                    } else {
                        S::MsgRefunded
                    };
                    Box::new(PromptReply {
                        result: done
                            .map(|_| fill(what.get(lang), &[&label]))
                            .map_err(|e| e.to_string()),
                    }) as Reply
                })
            }
            Task::Remit { agent, day } => {
                let cash = self.cash().ok()?;
                let slip = self.value(S::PromptSlip).to_string();
                Box::new(move |store| {
                    let r = store.record_remittance(&agent, day, cash, &slip, on);
                    Box::new(PromptReply {
                        result: r
                            .map(|d| {
                                fill(
                                    S::MsgRemitted.get(lang),
                                    &[&agent, &day.format("%m-%d"), &yuan(d.cash_fen)],
                                )
                            })
                            .map_err(|e| e.to_string()),
                    }) as Reply
                })
            }
            Task::Close { agent, day } => Box::new(move |store| {
                let r = store.close_remittance(&agent, day, on);
                Box::new(PromptReply {
                    result: r
                        .map(|_| fill(S::MsgClosed.get(lang), &[&agent, &day.format("%m-%d")]))
                        .map_err(|e| e.to_string()),
                }) as Reply
            }),
        };
        Some(job)
    }

    fn area(screen: Rect) -> Rect {
        popup(screen, screen.width.saturating_sub(4).min(72), 12)
    }

    fn field_area(&self, screen: Rect, i: usize) -> Rect {
        let inner = Self::area(screen).inner(Margin::new(1, 1));
        let skip = self.about.len() + usize::from(matches!(self.task, Task::Undo { .. }));
        Rect {
            y: inner.y + (skip + i) as u16,
            height: 1,
            ..inner
        }
    }

    pub fn cursor(&self, screen: Rect, ctx: &Ctx<'_>) -> Option<Position> {
        if !self.takes_text() {
            return None;
        }
        let (label, state) = self.fields.get(self.focus)?;
        let prompt = format!("{}：", label.get(ctx.lang));
        Some(InputLine::new(&prompt, state, ctx.theme).cursor(self.field_area(screen, self.focus)))
    }
}

/// `11-23 A01 张三 应解缴 1200.00 已解缴 800.00`
fn day_line(d: &AgentDay, lang: Lang) -> String {
    fill(
        S::PromptDay.get(lang),
        &[
            &d.day.format("%m-%d"),
            &d.agent_code,
            &d.agent_name,
            &yuan(d.expected_fen),
            &yuan(d.cash_fen),
        ],
    )
}

pub struct PromptBox<'a> {
    pub prompt: &'a Prompt,
    pub ctx: Ctx<'a>,
}

impl Widget for PromptBox<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let p = self.prompt;
        let theme = self.ctx.theme;
        let lang = self.ctx.lang;
        let area = Prompt::area(screen);
        clear(area, buf);
        let block = theme
            .block(true)
            .title(Span::styled(format!(" {} ", p.title()), theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        let dim = theme.tone(Tone::Dim);
        let key = |a: Action| super::payment::key(&self.ctx, a);
        let mut lines: Vec<Line> = p.about.iter().map(|a| Line::from(a.clone())).collect();
        if let Task::Undo { payments, .. } = &p.task {
            let chosen = payments.get(p.choice).map_or("", |x| x.1.as_str());
            let shown = if payments.len() > 1 {
                if theme.sym.ascii {
                    format!("< {chosen} >")
                } else {
                    format!("◀ {chosen} ▶")
                }
            } else {
                chosen.to_string()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{}：", S::PromptPayment.get(lang)), dim),
                Span::styled(
                    shown,
                    if p.choice_focused {
                        theme.selected()
                    } else {
                        theme.tone(Tone::Normal)
                    },
                ),
            ]));
        }
        for _ in &p.fields {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(""));
        match &p.step {
            PromptStep::Edit => {
                if let Some(problem) = p.problem() {
                    lines.push(Line::from(Span::styled(problem, theme.tone(Tone::Warn))));
                }
                lines.push(Line::from(Span::styled(
                    fill(
                        S::PromptEditHelp.get(lang),
                        &[&key(Action::DrillIn), &key(Action::Back)],
                    ),
                    dim,
                )));
            }
            PromptStep::Confirm => {
                lines.push(Line::from(Span::styled(p.summary(), theme.title())));
                lines.push(Line::from(Span::styled(
                    fill(
                        S::PayConfirmHelp.get(lang),
                        &[&key(Action::DrillIn), &key(Action::Back)],
                    ),
                    theme.key(),
                )));
            }
            PromptStep::Sending => {
                lines.push(Line::from(Span::styled(S::PaySending.get(lang), dim)));
            }
            PromptStep::Refused(e) => {
                lines.push(Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad))));
                lines.push(Line::from(Span::styled(
                    fill(S::PayRefusedHelp.get(lang), &[&key(Action::Back)]),
                    dim,
                )));
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        for (i, (label, state)) in p.fields.iter().enumerate() {
            let r = p.field_area(screen, i);
            clear(r, buf);
            let prompt = format!("{}：", label.get(lang));
            InputLine::new(&prompt, state, theme).render(r, buf);
        }
    }
}
