//! End to end: the real binary in a real terminal (tmux, 80×24) on a demo
//! database — move, drill into a town and a village, search by ID tail,
//! record a payment, see the figures change, quit. Skipped (not failed) only
//! when tmux is not installed; CI installs it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use zhengjiao::demo::{DemoOptions, build};

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "zj"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", "zj", k]);
            assert!(out.status.success(), "send-keys {k}: {out:?}");
        }
    }

    fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", "zj", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text}: {out:?}");
    }

    /// Poll the screen until `ok` holds (up to 10 s); the screen it held on.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("waited 10 s for {what}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

/// A resident who owes medical insurance, with the last six ID digits.
fn payer(db: &Path) -> (String, String) {
    let store = zhengjiao::store::Store::open_read_only(db).unwrap();
    store
        .conn()
        .query_row(
            "SELECT r.name, substr(r.id_number, 13) FROM residents r
               JOIN roster ro ON ro.year = 2025 AND ro.insurance = 'medical' AND ro.resident_id = r.id
               JOIN villages v ON v.id = r.village_id
              WHERE ro.status = 'due' AND v.town_id = 7 AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
                AND (SELECT count(*) FROM residents x WHERE substr(x.id_number, 13) = substr(r.id_number, 13)) = 1
              ORDER BY r.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn the_console_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!(
            "SKIPPED: tmux is not installed (apt-get install tmux); the console's end-to-end test did not run"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let opts = DemoOptions {
        residents: 3000,
        ..Default::default()
    };
    build(&db, &opts, "t").unwrap();
    let (name, tail) = payer(&db);

    let tmux = Tmux {
        socket: format!("zhengjiao-e2e-{}", std::process::id()),
    };
    // a shell around the console reports how it ended (tmux's own record of
    // a dead pane's status is not reliable)
    let command = format!(
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color ZHENGJIAO_USER=e2e {} --db '{}'; echo \"console ended: $?\"; sleep 60",
        env!("CARGO_BIN_EXE_zhengjiao"),
        db.display()
    );
    let out = tmux.run(&[
        "-u",
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        "-s",
        "zj",
        &command,
    ]);
    assert!(out.status.success(), "tmux new-session: {out:?}");

    // it opens on the first town's villages, the first village's list counted
    let start = tmux.wait("the first village's list", |s| {
        s.contains("山城街道 村居") && s.contains("条/共")
    });
    let medical_before = line_with(&start, "医保 ").to_string();

    // back to the towns, and to the next town: the residents pane follows
    tmux.keys(&["Escape"]);
    tmux.wait_for("山亭区 镇街");
    tmux.keys(&["j"]);
    tmux.wait_for("店子镇 居民");
    // drill into the town, then into its second village
    tmux.keys(&["Enter"]);
    tmux.wait_for("店子镇 村居");
    tmux.keys(&["j", "Enter"]);
    tmux.wait("a village's residents", |s| {
        s.contains("店子镇 安陵 居民") && s.contains("条/共")
    });

    // search by the last six digits of an ID number and go to the resident
    tmux.keys(&["/"]);
    tmux.wait_for("搜索：");
    tmux.text(&tail);
    tmux.wait_for(&name);
    tmux.keys(&["Enter"]);
    let found = tmux.wait("the resident's row", |s| {
        s.contains("筛选：全部") && s.contains(&name) && !s.contains("搜索：")
    });
    assert!(found.contains("徐庄镇"), "{found}");

    // record the medical payment
    tmux.keys(&["p"]);
    tmux.wait("the payment form", |s| {
        s.contains("登记缴费") && s.contains("险种")
    });
    let form = tmux.wait_for("医保");
    assert!(line_with(&form, "险种").contains("医保"), "{form}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("确认缴费");
    tmux.keys(&["Enter"]);
    tmux.wait_for("已登记");

    // the district's medical gauge moved
    tmux.wait("the medical gauge to move", |s| {
        s.lines()
            .find(|l| l.contains("医保 "))
            .is_some_and(|l| l != medical_before)
    });

    // quit: the process ends well and the terminal is back to the shell's screen
    tmux.keys(&["q"]);
    tmux.wait_for("console ended: 0");
    let after = tmux.screen();
    assert!(
        !after.contains("山亭区 镇街"),
        "the alternate screen was left:\n{after}"
    );
}
