//! Excel 97-2003 (BIFF) workbooks. calamine reads such a sheet whole; the
//! rows are then handed out one at a time.

use super::format::Format;
use super::table::{Opened, Source};
use super::workbook::{MAX_COLUMNS, guard, resolve_sheet};
use super::{Encoding, ReadError, ReadOptions, Row, biff, cell};
use calamine::{Data, Range, Reader, SheetVisible, Xls, XlsOptions};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

type Book = Xls<BufReader<File>>;

pub(crate) fn open(path: &Path, options: &ReadOptions) -> Result<Opened, ReadError> {
    guard(None, || biff::check(path))??;
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    // Old files written by Chinese systems sometimes lack their code page;
    // `--encoding gbk` supplies it.
    let mut xls_options = XlsOptions::default();
    xls_options.force_codepage = options.encoding.map(|e| match e {
        Encoding::Utf8 => 65001,
        Encoding::Gbk | Encoding::Gb18030 => 936,
        Encoding::Utf16Le => 1200,
        Encoding::Utf16Be => 1201,
    });
    let mut book: Book = guard(None, || {
        Xls::new_with_options(BufReader::new(file), xls_options)
    })?
    .map_err(|e| ReadError::corrupt(None, e))?;
    let sheets = book.sheet_names();
    let (sheet, range) = match &options.sheet {
        Some(wanted) => {
            let name = resolve_sheet(&sheets, wanted)?;
            let range = load(&mut book, &name)?;
            (Some(name), Some(range))
        }
        None => first_sheet_with_data(&mut book)?
            .map(|(n, r)| (Some(n), Some(r)))
            .unwrap_or((None, None)),
    };
    let source: Source = match range {
        Some(range) => Box::new(RangeRows { range, next: 0 }),
        None => Box::new(std::iter::empty()),
    };
    Ok(Opened {
        format: Format::Xls,
        encoding: None,
        sheet,
        sheets,
        source,
    })
}

fn load(book: &mut Book, name: &str) -> Result<Range<Data>, ReadError> {
    guard(None, || book.worksheet_range(name))?.map_err(|e| ReadError::corrupt(None, e))
}

fn has_data(range: &Range<Data>) -> bool {
    range
        .used_cells()
        .any(|(_, _, v)| !cell::from_data(v).is_empty())
}

/// The first sheet with a non-empty cell: visible sheets first, then hidden.
fn first_sheet_with_data(book: &mut Book) -> Result<Option<(String, Range<Data>)>, ReadError> {
    let mut order: Vec<(bool, String)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.visible != SheetVisible::Visible, s.name.clone()))
        .collect();
    order.sort_by_key(|(hidden, _)| *hidden);
    for (_, name) in order {
        let range = load(book, &name)?;
        if has_data(&range) {
            return Ok(Some((name, range)));
        }
    }
    Ok(None)
}

/// The rows of a loaded sheet, numbered as in Excel.
struct RangeRows {
    range: Range<Data>,
    next: usize,
}

impl Iterator for RangeRows {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (start_row, start_col) = self.range.start()?;
        let (height, width) = self.range.get_size();
        if start_col >= MAX_COLUMNS {
            return None;
        }
        while self.next < height {
            let i = self.next;
            self.next += 1;
            let mut cells = vec![String::new(); start_col as usize];
            cells.extend((0..width).map(|c| {
                self.range
                    .get((i, c))
                    .map(cell::from_data)
                    .unwrap_or_default()
            }));
            let row = Row::new(start_row as usize + i + 1, cells);
            if !row.is_empty() {
                return Some(Ok(row));
            }
        }
        None
    }
}
