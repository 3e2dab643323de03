//! Snapshots of the console's widgets on a `TestBackend`, at the SSH size
//! (80×24) and a big screen (120×40), with Unicode and ASCII symbols.
//! Review changes with `cargo insta review` or `INSTA_UPDATE=always`.

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;
use zhengjiao::tui::layout::{self, Pane};
use zhengjiao::tui::status::PayStatus;
use zhengjiao::tui::widgets::footer::{DEFAULT_HINTS, Footer};
use zhengjiao::tui::widgets::gauge::{GaugeSpec, Rate};
use zhengjiao::tui::widgets::header::{Header, HeaderInfo};
use zhengjiao::tui::widgets::help::Help;
use zhengjiao::tui::widgets::input::InputLine;
use zhengjiao::tui::widgets::palette::{Palette, PaletteState};
use zhengjiao::tui::widgets::table::{Column, SortMark, TableRow, VirtualTable, follow};
use zhengjiao::tui::{Context, Ctx, Keymap, Lang, S, Theme, Tone};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn draw(width: u16, height: u16, f: impl FnOnce(&mut ratatui::Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(f).unwrap();
    screen_text(terminal.backend().buffer())
}

/// The screen as a person sees it, one line per row between bars. Fails if
/// anything was drawn over the second half of a wide character (it would
/// garble a real terminal).
fn screen_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for (y, cells) in buffer.content.chunks(width).enumerate() {
        let mut skip = 0;
        out.push('|');
        for (x, cell) in cells.iter().enumerate() {
            if skip > 0 {
                assert_eq!(
                    cell.symbol(),
                    " ",
                    "row {y} col {x} overwrites half a wide character"
                );
                skip -= 1;
                continue;
            }
            out.push_str(cell.symbol());
            skip = UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str("|\n");
    }
    out
}

/// Every size and symbol set: (name suffix, width, height, ascii).
fn variants() -> Vec<(String, u16, u16, bool)> {
    let mut out = Vec::new();
    for (w, h) in SIZES {
        for ascii in [false, true] {
            let mode = if ascii { "ascii" } else { "unicode" };
            out.push((format!("{w}x{h}_{mode}"), w, h, ascii));
        }
    }
    out
}

const TOWNS: [&str; 10] = [
    "山城街道",
    "桑村镇",
    "西集镇",
    "城头镇",
    "徐庄镇",
    "北庄镇",
    "店子镇",
    "水泉镇",
    "冯卯镇",
    "凫城镇",
];
const SURNAMES: [&str; 8] = ["张", "王", "李", "欧阳", "刘", "司马", "陈", "孙"];
const GIVEN: [&str; 6] = ["伟", "秀英", "建国", "小红", "娜", "德华"];

/// A resident row made up from its index, as a query would return it.
fn resident(index: usize) -> (String, String, u32, PayStatus, &'static str) {
    let name = format!("{}{}", SURNAMES[index % 8], GIVEN[(index / 8) % 6]);
    let tail = format!("{:04}", (index * 7919) % 10000);
    let age = 16 + (index * 13 % 70) as u32;
    let status = match index % 9 {
        0..=3 => PayStatus::Paid,
        4 | 5 => PayStatus::Due,
        6 => PayStatus::Exempt,
        7 => PayStatus::ProxyPaid,
        _ => PayStatus::Flagged,
    };
    let amount = match status {
        PayStatus::Paid => "400.00",
        PayStatus::Due => "0.00",
        _ => "--",
    };
    (name, tail, age, status, amount)
}

fn resident_columns(lang: Lang) -> Vec<Column<'static>> {
    vec![
        Column::flex(S::ColName.get(lang), 8),
        Column::fixed(S::ColIdTail.get(lang), 8),
        Column::fixed(S::ColAge.get(lang), 4).right(),
        Column::fixed(S::ColStatus.get(lang), 10),
        Column::fixed(S::ColAmount.get(lang), 8).right(),
        Column::flex(S::ColVillage.get(lang), 8),
    ]
}

