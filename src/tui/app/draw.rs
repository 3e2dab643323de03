//! Drawing: header with the views' tabs, the current view, the footer and
//! any overlay. Reads state, never changes it.

use super::*;

impl App {
    fn header_info(&self) -> HeaderInfo<'_> {
        let lang = self.ui.lang;
        let policy = &self.session.policy;
        let as_of = self.session.as_of;
        let (phase, day) = match policy.phase_on(as_of) {
            Some(p) => {
                let day = (as_of - p.start).num_days() + 1;
                let days = (p.end - p.start).num_days() + 1;
                let name: &str = match lang {
                    crate::tui::Lang::Zh => &p.zh,
                    crate::tui::Lang::En => &p.en,
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
        // the gauges follow the town or village the clerk is on, from the
        // same progress counters (never from residents)
        let selected = match self.view {
            ViewId::Main => self.main.towns.selected_area(),
            ViewId::Outstanding => self.outstanding.towns.selected_area(),
            ViewId::Dashboard => self.dashboard.selected_area().map(|a| (a.name.clone(), a)),
            _ => None,
        };
        let selection = selected.map(|(name, area)| {
            let rates = self.measures.iter().map(|m| m.rate(area)).collect();
            (name, rates)
        });
        let read_only_reason = self.session.read_only_why.map(|w| {
            use crate::tui::session::ReadOnlyWhy;
            match w {
                ReadOnlyWhy::Flag => S::ReadOnlyFlag,
                ReadOnlyWhy::Supervisor => S::ReadOnlySupervisor,
                ReadOnlyWhy::File => S::ReadOnlyFile,
            }
            .get(lang)
        });
        HeaderInfo {
            place: S::District.get(lang),
            year: policy.year,
            as_of,
            phase,
            day,
            elapsed: elapsed(policy, as_of),
            read_only: self.session.read_only,
            read_only_reason,
            gauges,
            selection,
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
    pub(super) fn draw_screen(&self, frame: &mut Frame) {
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
            Some(Overlay::Prompt(p)) => {
                frame.render_widget(prompt::PromptBox { prompt: p, ctx }, area);
                if let Some(c) = p.cursor(area, &ctx) {
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
