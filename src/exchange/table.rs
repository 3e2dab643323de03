//! An opened list: its rows, one at a time, and its header.

use super::format::{self, Format, Sniffed};
use super::header::{Header, Mapping};
use super::{Encoding, ReadError, html, text, xls, xlsx};
use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How many non-empty rows at the top of a table are searched for the header.
pub const HEADER_SCAN_ROWS: usize = 15;

/// What the caller says about a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The sheet to read (`--sheet`); by default the first sheet with data.
    /// For an HTML file, tables are named `1`, `2`, … (or by their `id`).
    pub sheet: Option<String>,
    /// The text encoding (`--encoding`) of CSV/TSV/HTML files, when guessing
    /// gets it wrong. A byte-order mark in the file still wins.
    pub encoding: Option<Encoding>,
}

/// One non-empty row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line the clerk sees: the spreadsheet row number, or the line of
    /// the file where a CSV record starts (1-based).
    pub line: usize,
    /// Cell texts, normalised (see [`super::cell`]), in column order from the
    /// sheet's first column; empty cells are `""`, trailing ones are dropped.
    pub cells: Vec<String>,
}

impl Row {
    /// Build a row, dropping trailing empty cells.
    pub fn new(line: usize, mut cells: Vec<String>) -> Row {
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        Row { line, cells }
    }

    /// The cell at a 0-based column, `""` past the end.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(String::as_str).unwrap_or("")
    }

    /// Whether every cell is empty.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

/// A stream of rows from one of the readers.
pub(crate) type Source = Box<dyn Iterator<Item = Result<Row, ReadError>> + Send>;

/// An opened list. Read the header with [`Table::header`], then the data rows
/// with [`Table::rows`] (or iterate the table itself).
pub struct Table {
    path: PathBuf,
    format: Format,
    encoding: Option<Encoding>,
    sheet: Option<String>,
    sheets: Vec<String>,
    /// Rows read ahead while looking for the header.
    ahead: VecDeque<Row>,
    source: Source,
    failed: bool,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("encoding", &self.encoding)
            .field("sheet", &self.sheet)
            .field("sheets", &self.sheets)
            .finish_non_exhaustive()
    }
}

/// What a reader hands to [`Table`].
pub(crate) struct Opened {
    pub format: Format,
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub source: Source,
}

/// Open a list for reading. See the [module documentation](super).
pub fn open(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table, ReadError> {
    let path = path.as_ref();
    let mut head = Vec::with_capacity(8192);
    File::open(path)
        .and_then(|f| f.take(8192).read_to_end(&mut head))
        .map_err(|e| ReadError::io(path, e))?;
    let opened = match format::sniff(&head) {
        Sniffed::Xlsx => xlsx::open(path, options)?,
        Sniffed::Xls => xls::open(path, options)?,
        Sniffed::Html => html::open(path, &read_all(path)?, options)?,
        Sniffed::Text => text::open(path, &read_all(path)?, options)?,
        Sniffed::SpreadsheetXml => {
            return Err(ReadError::Unsupported {
                what: "Excel 2003 XML 表格 / Excel 2003 XML spreadsheet".into(),
            });
        }
        Sniffed::OtherXml | Sniffed::Binary => {
            return Err(ReadError::UnknownFormat {
                path: path.to_path_buf(),
                head: head
                    .iter()
                    .take(8)
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
    };
    Ok(Table {
        path: path.to_path_buf(),
        format: opened.format,
        encoding: opened.encoding,
        sheet: opened.sheet,
        sheets: opened.sheets,
        ahead: VecDeque::new(),
        source: opened.source,
        failed: false,
    })
}

fn read_all(path: &Path) -> Result<Vec<u8>, ReadError> {
    std::fs::read(path).map_err(|e| ReadError::io(path, e))
}

impl Table {
    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the file turned out to be.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The text encoding used (CSV/TSV/HTML only).
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// The sheet (or HTML table) being read.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// All sheets (or HTML tables) of the file.
    pub fn sheets(&self) -> &[String] {
        &self.sheets
    }

    /// Find and recognise the header: among the first [`HEADER_SCAN_ROWS`]
    /// non-empty rows, the one naming the most different fields (the first
    /// such row on a tie). Rows above it (titles, notes) are skipped; the
    /// rows after it are what [`Table::rows`] yields. Call it once.
    pub fn header(&mut self, mapping: &Mapping) -> Result<Header, ReadError> {
        while self.ahead.len() < HEADER_SCAN_ROWS {
            match self.pull() {
                Some(Ok(row)) => self.ahead.push_back(row),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        if self.ahead.is_empty() {
            return Err(ReadError::Empty {
                sheets: self.sheets.clone(),
            });
        }
        let mut best: Option<(usize, usize)> = None;
        for (i, row) in self.ahead.iter().enumerate() {
            let score = Header::score(row, mapping);
            if score > 0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((i, score));
            }
        }
        let Some((at, _)) = best else {
            return Err(ReadError::NoHeader {
                scanned: self.ahead.len(),
                rows: describe_rows(self.ahead.iter().take(5)),
            });
        };
        self.ahead.drain(..at);
        let row = self.ahead.pop_front().expect("header row is buffered");
        Ok(Header::from_row(&row, mapping))
    }

    /// The rows not yet read (after [`Table::header`]: the data rows).
    /// After an error the stream ends.
    pub fn rows(&mut self) -> Rows<'_> {
        Rows { table: self }
    }

    fn pull(&mut self) -> Option<Result<Row, ReadError>> {
        if self.failed {
            return None;
        }
        let next = self.source.next();
        if matches!(next, Some(Err(_))) {
            self.failed = true;
        }
        next
    }
}

impl Iterator for Table {
    type Item = Result<Row, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.ahead.pop_front() {
            Some(row) => Some(Ok(row)),
            None => self.pull(),
        }
    }
}

/// The remaining rows of a [`Table`].
pub struct Rows<'t> {
    table: &'t mut Table,
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.table.next()
    }
}

/// "第1行：山亭区…；第3行：姓名 | 身份证号" for the no-header error.
fn describe_rows<'a>(rows: impl Iterator<Item = &'a Row>) -> String {
    rows.map(|r| {
        let mut cells: Vec<String> = r
            .cells
            .iter()
            .take(8)
            .map(|c| {
                if c.chars().count() > 20 {
                    format!("{}…", c.chars().take(20).collect::<String>())
                } else {
                    c.clone()
                }
            })
            .collect();
        if r.cells.len() > 8 {
            cells.push("…".into());
        }
        format!("第{}行 line {}: {}", r.line, r.line, cells.join(" | "))
    })
    .collect::<Vec<_>>()
    .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Imports may run on a worker thread while the TUI draws progress.
    #[test]
    fn a_table_can_move_to_another_thread() {
        fn send<T: Send>() {}
        send::<Table>();
        send::<Header>();
        send::<ReadError>();
    }

    #[test]
    fn rows_drop_trailing_empty_cells() {
        let r = Row::new(
            3,
            vec!["a".into(), "".into(), "b".into(), "".into(), "".into()],
        );
        assert_eq!(r.cells, ["a", "", "b"]);
        assert_eq!(r.cell(1), "");
        assert_eq!(r.cell(9), "");
        assert!(!r.is_empty());
        assert!(Row::new(1, vec!["".into()]).is_empty());
    }
}
