//! A clerk's day in the console without the command line (issue 14): the
//! payment form offers only what can succeed and keeps the record on
//! screen; exports never clobber and are audited; the remittance view;
//! refunds and reversals from a resident's detail. The real console on a
//! demo database (3,000 residents), drawn on a `TestBackend` at 80×24.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::time::Duration;
use unicode_width::UnicodeWidthStr;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::tui::app::App;
use zhengjiao::tui::session::Session;
use zhengjiao::tui::terminal::Console;
use zhengjiao::tui::{Keymap, Lang, Theme, Ui};

const W: u16 = 80;
const H: u16 = 24;

struct Demo {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let opts = DemoOptions {
        residents: 3000,
        ..Default::default()
    };
    build(&path, &opts, "t").unwrap();
    Demo { _dir: dir, path }
}

fn open_as(db: &Path, user: &str) -> App {
    let ui = Ui {
        lang: Lang::Zh,
        theme: Theme::new(true, false),
        keymap: Keymap::builtin(),
        problems: Vec::new(),
    };
    let (session, store) = Session::open(db, false, None, Some(user.into())).unwrap();
    let mut app = App::new(ui, session, store).unwrap();
    app.resize(W, H);
    assert!(
        app.settle(Duration::from_secs(20)),
        "workers did not settle"
    );
    app
}

fn open(db: &Path) -> App {
    open_as(db, "clerk")
}

fn press_with(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.on_event(&Event::Key(KeyEvent::new(code, mods)));
    assert!(
        app.settle(Duration::from_secs(20)),
        "workers did not settle"
    );
}