/// Only the rows of the window: what the residents view would fetch.
fn resident_rows(
    first: usize,
    n: usize,
    total: usize,
    lang: Lang,
    theme: &Theme,
) -> Vec<TableRow<'static>> {
    (first..(first + n).min(total))
        .map(|i| {
            let (name, tail, age, status, amount) = resident(i);
            TableRow::new([
                Span::raw(name),
                Span::raw(format!("**{tail}")),
                Span::raw(age.to_string()),
                Span::styled(status.label(lang), theme.tone(status.tone())),
                Span::raw(amount),
                Span::raw(format!("{}第{}村", TOWNS[i % 10], i % 23 + 1)),
            ])
            .marked(i % 5 == 0)
        })
        .collect()
}

fn header_info(lang: Lang) -> HeaderInfo<'static> {
    HeaderInfo {
        place: if lang == Lang::Zh {
            "山亭区"
        } else {
            "Shanting"
        },
        year: 2025,
        as_of: NaiveDate::from_ymd_opt(2024, 11, 5).unwrap(),
        phase: Some(S::PhasePay.get(lang)),
        day: Some((66, 122)),
        elapsed: Rate::ratio(66, 122).unwrap(),
        read_only: false,
        read_only_reason: None,
        selection: None,
        gauges: vec![
            GaugeSpec {
                label: S::GaugePensionUpper.get(lang),
                rate: Some(Rate::permille(873)),
                target: Rate::percent(95),
            },
            GaugeSpec {
                label: S::GaugePensionLower.get(lang),
                rate: Some(Rate::permille(212)),
                target: Rate::percent(60),
            },
            GaugeSpec {
                label: S::GaugeMedical.get(lang),
                rate: Some(Rate::permille(923)),
                target: Rate::FULL,
            },
        ],
    }
}

/// The main screen as the views will compose it: header, towns, residents, footer.
fn main_screen(frame: &mut ratatui::Frame, ctx: Ctx<'_>, focus: Pane) {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let area = frame.area();
    let info = header_info(lang);
    let screen = layout::screen(area, Header::height(area.width, info.gauges.len()));
    frame.render_widget(Header::new(&info, ctx), screen.header);
    let panes = layout::panes(screen.body, focus);

    if let Some(area) = panes.towns {
        let columns = [
            Column::flex(S::ColTown.get(lang), 8),
            Column::fixed(S::ColProgress.get(lang), 6).right(),
        ];
        let rows: Vec<TableRow> = TOWNS
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let rate = Rate::permille(980 - 37 * i as u32);
                TableRow::new([Span::raw(*t), Span::raw(rate.to_string())])
            })
            .collect();
        let block = theme
            .block(focus == Pane::Towns)
            .title(S::ColTown.get(lang));
        let table = VirtualTable::new(&columns, &rows, rows.len(), 0, theme)
            .selected(Some(2))
            .block(block);
        frame.render_widget(table, area);
    }
    if let Some(area) = panes.residents {
        let total = 12_345;
        let visible = VirtualTable::visible_rows(area, true);
        let selected = 1_207;
        let first = follow(1_200, selected, visible, total);
        let rows = resident_rows(first, visible, total, lang, theme);
        let columns = resident_columns(lang);
        let title = format!("{} {}", S::CtxResidents.get(lang), S::FilterAll.get(lang));
        let block = theme.block(focus == Pane::Residents).title(title);
        let table = VirtualTable::new(&columns, &rows, total, first, theme)
            .selected(Some(selected))
            .sort(Some(SortMark {
                column: 0,
                descending: false,
            }))
            .marks(true)
            .block(block);
        frame.render_widget(table, area);
    }
    if let Some(area) = panes.detail {
        let block = theme
            .block(focus == Pane::Detail)
            .title(S::CtxDetail.get(lang));
        frame.render_widget(block, area);
    }
    let footer = Footer::new(ctx, focus.context(), DEFAULT_HINTS);
    frame.render_widget(footer, screen.footer);
}

#[test]
fn main_screen_with_header_gauges_and_tables() {
    let keymap = Keymap::builtin();
    for (suffix, w, h, ascii) in variants() {
        let theme = Theme::new(true, ascii);
        let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
        let out = draw(w, h, |f| main_screen(f, ctx, Pane::Residents));
        insta::assert_snapshot!(format!("main_zh_{suffix}"), out);
    }
    let theme = Theme::new(true, false);
    let ctx = Ctx::new(Lang::En, &theme, &keymap);
    let out = draw(80, 24, |f| main_screen(f, ctx, Pane::Detail));
    insta::assert_snapshot!("main_en_80x24_detail_focused", out);
}

