use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

#[test]
fn builtin_files_load_without_problems() {
    for (name, text) in BUILT_IN {
        let mut keymap = Keymap::builtin();
        let problems = keymap.apply_text(name, text);
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
}

#[test]
fn default_keymap_resolves_the_documented_keys() {
    let km = Keymap::builtin();
    let r = |ctx, ev| km.resolve(ctx, &ev);
    use Context::*;
    assert_eq!(r(Global, ch('q')), Some(Action::Quit));
    assert_eq!(r(Global, ctrl('c')), Some(Action::Quit));
    assert_eq!(r(Global, ch('?')), Some(Action::Help));
    assert_eq!(r(Global, ch(':')), Some(Action::CommandPalette));
    assert_eq!(r(Global, ch('/')), Some(Action::Search));
    assert_eq!(r(Global, ch('p')), Some(Action::RecordPayment));
    assert_eq!(r(Global, press(KeyCode::F(5))), Some(Action::Refresh));
    assert_eq!(r(Global, ch('r')), Some(Action::Refresh));
    assert_eq!(r(Residents, ch('j')), Some(Action::MoveDown));
    assert_eq!(r(Residents, press(KeyCode::Down)), Some(Action::MoveDown));
    assert_eq!(r(Residents, press(KeyCode::Up)), Some(Action::MoveUp));
    assert_eq!(
        r(Residents, press(KeyCode::PageDown)),
        Some(Action::PageDown)
    );
    assert_eq!(r(Residents, press(KeyCode::Home)), Some(Action::Home));
    assert_eq!(r(Residents, press(KeyCode::End)), Some(Action::End));
    assert_eq!(r(Residents, press(KeyCode::Enter)), Some(Action::DrillIn));
    assert_eq!(r(Residents, press(KeyCode::Esc)), Some(Action::Back));
    assert_eq!(r(Towns, press(KeyCode::Tab)), Some(Action::FocusNextPane));
    let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(r(Towns, backtab), Some(Action::FocusPrevPane));
    assert_eq!(r(Residents, ch(' ')), Some(Action::ToggleMark));
    assert_eq!(r(Residents, ch('f')), Some(Action::CycleFilter));
    assert_eq!(r(Residents, ch('s')), Some(Action::SortNextColumn));
    let shift_s = KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT);
    assert_eq!(r(Residents, shift_s), Some(Action::ReverseSort));
    assert_eq!(r(Residents, ch('i')), Some(Action::ShowFullId));
    assert_eq!(r(Residents, ch('e')), Some(Action::ExportList));
    assert_eq!(r(Global, ch('1')), Some(Action::ViewMain));
    assert_eq!(r(Global, ch('2')), Some(Action::ViewDashboard));
    assert_eq!(r(Global, ch('3')), Some(Action::ViewOutstanding));
    assert_eq!(r(Global, ch('4')), Some(Action::ViewRemittance));
    assert_eq!(r(Global, ch('5')), Some(Action::ViewAudit));
    // the residents pane's keys are not global
    assert_eq!(r(Global, ch(' ')), None);
    // a text field types letters: no fallback to [global]
    assert_eq!(r(Input, ch('q')), None);
    assert_eq!(r(Input, ch('j')), None);
    assert_eq!(r(Input, press(KeyCode::Esc)), Some(Action::Back));
    assert_eq!(r(Input, press(KeyCode::Enter)), Some(Action::DrillIn));
    // q closes a pop-up rather than quitting
    assert_eq!(r(Overlay, ch('q')), Some(Action::Back));
}

#[test]
fn vim_preset_adds_to_the_defaults() {
    let loaded = Keymap::load(Some("vim"), None);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let km = loaded.keymap;
    let r = |ev| km.resolve(Context::Residents, &ev);
    assert_eq!(r(ch('h')), Some(Action::FocusPrevPane));
    assert_eq!(r(ch('l')), Some(Action::FocusNextPane));
    assert_eq!(r(ch('g')), Some(Action::Home));
    assert_eq!(
        r(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::End)
    );
    assert_eq!(r(ctrl('d')), Some(Action::HalfPageDown));
    assert_eq!(r(ctrl('u')), Some(Action::HalfPageUp));
    // the defaults still work
    assert_eq!(r(press(KeyCode::Down)), Some(Action::MoveDown));
    assert_eq!(r(ch('q')), Some(Action::Quit));
}