fn press(app: &mut App, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    press_with(app, code, mods);
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The screen as a person sees it; fails if a wide character is cut.
fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for (y, cells) in buffer.content.chunks(width).enumerate() {
        let mut skip = 0;
        out.push('|');
        for (x, cell) in cells.iter().enumerate() {
            if skip > 0 {
                assert_eq!(cell.symbol(), " ", "row {y} col {x} cuts a wide character");
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

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

/// The first resident (name, full ID number) matching a condition on
/// `r` (residents), `m` / `p` (this year's medical / pension roster rows,
/// left-joined) and `pm` / `pp` (their `paid` rows).
fn resident_where(db: &Path, cond: &str) -> (String, String) {
    let store = zhengjiao::store::Store::open_read_only(db).unwrap();
    let sql = format!(
        "SELECT r.name, r.id_number FROM residents r
           LEFT JOIN roster m ON m.year = 2025 AND m.insurance = 'medical' AND m.resident_id = r.id
           LEFT JOIN roster p ON p.year = 2025 AND p.insurance = 'pension' AND p.resident_id = r.id
           LEFT JOIN paid pm ON pm.year = 2025 AND pm.insurance = 'medical' AND pm.resident_id = r.id
           LEFT JOIN paid pp ON pp.year = 2025 AND pp.insurance = 'pension' AND pp.resident_id = r.id
          WHERE r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL AND ({cond})
          ORDER BY r.id LIMIT 1"
    );
    store
        .conn()
        .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap_or_else(|e| panic!("no resident where {cond}: {e}"))
}

/// Search by the full ID number and jump to the resident (residents pane focused).
fn go_to(app: &mut App, id_number: &str) {
    keys(app, "/");
    keys(app, id_number);
    press(app, KeyCode::Enter);
}

/// Every value a choice field of the payment form takes, pressing Right.
fn cycle_values(app: &mut App, label: &str, presses: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..presses {
        let s = screen(app);
        let line = line_with(&s, label).to_string();
        if !seen.contains(&line) {
            seen.push(line);
        }
        press(app, KeyCode::Right);
    }
    seen
}

// ------------------------------------------------------------ payments

#[test]
fn payment_key_in_the_villages_pane_opens_no_form() {
    let d = demo();
    let mut app = open(&d.path);
    // the console opens with the focus on the first town's villages
    keys(&mut app, "p");
    let s = screen(&app);
    assert!(!s.contains("登记缴费 ─") && !s.contains("个人缴费"), "{s}");
    assert!(s.contains("请先在居民列表中选中一位居民"), "{s}");
    // in the residents pane it acts on the highlighted resident
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "p");
    let s = screen(&app);
    assert!(s.contains("个人缴费"), "{s}");
}

#[test]
fn nothing_due_gets_a_message_not_a_form() {
    let d = demo();
    let (name, id) = resident_where(
        &d.path,
        "(m.status IS NULL OR pm.payment_id IS NOT NULL) AND (p.status IS NULL OR pp.payment_id IS NOT NULL)
         AND (m.status IS NOT NULL OR p.status IS NOT NULL)",
    );
    let mut app = open(&d.path);
    go_to(&mut app, &id);
    keys(&mut app, "p");
    let s = screen(&app);
    assert!(s.contains("没有可登记的缴费"), "{s}");
    assert!(s.contains(&name), "{s}");
    assert!(!s.contains("个人缴费"), "no amount is offered\n{s}");
    insta::assert_snapshot!("nothing_due_80x24", s);
    press(&mut app, KeyCode::Enter);
    assert!(!screen(&app).contains("没有可登记的缴费"));
}

#[test]
fn proxy_is_offered_only_to_proxy_cases() {
    let d = demo();
    // pays both insurances themselves
    let (_, id) = resident_where(
        &d.path,
        "m.status = 'due' AND pm.payment_id IS NULL AND p.status = 'due' AND pp.payment_id IS NULL",
    );
    let mut app = open(&d.path);
    go_to(&mut app, &id);
    keys(&mut app, "p");
    press(&mut app, KeyCode::Down); // the channel
    let channels = cycle_values(&mut app, "渠道", 12);
    assert!(channels.len() >= 5, "{channels:?}");
    assert!(
        channels.iter().all(|c| !c.contains("政府代缴")),
        "{channels:?}"
    );
    press(&mut app, KeyCode::Esc);

    // the government pays the whole medical share: 政府代缴 and nothing else
    let (_, id) = resident_where(
        &d.path,
        "m.status = 'exempt' AND pm.payment_id IS NULL AND (p.status IS NULL OR pp.payment_id IS NOT NULL)",
    );
    go_to(&mut app, &id);
    keys(&mut app, "p");
    let s = screen(&app);
    assert!(line_with(&s, "渠道").contains("政府代缴"), "{s}");
    assert!(s.contains("个人缴费 0.00 元"), "{s}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    let s = screen(&app);
    assert!(line_with(&s, "渠道").contains("政府代缴"), "{s}");
}

#[test]
fn an_agent_s_receipt_number_is_checked_as_typed() {
    let d = demo();
    // a village with an agent; the agent has no receipt book yet
    let (_, id) = resident_where(
        &d.path,
        "m.status = 'due' AND pm.payment_id IS NULL AND r.village_id IN (SELECT village_id FROM agents)",
    );
    let mut app = open(&d.path);
    go_to(&mut app, &id);
    keys(&mut app, "p");
    press(&mut app, KeyCode::Down); // channel
    let mut guard = 0;
    while !line_with(&screen(&app), "渠道").contains("代办员收现金") {
        press(&mut app, KeyCode::Right);
        guard += 1;
        assert!(guard < 12, "{}", screen(&app));
    }
    // before any Enter, the form says the agent has no receipt left
    let s = screen(&app);
    assert!(s.contains("没有可用的收据号"), "{s}");
    insta::assert_snapshot!("receipt_checked_80x24", s);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(
        !s.contains("确认登记"),
        "no confirmation with a bad receipt\n{s}"
    );

    // with a book registered, a number from it is accepted as typed, another refused
    let mut store = zhengjiao::store::Store::open(&d.path)
        .unwrap()
        .with_user("clerk");
    let agent: String = store
        .conn()
        .query_row(
            "SELECT a.code FROM agents a JOIN residents r ON r.village_id = a.village_id
              WHERE r.id_number = ?1 ORDER BY a.code LIMIT 1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    store
        .add_receipt_book(&agent, "00012001", "00012050")
        .unwrap();
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "p");
    press(&mut app, KeyCode::Down);
    while !line_with(&screen(&app), "渠道").contains("代办员收现金") {
        press(&mut app, KeyCode::Right);
    }
    let s = screen(&app);
    assert!(s.contains("将使用收据号 00012001"), "{s}");
    press(&mut app, KeyCode::Down); // agent
    press(&mut app, KeyCode::Down); // receipt
    keys(&mut app, "99999");
    let s = screen(&app);
    assert!(s.contains("不在代办员"), "{s}");
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "12007");
    let s = screen(&app);
    assert!(s.contains("将使用收据号 00012007"), "{s}");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("确认登记"));
}

#[test]
fn after_recording_the_record_stays_on_screen() {
    let d = demo();
    // owes medical only: once paid, the outstanding list drops them
    let (name, id) = resident_where(
        &d.path,
        "m.status = 'due' AND pm.payment_id IS NULL AND (p.status IS NULL OR pp.payment_id IS NOT NULL)",
    );
    let mut app = open(&d.path);
    go_to(&mut app, &id);
    press(&mut app, KeyCode::Char('f')); // outstanding
    let s = screen(&app);
    assert!(s.contains("筛选：未缴"), "{s}");
    // onto them in the filtered list (pinyin order decides their row)
    let mut s = String::new();
    for _ in 0..20 {
        keys(&mut app, "p");
        s = screen(&app);
        if s.contains(&name) {
            break;
        }
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Down);
    }
    assert!(
        s.contains(&name),
        "the form is for the highlighted resident\n{s}"
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(line_with(&s, "已登记").contains(&name), "{s}");
    // the detail still shows the resident, with the new payment
    assert!(s.contains(&format!("│{name}  ")), "{s}");
    assert!(line_with(&s, "2025 医保").contains(".00"), "{s}");
    insta::assert_snapshot!("paid_stays_80x24", s);
}

// ------------------------------------------------------------- exports

fn ctrl_u(app: &mut App) {
    press_with(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The audit rows of exports: (user, detail).
fn export_audits(db: &Path) -> Vec<(String, String)> {
    let store = zhengjiao::store::Store::open_read_only(db).unwrap();
    let mut st = store
        .conn()
        .prepare("SELECT user, detail FROM audit WHERE action = 'export' ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn exports_never_clobber_are_audited_and_owner_only() {
    let d = demo();
    let dir = d.path.parent().unwrap().to_path_buf();
    let mut app = open(&d.path);
    press(&mut app, KeyCode::Enter); // the first village's residents
    keys(&mut app, "e");
    let s = screen(&app);
    // XLSX by default, the folder shown, no promise of a later module
    assert!(s.contains(".xlsx"), "{s}");
    assert!(s.contains("保存到文件夹："), "{s}");
    assert!(!s.contains("提供"), "{s}");
    insta::assert_snapshot!(
        "export_dialog_80x24",
        // the folder's line depends on where the tests run (its length too)
        s.lines()
            .map(|l| if l.contains("保存到文件夹：") {
                "(保存到文件夹：<cwd>)"
            } else {
                l
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
    let out = dir.join("名单.xlsx");
    ctrl_u(&mut app);
    type_text(&mut app, &out.display().to_string());
    let s = screen(&app);
    assert!(
        s.contains(&dir.display().to_string()),
        "the folder follows the name\n{s}"
    );
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("已导出"), "{s}");
    let full = std::fs::read(&out).unwrap();
    assert!(full.starts_with(b"PK"), "an XLSX (zip) file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner-only");
    }
    let audits = export_audits(&d.path);
    assert_eq!(audits.len(), 1, "{audits:?}");
    assert_eq!(audits[0].0, "clerk");
    assert!(audits[0].1.contains("名单.xlsx"), "{audits:?}");
    // no part file left behind
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // two marked rows to the same name: refused, the full export kept
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    keys(&mut app, "e");
    let s = screen(&app);
    assert!(
        s.contains("已选2人-"),
        "the proposed name says what it holds\n{s}"
    );
    ctrl_u(&mut app);
    type_text(&mut app, &out.display().to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("文件已存在，不会覆盖"), "{s}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        full,
        "the earlier export is untouched"
    );
    // a CSV beside it
    let csv = dir.join("已选.csv");
    ctrl_u(&mut app);
    type_text(&mut app, &csv.display().to_string());
    press(&mut app, KeyCode::Enter);
    let text = std::fs::read(&csv).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    assert_eq!(
        String::from_utf8_lossy(&text).lines().count(),
        3,
        "header and two rows"
    );
    let audits = export_audits(&d.path);
    assert_eq!(audits.len(), 2, "{audits:?}");
    assert!(audits[1].1.contains("已选2人"), "{audits:?}");
}

#[test]
fn a_read_only_console_does_not_export_unaudited() {
    let d = demo();
    let ui = Ui {
        lang: Lang::Zh,
        theme: Theme::new(true, false),
        keymap: Keymap::builtin(),
        problems: Vec::new(),
    };
    let (session, store) = Session::open(&d.path, true, None, Some("sup".into())).unwrap();
    let mut app = App::new(ui, session, store).unwrap();
    app.resize(W, H);
    assert!(app.settle(Duration::from_secs(20)));
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "e");
    let s = screen(&app);
    assert!(s.contains("只读模式不能导出名单"), "{s}");
}

// ---------------------------------------------------------- remittance

#[test]
fn the_remittance_view_reconciles_and_closes_a_day() {
    let d = demo();
    let mut app = open(&d.path);
    let as_of = app.session().as_of;
    // the first open day with cash to hand in (a day of POS payments only
    // has none: POS money goes to the bank by itself)
    let (index, first) = {
        let store = zhengjiao::store::Store::open_read_only(&d.path).unwrap();
        let open = store.remittance_open(as_of).unwrap();
        let i = open.iter().position(|x| x.expected_fen > 0).unwrap();
        (i, open[i].clone())
    };
    keys(&mut app, "4");
    for _ in 0..index {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app);
    assert!(!s.contains("开发中"), "{s}");
    assert!(s.contains("应解缴") && s.contains("差额"), "{s}");
    assert!(
        s.contains("滞留"),
        "cash not handed in by the next working day\n{s}"
    );
    assert!(
        line_with(&s, &first.agent_name)
            .contains(&zhengjiao::domain::money::yuan(first.expected_fen)),
        "{s}"
    );
    insta::assert_snapshot!("remittance_80x24", s);

    // closing an unbalanced day is refused by the store, shown in the prompt
    keys(&mut app, "c");
    let s = screen(&app);
    assert!(s.contains("日报结账"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("钱表不符"), "{s}");
    press(&mut app, KeyCode::Esc);

    // part of the cash: short
    keys(&mut app, "a");
    let s = screen(&app);
    assert!(
        s.contains(&zhengjiao::domain::money::yuan(first.expected_fen)),
        "the missing amount proposed\n{s}"
    );
    ctrl_u(&mut app);
    type_text(&mut app, "1.5x");
    let s = screen(&app);
    assert!(s.contains("解缴金额“1.5x”无效"), "checked as typed\n{s}");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("请填写银行存款回执单号"), "{s}");
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "S0001");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(
        s.contains("回执单S0001"),
        "the confirmation says what will be recorded\n{s}"
    );
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("已登记解缴"), "{s}");
    assert!(line_with(&s, &first.agent_name).contains("1.50"), "{s}");

    // the rest: balanced, then closed
    keys(&mut app, "a");
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "S0002");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(line_with(&s, &first.agent_name).contains("相符"), "{s}");
    keys(&mut app, "c");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("已结账"), "{s}");
    let store = zhengjiao::store::Store::open_read_only(&d.path).unwrap();
    let day = store.remittance_agent(&first.agent_code, as_of).unwrap();
    let closed = day.iter().find(|x| x.day == first.day).unwrap();
    assert!(closed.is_closed() && closed.balanced(), "{closed:?}");
    // every day, the closed one too
    keys(&mut app, "f");
    let s = screen(&app);
    assert!(s.contains("全部日期") && s.contains("已结账"), "{s}");
}

// ------------------------------------------------- refunds and reversals

#[test]
fn refunds_and_reversals_from_the_detail() {
    use zhengjiao::domain::{Channel, Insurance};
    use zhengjiao::store::campaign::payments::PaymentRequest;
    use zhengjiao::store::users::Role;
    let d = demo();
    let mut store = zhengjiao::store::Store::open(&d.path)
        .unwrap()
        .with_user("boss");
    store.put_user("boss", "站长", Role::Admin).unwrap();
    store.put_user("clerk", "经办", Role::Clerk).unwrap();
    let pay = |store: &mut zhengjiao::store::Store, id: &str| {
        store
            .record_payment(&PaymentRequest {
                id_number: id.into(),
                year: 2025,
                insurance: Insurance::Medical,
                tier: None,
                channel: Channel::Wechat,
                receipt: None,
                agent_code: None,
                office: None,
                paid_on: chrono::NaiveDate::from_ymd_opt(2024, 11, 1).unwrap(),
                special: None,
            })
            .unwrap()
    };
    let (name, id) = resident_where(&d.path, "m.status = 'due' AND pm.payment_id IS NULL");
    pay(&mut store, &id);

    let mut app = open(&d.path);
    go_to(&mut app, &id);
    press(&mut app, KeyCode::Enter); // the detail
    keys(&mut app, "x");
    let s = screen(&app);
    assert!(s.contains("冲正须由管理员办理"), "{s}");
    keys(&mut app, "t");
    let s = screen(&app);
    assert!(s.contains("退费") && s.contains("2025 医保"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("请填写原因"), "{s}");
    type_text(&mut app, "重复缴纳");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("refund_confirm_80x24", screen(&app));
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("已退费"), "{s}");
    assert!(s.contains(&format!("│{name}  ")), "{s}");
    assert!(s.contains("退费-"), "the refund row in the history\n{s}");

    // an admin reverses another payment
    let (_, id2) = resident_where(
        &d.path,
        &format!("m.status = 'due' AND pm.payment_id IS NULL AND r.id_number <> '{id}'"),
    );
    pay(&mut store, &id2);
    let mut boss = open_as(&d.path, "boss");
    go_to(&mut boss, &id2);
    press(&mut boss, KeyCode::Enter);
    keys(&mut boss, "x");
    type_text(&mut boss, "录错");
    press(&mut boss, KeyCode::Enter);
    press(&mut boss, KeyCode::Enter);
    let s = screen(&boss);
    assert!(s.contains("已冲正"), "{s}");
    let who: String = store
        .conn()
        .query_row(
            "SELECT user FROM audit WHERE action = 'reversal' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, "boss");
}
