//! The payment form: insurance, tier (only those the policy allows this
//! person), channel, agent and receipt number; then a confirmation saying who
//! pays what; then `Store::record_payment`, the one payment path.
//!
//! The form offers only what can succeed: the insurances still owed this
//! year (or, for a person whose whole share the government pays, that share
//! through 政府代缴 and nothing else), agent channels only where the village
//! has an agent, and the amounts from the policy engine for the as-of date —
//! the same `compute_on` that `quote --date` and the store use. A person
//! with nothing to record gets a message instead of a form. A receipt number
//! for an agent's cash is checked against the agent's books as it is typed.
//! The store still decides: a refusal that slips through (another clerk's
//! payment a moment earlier) is shown as it comes.

use crate::domain::channel::ALL_CHANNELS;
use crate::domain::id_number::mask;
use crate::domain::money::fmt as money;
use crate::domain::{Channel, Insurance, compute_on};
use crate::store::campaign::payments::{PaymentRequest, Recorded};
use crate::store::registry::residents::Standing;
use crate::tui::Ctx;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::Tone;
use crate::tui::views::detail::{self, DetailData};
use crate::tui::views::{channel_name, insurance_name, status_text};
use crate::tui::widgets::input::{Edit, InputLine, InputState};
use crate::tui::widgets::{clear, popup};
use crate::tui::worker::{Job, Reply};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The form's detail, loaded fresh when it opens.
pub struct FormData {
    pub resident_id: i64,
    pub data: Result<DetailData, String>,
}

pub struct PaymentReply {
    pub result: Result<Recorded, String>,
}

/// What a receipt number is checked for: the agent and the number as typed.
pub type CheckKey = (String, String);

/// The receipt number a cash payment would use, or why it cannot.
pub struct ReceiptCheck {
    pub key: CheckKey,
    pub result: Result<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Insurance,
    Tier,
    Channel,
    Agent,
    Receipt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Loading,
    /// nothing can be recorded for this person: why
    Nothing(String),
    Edit,
    Confirm,
    Sending,
    /// the store refused: its message, verbatim
    Refused(String),
}

pub struct PaymentForm {
    session: Arc<Session>,
    pub resident_id: i64,
    data: Option<DetailData>,
    pub step: Step,
    pub field: Field,
    /// the insurances that can be recorded, in the order offered
    offers: Vec<Insurance>,
    insurance: Insurance,
    tier: usize,
    channel: Option<Channel>,
    agent: usize,
    pub receipt: InputState,
    check: Option<ReceiptCheck>,
    check_asked: Option<CheckKey>,
}

/// The job that loads the form's detail.
pub fn load_job(session: Arc<Session>, resident_id: i64) -> Job {
    Box::new(move |store| {
        Box::new(FormData {
            resident_id,
            data: detail::load(store, &session, resident_id),
        }) as Reply
    })
}

/// (person pays, government pays, eligible) for one insurance of the dues.
fn shares_of(dues: &crate::domain::dues::Dues, ins: Insurance) -> (Decimal, Decimal, bool) {
    match ins {
        Insurance::Medical => (
            dues.medical.person_pays,
            dues.medical.government_pays,
            dues.medical.eligible,
        ),
        Insurance::Pension => (
            dues.pension.person_pays,
            dues.pension.government_pays,
            dues.pension.eligible,
        ),
    }
}

/// The government pays the whole share: only 政府代缴 can record it.
fn proxy_case(person: Decimal, government: Decimal) -> bool {
    person.is_zero() && government > Decimal::ZERO
}

