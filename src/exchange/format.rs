//! What a file really is, judged by its bytes and never by its name: offices
//! send HTML pages and CSV text named `.xls`.

use super::encoding;

/// The kind of file behind a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML workbook (a zip file).
    Xlsx,
    /// Excel 97-2003 binary workbook (an OLE compound file).
    Xls,
    /// An HTML page with a table (what many systems export as ".xls").
    Html,
    /// Delimited text: CSV, TSV or semicolon-separated.
    Delimited { delimiter: u8 },
}

impl Format {
    /// A short name for messages: "xlsx", "xls", "HTML", "CSV", "TSV".
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Html => "HTML",
            Format::Delimited { delimiter: b'\t' } => "TSV",
            Format::Delimited { delimiter: b';' } => "CSV(;)",
            Format::Delimited { .. } => "CSV",
        }
    }
}

/// The first judgement, from the head of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Xlsx,
    Xls,
    Html,
    /// Excel 2003 XML ("SpreadsheetML"), not read.
    SpreadsheetXml,
    /// Other XML, not a table.
    OtherXml,
    Text,
    /// Binary data that is none of the above.
    Binary,
}

const ZIP: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Judge a file by its first bytes (a few KiB are enough).
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(ZIP) || head.starts_with(EMPTY_ZIP) {
        return Sniffed::Xlsx;
    }
    if head.starts_with(CFB) {
        return Sniffed::Xls;
    }
    // Look at the text as ASCII; UTF-16 is narrowed to its low bytes first.
    let (enc, skip) = match encoding::bom(head) {
        Some((e, n)) => (Some(e), n),
        None => (encoding::sniff_utf16(head), 0),
    };
    let body = &head[skip..];
    let ascii: Vec<u8> = match enc {
        Some(encoding::Encoding::Utf16Le) => body
            .chunks(2)
            .map(|p| {
                if p.len() == 2 && p[1] == 0 {
                    p[0]
                } else {
                    b'?'
                }
            })
            .collect(),
        Some(encoding::Encoding::Utf16Be) => body
            .chunks(2)
            .map(|p| {
                if p.len() == 2 && p[0] == 0 {
                    p[1]
                } else {
                    b'?'
                }
            })
            .collect(),
        _ => body.to_vec(),
    };
    if ascii.contains(&0) {
        return Sniffed::Binary;
    }
    let start = ascii
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(ascii.len());
    let text = ascii[start..].to_ascii_lowercase();
    if text.first() == Some(&b'<') {
        let has = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
        if has(b"urn:schemas-microsoft-com:office:spreadsheet") && has(b"<workbook") {
            return Sniffed::SpreadsheetXml;
        }
        if has(b"<table") || has(b"<html") || has(b"<!doctype html") || has(b"<tr") {
            return Sniffed::Html;
        }
        if text.starts_with(b"<?xml") {
            return Sniffed::OtherXml;
        }
    }
    Sniffed::Text
}

/// Pick the delimiter of a text table from its first lines: the one among tab,
/// comma and semicolon that splits the most lines into the same number of
/// fields (quoted text is skipped). The full-width comma `，` is text, never a
/// delimiter. A file with none of them is one column, read as CSV.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for delimiter in [b'\t', b',', b';'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delimiter))
            .collect();
        // The most frequent non-zero count and how many lines have it.
        let mut mode = (0usize, 0usize);
        for &c in counts.iter().filter(|&&c| c > 0) {
            let n = counts.iter().filter(|&&x| x == c).count();
            if n > mode.1 || (n == mode.1 && c > mode.0) {
                mode = (c, n);
            }
        }
        if mode.1 > best.1 || (mode.1 == best.1 && mode.1 > 0 && mode.0 > best.2) {
            best = (delimiter, mode.1, mode.0);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Xlsx);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Sniffed::Xls
        );
        assert_eq!(sniff(b"\x00\x01\x02garbage"), Sniffed::Binary);
        assert_eq!(sniff(b""), Sniffed::Text);
    }

    #[test]
    fn html_behind_bom_and_space() {
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\r\n  <HTML><body><table>"),
            Sniffed::Html
        );
        assert_eq!(
            sniff(b"<table border=1><tr><td>1</td></tr></table>"),
            Sniffed::Html
        );
        assert_eq!(sniff(b"<!DOCTYPE html>"), Sniffed::Html);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<html><table>".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(sniff(&utf16), Sniffed::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            Sniffed::SpreadsheetXml
        );
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><foo/>"), Sniffed::OtherXml);
        assert_eq!(sniff("姓名,身份证号".as_bytes()), Sniffed::Text);
        assert_eq!(sniff(b"a<b,c"), Sniffed::Text);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(sniff_delimiter("姓名，身份证号\n张三，1\n"), b',');
        assert_eq!(sniff_delimiter("\"a,b\"\tc\n\"d,e\"\tf\n"), b'\t');
        // A title line without delimiters does not count against them.
        assert_eq!(
            sniff_delimiter("山亭区名单\n\n姓名\t身份证号\t村\n张三\t1\t城头村\n"),
            b'\t'
        );
        assert_eq!(sniff_delimiter("only\none\ncolumn\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }
}
