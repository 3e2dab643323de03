//! Everything that can go wrong while reading a list, with messages in Chinese
//! and English side by side ("中文 / English") so the clerk can act on them.

use std::path::PathBuf;

/// An error while reading a list. Messages are shown to the clerk as they are.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件：{path}（{source}） / cannot read file: {path} ({source})")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "无法识别文件格式：{path}（开头字节 {head}），请另存为 xlsx、xls 或 csv / unrecognised file format: {path} (starts with {head}); save it as xlsx, xls or csv"
    )]
    UnknownFormat { path: PathBuf, head: String },

    #[error(
        "暂不支持此格式：{what}，请在 Excel 中另存为 xlsx / format not supported: {what}; save it as xlsx in Excel"
    )]
    Unsupported { what: String },

    #[error(
        "文件已损坏或不完整{}：{detail}，请重新导出或另存后再导入 / the file is corrupt or truncated{}: {detail}; export or save it again",
        at_line_zh(*.line),
        at_line_en(*.line)
    )]
    Corrupt { line: Option<usize>, detail: String },

    #[error(
        "不认识的编码“{0}”，可用：utf-8、gbk、gb18030、utf-16（utf-16le、utf-16be） / unknown encoding '{0}'; use one of utf-8, gbk, gb18030, utf-16 (utf-16le, utf-16be)"
    )]
    UnknownEncoding(String),

    #[error(
        "第{line}行含有不是{encoding}编码的字节，请用 --encoding 指定正确的编码 / line {line} has bytes that are not valid {encoding}; give the right one with --encoding"
    )]
    Decode { line: usize, encoding: &'static str },

    #[error(
        "文件混用了两种编码：第{utf8_line}行是 UTF-8，第{other_line}行不是，请统一另存为一种编码 / the file mixes encodings: line {utf8_line} is UTF-8 but line {other_line} is not; save it again in one encoding"
    )]
    MixedEncoding { utf8_line: usize, other_line: usize },

    #[error(
        "第{line}行含有控制字符或乱码，不像是文本表格（{path}） / line {line} holds control characters or garbage; this is not a text table ({path})"
    )]
    NotText { path: PathBuf, line: usize },

    #[error("找不到工作表“{name}”，文件中有：{} / no sheet named '{name}'; the file has: {}", list(.available), list(.available))]
    SheetNotFound {
        name: String,
        available: Vec<String>,
    },

    #[error(
        "文件中没有数据{} / the file holds no data{}",
        sheets_zh(.sheets),
        sheets_en(.sheets)
    )]
    Empty { sheets: Vec<String> },

    #[error(
        "前{scanned}行中找不到表头（如“姓名”“身份证号码”），可用 --map 指定列名。前几行是：{rows} / no header row (such as 姓名, 身份证号码) in the first {scanned} rows; name the columns with --map. The first rows hold: {rows}"
    )]
    NoHeader { scanned: usize, rows: String },

    #[error(
        "缺少必需的列：{}；第{line}行表头中有：{} / required columns missing: {}; the header on line {line} has: {}",
        zh_fields(.missing), list(.found), en_fields(.missing), list(.found)
    )]
    MissingColumns {
        missing: Vec<super::Field>,
        found: Vec<String>,
        line: usize,
    },

    #[error("列名对照“{entry}”有误：{reason} / bad column mapping '{entry}': {reason}")]
    BadMapping { entry: String, reason: String },

    #[error(
        "第{line}行“{column}”列的“{value}”不是日期（应如 2024-10-05、2024/10/5、2024年10月5日、20241005） / line {line}, column '{column}': '{value}' is not a date (write e.g. 2024-10-05)"
    )]
    BadDate {
        line: usize,
        column: String,
        value: String,
    },
}

fn at_line_zh(line: Option<usize>) -> String {
    line.map(|l| format!("（第{l}行附近）")).unwrap_or_default()
}

fn at_line_en(line: Option<usize>) -> String {
    line.map(|l| format!(" (near line {l})"))
        .unwrap_or_default()
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "（无 / none）".to_string()
    } else {
        items
            .iter()
            .map(|s| format!("“{s}”"))
            .collect::<Vec<_>>()
            .join("、")
    }
}

fn sheets_zh(sheets: &[String]) -> String {
    if sheets.is_empty() {
        String::new()
    } else {
        format!("（工作表：{}）", list(sheets))
    }
}

fn sheets_en(sheets: &[String]) -> String {
    if sheets.is_empty() {
        String::new()
    } else {
        format!(" (sheets: {})", list(sheets))
    }
}

fn zh_fields(fields: &[super::Field]) -> String {
    fields.iter().map(|f| f.zh()).collect::<Vec<_>>().join("、")
}

fn en_fields(fields: &[super::Field]) -> String {
    fields
        .iter()
        .map(|f| f.kebab())
        .collect::<Vec<_>>()
        .join(", ")
}

impl ReadError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ReadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(line: Option<usize>, detail: impl ToString) -> Self {
        ReadError::Corrupt {
            line,
            detail: detail.to_string(),
        }
    }
}
