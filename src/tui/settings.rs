//! The console's settings: language, ASCII mode and keymap, layered as
//! built-in defaults → config directory (`keymap.toml`) → `ZHENGJIAO_*`
//! environment → command-line flags. `UiArgs` is meant to be flattened into
//! the binary's `Cli` (`#[command(flatten)] ui: tui::UiArgs`).

use super::Ctx;
use super::keymap::{Keymap, KeymapError, user_keymap_path};
use super::strings::{Lang, S, fill};
use super::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct UiArgs {
    /// 界面语言 / console language
    #[arg(long, value_enum, default_value_t = Lang::Zh, env = "ZHENGJIAO_LANG")]
    pub lang: Lang,
    /// 只用ASCII字符画边框和符号 / ASCII borders and symbols, for consoles that show box-drawing characters double width
    #[arg(long, env = "ZHENGJIAO_ASCII")]
    pub ascii: bool,
    /// 键位：内置名称（default、vim）或文件路径 / keymap: a built-in name (default, vim) or a file
    #[arg(long, value_name = "NAME|PATH", env = "ZHENGJIAO_KEYMAP")]
    pub keymap: Option<String>,
}

/// Everything drawing needs that does not come from the database.
#[derive(Debug, Clone)]
pub struct Ui {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    /// keymap entries that were skipped; print them, and say so in the footer
    pub problems: Vec<KeymapError>,
}

impl Ui {
    pub fn from_args(args: &UiArgs) -> Ui {
        let user = user_keymap_path();
        let loaded = Keymap::load(args.keymap.as_deref(), user.as_deref());
        Ui {
            lang: args.lang,
            theme: Theme::from_env(args.ascii),
            keymap: loaded.keymap,
            problems: loaded.problems,
        }
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx::new(self.lang, &self.theme, &self.keymap)
    }

    /// A one-line notice for the footer when keymap entries were skipped.
    pub fn problems_notice(&self) -> Option<String> {
        let n = self.problems.len();
        (n > 0).then(|| fill(S::MsgKeymapProblems.get(self.lang), &[&n]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        ui: UiArgs,
    }

    #[test]
    fn flags_parse_and_default_to_chinese() {
        Cli::command_for_test();
        let cli = Cli::try_parse_from(["zhengjiao"]).unwrap();
        assert_eq!(cli.ui.lang, Lang::Zh);
        assert!(!cli.ui.ascii);
        assert_eq!(cli.ui.keymap, None);
        let cli = Cli::try_parse_from(["zhengjiao", "--lang", "en", "--ascii", "--keymap", "vim"])
            .unwrap();
        assert_eq!(cli.ui.lang, Lang::En);
        assert!(cli.ui.ascii);
        assert_eq!(cli.ui.keymap.as_deref(), Some("vim"));
    }

    #[test]
    fn problems_notice_counts_skipped_entries() {
        let mut keymap = Keymap::builtin();
        let problems = keymap.apply_text(
            "keymap.toml",
            "[global]\nkeymap = [ { on = \"x\", run = \"nope\" } ]\n",
        );
        let ui = Ui {
            lang: Lang::Zh,
            theme: Theme::new(false, false),
            keymap,
            problems,
        };
        assert_eq!(
            ui.problems_notice().unwrap(),
            "键位文件有1处问题已跳过，其余键位照常"
        );
    }

    impl Cli {
        fn command_for_test() {
            use clap::CommandFactory;
            Cli::command().debug_assert();
        }
    }
}
