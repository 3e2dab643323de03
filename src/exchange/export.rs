//! Writing lists: outstanding lists for village agents, publicity lists,
//! bulletins and rosters, as XLSX or CSV. This module only writes what it is
//! given, row by row; the rows come from the store.
//!
//! - **XLSX** (rust_xlsxwriter, constant-memory mode: each row goes to disk
//!   as it is written, so a district-wide list never sits in memory). One
//!   worksheet per [`Sheet`], with an optional title and subtitle above the
//!   header row, notes below the rows, column widths for Chinese text, A4
//!   paper, the header row repeated on every printed page and page numbers
//!   in the footer. ID numbers are written as text (`@`), so Excel never
//!   turns them into `3.70406E+17`.
//! - **CSV**: one table, UTF-8 with a byte-order mark (Excel then reads
//!   it as UTF-8) or GBK (`--encoding gbk`; a character GBK lacks is written
//!   in GB18030 and reported). Titles and notes are left out; the columns
//!   marked [`Column::context`] (town, village), which an XLSX sheet carries
//!   in its title, are written. A full ID number is written `="…"`, the form
//!   Excel opens as text (the import reads it back as the number).

use super::Encoding;
use crate::domain::rate;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    ExcelDateTime, Format as XlsxFormat, FormatAlign, FormatBorder, Workbook, XlsxError,
};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An ID number (full or masked): always text.
    Id(String),
    Int(i64),
    /// Money in fen, shown in yuan with two decimals.
    Fen(i64),
    Date(NaiveDate),
    /// A rate (0.953 for 95.3%).
    Rate(Decimal),
    /// A change of a rate in percentage points' worth (0.012 for +1.2%).
    Change(Decimal),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A text that may be missing.
    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map(|s| Cell::Text(s.into())).unwrap_or(Cell::Empty)
    }

    fn csv_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Id(s) if s.len() >= 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
                format!("=\"{s}\"")
            }
            Cell::Id(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Fen(f) => format!("{:.2}", Decimal::new(*f, 2)),
            Cell::Date(d) => d.to_string(),
            Cell::Rate(r) => rate::percent_text(*r),
            Cell::Change(r) if *r >= Decimal::ZERO => format!("+{}", rate::percent_text(*r)),
            Cell::Change(r) => rate::percent_text(*r),
            Cell::Empty => String::new(),
        }
    }
}

/// A column of an exported list.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Width in Excel's units (about one digit; a Chinese character takes two).
    pub width: f64,
    /// Written in CSV only: in XLSX the sheet's title names it (town, village).
    pub context: bool,
}

impl Column {
    pub fn new(title: impl Into<String>, width: f64) -> Column {
        Column {
            title: title.into(),
            width,
            context: false,
        }
    }

    pub fn context(title: impl Into<String>, width: f64) -> Column {
        Column {
            title: title.into(),
            width,
            context: true,
        }
    }
}

/// One worksheet (in CSV: one stretch of the one table).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The sheet's tab name (shortened and made unique as Excel requires).
    pub name: String,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub columns: Vec<Column>,
    pub landscape: bool,
}

/// Why a list could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("无法写入文件 {path}（{source}） / cannot write {path} ({source})")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("写 Excel 文件出错 / cannot write the Excel file: {0}")]
    Xlsx(#[from] XlsxError),
    #[error(
        "输出文件应以 .xlsx 或 .csv 结尾：{0} / the output file must end in .xlsx or .csv: {0}"
    )]
    Extension(PathBuf),
    #[error("CSV 只能写成 UTF-8 或 GBK，不能写成 {0} / CSV is written in UTF-8 or GBK, not {0}")]
    Encoding(Encoding),
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    pub sheets: usize,
    pub rows: usize,
    /// Things the clerk should know (characters GBK lacks…).
    pub warnings: Vec<String>,
}

/// An output file being written: XLSX or CSV by the file's extension.
pub struct ListWriter {
    path: PathBuf,
    out: Out,
    written: Written,
    columns: Vec<Column>,
}

enum Out {
    Xlsx(Box<XlsxOut>),
    Csv(CsvOut),
}