#[test]
fn release_and_repeat_events_are_ignored() {
    let km = Keymap::builtin();
    let mut ev = ch('q');
    ev.kind = KeyEventKind::Release;
    assert_eq!(km.resolve(Context::Global, &ev), None);
    let ev = KeyEvent::new_with_kind_and_state(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Repeat,
        KeyEventState::NONE,
    );
    assert_eq!(km.resolve(Context::Global, &ev), None);
    assert_eq!(km.resolve(Context::Global, &ch('q')), Some(Action::Quit));
}

#[test]
fn user_file_overrides_one_key_and_keeps_the_rest() {
    let mut km = Keymap::builtin();
    let problems = km.apply_text(
        "keymap.toml",
        r#"
[residents]
keymap = [
  { on = "x", run = "toggle-mark", desc = "勾选" },
  { on = "j", run = "page-down" },
]
[global]
keymap = [ { on = "q", run = "none" }, { on = "<C-q>", run = "quit" } ]
"#,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let r = |ctx, ev| km.resolve(ctx, &ev);
    assert_eq!(r(Context::Residents, ch('x')), Some(Action::ToggleMark));
    assert_eq!(r(Context::Residents, ch(' ')), Some(Action::ToggleMark));
    // j overridden in residents only; the towns pane still uses the global j
    assert_eq!(r(Context::Residents, ch('j')), Some(Action::PageDown));
    assert_eq!(r(Context::Towns, ch('j')), Some(Action::MoveDown));
    assert_eq!(r(Context::Residents, ch('k')), Some(Action::MoveUp));
    // q unbound, Ctrl-Q quits; the reverse map follows
    assert_eq!(r(Context::Global, ch('q')), None);
    assert_eq!(r(Context::Global, ctrl('q')), Some(Action::Quit));
    assert_eq!(
        km.keys_for(Context::Towns, Action::Quit),
        vec![key("<C-c>"), key("<C-q>")]
    );
    // help shows the user's description and every key
    let entries = km.help_entries(Context::Residents);
    let mark = entries
        .iter()
        .find(|e| e.action == Action::ToggleMark)
        .unwrap();
    assert_eq!(mark.keys, vec![key("Space"), key("x")]);
    assert_eq!(mark.describe(Lang::En), "勾选");
}

#[test]
fn unknown_action_is_reported_with_its_line_and_skipped() {
    let mut km = Keymap::builtin();
    let text = "[residents]\nkeymap = [\n  { on = \"J\", run = \"mvoe-down\" },\n  { on = \"x\", run = \"toggle-mark\" },\n]\n";
    let problems = km.apply_text("keymap.toml", text);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(3));
    assert_eq!(
        problems[0].to_string(),
        "keymap.toml 第3行：未知操作“mvoe-down”（是否想写“move-down”？） / \
         line 3: unknown action 'mvoe-down' (did you mean 'move-down'?)"
    );
    let r = |ev| km.resolve(Context::Residents, &ev);
    assert_eq!(
        r(KeyEvent::new(KeyCode::Char('J'), KeyModifiers::SHIFT)),
        None
    );
    assert_eq!(r(ch('x')), Some(Action::ToggleMark));
    assert_eq!(r(ch('j')), Some(Action::MoveDown));
}

#[test]
fn bad_key_string_is_reported_and_skipped() {
    let mut km = Keymap::builtin();
    let text = "[global]\nkeymap = [\n  { on = \"<C-Entr>\", run = \"quit\" },\n]\n";
    let problems = km.apply_text("keymap.toml", text);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(3));
    assert_eq!(problems[0].problem, Problem::BadKey("<C-Entr>".into()));
    assert!(problems[0].to_string().contains("无法识别的按键“<C-Entr>”"));
    assert!(
        problems[0]
            .to_string()
            .contains("line 3: unrecognised key '<C-Entr>'")
    );
    assert_eq!(km, Keymap::builtin());
}

