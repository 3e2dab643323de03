//! The detail pane: the resident under the residents pane's cursor — masked
//! ID (the full one on request, audited), age, groups, this year's dues from
//! the policy engine, and the payment history across years.

use super::{Fetch, Fetches, channel_name, group_name, status_text};
use crate::domain::dues::Dues;
use crate::domain::id_number::mask;
use crate::domain::money::{fmt as money, yuan};
use crate::domain::{Channel, Group, Person, compute_on};
use crate::store::campaign::payments::PaymentRecord;
use crate::store::registry::geo::Agent;
use crate::store::registry::residents::{Membership, Resident, Standing};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::session::Session;
use crate::tui::strings::{Lang, S, fill};
use crate::tui::theme::Tone;
use crate::tui::worker::{Reply, Slot};
use crate::tui::{Ctx, Outcome, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use std::any::Any;
use std::sync::Arc;

/// Everything the pane and the payment form need about one resident.
#[derive(Debug, Clone)]
pub struct DetailData {
    pub resident: Resident,
    pub memberships: Vec<Membership>,
    pub person: Person,
    /// this year's dues, computed for a payment on the as-of date
    pub dues: Result<Dues, String>,
    pub medical: Standing,
    pub pension: Standing,
    pub history: Vec<PaymentRecord>,
    pub agents: Vec<Agent>,
}

pub struct DetailReply {
    id: i64,
    generation: u64,
    data: Result<DetailData, String>,
}

/// The full ID number, revealed with its audit row (or refused).
pub struct FullIdReply {
    pub id: i64,
    pub result: Result<String, String>,
}

/// Fetch one resident's detail (also used by the payment form).
pub fn load(store: &crate::store::Store, session: &Session, id: i64) -> Result<DetailData, String> {
    let e = |e: crate::store::StoreError| e.to_string();
    let policy = &session.policy;
    let resident = store.resident(id).map_err(e)?;
    let memberships = store.memberships(id).map_err(e)?;
    let person = store.person(id, policy.window.start).map_err(e)?;
    let dues = compute_on(policy, &person, None, session.as_of).map_err(|x| x.to_string());
    let (medical, pension) = store.standings(policy.year, id).map_err(e)?;
    let history = store.payment_history(id).map_err(e)?;
    let agents = store.agents_of_village(resident.village_id).map_err(e)?;
    Ok(DetailData {
        resident,
        memberships,
        person,
        dues,
        medical,
        pension,
        history,
        agents,
    })
}

pub struct DetailPane {
    session: Arc<Session>,
    resident: Option<i64>,
    generation: u64,
    asked: Option<(i64, u64)>,
    page: Option<(i64, u64, Result<DetailData, String>)>,
    full_id: Option<(i64, String)>,
    scroll: usize,
    pub focused: bool,
}

impl DetailPane {
    pub fn new(session: Arc<Session>) -> DetailPane {
        DetailPane {
            session,
            resident: None,
            generation: 0,
            asked: None,
            page: None,
            full_id: None,
            scroll: 0,
            focused: false,
        }
    }

    pub fn resident(&self) -> Option<i64> {
        self.resident
    }

    pub fn set_resident(&mut self, id: Option<i64>) {
        if self.resident != id {
            self.resident = id;
            self.scroll = 0;
            if self.full_id.as_ref().map(|f| f.0) != id {
                self.full_id = None;
            }
        }
    }

    /// The loaded detail of the current resident.
    pub fn data(&self) -> Option<&DetailData> {
        match &self.page {
            Some((id, _, Ok(d))) if Some(*id) == self.resident => Some(d),
            _ => None,
        }
    }

    pub fn set_full_id(&mut self, reply: FullIdReply) -> Option<String> {
        match reply.result {
            Ok(full) => {
                self.full_id = Some((reply.id, full));
                None
            }
            Err(e) => Some(e),
        }
    }

    fn lines(&self, d: &DetailData, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
        let lang = ctx.lang;
        let theme = ctx.theme;
        let dim = theme.tone(Tone::Dim);
        let head = theme.title();
        let year = self.session.year();
        let r = &d.resident;
        let mut out = Vec::new();
        let sex = match (r.sex.as_str(), lang) {
            ("M", Lang::Zh) => "男",
            ("F", Lang::Zh) => "女",
            (s, _) => s,
        };
        let age = crate::domain::insured_age(year, r.birth_date);
        out.push(Line::from(vec![
            Span::styled(r.name.clone(), head),
            Span::raw(format!("  {sex}  ")),
            Span::raw(fill(S::DetailAge.get(lang), &[&age])),
        ]));
        let id = match &self.full_id {
            Some((rid, full)) if *rid == r.id => full.clone(),
            _ => mask(&r.id_number),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{} ", S::ColId.get(lang)), dim),
            Span::raw(id),
        ]));
        out.push(Line::from(vec![
            Span::styled(format!("{} ", S::DetailPlace.get(lang)), dim),
            Span::raw(format!(
                "{} {}",
                r.town_name,
                crate::domain::village_name::short(&r.village_name)
            )),
        ]));
        if let Some(d) = r.deceased_on {
            out.push(Line::from(Span::styled(
                fill(S::DetailDeceased.get(lang), &[&d]),
                theme.tone(Tone::Flag),
            )));
        }
        if let Some(d) = r.hukou_cancelled_on {
            out.push(Line::from(Span::styled(
                fill(S::DetailCancelled.get(lang), &[&d]),
                theme.tone(Tone::Flag),
            )));
        }
        let mut groups: Vec<String> = d
            .memberships
            .iter()
            .map(|m| match Group::parse(&m.group) {
                Some(g) => group_name(g, lang).to_string(),
                None => m.group.clone(),
            })
            .collect();
        if r.student {
            groups.push(group_name(Group::Student, lang).to_string());
        }
        if r.employee_insured {
            groups.push(group_name(Group::EmployeeInsured, lang).to_string());
        }
        let groups = if groups.is_empty() {
            S::DetailNoGroups.get(lang).to_string()
        } else {
            groups.join(if lang == Lang::Zh { "、" } else { ", " })
        };
        out.push(Line::from(vec![
            Span::styled(format!("{} ", S::DetailGroups.get(lang)), dim),
            Span::raw(groups),
        ]));
        out.push(Line::from(Span::styled(
            fill(S::DetailDues.get(lang), &[&year]),
            head,
        )));
        let flagged = r.deceased_on.is_some() || r.hukou_cancelled_on.is_some();
        match &d.dues {
            Err(e) => out.push(Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad)))),
            Ok(dues) => {
                let (mt, mtone) = status_text(d.medical, flagged, lang);
                let m = &dues.medical;
                let med = if let Some(p) = in_force(&d.history, year, "medical") {
                    fill(
                        S::DetailShare.get(lang),
                        &[&yuan(p.person_fen), &yuan(p.government_fen)],
                    )
                } else if m.eligible {
                    fill(
                        S::DetailShare.get(lang),
                        &[&money(m.person_pays), &money(m.government_pays)],
                    )
                } else {
                    reason(m.ineligible, lang)
                };
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", S::ColMedical.get(lang)), dim),
                    Span::styled(format!("{mt} "), theme.tone(mtone)),
                    Span::raw(med),
                ]));
                let (pt, ptone) = status_text(d.pension, flagged, lang);
                let p = &dues.pension;
                let paid = in_force(&d.history, year, "pension");
                let pen = match (paid, p.tier) {
                    (Some(r), _) => fill(
                        S::DetailTier.get(lang),
                        &[
                            &r.tier_fen
                                .map_or(String::from("-"), |t| (t / 100).to_string()),
                            &yuan(r.person_fen),
                            &yuan(r.government_fen),
                        ],
                    ),
                    (None, Some(t)) if p.eligible => fill(
                        S::DetailTier.get(lang),
                        &[
                            &t.normalize(),
                            &money(p.person_pays),
                            &money(p.government_pays),
                        ],
                    ),
                    _ => reason(p.ineligible, lang),
                };
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", S::ColPension.get(lang)), dim),
                    Span::styled(format!("{pt} "), theme.tone(ptone)),
                    Span::raw(pen),
                ]));
                if paid.is_none() && p.eligible && !p.tiers.is_empty() {
                    let tiers: Vec<String> =
                        p.tiers.iter().map(|t| t.normalize().to_string()).collect();
                    out.push(Line::from(Span::styled(
                        fill(S::DetailTiers.get(lang), &[&tiers.join("/")]),
                        dim,
                    )));
                }
            }
        }
        out.push(Line::from(Span::styled(
            S::DetailHistory.get(lang).to_string(),
            head,
        )));
        if d.history.is_empty() {
            out.push(Line::from(Span::styled(S::MsgEmpty.get(lang), dim)));
        }
        for p in &d.history {
            let ins = match p.insurance.as_str() {
                "medical" => S::ColMedical.get(lang),
                _ => S::ColPension.get(lang),
            };
            let channel = Channel::parse(&p.channel)
                .map(|c| channel_name(c, lang))
                .unwrap_or(p.channel.as_str())
                .to_string();
            let kind = match p.kind.as_str() {
                "reversal" => S::KindReversal.get(lang),
                "refund" => S::KindRefund.get(lang),
                _ => "",
            };
            let tone = if p.kind == "payment" {
                Tone::Normal
            } else {
                Tone::Warn
            };
            out.push(Line::from(vec![
                Span::raw(format!("{} {ins} ", p.year)),
                Span::styled(format!("{kind}{} ", yuan(p.person_fen)), theme.tone(tone)),
                Span::styled(format!("{} {channel}", p.paid_on.format("%m-%d")), dim),
            ]));
        }
        out
    }
}

