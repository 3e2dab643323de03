//! Helpers shared by the integration tests. Each test file uses a part of
//! them, so unused ones are expected.
#![allow(dead_code)]

pub mod tmux;

use std::path::{Path, PathBuf};

/// `s` in GBK, as offices' lists often come; the text must be encodable.
pub fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Write `bytes` to `dir/name` and return its path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
