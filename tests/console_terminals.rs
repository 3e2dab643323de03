//! Issue 14.8 end to end: the real console in tmux under terminals with 16
//! colours (`TERM=linux`) and none (`TERM=vt100`): the escapes it writes
//! (tmux's pipe-pane copies them raw) hold no 256-colour selection, and
//! `--ascii` keeps every border, marker and the payment form's arrows ASCII.

use std::path::Path;
use zhengjiao::demo::{DemoOptions, build};

mod common;
use common::tmux::Tmux;

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let opts = DemoOptions {
        residents: 1500,
        ..Default::default()
    };
    build(&db, &opts, "t").unwrap();
    db
}

/// Draw a few screens (dashboard, back) and return the raw bytes written.
fn raw_output(db: &Path, dir: &Path, env: &str, args: &str) -> Option<(Tmux, String)> {
    // a login (and so a tmux socket) of its own per terminal
    let user: String = env.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let tmux = Tmux::console_with(db, &user, "the terminals test", env, args)?;
    tmux.wait_for("村居");
    let file = dir.join(format!("raw-{}.txt", env.replace(['=', ' '], "_")));
    tmux.pipe_to(&file);
    std::thread::sleep(std::time::Duration::from_millis(300));
    tmux.keys(&["2"]);
    tmux.wait("the dashboard", |s| s.contains("各镇街进度排名"));
    tmux.keys(&["1"]);
    tmux.wait("the main view", |s| !s.contains("各镇街进度排名"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let raw = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
    assert!(raw.len() > 1000, "nothing captured: {raw:?}");
    Some((tmux, raw))
}

/// The SGR parameter lists of every `ESC [ … m`.
fn sgr(raw: &str) -> Vec<String> {
    raw.split("\x1b[")
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (rest[end..].starts_with('m')).then(|| rest[..end].to_string())
        })
        .collect()
}

fn colour_codes(params: &[String]) -> Vec<u32> {
    params
        .iter()
        .flat_map(|p| {
            p.split(';')
                .filter_map(|x| x.parse::<u32>().ok())
                .collect::<Vec<_>>()
        })
        .filter(|n| matches!(n, 30..=37 | 40..=47 | 90..=97 | 100..=107))
        .collect()
}

#[test]
fn sixteen_colour_and_monochrome_terminals_get_what_they_understand() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());

    let Some((_t, linux)) = raw_output(&db, dir.path(), "TERM=linux", "") else {
        return;
    };
    let params = sgr(&linux);
    assert!(
        params
            .iter()
            .all(|p| !p.contains("38;5") && !p.contains("48;5")),
        "256-colour escapes under TERM=linux: {params:?}"
    );
    assert!(
        !colour_codes(&params).is_empty(),
        "no basic colours under TERM=linux: {params:?}"
    );

    let Some((_t, vt100)) = raw_output(&db, dir.path(), "TERM=vt100", "") else {
        return;
    };
    let params = sgr(&vt100);
    assert!(
        params
            .iter()
            .all(|p| !p.contains("38;5") && !p.contains("48;5")),
        "{params:?}"
    );
    assert!(
        colour_codes(&params).is_empty(),
        "colours under TERM=vt100: {params:?}"
    );
    // the meaning still shows: reverse video for the cursor row
    assert!(
        params.iter().any(|p| p.split(';').any(|x| x == "7")),
        "{params:?}"
    );

    // 256-colour terminals keep what they had
    let Some((_t, full)) = raw_output(&db, dir.path(), "TERM=xterm-256color", "") else {
        return;
    };
    assert!(sgr(&full).iter().any(|p| p.contains("38;5")));
}

#[test]
fn ascii_covers_the_payment_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let Some(tmux) = Tmux::console_with(&db, "ascii", "the --ascii test", "TERM=linux", "--ascii")
    else {
        return;
    };
    tmux.wait_for("村居");
    tmux.keys(&["Tab", "p"]);
    let s = tmux.wait("the payment form", |s| {
        s.contains("登记缴费") && s.contains("Left/Right")
    });
    for c in s.chars() {
        assert!(
            c.is_ascii() || !matches!(c, '\u{2190}'..='\u{25ff}' | '…' | '✓'),
            "{c:?} under --ascii:\n{s}"
        );
    }
}