#[test]
fn virtual_table_draws_only_the_window_of_60000_rows() {
    for (suffix, w, h, ascii) in variants() {
        let theme = Theme::new(true, ascii);
        let total = 60_000;
        let area = Rect::new(0, 0, w, h);
        let visible = VirtualTable::visible_rows(area, true);
        let first = follow(0, 59_990, visible, total);
        // the view fetches one window of rows, never the list
        let rows = resident_rows(first, visible, total, Lang::Zh, &theme);
        assert_eq!(rows.len(), visible);
        let columns = resident_columns(Lang::Zh);
        let out = draw(w, h, |f| {
            let table = VirtualTable::new(&columns, &rows, total, first, &theme)
                .selected(Some(59_990))
                .sort(Some(SortMark {
                    column: 4,
                    descending: true,
                }))
                .marks(true)
                .block(theme.block(true).title("居民 60000"));
            f.render_widget(table, f.area());
        });
        insta::assert_snapshot!(format!("table_60000_{suffix}"), out);
    }
}

#[test]
fn virtual_table_cuts_long_names_with_an_ellipsis() {
    let theme = Theme::new(false, false);
    let columns = [
        Column::fixed("姓名", 7),
        Column::fixed("金额", 8).right(),
        Column::flex("备注", 4),
    ];
    let rows = vec![
        TableRow::new([
            Span::raw("爱新觉罗·溥仪"),
            Span::raw("400.00"),
            Span::raw("政策性补缴，已核"),
        ]),
        TableRow::new([Span::raw("李娜"), Span::raw("5000.00"), Span::raw("ok")]),
        TableRow::new([
            Span::raw("Zhang Wei"),
            Span::raw("100.00"),
            Span::raw("新生儿"),
        ]),
    ];
    let out = draw(30, 4, |f| {
        f.render_widget(VirtualTable::new(&columns, &rows, 3, 0, &theme), f.area());
    });
    insta::assert_snapshot!("table_truncation", out);
}

#[test]
fn empty_table_says_so() {
    let theme = Theme::new(false, true);
    let columns = resident_columns(Lang::Zh);
    let out = draw(40, 4, |f| {
        let table =
            VirtualTable::new(&columns, &[], 0, 0, &theme).empty_text(S::MsgEmpty.get(Lang::Zh));
        f.render_widget(table, f.area());
    });
    insta::assert_snapshot!("table_empty", out);
}

#[test]
fn help_overlay_from_the_keymap() {
    let keymap = Keymap::builtin();
    for (suffix, w, h, ascii) in variants() {
        let theme = Theme::new(true, ascii);
        let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
        let out = draw(w, h, |f| {
            main_screen(f, ctx, Pane::Residents);
            f.render_widget(Help::new(ctx), f.area());
        });
        insta::assert_snapshot!(format!("help_zh_{suffix}"), out);
    }
    // scrolled to the end, in English
    let theme = Theme::new(true, false);
    let ctx = Ctx::new(Lang::En, &theme, &keymap);
    let screen = Rect::new(0, 0, 80, 24);
    let help = Help::new(ctx);
    let max = help.max_scroll(screen);
    assert!(max > 0, "the default keymap does not fit 80×24 in one page");
    let out = draw(80, 24, |f| {
        f.render_widget(Help::new(ctx).scroll(usize::MAX), f.area())
    });
    insta::assert_snapshot!("help_en_80x24_scrolled_to_end", out);
}

#[test]
fn help_follows_a_remap() {
    let mut keymap = Keymap::builtin();
    let problems = keymap.apply_text(
        "keymap.toml",
        "[global]\nkeymap = [ { on = \"?\", run = \"none\" }, { on = \"<C-h>\", run = \"help\" } ]\n",
    );
    assert!(problems.is_empty());
    let theme = Theme::new(false, true);
    let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
    let out = draw(120, 40, |f| f.render_widget(Help::new(ctx), f.area()));
    assert!(out.contains("F1 C-h"), "{out}");
    let footer = draw(80, 1, |f| {
        f.render_widget(
            Footer::new(ctx, Context::Residents, DEFAULT_HINTS),
            f.area(),
        )
    });
    assert!(footer.contains("F1 帮助"), "{footer}");
    assert!(!footer.contains("? "), "{footer}");
}

