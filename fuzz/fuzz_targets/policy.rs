#![no_main]
//! Any text as a policy file: load or explain; never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = zhengjiao::domain::PolicyYear::from_toml(text);
    }
});
