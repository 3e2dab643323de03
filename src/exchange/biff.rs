//! A look at an xls file before calamine parses it.
//!
//! calamine sizes its memory from numbers in the file: a damaged DIMENSIONS
//! record claiming a billion rows makes it reserve hundreds of gigabytes, and a
//! failed allocation ends the program (it cannot be caught like a panic). So
//! the records of the workbook stream are walked first (type and length only,
//! plus the row/column of cell records) and a file whose numbers exceed what
//! Excel 97-2003 allows is refused as corrupt. Password-protected xlsx files,
//! which are compound files too, are recognised here.

use super::ReadError;
use std::io::Read;
use std::path::Path;

/// Excel 97-2003 sheets have at most 65,536 rows and 256 columns.
const MAX_ROWS: u64 = 65_536;
const MAX_COLUMNS: u64 = 256;
/// A workbook stream larger than this is not a station's list.
const MAX_STREAM: u64 = 512 * 1024 * 1024;

/// Record types that start with a row and a column (u16 each).
const CELL_RECORDS: [u16; 9] = [
    0x0006, // Formula
    0x0201, // Blank
    0x0203, // Number
    0x0204, // Label
    0x0205, // BoolErr
    0x027E, // RK
    0x00FD, // LabelSst
    0x00D6, // RString
    0x00BE, // MulBlank
];
const MUL_RK: u16 = 0x00BD;
const DIMENSIONS: u16 = 0x0200;

pub(crate) fn check(path: &Path) -> Result<(), ReadError> {
    let corrupt = |detail: String| ReadError::corrupt(None, detail);
    let file = std::fs::File::open(path).map_err(|e| ReadError::io(path, e))?;
    let mut compound = cfb::CompoundFile::open(std::io::BufReader::new(file))
        .map_err(|e| corrupt(format!("OLE: {e}")))?;
    if compound.is_stream("/EncryptedPackage") {
        return Err(ReadError::Unsupported {
            what: "设有密码的 Excel 文件，请去掉密码后另存 / a password-protected workbook; remove the password and save again"
                .into(),
        });
    }
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| compound.is_stream(n))
        .ok_or_else(|| {
            corrupt("OLE 文件中没有工作簿，可能不是 Excel 文件 / the OLE file holds no workbook; it may not be an Excel file".into())
        })?;
    let stream = compound
        .open_stream(name)
        .map_err(|e| corrupt(format!("OLE: {e}")))?;
    if stream.len() > MAX_STREAM {
        return Err(corrupt(format!(
            "工作簿过大（{} 字节） / the workbook is too large ({} bytes)",
            stream.len(),
            stream.len()
        )));
    }
    let mut bytes = Vec::new();
    stream
        .take(MAX_STREAM)
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(format!("OLE: {e}")))?;
    check_records(&bytes).map_err(corrupt)
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 2)
        .map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 4)
        .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

/// Walk the BIFF records; complain about sizes beyond the format's limits.
fn check_records(stream: &[u8]) -> Result<(), String> {
    let mut at = 0;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let start = at + 4;
        let end = (start + len as usize).min(stream.len());
        let data = &stream[start..end];
        let typ = typ as u16;
        if typ == DIMENSIONS {
            check_dimensions(data)?;
        } else if CELL_RECORDS.contains(&typ) || typ == MUL_RK {
            if let Some(col) = u16_at(data, 2)
                && col >= MAX_COLUMNS
            {
                return Err(bad_cell(start, col));
            }
            if typ == MUL_RK
                && data.len() >= 6
                && let Some(last) = u16_at(data, data.len() - 2)
                && last >= MAX_COLUMNS
            {
                return Err(bad_cell(start, last));
            }
        }
        at = end;
    }
    Ok(())
}

fn bad_cell(offset: usize, col: u64) -> String {
    format!(
        "位置 {offset} 的单元格在第{}列，超出 xls 的256列 / the cell at offset {offset} is in column {}, beyond the 256 columns of xls",
        col + 1,
        col + 1
    )
}

/// DIMENSIONS: first row, last row + 1, first column, last column + 1
/// (rows are u32 in BIFF8, u16 before).
fn check_dimensions(data: &[u8]) -> Result<(), String> {
    let (first_row, end_row, first_col, end_col) = match data.len() {
        10 => (
            u16_at(data, 0),
            u16_at(data, 2),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        // calamine refuses other lengths itself.
        _ => return Ok(()),
    };
    let (Some(first_row), Some(end_row), Some(first_col), Some(end_col)) =
        (first_row, end_row, first_col, end_col)
    else {
        return Ok(());
    };
    let first_col = if first_col > 0xFF || end_col < first_col {
        0
    } else {
        first_col
    };
    if end_row == 0 || end_col == 0 {
        return Ok(());
    }
    let ok = end_row > first_row
        && end_row - first_row <= MAX_ROWS
        && end_row <= MAX_ROWS
        && end_col > first_col
        && end_col - first_col <= MAX_COLUMNS;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "工作表范围无效（行 {first_row}–{end_row}，列 {first_col}–{end_col}） / invalid sheet dimensions (rows {first_row}-{end_row}, columns {first_col}-{end_col})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn dims(first_row: u32, end_row: u32, first_col: u16, end_col: u16) -> Vec<u8> {
        let mut d = first_row.to_le_bytes().to_vec();
        d.extend(end_row.to_le_bytes());
        d.extend(first_col.to_le_bytes());
        d.extend(end_col.to_le_bytes());
        d.extend([0, 0]);
        record(DIMENSIONS, &d)
    }

    #[test]
    fn sane_records_pass() {
        let mut s = dims(0, 10, 0, 7);
        s.extend(record(0x00FD, &[3, 0, 5, 0, 0x11, 0, 1, 0, 0, 0]));
        s.extend(dims(0, 0, 0, 0));
        s.extend(dims(0, 65_536, 0, 256));
        assert_eq!(check_records(&s), Ok(()));
        // A truncated last record is calamine's business.
        s.extend([0x00, 0x02, 0xFF]);
        assert_eq!(check_records(&s), Ok(()));
    }

    #[test]
    fn absurd_numbers_are_refused() {
        assert!(check_records(&dims(0, 0x4200_0006, 0, 7)).is_err());
        assert!(check_records(&dims(10, 5, 0, 7)).is_err());
        assert!(check_records(&dims(0, 10, 0, 300)).is_err());
        let cell = record(0x0203, &[0, 0, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(check_records(&cell).unwrap_err().contains("257"));
        let mul_rk = record(MUL_RK, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]);
        assert!(check_records(&mul_rk).is_err());
    }
}
