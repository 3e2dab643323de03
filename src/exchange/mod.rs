//! Reading lists from other offices: tax rosters and payment lists, police
//! death lists, civil-affairs / disability / health special-group lists.
//!
//! Such a list arrives as xlsx, xls, an HTML page or CSV text named ".xls",
//! CSV/TSV in UTF-8, UTF-16 or GBK, often with a title row and blank rows above
//! its header. This module turns any of them into clean rows with recognised
//! columns; what the rows mean is up to the importer.
//!
//! ```no_run
//! use zhengjiao::exchange::{self, Field, Mapping, ReadOptions};
//!
//! # fn main() -> Result<(), exchange::ReadError> {
//! let options = ReadOptions::default(); // or: sheet: Some("名单".into()), encoding: Some("gbk".parse()?)
//! let mapping = Mapping::parse("个人身份证=id-number")?; // from --map; Mapping::new() for none
//! let mut table = exchange::open("低保名单.xls", &options)?;
//! let header = table.header(&mapping)?;
//! header.require(&[Field::Name, Field::IdNumber])?;
//! for row in table.rows() {
//!     let row = row?;
//!     let id = header.get(&row, Field::IdNumber); // Option<&str>
//!     let since = header.date(&row, Field::StartDate)?; // Option<NaiveDate>
//!     println!("line {}: {:?} {:?}", row.line, id, since);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - **Format** is judged by content ([`Format`]): zip → xlsx, OLE → xls,
//!   `<html`/`<table` → HTML, else delimited text (tab, comma or semicolon,
//!   sniffed; the full-width `，` is text). Excel 2003 XML and
//!   password-protected workbooks are refused clearly.
//! - **Encoding** of text: byte-order mark → `ReadOptions::encoding` → HTML
//!   `<meta charset>` → UTF-16 by its zero bytes → strict UTF-8 → GB18030 (GBK).
//!   Undecodable bytes and files mixing UTF-8 with GBK are errors naming the
//!   line; nothing is silently replaced. For xls, `encoding` sets the code page.
//! - **Sheet**: `ReadOptions::sheet` by name (or 1-based position); otherwise
//!   the first sheet with data. HTML tables are named `1`, `2`, ….
//! - **Rows** ([`Row`]) come one at a time, xlsx streamed cell by cell. Each has
//!   the line the clerk sees in Excel or a text editor and its trimmed, normalised
//!   cells ([`cell`]): whole numbers without `.0`, an 18-digit ID stored as a
//!   number as Excel shows it (`3.70406E+17`, which the ID check reports as
//!   rounded), Excel dates as `YYYY-MM-DD`, full-width digits and spaces
//!   folded, a leading `'` dropped. Wholly empty rows are skipped.
//! - **Header** ([`Header`]): the row among the first [`HEADER_SCAN_ROWS`] that
//!   names the most [`Field`]s, by the built-in titles ([`Field::synonyms`]) or
//!   the clerk's `--map` ([`Mapping`]), which wins. Unknown columns are kept
//!   and listed by [`Header::unknown`]; [`Header::is_repeat`] spots a header
//!   repeated on a later page.
//! - **Errors** ([`ReadError`]) read "中文 / English" and name the line where
//!   there is one. No input makes the reader panic.

mod biff;
pub mod cell;
mod encoding;
mod error;
pub mod export;
pub mod format;
mod header;
mod html;
mod table;
mod text;
mod workbook;
mod xls;
mod xlsx;

pub use cell::parse_date_cell;
pub use encoding::Encoding;
pub use error::ReadError;
pub use format::Format;
pub use header::{Column, Field, Header, Mapping, normalize_header};
pub use table::{HEADER_SCAN_ROWS, ReadOptions, Row, Rows, Table, open};