/// The insurances a payment can be recorded for: owed by the person, or a
/// share the government pays that is not recorded yet. Nothing for a person
/// who died or whose hukou was cancelled.
pub fn offers(d: &DetailData) -> Vec<Insurance> {
    let r = &d.resident;
    if r.deceased_on.is_some() || r.hukou_cancelled_on.is_some() {
        return Vec::new();
    }
    let Ok(dues) = &d.dues else {
        return Vec::new();
    };
    [
        (Insurance::Medical, d.medical),
        (Insurance::Pension, d.pension),
    ]
    .into_iter()
    .filter(|(ins, standing)| {
        let (person, gov, eligible) = shares_of(dues, *ins);
        eligible
            && match standing {
                Standing::Due => true,
                Standing::Exempt => proxy_case(person, gov),
                _ => false,
            }
    })
    .map(|(ins, _)| ins)
    .collect()
}

/// Why nothing can be recorded: deceased, cancelled, or each insurance's standing.
fn nothing_reason(d: &DetailData, year: i32, lang: Lang) -> String {
    let r = &d.resident;
    if let Some(on) = r.deceased_on {
        return fill(S::PayNothingDeceased.get(lang), &[&r.name, &on]);
    }
    if let Some(on) = r.hukou_cancelled_on {
        return fill(S::PayNothingCancelled.get(lang), &[&r.name, &on]);
    }
    if let Err(e) = &d.dues {
        return e.clone();
    }
    let (m, _) = status_text(d.medical, false, lang);
    let (p, _) = status_text(d.pension, false, lang);
    fill(S::PayNothing.get(lang), &[&r.name, &year, &m, &p])
}

impl PaymentForm {
    pub fn new(session: Arc<Session>, resident_id: i64) -> PaymentForm {
        PaymentForm {
            session,
            resident_id,
            data: None,
            step: Step::Loading,
            field: Field::Insurance,
            offers: Vec::new(),
            insurance: Insurance::Medical,
            tier: 0,
            channel: None,
            agent: 0,
            receipt: InputState::default(),
            check: None,
            check_asked: None,
        }
    }

    pub fn accept_data(&mut self, reply: FormData, lang: Lang) {
        if reply.resident_id != self.resident_id {
            return;
        }
        match reply.data {
            Ok(d) => {
                self.offers = offers(&d);
                match self.offers.first() {
                    None => {
                        self.step = Step::Nothing(nothing_reason(&d, self.session.year(), lang));
                    }
                    Some(first) => {
                        // open on the insurance still owed, medical first
                        self.insurance = *first;
                        if let Ok(dues) = &d.dues {
                            let quoted = dues.pension.tier;
                            self.tier = dues
                                .pension
                                .tiers
                                .iter()
                                .position(|t| Some(*t) == quoted)
                                .unwrap_or(0);
                        }
                        self.step = Step::Edit;
                    }
                }
                self.data = Some(d);
            }
            Err(e) => self.step = Step::Refused(e),
        }
    }

    fn tiers(&self) -> Vec<Decimal> {
        match self.data.as_ref().map(|d| &d.dues) {
            Some(Ok(dues)) => dues.pension.tiers.clone(),
            _ => Vec::new(),
        }
    }

    /// The dues for the chosen tier on the as-of date (what `quote --date` says).
    fn dues(&self) -> Option<Result<crate::domain::dues::Dues, String>> {
        let d = self.data.as_ref()?;
        Some(
            compute_on(
                &self.session.policy,
                &d.person,
                self.chosen_tier(),
                self.session.as_of,
            )
            .map_err(|e| e.to_string()),
        )
    }

    /// The channels that can record the chosen insurance: 政府代缴 alone when
    /// the government pays the whole share, every other channel otherwise
    /// (agent channels only where the village has an agent).
    pub fn channels(&self) -> Vec<Channel> {
        let Some(Ok(dues)) = self.dues() else {
            return Vec::new();
        };
        let (person, gov, _) = shares_of(&dues, self.insurance);
        if proxy_case(person, gov) {
            return vec![Channel::Proxy];
        }
        let agents = self.data.as_ref().is_some_and(|d| !d.agents.is_empty());
        ALL_CHANNELS
            .into_iter()
            .filter(|c| *c != Channel::Proxy && (agents || !c.is_agent()))
            .collect()
    }