/// Every payment not yet reversed or refunded, newest first, as the refund
/// and reversal prompt offers them: (payment id, `2025 医保 400.00 11-23 微信`).
pub fn in_force_payments(history: &[PaymentRecord], lang: Lang) -> Vec<(i64, String)> {
    history
        .iter()
        .filter(|p| p.kind == "payment" && !history.iter().any(|o| o.original_id == Some(p.id)))
        .map(|p| {
            let ins = match p.insurance.as_str() {
                "medical" => S::ColMedical.get(lang),
                _ => S::ColPension.get(lang),
            };
            let channel = Channel::parse(&p.channel)
                .map(|c| channel_name(c, lang))
                .unwrap_or(p.channel.as_str());
            (
                p.id,
                format!(
                    "{} {ins} {} {} {channel}",
                    p.year,
                    yuan(p.person_fen),
                    p.paid_on.format("%m-%d")
                ),
            )
        })
        .collect()
}

/// The payment in force for a year and insurance: a payment not reversed or refunded.
fn in_force<'a>(
    history: &'a [PaymentRecord],
    year: i32,
    insurance: &str,
) -> Option<&'a PaymentRecord> {
    history.iter().find(|p| {
        p.year == year
            && p.insurance == insurance
            && p.kind == "payment"
            && !history.iter().any(|o| o.original_id == Some(p.id))
    })
}

