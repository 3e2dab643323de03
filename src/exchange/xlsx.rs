//! xlsx workbooks, streamed cell by cell with calamine's cell reader, so a
//! sheet of a hundred thousand rows is never held in memory at once.

use super::format::Format;
use super::table::{Opened, Source};
use super::workbook::{guard, place, resolve_sheet};
use super::{ReadError, ReadOptions, Row, cell};
use calamine::{Reader, SheetVisible, Xlsx, XlsxCellReader, XlsxError};
use self_cell::{MutBorrow, self_cell};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

type Book = Xlsx<BufReader<File>>;
type CellReader<'a> = XlsxCellReader<'a, BufReader<File>>;

self_cell!(
    /// A workbook together with the cell reader that borrows it.
    struct SheetCells {
        owner: MutBorrow<Book>,
        #[not_covariant]
        dependent: CellReader,
    }
);

fn corrupt(line: Option<usize>, e: XlsxError) -> ReadError {
    ReadError::corrupt(line, e)
}

pub(crate) fn open(path: &Path, options: &ReadOptions) -> Result<Opened, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let mut book: Book =
        guard(None, || Xlsx::new(BufReader::new(file)))?.map_err(|e| corrupt(None, e))?;
    let sheets = book.sheet_names();
    let chosen = match &options.sheet {
        Some(wanted) => Some(resolve_sheet(&sheets, wanted)?),
        None => first_sheet_with_data(&mut book)?,
    };
    let source: Source = match &chosen {
        Some(name) => {
            let cells = guard(None, || {
                SheetCells::try_new(MutBorrow::new(book), |b| {
                    b.borrow_mut().worksheet_cells_reader(name)
                })
            })?
            .map_err(|e| corrupt(None, e))?;
            Box::new(XlsxRows {
                cells,
                pending: None,
                last_line: 0,
                done: false,
            })
        }
        None => Box::new(std::iter::empty()),
    };
    Ok(Opened {
        format: Format::Xlsx,
        encoding: None,
        sheet: chosen,
        sheets,
        source,
    })
}

/// The first sheet with a non-empty cell: visible sheets first, then hidden.
fn first_sheet_with_data(book: &mut Book) -> Result<Option<String>, ReadError> {
    let mut order: Vec<(bool, String)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.visible != SheetVisible::Visible, s.name.clone()))
        .collect();
    order.sort_by_key(|(hidden, _)| *hidden);
    for (_, name) in order {
        let has_data = guard(None, || -> Result<bool, XlsxError> {
            let mut reader = book.worksheet_cells_reader(&name)?;
            while let Some(c) = reader.next_cell()? {
                if !cell::from_data_ref(c.get_value()).is_empty() {
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        match has_data {
            Ok(true) => return Ok(Some(name)),
            Ok(false) => {}
            // Chart sheets and the like are not worksheets: skip them.
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(corrupt(None, e)),
        }
    }
    Ok(None)
}

/// Cells grouped into rows as they stream by.
struct XlsxRows {
    cells: SheetCells,
    /// The first cell of the next row, read while finishing the last one.
    pending: Option<(u32, u32, String)>,
    /// Line of the last cell read, for error messages.
    last_line: usize,
    done: bool,
}

impl XlsxRows {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, String)>, ReadError> {
        let line = self.last_line + 1;
        let next = guard(Some(line), || {
            self.cells.with_dependent_mut(|_, reader| {
                reader.next_cell().map(|c| {
                    c.map(|c| {
                        let (row, col) = c.get_position();
                        (row, col, cell::from_data_ref(c.get_value()))
                    })
                })
            })
        })?
        .map_err(|e| corrupt(Some(line), e))?;
        if let Some((row, _, _)) = &next {
            self.last_line = *row as usize + 1;
        }
        Ok(next)
    }

    /// The next row with any cell, or `None` at the end of the sheet.
    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        loop {
            let mut row_index = None;
            let mut cells = Vec::new();
            if let Some((r, c, v)) = self.pending.take() {
                row_index = Some(r);
                place(&mut cells, c, v, r as usize + 1)?;
            }
            while !self.done {
                match self.next_cell()? {
                    None => self.done = true,
                    Some((r, c, v)) => match row_index {
                        Some(current) if current != r => {
                            self.pending = Some((r, c, v));
                            break;
                        }
                        _ => {
                            row_index = Some(r);
                            place(&mut cells, c, v, r as usize + 1)?;
                        }
                    },
                }
            }
            match row_index {
                None => return Ok(None),
                Some(r) => {
                    let row = Row::new(r as usize + 1, cells);
                    if !row.is_empty() {
                        return Ok(Some(row));
                    }
                }
            }
        }
    }
}

impl Iterator for XlsxRows {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_row() {
            Ok(row) => row.map(Ok),
            Err(e) => {
                self.done = true;
                self.pending = None;
                Some(Err(e))
            }
        }
    }
}