    fn channel(&self) -> Channel {
        let list = self.channels();
        match self.channel {
            Some(c) if list.contains(&c) => c,
            _ => list.first().copied().unwrap_or(Channel::Wechat),
        }
    }

    fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Insurance];
        if self.insurance == Insurance::Pension && !self.tiers().is_empty() {
            f.push(Field::Tier);
        }
        f.push(Field::Channel);
        if self.channel().is_agent() && self.data.as_ref().is_some_and(|d| !d.agents.is_empty()) {
            f.push(Field::Agent);
        }
        f.push(Field::Receipt);
        f
    }

    /// Move between fields.
    pub fn move_field(&mut self, delta: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = fields.len() as isize;
        self.field = fields[((at as isize + delta).rem_euclid(n)) as usize];
    }

    /// Left/Right change a choice; other keys edit the receipt number.
    /// Returns whether the key was used.
    pub fn edit_key(&mut self, key: &KeyEvent) -> bool {
        if self.step != Step::Edit {
            return false;
        }
        if self.field == Field::Receipt {
            return self.receipt.handle_key(key) != Edit::Ignored;
        }
        let delta = match key.code {
            KeyCode::Left => -1,
            KeyCode::Right | KeyCode::Char(' ') => 1,
            _ => return false,
        };
        let cycle = |at: usize, n: usize| -> usize {
            if n == 0 {
                0
            } else {
                (at as isize + delta).rem_euclid(n as isize) as usize
            }
        };
        match self.field {
            Field::Insurance => {
                let at = self
                    .offers
                    .iter()
                    .position(|i| *i == self.insurance)
                    .unwrap_or(0);
                if let Some(i) = self.offers.get(cycle(at, self.offers.len())) {
                    self.insurance = *i;
                }
            }
            Field::Tier => self.tier = cycle(self.tier, self.tiers().len()),
            Field::Channel => {
                let list = self.channels();
                let at = list.iter().position(|c| *c == self.channel()).unwrap_or(0);
                self.channel = list.get(cycle(at, list.len())).copied();
            }
            Field::Agent => {
                let n = self.data.as_ref().map_or(0, |d| d.agents.len());
                self.agent = cycle(self.agent, n);
            }
            Field::Receipt => {}
        }
        true
    }

    /// The pension tier chosen, when paying pension.
    fn chosen_tier(&self) -> Option<Decimal> {
        (self.insurance == Insurance::Pension)
            .then(|| self.tiers().get(self.tier).copied())
            .flatten()
    }

    fn agent_code(&self) -> Option<String> {
        if !self.channel().is_agent() {
            return None;
        }
        let d = self.data.as_ref()?;
        d.agents.get(self.agent).map(|a| a.code.clone())
    }

    /// What the receipt number must be checked for: an agent's cash.
    fn check_key(&self) -> Option<CheckKey> {
        if self.step != Step::Edit || self.channel() != Channel::Cash {
            return None;
        }
        Some((self.agent_code()?, self.receipt.text().trim().to_string()))
    }

    /// The job that checks the receipt number as it now stands, unless that
    /// check is done or asked for already.
    pub fn check_job(&mut self) -> Option<Job> {
        let key = self.check_key()?;
        if self.check.as_ref().is_some_and(|c| c.key == key)
            || self.check_asked.as_ref() == Some(&key)
        {
            return None;
        }
        self.check_asked = Some(key.clone());
        Some(Box::new(move |store| {
            let typed = (!key.1.is_empty()).then_some(key.1.as_str());
            let result = store
                .check_receipt(&key.0, typed)
                .map_err(|e| e.to_string());
            Box::new(ReceiptCheck { key, result }) as Reply
        }))
    }

    pub fn accept_check(&mut self, check: ReceiptCheck) {
        if self.check_asked.as_ref() == Some(&check.key) {
            self.check_asked = None;
        }
        self.check = Some(check);
    }

    /// The receipt check of the current number, if it is back.
    fn current_check(&self) -> Option<&Result<String, String>> {
        let key = self.check_key()?;
        self.check
            .as_ref()
            .filter(|c| c.key == key)
            .map(|c| &c.result)
    }

    /// Whether Enter may go on to the confirmation: no field error, and no
    /// check still out.
    pub fn ready(&self) -> bool {
        if self.check_key().is_none() {
            return true;
        }
        matches!(self.current_check(), Some(Ok(_)))
    }

    /// What the store is asked to record.
    pub fn request(&self) -> Option<PaymentRequest> {
        let d = self.data.as_ref()?;
        let receipt = self.receipt.text().trim();
        Some(PaymentRequest {
            id_number: d.resident.id_number.clone(),
            year: self.session.year(),
            insurance: self.insurance,
            tier: self.chosen_tier(),
            channel: self.channel(),
            receipt: (!receipt.is_empty()).then(|| receipt.to_string()),
            agent_code: self.agent_code(),
            office: None,
            paid_on: self.session.as_of,
            special: None,
        })
    }

    /// The job that records the payment.
    pub fn submit_job(&mut self) -> Option<Job> {
        let req = self.request()?;
        self.step = Step::Sending;
        Some(Box::new(move |store| {
            Box::new(PaymentReply {
                result: store.record_payment(&req).map_err(|e| e.to_string()),
            }) as Reply
        }))
    }

    /// "个人缴 350.00 元，政府代缴 0.00 元" for the chosen insurance and tier.
    fn shares(&self, lang: Lang) -> String {
        match self.dues() {
            None => String::new(),
            Some(Err(e)) => e,
            Some(Ok(dues)) => match self.insurance {
                Insurance::Medical => {
                    let m = &dues.medical;
                    let mut s = fill(
                        S::PayShares.get(lang),
                        &[&money(m.person_pays), &money(m.government_pays)],
                    );
                    if m.late {
                        s.push_str(S::PayLate.get(lang));
                    }
                    s
                }
                Insurance::Pension => {
                    let p = &dues.pension;
                    let mut s = fill(
                        S::PayShares.get(lang),
                        &[&money(p.person_pays), &money(p.government_pays)],
                    );
                    if p.eligible {
                        s.push_str(&fill(S::PaySubsidy.get(lang), &[&money(p.subsidy)]));
                    }
                    s
                }
            },
        }
    }

    /// The line under the fields about the receipt number: the number a cash
    /// payment will use, or what is wrong with the one typed.
    fn receipt_note(&self, lang: Lang) -> Option<(String, Tone)> {
        self.check_key()?;
        Some(match self.current_check() {
            None => (S::PayChecking.get(lang).to_string(), Tone::Dim),
            Some(Ok(n)) => (fill(S::PayReceiptWillUse.get(lang), &[n]), Tone::Good),
            Some(Err(e)) => (e.clone(), Tone::Bad),
        })
    }

    fn area(screen: Rect) -> Rect {
        popup(
            screen,
            screen.width.saturating_sub(4).min(70),
            screen.height.saturating_sub(2).min(16),
        )
    }

    fn receipt_area(&self, screen: Rect) -> Rect {
        let inner = Self::area(screen).inner(Margin::new(1, 1));
        let row = 2 + self
            .fields()
            .iter()
            .position(|f| *f == Field::Receipt)
            .unwrap_or(0) as u16;
        Rect {
            x: inner.x + 10,
            y: inner.y + row,
            width: inner.width.saturating_sub(10),
            height: 1,
        }
    }

    /// The cursor, while the receipt number is being typed.
    pub fn cursor(&self, screen: Rect, ctx: &Ctx<'_>) -> Option<Position> {
        (self.step == Step::Edit && self.field == Field::Receipt)
            .then(|| InputLine::new("", &self.receipt, ctx.theme).cursor(self.receipt_area(screen)))
    }

    fn field_label(f: Field, lang: Lang) -> &'static str {
        match f {
            Field::Insurance => S::PayInsurance,
            Field::Tier => S::ColTier,
            Field::Channel => S::ColChannel,
            Field::Agent => S::ColAgent,
            Field::Receipt => S::PayReceipt,
        }
        .get(lang)
    }

    fn field_value(&self, f: Field, lang: Lang) -> String {
        match f {
            Field::Insurance => insurance_name(self.insurance, lang).to_string(),
            Field::Tier => {
                let tiers: Vec<String> = self
                    .tiers()
                    .iter()
                    .map(|t| t.normalize().to_string())
                    .collect();
                tiers.get(self.tier).cloned().unwrap_or_default()
            }
            Field::Channel => channel_name(self.channel(), lang).to_string(),
            Field::Agent => self
                .data
                .as_ref()
                .and_then(|d| d.agents.get(self.agent))
                .map(|a| format!("{} {}", a.code, a.name))
                .unwrap_or_default(),
            Field::Receipt => self.receipt.text().to_string(),
        }
    }

    /// Whether a choice field has more than one value (arrows are shown then).
    fn has_choice(&self, f: Field) -> bool {
        match f {
            Field::Insurance => self.offers.len() > 1,
            Field::Tier => self.tiers().len() > 1,
            Field::Channel => self.channels().len() > 1,
            Field::Agent => self.data.as_ref().is_some_and(|d| d.agents.len() > 1),
            Field::Receipt => false,
        }
    }
}