impl ListWriter {
    /// Start a list at `path` (`.xlsx` or `.csv`). `encoding` is for CSV:
    /// UTF-8 (the default, with BOM) or GBK.
    pub fn create(path: &Path, encoding: Option<Encoding>) -> Result<ListWriter, WriteError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let out = match ext.as_deref() {
            Some("xlsx") => {
                // Opened now (with the user's own ids), written at `finish`.
                let file =
                    crate::os::files::create_output(path).map_err(|source| WriteError::Io {
                        path: path.to_path_buf(),
                        source,
                    })?;
                Out::Xlsx(Box::new(XlsxOut::new(file)))
            }
            Some("csv") => {
                let gbk = match encoding {
                    None | Some(Encoding::Utf8) => false,
                    Some(Encoding::Gbk | Encoding::Gb18030) => true,
                    Some(other) => return Err(WriteError::Encoding(other)),
                };
                Out::Csv(CsvOut::create(path, gbk)?)
            }
            _ => return Err(WriteError::Extension(path.to_path_buf())),
        };
        Ok(ListWriter {
            path: path.to_path_buf(),
            out,
            written: Written::default(),
            columns: Vec::new(),
        })
    }

    pub fn is_csv(&self) -> bool {
        matches!(self.out, Out::Csv(_))
    }

    /// Begin a sheet; its rows follow.
    pub fn sheet(&mut self, sheet: &Sheet) -> Result<(), WriteError> {
        self.written.sheets += 1;
        self.columns = sheet.columns.clone();
        match &mut self.out {
            Out::Xlsx(x) => x.sheet(sheet),
            Out::Csv(c) => c.header(&self.path, &sheet.columns),
        }
    }

    /// One row, a cell per column of the sheet.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), WriteError> {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.written.rows += 1;
        match &mut self.out {
            Out::Xlsx(x) => x.row(&self.columns, cells),
            Out::Csv(c) => c.row(&self.path, cells),
        }
    }

    /// Lines below the rows of the current sheet (XLSX only).
    pub fn notes(&mut self, lines: &[String]) -> Result<(), WriteError> {
        let shown = self.columns.iter().filter(|c| !c.context).count();
        match &mut self.out {
            Out::Xlsx(x) => x.notes(lines, shown),
            Out::Csv(_) => Ok(()),
        }
    }

    /// Close the file.
    pub fn finish(mut self) -> Result<Written, WriteError> {
        match self.out {
            Out::Xlsx(mut x) => {
                if self.written.sheets == 0 {
                    x.sheet(&Sheet {
                        name: "Sheet1".into(),
                        ..Sheet::default()
                    })?;
                }
                x.book.save_to_writer(x.file)?
            }
            Out::Csv(c) => {
                let warnings = c.finish(&self.path)?;
                self.written.warnings.extend(warnings);
            }
        }
        Ok(self.written)
    }
}

// ------------------------------------------------------------------ XLSX

struct Formats {
    title: XlsxFormat,
    subtitle: XlsxFormat,
    header: XlsxFormat,
    text: XlsxFormat,
    id: XlsxFormat,
    int: XlsxFormat,
    money: XlsxFormat,
    date: XlsxFormat,
    rate: XlsxFormat,
    change: XlsxFormat,
    note: XlsxFormat,
}

impl Formats {
    fn new() -> Formats {
        let cell = XlsxFormat::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: XlsxFormat::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: XlsxFormat::new().set_align(FormatAlign::Left),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            text: cell.clone(),
            id: cell.clone().set_num_format("@"),
            int: cell.clone().set_align(FormatAlign::Right),
            money: cell.clone().set_num_format("0.00"),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            rate: cell.clone().set_num_format("0.0%"),
            change: cell.set_num_format("+0.0%;-0.0%;0.0%"),
            note: XlsxFormat::new(),
        }
    }
}

struct XlsxOut {
    book: Workbook,
    formats: Formats,
    /// The sheet being written and its next row.
    current: Option<usize>,
    next_row: u32,
    names: Vec<String>,
    /// Where `finish` writes the workbook.
    file: std::fs::File,
}