#[test]
fn command_palette_lists_and_filters_actions() {
    let keymap = Keymap::builtin();
    for (suffix, w, h, ascii) in variants() {
        let theme = Theme::new(true, ascii);
        let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
        let state = PaletteState::default();
        let out = draw(w, h, |f| {
            main_screen(f, ctx, Pane::Residents);
            f.render_widget(Palette::new(ctx, &state, Context::Residents), f.area());
        });
        insta::assert_snapshot!(format!("palette_all_{suffix}"), out);
    }
    let theme = Theme::new(true, false);
    let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
    let mut state = PaletteState::default();
    state.input.set("filter");
    state.move_by(1);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| {
            let palette = Palette::new(ctx, &state, Context::Residents);
            let cursor = palette.cursor(f.area());
            f.render_widget(palette, f.area());
            f.set_cursor_position(cursor);
        })
        .unwrap();
    insta::assert_snapshot!(
        "palette_filter_80x24",
        screen_text(terminal.backend().buffer())
    );
    // popup at x 4, border 1, prompt ": " 2, "filter" 6
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!((cursor.x, cursor.y), (4 + 1 + 2 + 6, 3));
}

#[test]
fn search_line_with_placeholder_and_text() {
    let theme = Theme::new(true, false);
    let lang = Lang::Zh;
    let mut state = zhengjiao::tui::widgets::input::InputState::default();
    let prompt = S::SearchPrompt.get(lang);
    let empty = draw(60, 1, |f| {
        let line =
            InputLine::new(prompt, &state, &theme).placeholder(S::SearchPlaceholder.get(lang));
        f.render_widget(line, f.area());
    });
    insta::assert_snapshot!("search_placeholder", empty);
    state.set("zs 1234");
    let typed = draw(60, 1, |f| {
        f.render_widget(InputLine::new(prompt, &state, &theme), f.area());
    });
    insta::assert_snapshot!("search_typed", typed);
}

#[test]
fn footer_drops_hints_that_do_not_fit_and_shows_messages() {
    let keymap = Keymap::builtin();
    let theme = Theme::new(true, false);
    let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
    let out = draw(60, 1, |f| {
        let footer = Footer::new(ctx, Context::Residents, DEFAULT_HINTS)
            .message("键位文件有1处问题已跳过", Tone::Warn);
        f.render_widget(footer, f.area());
    });
    insta::assert_snapshot!("footer_message_60", out);
}

/// Issue 14.2: with a town or village selected, each gauge shows its rate
/// against the target, with the district's beside; it fits 60, 80 and 120.
#[test]
fn header_gauges_follow_the_selection() {
    for (w, ascii) in [(60u16, false), (80, false), (80, true), (120, false)] {
        let theme = Theme::new(false, ascii);
        let keymap = Keymap::builtin();
        let ctx = Ctx {
            lang: Lang::Zh,
            theme: &theme,
            keymap: &keymap,
        };
        let mut info = header_info(Lang::Zh);
        info.selection = Some((
            "东山亭".to_string(),
            vec![Some(Rate::permille(600)), Some(Rate::permille(150)), None],
        ));
        let s = draw(w, 4, |f| {
            f.render_widget(Header::new(&info, ctx), f.area());
        });
        let lines: Vec<&str> = s.lines().collect();
        for (row, needles) in [
            (1, ["东山亭", "60.0%", "全区87.3%", "目标95%"]),
            (2, ["东山亭", "15.0%", "全区21.2%", "目标60%"]),
            (3, ["东山亭", "--", "全区92.3%", "目标100%"]),
        ] {
            for needle in needles {
                assert!(lines[row].contains(needle), "{w}: {needle} missing\n{s}");
            }
        }
        insta::assert_snapshot!(
            format!(
                "header_selection_{w}_{}",
                if ascii { "ascii" } else { "unicode" }
            ),
            s
        );
    }
}