/// The key for an action in a text field's context, as help shows it.
pub fn key(ctx: &Ctx<'_>, action: Action) -> String {
    ctx.keymap
        .key_for(Context::Input, action)
        .map(|k| k.label(ctx.theme.sym.ascii))
        .unwrap_or_else(|| S::Unbound.get(ctx.lang).to_string())
}

pub struct PaymentBox<'a> {
    pub form: &'a PaymentForm,
    pub ctx: Ctx<'a>,
}

impl Widget for PaymentBox<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let f = self.form;
        let theme = self.ctx.theme;
        let lang = self.ctx.lang;
        let area = PaymentForm::area(screen);
        clear(area, buf);
        let title = match f.step {
            Step::Confirm | Step::Sending => S::PayConfirmTitle,
            _ => S::PayTitle,
        };
        let block = theme.block(true).title(Span::styled(
            format!(" {} ", title.get(lang)),
            theme.title(),
        ));
        let inner = block.inner(area);
        block.render(area, buf);
        let dim = theme.tone(Tone::Dim);
        let mut lines: Vec<Line> = Vec::new();
        let Some(d) = &f.data else {
            let text = match &f.step {
                Step::Refused(e) => Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad))),
                _ => Line::from(Span::styled(S::MsgLoading.get(lang), dim)),
            };
            Paragraph::new(vec![text])
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        };
        let r = &d.resident;
        lines.push(Line::from(vec![
            Span::styled(r.name.clone(), theme.title()),
            Span::raw(format!(
                " {} {} {}",
                mask(&r.id_number),
                r.town_name,
                crate::domain::village_name::short(&r.village_name)
            )),
        ]));
        let flagged = r.deceased_on.is_some() || r.hukou_cancelled_on.is_some();
        let (mt, mtone) = status_text(d.medical, flagged, lang);
        let (pt, ptone) = status_text(d.pension, flagged, lang);
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", S::ColMedical.get(lang)), dim),
            Span::styled(mt, theme.tone(mtone)),
            Span::styled(format!("  {} ", S::ColPension.get(lang)), dim),
            Span::styled(pt, theme.tone(ptone)),
        ]));
        match &f.step {
            Step::Nothing(why) => {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    why.clone(),
                    theme.tone(Tone::Warn),
                )));
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    fill(S::HelpClose.get(lang), &[&key(&self.ctx, Action::Back)]),
                    dim,
                )));
            }
            Step::Edit | Step::Loading => {
                for field in f.fields() {
                    let focused = field == f.field;
                    let label = crate::tui::widgets::text::fit(
                        PaymentForm::field_label(field, lang),
                        9,
                        crate::tui::widgets::text::Align::Left,
                        theme.sym.ellipsis,
                    );
                    let value = f.field_value(field, lang);
                    let shown = if field == Field::Receipt || !f.has_choice(field) {
                        value
                    } else if theme.sym.ascii {
                        format!("< {value} >")
                    } else {
                        format!("◀ {value} ▶")
                    };
                    let style = if focused {
                        theme.selected()
                    } else {
                        theme.tone(Tone::Normal)
                    };
                    let mut spans = vec![
                        Span::styled(label, dim),
                        Span::raw(" "),
                        Span::styled(shown, style),
                    ];
                    if field == Field::Tier {
                        let tiers: Vec<String> = f
                            .tiers()
                            .iter()
                            .map(|t| t.normalize().to_string())
                            .collect();
                        spans.push(Span::styled(
                            format!("  {}", fill(S::PayAllowed.get(lang), &[&tiers.join("/")])),
                            dim,
                        ));
                    }
                    lines.push(Line::from(spans));
                }
                if let Some((note, tone)) = f.receipt_note(lang) {
                    lines.push(Line::from(Span::styled(note, theme.tone(tone))));
                }
                lines.push(Line::from(Span::styled(
                    f.shares(lang),
                    theme.tone(Tone::Info),
                )));
                let help = fill(
                    S::PayEditHelp.get(lang),
                    &[
                        &key(&self.ctx, Action::MoveUp),
                        &key(&self.ctx, Action::MoveDown),
                        // the choice keys are the arrows, named as the symbol set allows
                        &if theme.sym.ascii {
                            "Left/Right"
                        } else {
                            "←→"
                        },
                        &key(&self.ctx, Action::DrillIn),
                        &key(&self.ctx, Action::Back),
                    ],
                );
                lines.push(Line::from(Span::styled(help, dim)));
            }
            Step::Confirm | Step::Sending | Step::Refused(_) => {
                let year = f.session.year();
                let what = match f.chosen_tier() {
                    Some(t) => fill(
                        S::PayWhatTier.get(lang),
                        &[
                            &r.name,
                            &year,
                            &insurance_name(f.insurance, lang),
                            &t.normalize(),
                        ],
                    ),
                    None => fill(
                        S::PayWhat.get(lang),
                        &[&r.name, &year, &insurance_name(f.insurance, lang)],
                    ),
                };
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(what, theme.title())));
                lines.push(Line::from(f.shares(lang)));
                let receipt = f.receipt.text().trim();
                let mut how = fill(
                    S::PayHow.get(lang),
                    &[&channel_name(f.channel(), lang), &f.session.as_of],
                );
                let agent = f.field_value(Field::Agent, lang);
                if f.channel().is_agent() && !agent.is_empty() {
                    how.push_str(&format!("  {} {agent}", S::ColAgent.get(lang)));
                }
                if !receipt.is_empty() {
                    how.push_str(&format!("  {} {receipt}", S::PayReceipt.get(lang)));
                }
                lines.push(Line::from(how));
                lines.push(Line::from(""));
                match &f.step {
                    Step::Sending => {
                        lines.push(Line::from(Span::styled(S::PaySending.get(lang), dim)))
                    }
                    Step::Refused(e) => {
                        lines.push(Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad))));
                        lines.push(Line::from(Span::styled(
                            fill(
                                S::PayRefusedHelp.get(lang),
                                &[&key(&self.ctx, Action::Back)],
                            ),
                            dim,
                        )));
                    }
                    _ => lines.push(Line::from(Span::styled(
                        fill(
                            S::PayConfirmHelp.get(lang),
                            &[
                                &key(&self.ctx, Action::DrillIn),
                                &key(&self.ctx, Action::Back),
                            ],
                        ),
                        theme.key(),
                    ))),
                }
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        if f.step == Step::Edit && f.field == Field::Receipt {
            let area = f.receipt_area(screen);
            clear(area, buf);
            InputLine::new("", &f.receipt, theme)
                .placeholder(S::PayReceiptHint.get(lang))
                .render(area, buf);
        }
    }
}
