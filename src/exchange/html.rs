//! HTML tables, as exported by systems that call them ".xls".
//!
//! The page is parsed with `scraper` (html5ever), which copes with the
//! missing end tags such exports have. Each `<table>` is a sheet named by its
//! position (`1`, `2`, …); a table's own rows exclude those of tables nested in
//! it. `colspan` and `rowspan` are honoured so that columns line up with the
//! header: a merged cell's text is in its first position, the others are empty.

use super::format::Format;
use super::table::Opened;
use super::text::check_is_text;
use super::{ReadError, ReadOptions, Row, cell, encoding};
use scraper::{ElementRef, Html, Selector};
use std::path::Path;

/// Largest span honoured; larger values are treated as this (no huge rows).
const MAX_SPAN: usize = 1000;

pub(crate) fn open(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Opened, ReadError> {
    let (text, enc) = encoding::decode(bytes, options.encoding, encoding::meta_charset(bytes))?;
    check_is_text(path, &text)?;
    let document = Html::parse_document(&text);
    let table_selector = Selector::parse("table").expect("valid selector");
    let tables: Vec<ElementRef> = document.select(&table_selector).collect();
    let names: Vec<String> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| match t.attr("id") {
            Some(id) if !id.trim().is_empty() => format!("{} ({})", i + 1, id.trim()),
            _ => (i + 1).to_string(),
        })
        .collect();

    let (index, rows) = match &options.sheet {
        Some(wanted) => {
            let wanted = wanted.trim();
            let i = tables
                .iter()
                .enumerate()
                .position(|(i, t)| {
                    (i + 1).to_string() == wanted
                        || t.attr("id").is_some_and(|id| id.trim() == wanted)
                        || names[i] == wanted
                })
                .ok_or_else(|| ReadError::SheetNotFound {
                    name: wanted.to_string(),
                    available: names.clone(),
                })?;
            (Some(i), table_rows(tables[i]))
        }
        None => tables
            .iter()
            .enumerate()
            .map(|(i, t)| (Some(i), table_rows(*t)))
            .find(|(_, rows)| !rows.is_empty())
            .unwrap_or((None, Vec::new())),
    };
    Ok(Opened {
        format: Format::Html,
        encoding: Some(enc),
        sheet: index.map(|i| names[i].clone()),
        sheets: names,
        source: Box::new(rows.into_iter().map(Ok)),
    })
}

/// The non-empty rows of one table, numbered as Excel numbers them when it
/// opens the page (the table's n-th `<tr>` is line n).
fn table_rows(table: ElementRef) -> Vec<Row> {
    let mut rows = Vec::new();
    // Per column: how many more rows a rowspan above still covers.
    let mut pending: Vec<usize> = Vec::new();
    let mut line = 0;
    for tr in own_rows(table) {
        line += 1;
        let mut cells: Vec<String> = Vec::new();
        let mut col = 0;
        for td in tr
            .child_elements()
            .filter(|e| matches!(e.value().name(), "td" | "th"))
        {
            skip_covered(&mut pending, &mut cells, &mut col);
            let span = |name: &str| {
                td.attr(name)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_SPAN)
            };
            let (colspan, rowspan) = (span("colspan"), span("rowspan"));
            cells.push(cell_text(td));
            cells.extend(std::iter::repeat_n(String::new(), colspan - 1));
            if pending.len() < col + colspan {
                pending.resize(col + colspan, 0);
            }
            for p in &mut pending[col..col + colspan] {
                *p = rowspan - 1;
            }
            col += colspan;
        }
        skip_covered(&mut pending, &mut cells, &mut col);
        let row = Row::new(line, cells);
        if !row.is_empty() {
            rows.push(row);
        }
    }
    rows
}

/// Leave empty the positions that a rowspan from above still covers.
fn skip_covered(pending: &mut [usize], cells: &mut Vec<String>, col: &mut usize) {
    while pending.get(*col).is_some_and(|&n| n > 0) {
        pending[*col] -= 1;
        cells.push(String::new());
        *col += 1;
    }
}

/// The `<tr>`s of a table, not those of tables nested in its cells.
fn own_rows(table: ElementRef) -> impl Iterator<Item = ElementRef> {
    let id = table.id();
    table
        .descendent_elements()
        .filter(|e| e.value().name() == "tr")
        .filter(move |tr| {
            tr.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")
                .is_some_and(|t| t.id() == id)
        })
}

/// The text of a cell: its text nodes with white space collapsed as a
/// browser shows it (a `<br>` counts as a space), then normalised.
fn cell_text(td: ElementRef) -> String {
    let mut raw = String::new();
    for node in td.descendants() {
        if let Some(text) = node.value().as_text() {
            raw.push_str(text);
        } else if node.value().as_element().is_some_and(|e| e.name() == "br") {
            raw.push(' ');
        }
    }
    let collapsed = raw
        .split(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    cell::normalize_text(&collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(html: &str) -> Vec<(usize, Vec<String>)> {
        let doc = Html::parse_document(html);
        let sel = Selector::parse("table").unwrap();
        let t = doc.select(&sel).next().unwrap();
        table_rows(t)
            .into_iter()
            .map(|r| (r.line, r.cells))
            .collect()
    }

    fn v(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn spans_line_up_columns() {
        let got = rows(
            "<table>\
             <tr><td colspan=3>山亭区名单</td></tr>\
             <tr><td></td></tr>\
             <tr><th>村</th><th>姓名</th><th>身份证号</th></tr>\
             <tr><td rowspan=2>城头村</td><td>张三</td><td>1</td></tr>\
             <tr><td>李四</td><td>2</td></tr>\
             </table>",
        );
        assert_eq!(
            got,
            vec![
                (1, v(&["山亭区名单"])),
                (3, v(&["村", "姓名", "身份证号"])),
                (4, v(&["城头村", "张三", "1"])),
                (5, v(&["", "李四", "2"])),
            ]
        );
    }

    #[test]
    fn sloppy_markup_and_nested_tables() {
        let got = rows(
            "<table><tr><td>姓 \n 名<td>备注<br>说明\
             <tr><td>张三<td><table><tr><td>inner</td></tr></table>",
        );
        assert_eq!(
            got,
            vec![(1, v(&["姓 名", "备注 说明"])), (2, v(&["张三", "inner"]))]
        );
    }

    #[test]
    fn absurd_spans_are_bounded() {
        let got = rows("<table><tr><td colspan=99999999 rowspan=99999999>x</td></tr></table>");
        assert_eq!(got, vec![(1, v(&["x"]))]);
    }
}
