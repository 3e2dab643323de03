//! CSV, TSV and semicolon-separated text, in any of the known encodings.

use super::format::{self, Format};
use super::table::{Opened, Source};
use super::{ReadError, ReadOptions, Row, cell, encoding};
use std::io::Cursor;
use std::path::Path;

/// Decode the whole file, pick the delimiter and stream the records.
pub(crate) fn open(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Opened, ReadError> {
    let (text, enc) = encoding::decode(bytes, options.encoding, None)?;
    check_is_text(path, &text)?;
    let delimiter = format::sniff_delimiter(&text);
    Ok(Opened {
        format: Format::Delimited { delimiter },
        encoding: Some(enc),
        sheet: None,
        sheets: Vec::new(),
        source: records(text, delimiter),
    })
}

/// Text with NUL bytes or many other control characters is a binary file
/// that happened to decode, not a table.
pub(crate) fn check_is_text(path: &Path, text: &str) -> Result<(), ReadError> {
    let odd =
        |c: char| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\x0b' | '\x0c' | '\x1a');
    let controls = text.chars().filter(|&c| odd(c)).count();
    if text.contains('\0') || controls > 8 + text.len() / 200 {
        let offset = text.find(|c: char| c == '\0' || odd(c)).unwrap_or(0);
        return Err(ReadError::NotText {
            path: path.to_path_buf(),
            line: text[..offset].matches('\n').count() + 1,
        });
    }
    Ok(())
}

fn records(text: String, delimiter: u8) -> Source {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(text.into_bytes()));
    Box::new(Records {
        reader,
        record: csv::StringRecord::new(),
        counted: 0,
        line: 1,
        done: false,
    })
}

/// Records with the line each starts on. The csv crate's own line numbers
/// are wrong for CRLF files (it counts `\r\n` as two ends of line, and its
/// byte offset points before the line break), so lines are counted here from
/// the text: a record starts at the first byte after its offset that is not
/// `\r` or `\n` (no record starts with a line break; blank lines are not
/// records).
struct Records {
    reader: csv::Reader<Cursor<Vec<u8>>>,
    record: csv::StringRecord,
    /// Bytes of the text whose line breaks are counted in `line`.
    counted: usize,
    /// The line at byte `counted`.
    line: usize,
    done: bool,
}

impl Records {
    fn line_at(&mut self, offset: u64) -> usize {
        let text = self.reader.get_ref().get_ref();
        let mut at = (offset as usize).min(text.len());
        while at < text.len() && matches!(text[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > self.counted {
            // A line ends at `\n`, or at a `\r` not followed by `\n` (old Mac files).
            self.line += (self.counted..at)
                .filter(|&i| {
                    text[i] == b'\n' || (text[i] == b'\r' && text.get(i + 1) != Some(&b'\n'))
                })
                .count();
            self.counted = at;
        }
        self.line
    }
}

impl Iterator for Records {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let offset = self.record.position().map_or(0, |p| p.byte());
                    let line = self.line_at(offset);
                    let row =
                        Row::new(line, self.record.iter().map(cell::normalize_text).collect());
                    if !row.is_empty() {
                        return Some(Ok(row));
                    }
                }
                Err(e) => {
                    self.done = true;
                    let line = e.position().map(|p| p.byte()).map(|b| self.line_at(b));
                    return Some(Err(ReadError::corrupt(line, e)));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, Vec<String>)> {
        records(text.to_string(), b',')
            .map(|r| r.map(|r| (r.line, r.cells)).unwrap())
            .collect()
    }

    fn row(line: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (line, cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn line_numbers_for_every_line_ending() {
        let want = vec![row(1, &["a"]), row(3, &["b", "x"]), row(4, &["c"])];
        assert_eq!(lines("a\n\nb,x\nc\n"), want);
        assert_eq!(lines("a\r\n\r\nb,x\r\nc"), want);
        assert_eq!(lines("a\r\rb,x\rc\r"), want);
        assert_eq!(
            lines("a\r\n\"1\r\n2\",x\r\n ,\r\nc\r\n"),
            vec![row(1, &["a"]), row(2, &["1\r\n2", "x"]), row(5, &["c"])]
        );
    }
}
