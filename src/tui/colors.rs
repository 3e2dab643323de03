//! How many colours the terminal has, from `TERM` and `COLORTERM`, and a
//! writer that keeps the escapes within them. crossterm writes even the 16
//! named colours as 256-colour escapes (`ESC[38;5;9m`); the Linux console,
//! a plain `xterm`/`screen` terminfo or PuTTY set to its defaults may not
//! understand them, and a vt100 has no colour at all. So unless the
//! terminal says it has more (`*-256color`, `COLORTERM`), the escapes are
//! rewritten to the basic SGR codes 30–37 / 90–97 (40–47 / 100–107 behind),
//! and on a monochrome terminal the theme uses no colour at all.

use std::io::{self, Write};

/// The colours a terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// none: modifiers (bold, underline, reverse) carry the meaning
    None,
    /// the 16 basic colours, by the basic SGR codes
    Basic,
    /// 256 colours or more: escapes pass unchanged
    Full,
}

/// Terminals known to have no colour (terminfo without `colors`).
const MONOCHROME: [&str; 8] = [
    "dumb",
    "vt52",
    "vt100",
    "vt102",
    "vt220",
    "vt320",
    "vt420",
    "ansi-mono",
];

impl Depth {
    /// From the values of `TERM` and `COLORTERM`.
    pub fn detect(term: Option<&str>, colorterm: Option<&str>) -> Depth {
        let term = term.unwrap_or("").trim().to_ascii_lowercase();
        let base = term.split('-').next().unwrap_or("");
        if MONOCHROME.contains(&term.as_str())
            || MONOCHROME.contains(&base) && !term.contains("color")
            || term.ends_with("-mono")
            || term.ends_with("-m")
        {
            return Depth::None;
        }
        if colorterm.is_some_and(|c| !c.trim().is_empty())
            || term.contains("256color")
            || term.contains("truecolor")
            || term.contains("direct")
        {
            return Depth::Full;
        }
        Depth::Basic
    }

    /// From this process's environment.
    pub fn from_env() -> Depth {
        let term = std::env::var("TERM").ok();
        let colorterm = std::env::var("COLORTERM").ok();
        Depth::detect(term.as_deref(), colorterm.as_deref())
    }
}

/// A writer that rewrites 256-colour escapes of the 16 basic colours to the
/// basic SGR codes. It holds a frame until `flush` (ratatui flushes once per
/// draw), so an escape split across writes is still seen whole.
pub struct BasicColors<W: Write> {
    inner: W,
    pending: Vec<u8>,
    rewrite: bool,
}

impl<W: Write> BasicColors<W> {
    pub fn new(inner: W, depth: Depth) -> Self {
        BasicColors {
            inner,
            pending: Vec::new(),
            rewrite: depth != Depth::Full,
        }
    }
}

impl<W: Write> Write for BasicColors<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.rewrite {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let out = rewrite(&self.pending);
            self.pending.clear();
            self.inner.write_all(&out)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for BasicColors<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Every `ESC [ … m` with `38;5;N` / `48;5;N` (N < 16) as basic codes; an
/// underline colour (`58;5;N`, `59`) is dropped, other parameters are kept.
pub fn rewrite(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b';') {
                end += 1;
            }
            if end < bytes.len() && bytes[end] == b'm' {
                let params = std::str::from_utf8(&bytes[start..end]).unwrap_or("");
                if let Some(basic) = basic_params(params) {
                    if !basic.is_empty() || params.is_empty() {
                        out.extend_from_slice(b"\x1b[");
                        out.extend_from_slice(basic.as_bytes());
                        out.push(b'm');
                    }
                    i = end + 1;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The parameters with 256-colour selections of the basic 16 replaced;
/// `None` when they hold a colour outside the 16 (left as they are).
fn basic_params(params: &str) -> Option<String> {
    let parts: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            p @ ("38" | "48" | "58") if parts.get(i + 1) == Some(&"5") => {
                let n: u8 = parts.get(i + 2)?.parse().ok()?;
                if n >= 16 {
                    return None;
                }
                let code = match (p, n) {
                    ("38", 0..=7) => 30 + u32::from(n),
                    ("38", _) => 90 + u32::from(n - 8),
                    ("48", 0..=7) => 40 + u32::from(n),
                    ("48", _) => 100 + u32::from(n - 8),
                    _ => {
                        i += 3;
                        continue;
                    }
                };
                out.push(code.to_string());
                i += 3;
            }
            "59" => i += 1,
            p => {
                out.push(p.to_string());
                i += 1;
            }
        }
    }
    // nothing left (only an underline colour): the escape is dropped
    Some(out.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminals_are_told_apart_by_term_and_colorterm() {
        assert_eq!(Depth::detect(Some("linux"), None), Depth::Basic);
        assert_eq!(Depth::detect(Some("xterm"), None), Depth::Basic);
        assert_eq!(Depth::detect(Some("screen"), None), Depth::Basic);
        assert_eq!(Depth::detect(Some("vt100"), None), Depth::None);
        assert_eq!(Depth::detect(Some("vt220"), None), Depth::None);
        assert_eq!(Depth::detect(Some("dumb"), None), Depth::None);
        assert_eq!(Depth::detect(Some("xterm-mono"), None), Depth::None);
        assert_eq!(Depth::detect(Some("xterm-256color"), None), Depth::Full);
        assert_eq!(Depth::detect(Some("xterm"), Some("truecolor")), Depth::Full);
        assert_eq!(Depth::detect(Some("linux"), Some("")), Depth::Basic);
        assert_eq!(Depth::detect(None, None), Depth::Basic);
    }

    #[test]
    fn the_16_colours_become_basic_codes() {
        assert_eq!(rewrite(b"\x1b[38;5;9;48;5;4mA"), b"\x1b[91;44mA");
        assert_eq!(rewrite(b"\x1b[38;5;8m"), b"\x1b[90m");
        assert_eq!(rewrite(b"\x1b[48;5;15m"), b"\x1b[107m");
        assert_eq!(
            rewrite(b"\x1b[39m\x1b[49m\x1b[0m"),
            b"\x1b[39m\x1b[49m\x1b[0m"
        );
        assert_eq!(rewrite(b"\x1b[59mA"), b"A");
        assert_eq!(rewrite(b"\x1b[m"), b"\x1b[m");
        // a colour beyond the 16 is left as written
        assert_eq!(rewrite(b"\x1b[38;5;200m"), b"\x1b[38;5;200m");
        // cursor moves and text pass through
        assert_eq!(rewrite("\x1b[3;4H山".as_bytes()), "\x1b[3;4H山".as_bytes());
    }

    #[test]
    fn a_frame_is_rewritten_whole_even_when_split_across_writes() {
        let mut w = BasicColors::new(Vec::new(), Depth::Basic);
        w.write_all(b"\x1b[38;").unwrap();
        w.write_all(b"5;2mok").unwrap();
        w.flush().unwrap();
        assert_eq!(w.inner, b"\x1b[32mok");
        let mut full = BasicColors::new(Vec::new(), Depth::Full);
        full.write_all(b"\x1b[38;5;2m").unwrap();
        full.flush().unwrap();
        assert_eq!(full.inner, b"\x1b[38;5;2m");
    }
}