#[test]
fn toml_syntax_error_keeps_the_defaults() {
    let loaded = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.toml");
        std::fs::write(
            &path,
            "[global]\nkeymap = [\n  { on = \"x\" run = \"quit\" },\n]\n",
        )
        .unwrap();
        Keymap::load(None, Some(&path))
    };
    assert_eq!(loaded.problems.len(), 1);
    let p = &loaded.problems[0];
    assert!(matches!(p.problem, Problem::Syntax(_)), "{p:?}");
    assert_eq!(p.line, Some(3));
    assert!(p.file.ends_with("keymap.toml"));
    assert!(p.to_string().contains("第3行：TOML格式错误"), "{p}");
    assert_eq!(loaded.keymap, Keymap::builtin());
}

#[test]
fn structural_mistakes_are_named() {
    let mut km = Keymap::builtin();
    let text = r#"[resident]
keymap = []
[towns]
keys = []
[detail]
keymap = [
  "i",
  { on = "i" },
  { on = 5, run = "quit" },
  { on = "i", run = "show-full-id", help = "x" },
  { on = "i", run = "tick" },
]
"#;
    let problems = km.apply_text("keymap.toml", text);
    let got: Vec<_> = problems
        .iter()
        .map(|p| (p.line, p.problem.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(1), Problem::UnknownContext("resident".into())),
            (Some(4), Problem::UnknownField("keys".into())),
            (Some(7), Problem::NotATable),
            (Some(8), Problem::Missing("run")),
            (Some(9), Problem::NotAString("on")),
            (Some(10), Problem::UnknownField("help".into())),
            (
                Some(11),
                Problem::UnknownAction {
                    name: "tick".into(),
                    suggestion: None
                }
            ),
        ]
    );
    assert!(
        problems[0]
            .to_string()
            .contains("known: global, towns, residents")
    );
    assert_eq!(km, Keymap::builtin());
}

#[test]
fn keymap_choice_by_name_or_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "[global]\nkeymap = [ { on = \"x\", run = \"quit\" } ]\n",
    )
    .unwrap();
    let loaded = Keymap::load(Some(path.to_str().unwrap()), None);
    assert!(loaded.problems.is_empty());
    assert_eq!(
        loaded.keymap.lookup(Context::Global, key("x")),
        Some(Action::Quit)
    );

    let missing = dir.path().join("nope.toml");
    let loaded = Keymap::load(Some(missing.to_str().unwrap()), None);
    assert_eq!(loaded.problems.len(), 1);
    assert!(matches!(loaded.problems[0].problem, Problem::Unreadable(_)));
    assert!(loaded.problems[0].to_string().contains("nope.toml"));
    assert_eq!(loaded.keymap, Keymap::builtin());

    // no user file is no problem
    let loaded = Keymap::load(None, Some(&missing));
    assert!(loaded.problems.is_empty());
}

#[test]
fn reverse_map_respects_shadowing() {
    let mut km = Keymap::builtin();
    // in the overlay q means back, so q is not a quit key there
    assert_eq!(
        km.keys_for(Context::Overlay, Action::Quit),
        vec![key("<C-c>")]
    );
    assert_eq!(km.keys_for(Context::Overlay, Action::Back)[0], key("q"));
    assert_eq!(
        km.key_for(Context::Residents, Action::Search),
        Some(key("/"))
    );
    km.bind(
        Context::Global,
        Binding {
            key: key("/"),
            action: None,
            desc: None,
        },
    );
    assert_eq!(km.key_for(Context::Residents, Action::Search), None);
    // the input context has no fallback
    assert_eq!(km.keys_for(Context::Input, Action::Help), vec![]);
}

#[test]
fn built_in_bindings_name_bindable_actions() {
    let km = Keymap::builtin();
    for ctx in Context::iter() {
        for b in km.bindings(ctx) {
            assert!(b.action.is_some_and(Action::is_bindable));
        }
    }
}
