//! Turning one cell into the text the clerk sees in Excel.
//!
//! - text is trimmed; full-width digits `０-９`, `Ｘ` and the ideographic space
//!   `\u{3000}` become their ASCII forms; zero-width characters go; a leading
//!   apostrophe (Excel's "store as text" mark) and an `="…"` wrapper (a CSV
//!   trick for the same) are removed;
//! - a whole number is written without `.0`; a number of 10^15 or more that a
//!   double cannot hold exactly (an 18-digit ID typed into a number cell) is
//!   written as Excel shows it, `3.70406E+17`, so that the ID check can tell
//!   the clerk it was rounded;
//! - an Excel date becomes `YYYY-MM-DD` (with ` HH:MM:SS` if it has a time).
//!
//! Text that merely looks like a date (`2024/10/5`) stays as it is: whether a
//! column holds dates is up to its header, see [`parse_date_cell`].

use chrono::{NaiveDate, NaiveDateTime};

/// Normalise the text of a cell.
pub fn normalize_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            'Ｘ' => out.push('X'),
            'ｘ' => out.push('x'),
            '\u{3000}' | '\u{a0}' => out.push(' '),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{200e}' | '\u{200f}' | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    let mut s = out.trim();
    if let Some(inner) = s
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
    {
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('\'') {
        s = rest.trim();
    }
    if s.len() == out.len() {
        out
    } else {
        s.to_string()
    }
}

/// 2^53: every whole number below it is exact in a double.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Write a number as Excel's "General" format shows it.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if v.fract() == 0.0 {
        if a < EXACT_LIMIT {
            // Exact: all digits, no ".0".
            return format!("{}", v as i64);
        }
        return excel_scientific(v);
    }
    if a >= 1e15 {
        return excel_scientific(v);
    }
    // Excel keeps 15 significant digits: 0.1+0.2 shows as 0.3.
    let rounded: f64 = format!("{v:.14e}").parse().unwrap_or(v);
    let s = format!("{rounded}");
    if s == "-0" { "0".to_string() } else { s }
}

/// `3.70406E+17`: six significant digits, trailing zeros dropped.
fn excel_scientific(v: f64) -> String {
    let s = format!("{v:.5e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}E{sign}{:02}", exp.abs())
}

/// An Excel serial date (days since 1899-12-30, or 1904-01-01) as text.
pub fn format_excel_date(serial: f64, is_1904: bool) -> String {
    format_excel_datetime(&calamine::ExcelDateTime::new(
        serial,
        calamine::ExcelDateTimeType::DateTime,
        is_1904,
    ))
}

/// An Excel date/time value as text (a duration as its number of days).
pub(crate) fn format_excel_datetime(dt: &calamine::ExcelDateTime) -> String {
    let serial = dt.as_f64();
    if dt.is_duration() || !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return format_number(serial);
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    if serial < 1.0 {
        // A time of day without a date.
        return format!("{h:02}:{mi:02}:{s:02}");
    }
    if (h, mi, s) != (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}")
    }
}

/// A cell of a loaded sheet (xls) as text.
pub(crate) fn from_data(value: &calamine::Data) -> String {
    use calamine::Data;
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::String(s) => normalize_text(s),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => format_excel_datetime(dt),
        Data::DateTimeIso(s) => format_iso_datetime(s),
        Data::DurationIso(s) => normalize_text(s),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// A cell streamed from a sheet (xlsx) as text.
pub(crate) fn from_data_ref(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_number(*f),
        DataRef::String(s) => normalize_text(s),
        DataRef::SharedString(s) => normalize_text(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => format_excel_datetime(dt),
        DataRef::DateTimeIso(s) => format_iso_datetime(s),
        DataRef::DurationIso(s) => normalize_text(s),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// An ISO 8601 date or datetime from an xlsx `t="d"` cell, without a zero time.
pub fn format_iso_datetime(s: &str) -> String {
    let s = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        if dt.time() == chrono::NaiveTime::MIN {
            return dt.date().format("%Y-%m-%d").to_string();
        }
        return dt.format("%Y-%m-%d %H:%M:%S").to_string();
    }
    s.to_string()
}

/// Read a date the way clerks write them: `2024-10-05`, `2024-10-5`,
/// `2024/10/5`, `2024.10.5`, `2024年10月5日`, `20241005`, optionally followed
/// by a time (`2024/10/5 14:30`). Full-width digits are accepted. Returns
/// `None` for anything else, including impossible dates such as `2024-02-30`.
pub fn parse_date_cell(text: &str) -> Option<NaiveDate> {
    let s = normalize_text(text);
    // Drop a time part.
    let date_part = s.split([' ', 'T']).next().unwrap_or("").trim();
    let date_part = date_part
        .strip_suffix('日')
        .or_else(|| date_part.strip_suffix('号'))
        .unwrap_or(date_part);
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        let y = date_part[0..4].parse().ok()?;
        let m = date_part[4..6].parse().ok()?;
        let d = date_part[6..8].parse().ok()?;
        return plausible(NaiveDate::from_ymd_opt(y, m, d)?);
    }
    let parts: Vec<&str> = date_part
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(parts[0], 4, 4) && digits(parts[1], 1, 2) && digits(parts[2], 1, 2)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    )?;
    plausible(date)
}

fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    (1880..=2200).contains(&d.year()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(format_number(300.0), "300");
        assert_eq!(format_number(-5.0), "-5");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(400.5), "400.5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(370406202401.0), "370406202401");
        // A 15-digit legacy ID is exact.
        assert_eq!(format_number(370406900101123.0), "370406900101123");
        // 16 digits below 2^53 are still exact.
        assert_eq!(format_number(1234567890123456.0), "1234567890123456");
        // An 18-digit ID is not.
        assert_eq!(format_number(370406199001011234.0), "3.70406E+17");
        assert_eq!(format_number(1e20), "1E+20");
        assert_eq!(format_number(f64::NAN), "NaN");
    }

    #[test]
    fn excel_dates() {
        assert_eq!(format_excel_date(45570.0, false), "2024-10-05");
        assert_eq!(format_excel_date(45570.5, false), "2024-10-05 12:00:00");
        assert_eq!(format_excel_date(0.75, false), "18:00:00");
        assert_eq!(format_excel_date(44108.0, true), "2024-10-05");
        assert_eq!(format_excel_date(-1.0, false), "-1");
    }

    #[test]
    fn iso_dates() {
        assert_eq!(format_iso_datetime("2024-10-05T00:00:00"), "2024-10-05");
        assert_eq!(
            format_iso_datetime("2024-10-05T08:30:00"),
            "2024-10-05 08:30:00"
        );
        assert_eq!(format_iso_datetime("odd"), "odd");
    }

    #[test]
    fn text_normalisation() {
        assert_eq!(normalize_text("  张三\u{3000}"), "张三");
        assert_eq!(
            normalize_text("３７０４０６１９９００１０１１２３Ｘ"),
            "37040619900101123X"
        );
        assert_eq!(normalize_text("'370406"), "370406");
        assert_eq!(normalize_text("=\"370406\""), "370406");
        assert_eq!(normalize_text("\u{feff}姓名\u{200b}"), "姓名");
        assert_eq!(normalize_text("\t370406\t"), "370406");
        assert_eq!(normalize_text("张 三"), "张 三");
        assert_eq!(normalize_text(""), "");
        assert_eq!(normalize_text("'"), "");
    }

    #[test]
    fn dates_in_text() {
        let d = NaiveDate::from_ymd_opt(2024, 10, 5).unwrap();
        for s in [
            "2024-10-05",
            "2024-10-5",
            "2024/10/5",
            "2024.10.05",
            "2024年10月5日",
            "2024年10月05号",
            "20241005",
            "２０２４年１０月５日",
            " 2024/10/5 14:30 ",
            "2024-10-05T08:00:00",
            "2024-10-05 00:00:00",
        ] {
            assert_eq!(parse_date_cell(s), Some(d), "{s}");
        }
        for s in [
            "",
            "2024-02-30",
            "2024-10",
            "24/10/5",
            "20241305",
            "abc",
            "2024-1a-05",
            "370406199001011234",
            "1024-10-05",
        ] {
            assert_eq!(parse_date_cell(s), None, "{s}");
        }
    }
}
