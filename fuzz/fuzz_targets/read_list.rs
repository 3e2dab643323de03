#![no_main]
//! Any bytes as an imported list: read it all; never panic or hang.
use libfuzzer_sys::fuzz_target;
use zhengjiao::exchange::{Mapping, ReadOptions, open};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("list.xls");
    std::fs::write(&path, data).unwrap();
    if let Ok(mut t) = open(&path, &ReadOptions::default()) {
        if t.header(&Mapping::default()).is_ok() {
            for row in t.rows() {
                if row.is_err() {
                    break;
                }
            }
        }
    }
});
