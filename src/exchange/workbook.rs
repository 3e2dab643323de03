//! What the xlsx and xls readers share: choosing a sheet and containing the
//! parser's failures.

use super::ReadError;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Widest sheet Excel allows (XFD); a cell further right means a broken file.
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// Run a call into the workbook parser; a panic on malformed input becomes a
/// "corrupt file" error instead of ending the program.
pub(crate) fn guard<T>(line: Option<usize>, f: impl FnOnce() -> T) -> Result<T, ReadError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        ReadError::corrupt(
            line,
            "解析器无法处理此文件 / the parser could not handle this file",
        )
    })
}

/// The sheet the caller named: exactly, then ignoring case and surrounding
/// spaces, then as a 1-based position ("2" for the second sheet).
pub(crate) fn resolve_sheet(names: &[String], wanted: &str) -> Result<String, ReadError> {
    let trimmed = wanted.trim();
    names
        .iter()
        .find(|n| *n == wanted)
        .or_else(|| {
            names
                .iter()
                .find(|n| n.trim().to_lowercase() == trimmed.to_lowercase())
        })
        .or_else(|| {
            trimmed
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| names.get(i))
        })
        .cloned()
        .ok_or_else(|| ReadError::SheetNotFound {
            name: wanted.to_string(),
            available: names.to_vec(),
        })
}

/// Put a cell's text at its column, growing the row as needed.
pub(crate) fn place(
    cells: &mut Vec<String>,
    col: u32,
    value: String,
    line: usize,
) -> Result<(), ReadError> {
    if col >= MAX_COLUMNS {
        return Err(ReadError::corrupt(
            Some(line),
            format!(
                "第{}列超出 Excel 的范围 / column {} is beyond Excel's limit",
                col + 1,
                col + 1
            ),
        ));
    }
    if value.is_empty() {
        return Ok(());
    }
    let col = col as usize;
    if cells.len() <= col {
        cells.resize(col + 1, String::new());
    }
    cells[col] = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_by_name_or_position() {
        let names = vec!["说明".to_string(), "Sheet1".to_string()];
        assert_eq!(resolve_sheet(&names, "Sheet1").unwrap(), "Sheet1");
        assert_eq!(resolve_sheet(&names, " sheet1 ").unwrap(), "Sheet1");
        assert_eq!(resolve_sheet(&names, "1").unwrap(), "说明");
        let e = resolve_sheet(&names, "名单").unwrap_err().to_string();
        assert!(
            e.contains("“说明”、“Sheet1”") && e.contains("no sheet named '名单'"),
            "{e}"
        );
        assert!(resolve_sheet(&names, "0").is_err());
    }

    #[test]
    fn guard_turns_a_panic_into_an_error() {
        let r: Result<(), ReadError> = guard(Some(3), || panic!("boom"));
        assert!(r.unwrap_err().to_string().contains("第3行"));
    }
}
