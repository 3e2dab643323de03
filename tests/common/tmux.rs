//! The real console in a real terminal: a tmux server of the test's own
//! (its own socket, 80×24, UTF-8) running the binary on a database, driven
//! by send-keys and read by capture-pane. Shared by the end-to-end tests.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server of our own, killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// The console on `db` as `user` in a new 80×24 session, or None (with
    /// a note on stderr) when tmux is not installed: `what` names the test
    /// that is skipped. A shell around the console reports how it ended
    /// (tmux's own record of a dead pane's status is not reliable).
    pub fn console(db: &Path, user: &str, what: &str) -> Option<Tmux> {
        Tmux::console_with(db, user, what, "TERM=xterm-256color", "")
    }

    /// As [`Tmux::console`], with `env` (`TERM=linux`) and console `args`.
    pub fn console_with(db: &Path, user: &str, what: &str, env: &str, args: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("SKIPPED: tmux is not installed (apt-get install tmux); {what} did not run");
            return None;
        }
        let tmux = Tmux {
            socket: format!("zhengjiao-{user}-{}", std::process::id()),
        };
        let command = format!(
            "env -u COLORTERM LANG=C.UTF-8 LC_ALL=C.UTF-8 {env} ZHENGJIAO_USER={user} {} --db '{}' {args}; echo \"console ended: $?\"; sleep 60",
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
        Some(tmux)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Copy what the program writes to the terminal (raw escapes) to `file`.
    pub fn pipe_to(&self, file: &Path) {
        let cmd = format!("cat >> '{}'", file.display());
        let out = self.run(&["pipe-pane", "-o", "-t", "zj", &cmd]);
        assert!(out.status.success(), "pipe-pane: {out:?}");
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "zj"]).stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", "zj", k]);
            assert!(out.status.success(), "send-keys {k}: {out:?}");
        }
    }

    /// Type `text` literally.
    pub fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", "zj", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text}: {out:?}");
    }

    /// Poll the screen until `ok` holds (up to 10 s); the screen it held on.
    pub fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
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

    pub fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
