#![no_main]
//! Any text as a user's keymap file: bindings or errors; never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut k = zhengjiao::tui::keymap::Keymap::builtin();
        let _ = k.apply_text("fuzz.toml", text);
    }
});
