//! `zhengjiao` with no subcommand: the console (TUI) on the database.

use crate::tui::app::App;
use crate::tui::session::Session;
use crate::tui::terminal::{Ended, Tui};
use crate::tui::{Ui, UiArgs};
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

/// The console's own flags (besides `--db`).
#[derive(Debug, Clone, Default)]
pub struct ConsoleArgs {
    pub ui: UiArgs,
    pub read_only: bool,
    pub today: Option<NaiveDate>,
}

pub fn run(args: &ConsoleArgs, db: &Path) -> anyhow::Result<ExitCode> {
    if !db.exists() {
        anyhow::bail!(
            "数据库文件不存在：{path}（可先用 zhengjiao demo --db {path} 生成演示库，或用 --db 指定）/ no database at {path} (build a demo with `zhengjiao demo --db {path}`, or give --db)",
            path = db.display()
        );
    }
    let ui = Ui::from_args(&args.ui);
    for problem in &ui.problems {
        eprintln!("{problem}");
    }
    let (session, store) = Session::open(db, args.read_only, args.today, None)?;
    let mut app = App::new(ui, session, store)?;
    let mut tui = Tui::enter()?;
    let size = tui.terminal().size()?;
    app.resize(size.width, size.height);
    let ended = tui.run(&mut app);
    drop(tui);
    match ended? {
        Ended::Quit => Ok(ExitCode::SUCCESS),
        Ended::Signal => Ok(ExitCode::from(130)),
    }
}
