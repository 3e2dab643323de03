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
    Box::new(
        reader
            .into_records()
            .map(|record| {
                let record = record.map_err(|e| {
                    let line = e.position().map(|p| p.line() as usize);
                    ReadError::corrupt(line, e)
                })?;
                let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
                Ok(Row::new(
                    line,
                    record.iter().map(cell::normalize_text).collect(),
                ))
            })
            .filter(|r| !matches!(r, Ok(row) if row.is_empty())),
    )
}
