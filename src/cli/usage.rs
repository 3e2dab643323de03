//! Command-line mistakes told in Chinese first: clap's own message is in
//! English, so a clerk gets one line saying what kind of mistake it is and
//! where the help is, above clap's exact message (exit status 2 as before).

use clap::error::ErrorKind;

/// What kind of mistake a clap error is, in Chinese and English; `None`
/// for help and version output, which are not mistakes.
pub fn mistake(kind: ErrorKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidSubcommand => ("没有这个命令", "no such command"),
        ErrorKind::UnknownArgument => ("没有这个选项", "no such option"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8 => {
            ("选项的值不对", "a value is not accepted")
        }
        ErrorKind::MissingRequiredArgument => {
            ("缺少必需的选项或参数", "a required option is missing")
        }
        ErrorKind::MissingSubcommand => ("缺少命令", "a command is missing"),
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => ("选项的值的个数不对", "wrong number of values"),
        ErrorKind::ArgumentConflict => (
            "这些选项不能一起用",
            "these options cannot be used together",
        ),
        _ => ("命令行有误", "the command line is wrong"),
    })
}

/// The line printed above clap's message.
pub fn lead(kind: ErrorKind) -> Option<String> {
    mistake(kind).map(|(zh, en)| {
        format!(
            "错误 / error: {zh}，用法见 zhengjiao --help 或 zhengjiao <命令> --help / {en}; see --help"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    #[test]
    fn mistakes_are_named_in_chinese() {
        for (args, zh) in [
            (&["zhengjiao", "pya"][..], "没有这个命令"),
            (&["zhengjiao", "find", "--bogus", "x"], "没有这个选项"),
            (
                &["zhengjiao", "report", "progress", "--as-of", "someday"],
                "选项的值不对",
            ),
        ] {
            let e = Cli::try_parse_from(args).expect_err("a mistake");
            let lead = lead(e.kind()).unwrap_or_default();
            assert!(lead.contains(zh), "{args:?}: {lead}");
        }
        let help = Cli::try_parse_from(["zhengjiao", "--help"]).expect_err("help");
        assert_eq!(lead(help.kind()), None);
    }
}