fn reason(r: Option<crate::domain::dues::Ineligible>, lang: Lang) -> String {
    match r {
        Some(r) => match lang {
            Lang::Zh => r.zh().to_string(),
            Lang::En => r.en().to_string(),
        },
        None => String::new(),
    }
}

impl Fetch for DetailPane {
    fn fetches(&mut self) -> Fetches {
        let Some(id) = self.resident else {
            return Vec::new();
        };
        let fresh = matches!(&self.page, Some((pid, g, _)) if *pid == id && *g == self.generation);
        if fresh || self.asked == Some((id, self.generation)) {
            return Vec::new();
        }
        self.asked = Some((id, self.generation));
        let session = Arc::clone(&self.session);
        let generation = self.generation;
        vec![(
            Slot::Detail,
            Box::new(move |store| {
                Box::new(DetailReply {
                    id,
                    generation,
                    data: load(store, &session, id),
                }) as Reply
            }),
        )]
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        if slot != Slot::Detail {
            return false;
        }
        if let Ok(r) = reply.downcast::<DetailReply>() {
            if self.asked == Some((r.id, r.generation)) {
                self.asked = None;
            }
            let keep_old =
                matches!(&self.page, Some((pid, g, _)) if *pid == r.id && *g > r.generation);
            if !keep_old {
                self.page = Some((r.id, r.generation, r.data));
            }
        }
        true
    }

    fn invalidate(&mut self, generation: u64) {
        self.generation = generation;
    }
}

impl View for DetailPane {
    fn context(&self) -> Context {
        Context::Detail
    }

    fn apply(&mut self, action: Action) -> Outcome {
        match action {
            Action::MoveDown | Action::PageDown | Action::HalfPageDown => {
                self.scroll += 1;
                Outcome::Redraw
            }
            Action::MoveUp | Action::PageUp | Action::HalfPageUp => {
                self.scroll = self.scroll.saturating_sub(1);
                Outcome::Redraw
            }
            Action::Home => {
                self.scroll = 0;
                Outcome::Redraw
            }
            _ => Outcome::Ignored,
        }
    }

    fn accept(&mut self, page: Box<dyn Any + Send>) {
        self.accept_reply(Slot::Detail, page);
    }

    fn visible_rows(&self, area: Rect) -> usize {
        usize::from(area.height.saturating_sub(2))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>) {
        let theme = ctx.theme;
        let lang = ctx.lang;
        let block = theme.block(self.focused).title(Span::styled(
            format!(" {} ", S::CtxDetail.get(lang)),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let lines = match (&self.page, self.resident) {
            (_, None) => vec![Line::from(Span::styled(
                S::DetailNone.get(lang),
                theme.tone(Tone::Dim),
            ))],
            (Some((id, _, Ok(d))), Some(want)) if *id == want => self.lines(d, &ctx),
            (Some((id, _, Err(e))), Some(want)) if *id == want => {
                vec![Line::from(Span::styled(e.clone(), theme.tone(Tone::Bad)))]
            }
            _ => vec![Line::from(Span::styled(
                S::MsgLoading.get(lang),
                theme.tone(Tone::Dim),
            ))],
        };
        let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
        let skip = self.scroll.min(max_scroll) as u16;
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((skip, 0))
            .render(inner, frame.buffer_mut());
    }
}
