//! Hostile input for the loaders: no panic, no hang, a clear error for every
//! bad file. (Longer runs: the cargo-fuzz targets in `fuzz/`.)

use proptest::prelude::*;
use zhengjiao::domain::PolicyYear;
use zhengjiao::domain::policy::BUILT_IN;
use zhengjiao::tui::keymap::Keymap;

const KEYMAP: &str = include_str!("../keymaps/default.toml");

/// Mutate a valid text: replace a byte range with arbitrary text.
fn mutate(base: &str, at: usize, cut: usize, insert: &str) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + cut).min(chars.len());
    chars.splice(at..end, insert.chars());
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn policy_loader_never_panics(text in ".{0,400}") {
        let _ = PolicyYear::from_toml(&text);
    }

    #[test]
    fn mutated_policy_files_load_or_explain(at in 0usize..6000, cut in 0usize..40, insert in ".{0,20}") {
        let text = mutate(BUILT_IN[1], at, cut, &insert);
        if let Err(e) = PolicyYear::from_toml(&text) {
            let msg = e.to_string();
            prop_assert!(msg.contains('/') && !msg.is_empty(), "{msg}");
        }
    }

    #[test]
    fn keymap_loader_never_panics(text in ".{0,400}") {
        let mut k = Keymap::builtin();
        let errors = k.apply_text("fuzz.toml", &text);
        for e in errors {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn mutated_keymaps_keep_the_defaults(at in 0usize..4000, cut in 0usize..30, insert in ".{0,20}") {
        let text = mutate(KEYMAP, at, cut, &insert);
        let mut k = Keymap::builtin();
        let _ = k.apply_text("keymap.toml", &text);
        // Quitting and help stay reachable whatever the file held.
        let any_quit = [zhengjiao::tui::keymap::Context::Global]
            .iter()
            .any(|c| !k.keys_for(*c, zhengjiao::tui::action::Action::Quit).is_empty());
        prop_assert!(any_quit || text.contains("none"));
    }
}