impl XlsxOut {
    fn new(file: std::fs::File) -> XlsxOut {
        XlsxOut {
            file,
            book: Workbook::new(),
            formats: Formats::new(),
            current: None,
            next_row: 0,
            names: Vec::new(),
        }
    }

    /// A name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
    fn sheet_name(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect::<String>()
            .trim_matches('\'')
            .to_string();
        let base: String = clean.chars().take(31).collect();
        let base = if base.is_empty() {
            format!("Sheet{}", self.names.len() + 1)
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.names.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
            let suffix = format!("({n})");
            let keep = 31 - suffix.chars().count();
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            n += 1;
        }
        self.names.push(name.clone());
        name
    }

    fn sheet(&mut self, sheet: &Sheet) -> Result<(), WriteError> {
        let name = self.sheet_name(&sheet.name);
        let columns: Vec<&Column> = sheet.columns.iter().filter(|c| !c.context).collect();
        let last_col = columns.len().saturating_sub(1) as u16;
        let f = &self.formats;
        let ws = self.book.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (i, c) in columns.iter().enumerate() {
            ws.set_column_width(i as u16, c.width)?;
        }
        let mut row = 0u32;
        if let Some(title) = &sheet.title {
            ws.set_row_height(row, 30)?;
            if last_col > 0 {
                ws.merge_range(row, 0, row, last_col, title, &f.title)?;
            } else {
                ws.write_string_with_format(row, 0, title, &f.title)?;
            }
            row += 1;
        }
        if let Some(sub) = &sheet.subtitle {
            if last_col > 0 {
                ws.merge_range(row, 0, row, last_col, sub, &f.subtitle)?;
            } else {
                ws.write_string_with_format(row, 0, sub, &f.subtitle)?;
            }
            row += 1;
        }
        if !columns.is_empty() {
            for (i, c) in columns.iter().enumerate() {
                ws.write_string_with_format(row, i as u16, &c.title, &f.header)?;
            }
            ws.set_repeat_rows(row, row)?;
            ws.set_freeze_panes(row + 1, 0)?;
            row += 1;
        }
        ws.set_paper_size(9);
        if sheet.landscape {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_footer("&C第 &P 页，共 &N 页");
        self.current = Some(self.names.len() - 1);
        self.next_row = row;
        Ok(())
    }

    fn row(&mut self, columns: &[Column], cells: &[Cell]) -> Result<(), WriteError> {
        let index = self.current.expect("a sheet is begun before its rows");
        let f = &self.formats;
        let ws = self.book.worksheet_from_index(index)?;
        let row = self.next_row;
        let visible = columns.iter().zip(cells).filter(|(c, _)| !c.context);
        for (col, (_, cell)) in visible.enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(row, col, s, &f.text)?,
                Cell::Id(s) => ws.write_string_with_format(row, col, s, &f.id)?,
                Cell::Int(i) => ws.write_number_with_format(row, col, *i as f64, &f.int)?,
                Cell::Fen(fen) => ws.write_number_with_format(
                    row,
                    col,
                    Decimal::new(*fen, 2).to_f64().unwrap_or(0.0),
                    &f.money,
                )?,
                Cell::Date(d) => {
                    let when =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(row, col, when, &f.date)?
                }
                Cell::Rate(r) => {
                    ws.write_number_with_format(row, col, r.to_f64().unwrap_or(0.0), &f.rate)?
                }
                Cell::Change(r) => {
                    ws.write_number_with_format(row, col, r.to_f64().unwrap_or(0.0), &f.change)?
                }
                Cell::Empty => ws.write_blank(row, col, &f.text)?,
            };
        }
        self.next_row += 1;
        Ok(())
    }

    fn notes(&mut self, lines: &[String], columns: usize) -> Result<(), WriteError> {
        let Some(index) = self.current else {
            return Ok(());
        };
        let f = &self.formats;
        let ws = self.book.worksheet_from_index(index)?;
        let last = columns.saturating_sub(1) as u16;
        self.next_row += 1;
        for line in lines {
            if last > 0 {
                ws.merge_range(self.next_row, 0, self.next_row, last, line, &f.note)?;
            } else {
                ws.write_string_with_format(self.next_row, 0, line, &f.note)?;
            }
            self.next_row += 1;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------- CSV

struct CsvOut {
    file: std::io::BufWriter<std::fs::File>,
    gbk: bool,
    header_written: bool,
    line: usize,
    /// Lines holding characters GBK lacks.
    outside_gbk: Vec<usize>,
}

impl CsvOut {
    fn create(path: &Path, gbk: bool) -> Result<CsvOut, WriteError> {
        let io = |source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::io::BufWriter::new(crate::os::files::create_output(path).map_err(io)?);
        if !gbk {
            file.write_all(b"\xEF\xBB\xBF").map_err(io)?;
        }
        Ok(CsvOut {
            file,
            gbk,
            header_written: false,
            line: 0,
            outside_gbk: Vec::new(),
        })
    }

    /// The header once: the sheets of a CSV file are one table.
    fn header(&mut self, path: &Path, columns: &[Column]) -> Result<(), WriteError> {
        if self.header_written {
            return Ok(());
        }
        self.header_written = true;
        let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
        self.record(path, &titles)
    }

    fn row(&mut self, path: &Path, cells: &[Cell]) -> Result<(), WriteError> {
        let texts: Vec<String> = cells.iter().map(Cell::csv_text).collect();
        self.record(path, &texts)
    }

    fn record(&mut self, path: &Path, fields: &[String]) -> Result<(), WriteError> {
        let io = |source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::with_capacity(256));
        w.write_record(fields)
            .map_err(|e| io(std::io::Error::other(e)))?;
        let bytes = w
            .into_inner()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        self.line += 1;
        if self.gbk {
            let text = String::from_utf8(bytes).expect("csv writes what it is given");
            let (encoded, _, unmappable) = encoding_rs::GBK.encode(&text);
            if unmappable {
                self.outside_gbk.push(self.line);
                let (encoded, _, _) = encoding_rs::GB18030.encode(&text);
                self.file.write_all(&encoded).map_err(io)?;
            } else {
                self.file.write_all(&encoded).map_err(io)?;
            }
        } else {
            self.file.write_all(&bytes).map_err(io)?;
        }
        Ok(())
    }

    fn finish(mut self, path: &Path) -> Result<Vec<String>, WriteError> {
        self.file.flush().map_err(|source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if self.outside_gbk.is_empty() {
            return Ok(Vec::new());
        }
        let lines: Vec<String> = self
            .outside_gbk
            .iter()
            .take(20)
            .map(|l| l.to_string())
            .collect();
        Ok(vec![format!(
            "第{}行含有 GBK 没有的字符，已按 GB18030 写出，旧版软件可能显示为乱码 / lines {} hold characters GBK lacks; they were written in GB18030",
            lines.join("、"),
            lines.join(", ")
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells() {
        assert_eq!(
            Cell::Id("370406199001011233".into()).csv_text(),
            "=\"370406199001011233\""
        );
        assert_eq!(
            Cell::Id("370406********1233".into()).csv_text(),
            "370406********1233"
        );
        assert_eq!(Cell::Fen(40000).csv_text(), "400.00");
        assert_eq!(Cell::Rate(Decimal::new(9534, 4)).csv_text(), "95.3%");
        assert_eq!(Cell::Rate(Decimal::new(8889, 4)).csv_text(), "88.9%");
        assert_eq!(Cell::Change(Decimal::new(-12, 3)).csv_text(), "-1.2%");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut x = XlsxOut::new(std::fs::File::create(dir.path().join("x.xlsx")).unwrap());
        assert_eq!(x.sheet_name("东庄村委会"), "东庄村委会");
        assert_eq!(x.sheet_name("东庄村委会"), "东庄村委会(2)");
        assert_eq!(x.sheet_name("a/b"), "a_b");
        let long = "一".repeat(40);
        assert_eq!(x.sheet_name(&long).chars().count(), 31);
    }
}
