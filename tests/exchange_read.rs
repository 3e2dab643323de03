//! The reading layer of imports on real files, made here in temporary
//! directories (and one committed BIFF .xls fixture).

use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format as XlsxFormat, Workbook};
use std::path::{Path, PathBuf};
use zhengjiao::domain::{IdError, IdNumber};
use zhengjiao::exchange::{
    self, Encoding, Field, Format, Header, Mapping, ReadError, ReadOptions, Row, Table,
};

mod common;
use common::{gbk, write};

const ID1: &str = "370406199001011233";
const ID2: &str = "370406198505052317";
const ID3: &str = "370406197003031239";

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b
}

fn utf16be_bom(s: &str) -> Vec<u8> {
    let mut b = vec![0xFE, 0xFF];
    b.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
    b
}

fn open(path: &Path) -> Table {
    exchange::open(path, &ReadOptions::default()).unwrap()
}

/// Header and data rows as (line, cells).
fn read(table: &mut Table, mapping: &Mapping) -> (Header, Vec<(usize, Vec<String>)>) {
    let header = table.header(mapping).unwrap();
    let rows = table
        .rows()
        .map(|r| r.map(|Row { line, cells }| (line, cells)))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (header, rows)
}

fn cells(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

fn titles(header: &Header) -> Vec<(String, Option<Field>)> {
    header
        .columns()
        .iter()
        .map(|c| (c.title.clone(), c.field))
        .collect()
}

fn err_text(r: Result<impl std::fmt::Debug, ReadError>) -> String {
    r.unwrap_err().to_string()
}

// ---------------------------------------------------------------- text files

#[test]
fn gbk_csv_with_title_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "山亭区2025年度低保人员名单,,,,\r\n\
         ,,,,\r\n\
         序号,姓名,身份证号码,村居,联系电话\r\n\
         1,张三,{ID1},城头村,13900000000\r\n\
         2,李四,\"{ID2}\",西集村，东村,\r\n"
    );
    let path = write(dir.path(), "低保.csv", &gbk(&text));
    let mut t = open(&path);
    assert_eq!(t.format(), Format::Delimited { delimiter: b',' });
    assert_eq!(t.encoding(), Some(Encoding::Gb18030));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(h.line(), 3);
    assert_eq!(
        h.fields(),
        vec![
            Field::Seq,
            Field::Name,
            Field::IdNumber,
            Field::Village,
            Field::Phone
        ]
    );
    assert!(h.unknown().is_empty());
    assert_eq!(
        rows,
        vec![
            (4, cells(&["1", "张三", ID1, "城头村", "13900000000"])),
            (5, cells(&["2", "李四", ID2, "西集村，东村"])),
        ]
    );
    // The importer's view.
    let row = Row {
        line: rows[1].0,
        cells: rows[1].1.clone(),
    };
    assert_eq!(h.get(&row, Field::IdNumber), Some(ID2));
    assert_eq!(h.get(&row, Field::Phone), None);
    assert!(IdNumber::parse(h.get(&row, Field::IdNumber).unwrap()).is_ok());
}

#[test]
fn utf8_bom_csv_with_quoted_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "\u{feff}姓名,身份证号,死亡日期,备注\r\n\
         张三,{ID1},2024/10/5,\"第一行\r\n第二行\"\r\n\
         \r\n\
         李四,'{ID2},2024年10月5日,\r\n\
         王五 ,\u{3000}３７０４０６１９７００３０３１２３９ ,20241005,\"说明，\"\"引号\"\"\"\r\n"
    );
    let path = write(dir.path(), "deaths.csv", text.as_bytes());
    let mut t = open(&path);
    assert_eq!(t.encoding(), Some(Encoding::Utf8));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(h.line(), 1);
    assert_eq!(
        rows,
        vec![
            (2, cells(&["张三", ID1, "2024/10/5", "第一行\r\n第二行"])),
            (5, cells(&["李四", ID2, "2024年10月5日"])),
            (6, cells(&["王五", ID3, "20241005", "说明，\"引号\""])),
        ]
    );
    let date = chrono::NaiveDate::from_ymd_opt(2024, 10, 5);
    for (line, c) in rows {
        let row = Row { line, cells: c };
        assert_eq!(h.date(&row, Field::DeathDate).unwrap(), date, "line {line}");
    }
}

#[test]
fn utf16_tab_separated_as_excel_saves_unicode_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("姓名\t身份证号码\t残疾等级\r\n张三\t{ID1}\t一级\r\n李四\t{ID2}\t二级\r\n");
    for (name, bytes) in [
        ("le.txt", utf16le_bom(&text)),
        ("be.txt", utf16be_bom(&text)),
    ] {
        let path = write(dir.path(), name, &bytes);
        let mut t = open(&path);
        assert_eq!(t.format(), Format::Delimited { delimiter: b'\t' }, "{name}");
        assert_eq!(
            t.encoding(),
            Some(if name == "le.txt" {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            })
        );
        let (h, rows) = read(&mut t, &Mapping::new());
        assert_eq!(
            h.fields(),
            vec![Field::Name, Field::IdNumber, Field::DisabilityGrade]
        );
        assert_eq!(
            rows,
            vec![
                (2, cells(&["张三", ID1, "一级"])),
                (3, cells(&["李四", ID2, "二级"])),
            ]
        );
    }
}

#[test]
fn tsv_and_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = String::from("镇街\t村居代码\t姓名\t缴费金额\n城头镇\t370406104201\t张三\t400.00\n");
    let mut t = open(&write(dir.path(), "a.tsv", tsv.as_bytes()));
    assert_eq!(t.format().label(), "TSV");
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(
        h.fields(),
        vec![Field::Town, Field::VillageCode, Field::Name, Field::Amount]
    );
    assert_eq!(
        rows,
        vec![(2, cells(&["城头镇", "370406104201", "张三", "400.00"]))]
    );

    let semi = format!("姓名;身份证号;金额\n张三;{ID1};1,5\n");
    let mut t = open(&write(dir.path(), "b.csv", semi.as_bytes()));
    assert_eq!(t.format(), Format::Delimited { delimiter: b';' });
    let (_, rows) = read(&mut t, &Mapping::new());
    assert_eq!(rows, vec![(2, cells(&["张三", ID1, "1,5"]))]);
}

#[test]
fn xls_name_with_csv_inside() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("姓名,身份证号码,险种,缴费档次\n张三,{ID1},养老,500\n");
    let mut t = open(&write(dir.path(), "税务缴费名单.xls", &gbk(&text)));
    assert_eq!(t.format(), Format::Delimited { delimiter: b',' });
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(
        h.fields(),
        vec![Field::Name, Field::IdNumber, Field::Insurance, Field::Tier]
    );
    assert_eq!(rows, vec![(2, cells(&["张三", ID1, "养老", "500"]))]);
}

#[test]
fn encoding_override() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "x.csv",
        &gbk(&format!("姓名,身份证号\n张三,{ID1}\n")),
    );
    let utf8 = ReadOptions {
        encoding: Some("utf-8".parse().unwrap()),
        ..Default::default()
    };
    let e = err_text(exchange::open(&path, &utf8));
    assert!(
        e.contains("第1行") && e.contains("UTF-8") && e.contains("--encoding"),
        "{e}"
    );
    let gbk_opts = ReadOptions {
        encoding: Some("GBK".parse().unwrap()),
        ..Default::default()
    };
    let mut t = exchange::open(&path, &gbk_opts).unwrap();
    assert_eq!(t.encoding(), Some(Encoding::Gbk));
    let (_, rows) = read(&mut t, &Mapping::new());
    assert_eq!(rows, vec![(2, cells(&["张三", ID1]))]);

    let e = "big5".parse::<Encoding>().unwrap_err().to_string();
    assert!(
        e.contains("不认识的编码“big5”") && e.contains("unknown encoding"),
        "{e}"
    );
}

#[test]
fn mixed_encodings_are_refused_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = "姓名,村居\n张三丰,城头村\n".as_bytes().to_vec();
    bytes.extend(gbk("李四光,西集村\n"));
    let e = err_text(exchange::open(
        write(dir.path(), "m.csv", &bytes),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("第1行是 UTF-8") && e.contains("第3行不是"),
        "{e}"
    );
}

#[test]
fn huge_field_and_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = "备".repeat(400_000); // 1.2 MB in UTF-8
    let long: Vec<String> = (0..20_000).map(|i| format!("c{i}")).collect();
    let text = format!(
        "姓名,身份证号,备注\n张三,{ID1},\"{big}\"\n{}\n李四,{ID2},\n",
        long.join(",")
    );
    let mut t = open(&write(dir.path(), "big.csv", text.as_bytes()));
    let (_, rows) = read(&mut t, &Mapping::new());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].1[2].len(), big.len());
    assert_eq!(rows[1].0, 3);
    assert_eq!(rows[1].1.len(), 20_000);
    assert_eq!(rows[2], (4, cells(&["李四", ID2])));
}

// ---------------------------------------------------------------- HTML ".xls"

#[test]
fn html_xls_in_gbk_with_meta_charset() {
    let dir = tempfile::tempdir().unwrap();
    let page = format!(
        "\r\n<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n\
         <head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\
         <style>td {{ mso-number-format:\\@; }}</style></head><body>\
         <table border=1>\
         <tr><td colspan=6 align=center>城头镇2025年度特困人员名单</td></tr>\
         <tr><td colspan=6></td></tr>\
         <tr><th>序号</th><th>姓&nbsp;名</th><th>证件号码</th><th>所属村居</th><th>人员类别</th><th>认定部门</th></tr>\
         <tr><td>1</td><td>张三</td><td>{ID1}</td><td rowspan=2>城头村</td><td>特困</td><td>民政</td></tr>\
         <tr><td>2</td><td>李四</td><td>3.70406E+17</td><td>低保</td><td>民政</td></tr>\
         <tr><td>3</td><td>王五<br></td><td x:str>{ID3}</td><td>店子村</td><td>低保边缘</td><td>民政\r\n  局</td></tr>\
         </table></body></html>"
    );
    let mut t = open(&write(dir.path(), "特困.xls", &gbk(&page)));
    assert_eq!(t.format(), Format::Html);
    assert_eq!(t.encoding(), Some(Encoding::Gbk));
    assert_eq!(t.sheet(), Some("1"));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(h.line(), 3);
    assert_eq!(
        h.fields(),
        vec![
            Field::Seq,
            Field::Name,
            Field::IdNumber,
            Field::Village,
            Field::Category,
            Field::Department
        ]
    );
    assert_eq!(
        rows,
        vec![
            (4, cells(&["1", "张三", ID1, "城头村", "特困", "民政"])),
            (5, cells(&["2", "李四", "3.70406E+17", "", "低保", "民政"])),
            (
                6,
                cells(&["3", "王五", ID3, "店子村", "低保边缘", "民政 局"])
            ),
        ]
    );
    let row = Row {
        line: 5,
        cells: rows[1].1.clone(),
    };
    assert!(matches!(
        IdNumber::parse(h.get(&row, Field::IdNumber).unwrap()),
        Err(IdError::RoundedByExcel(_))
    ));
}

#[test]
fn html_tables_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let page = "<table id=empty></table>\
                <table id=list><tr><td>姓名</td></tr><tr><td>张三</td></tr></table>\
                <table><tr><td>姓名</td></tr><tr><td>李四</td></tr></table>";
    let path = write(dir.path(), "t.xls", page.as_bytes());
    let mut t = open(&path);
    assert_eq!(t.sheets(), ["1 (empty)", "2 (list)", "3"]);
    assert_eq!(t.sheet(), Some("2 (list)"));
    assert_eq!(read(&mut t, &Mapping::new()).1, vec![(2, cells(&["张三"]))]);
    let opts = ReadOptions {
        sheet: Some("3".into()),
        ..Default::default()
    };
    let mut t = exchange::open(&path, &opts).unwrap();
    assert_eq!(read(&mut t, &Mapping::new()).1, vec![(2, cells(&["李四"]))]);
    let opts = ReadOptions {
        sheet: Some("4".into()),
        ..Default::default()
    };
    let e = err_text(exchange::open(&path, &opts));
    assert!(
        e.contains("找不到工作表“4”") && e.contains("“2 (list)”"),
        "{e}"
    );
}

// ---------------------------------------------------------------- xlsx

/// A payment list as the tax system's clerks make it: an empty first sheet,
/// a merged title, a blank row, odd headers, an ID typed into a number cell.
fn make_payment_xlsx(path: &Path) {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("说明").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("缴费明细").unwrap();
    let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
    let datetime = XlsxFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    sheet
        .merge_range(
            0,
            0,
            0,
            7,
            "山亭区2025年度城乡居民养老保险缴费明细",
            &XlsxFormat::new(),
        )
        .unwrap();
    let headers = [
        "序号",
        "姓 名",
        "*身份证\n号码",
        "村（居）",
        "缴费金额（元）",
        "缴费时间",
        "征收项目",
        "户主姓名",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    // Row 4: all text, a real date cell.
    sheet.write_number(3, 0, 1).unwrap();
    sheet.write_string(3, 1, "张三").unwrap();
    sheet.write_string(3, 2, ID1).unwrap();
    sheet.write_string(3, 3, "城头村").unwrap();
    sheet.write_number(3, 4, 500.0).unwrap();
    sheet
        .write_datetime_with_format(3, 5, ExcelDateTime::from_ymd(2024, 10, 5).unwrap(), &date)
        .unwrap();
    sheet.write_string(3, 6, "养老").unwrap();
    sheet.write_string(3, 7, "张大").unwrap();
    // Row 5: the ID as a number (rounded by Excel), a date with a time.
    sheet.write_number(4, 0, 2).unwrap();
    sheet.write_string(4, 1, "李四\u{3000}").unwrap();
    sheet.write_number(4, 2, 370406198505052317_f64).unwrap();
    sheet.write_string(4, 3, "西集村").unwrap();
    sheet.write_number(4, 4, 350.5).unwrap();
    sheet
        .write_datetime_with_format(
            4,
            5,
            ExcelDateTime::from_ymd(2024, 11, 20)
                .unwrap()
                .and_hms(14, 30, 0)
                .unwrap(),
            &datetime,
        )
        .unwrap();
    sheet.write_string(4, 6, "养老").unwrap();
    // Row 6 left empty; row 7: full-width digits, apostrophe, text date.
    sheet.write_number(6, 0, 3).unwrap();
    sheet.write_string(6, 1, "王五").unwrap();
    sheet
        .write_string(6, 2, "'３７０４０６１９７００３０３１２３９")
        .unwrap();
    sheet.write_string(6, 3, "店子村").unwrap();
    sheet.write_number(6, 4, 100).unwrap();
    sheet.write_string(6, 5, "2024年10月5日").unwrap();
    book.save(path).unwrap();
}

#[test]
fn xlsx_with_title_blank_row_and_odd_headers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("缴费明细.xlsx");
    make_payment_xlsx(&path);
    let mut t = open(&path);
    assert_eq!(t.format(), Format::Xlsx);
    assert_eq!(t.sheets(), ["说明", "缴费明细"]);
    assert_eq!(t.sheet(), Some("缴费明细"));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(h.line(), 3);
    assert_eq!(
        titles(&h),
        vec![
            ("序号".into(), Some(Field::Seq)),
            ("姓 名".into(), Some(Field::Name)),
            ("*身份证\n号码".into(), Some(Field::IdNumber)),
            ("村（居）".into(), Some(Field::Village)),
            ("缴费金额（元）".into(), Some(Field::Amount)),
            ("缴费时间".into(), Some(Field::PaidDate)),
            ("征收项目".into(), Some(Field::Insurance)),
            ("户主姓名".into(), None),
        ]
    );
    assert_eq!(h.unknown(), vec!["户主姓名"]);
    assert_eq!(
        rows,
        vec![
            (
                4,
                cells(&[
                    "1",
                    "张三",
                    ID1,
                    "城头村",
                    "500",
                    "2024-10-05",
                    "养老",
                    "张大"
                ])
            ),
            (
                5,
                cells(&[
                    "2",
                    "李四",
                    "3.70406E+17",
                    "西集村",
                    "350.5",
                    "2024-11-20 14:30:00",
                    "养老"
                ])
            ),
            (
                7,
                cells(&["3", "王五", ID3, "店子村", "100", "2024年10月5日"])
            ),
        ]
    );
    let row = |i: usize| Row {
        line: rows[i].0,
        cells: rows[i].1.clone(),
    };
    assert!(matches!(
        IdNumber::parse(h.get(&row(1), Field::IdNumber).unwrap()),
        Err(IdError::RoundedByExcel(s)) if s == "3.70406E+17"
    ));
    assert_eq!(
        IdNumber::parse(h.get(&row(2), Field::IdNumber).unwrap())
            .unwrap()
            .as_str(),
        ID3
    );
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2024, m, day);
    assert_eq!(h.date(&row(0), Field::PaidDate).unwrap(), d(10, 5));
    assert_eq!(h.date(&row(1), Field::PaidDate).unwrap(), d(11, 20));
    assert_eq!(h.date(&row(2), Field::PaidDate).unwrap(), d(10, 5));
}

#[test]
fn xlsx_sheet_choice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.xlsx");
    make_payment_xlsx(&path);
    let by_name = ReadOptions {
        sheet: Some("说明".into()),
        ..Default::default()
    };
    let mut t = exchange::open(&path, &by_name).unwrap();
    assert_eq!(t.sheet(), Some("说明"));
    let e = err_text(t.header(&Mapping::new()));
    assert!(e.contains("没有数据") && e.contains("holds no data"), "{e}");

    let by_position = ReadOptions {
        sheet: Some("2".into()),
        ..Default::default()
    };
    assert_eq!(
        exchange::open(&path, &by_position).unwrap().sheet(),
        Some("缴费明细")
    );

    let missing = ReadOptions {
        sheet: Some("Sheet1".into()),
        ..Default::default()
    };
    let e = err_text(exchange::open(&path, &missing));
    assert!(
        e.contains("找不到工作表“Sheet1”") && e.contains("“说明”、“缴费明细”"),
        "{e}"
    );
}

#[test]
fn xlsx_mapping_overrides_and_require() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["人员", "个人身份证", "所在地", "电话"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["张三", ID1, "城头村", "139"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(&path).unwrap();

    let mut t = open(&path);
    let h = t.header(&Mapping::new()).unwrap();
    assert_eq!(h.fields(), vec![Field::Phone]);
    let e = err_text(h.require(&[Field::Name, Field::IdNumber]));
    assert!(
        e.contains("缺少必需的列：姓名、身份证号码")
            && e.contains("name, id-number")
            && e.contains("“人员”、“个人身份证”、“所在地”、“电话”"),
        "{e}"
    );

    let mapping =
        Mapping::parse("人员=name,个人身份证=id-number，所在地=village,电话=ignore").unwrap();
    let mut t = open(&path);
    let (h, rows) = read(&mut t, &mapping);
    assert!(
        h.require(&[Field::Name, Field::IdNumber, Field::Village])
            .is_ok()
    );
    assert!(!h.has(Field::Phone));
    assert!(h.unknown().is_empty());
    assert_eq!(rows, vec![(2, cells(&["张三", ID1, "城头村", "139"]))]);
}

#[test]
fn xlsx_streams_many_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "缴费档次").unwrap();
    let n = 20_000u32;
    for r in 1..=n {
        sheet.write_string(r, 0, format!("居民{r}")).unwrap();
        sheet.write_number(r, 1, 350).unwrap();
    }
    book.save(&path).unwrap();
    let mut t = open(&path);
    t.header(&Mapping::new()).unwrap();
    let mut count = 0;
    let mut last = None;
    for row in t.rows() {
        let row = row.unwrap();
        count += 1;
        last = Some(row);
    }
    assert_eq!(count, n);
    assert_eq!(
        last.unwrap(),
        Row {
            line: n as usize + 1,
            cells: cells(&["居民20000", "350"])
        }
    );
}

#[test]
fn truncated_xlsx_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.xlsx");
    make_payment_xlsx(&full);
    let bytes = std::fs::read(&full).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 30, 10] {
        let path = write(dir.path(), "cut.xlsx", &bytes[..cut]);
        let result = exchange::open(&path, &ReadOptions::default()).and_then(|mut t| {
            t.header(&Mapping::new())?;
            t.rows().collect::<Result<Vec<_>, _>>()
        });
        let e = err_text(result);
        assert!(
            e.contains("文件已损坏或不完整") && e.contains("corrupt or truncated"),
            "cut at {cut}: {e}"
        );
    }
}

// ---------------------------------------------------------------- xls (BIFF)

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn real_biff_xls() {
    let mut t = open(&fixture("special-groups.xls"));
    assert_eq!(t.format(), Format::Xls);
    assert_eq!(t.sheets(), ["说明", "名单"]);
    assert_eq!(t.sheet(), Some("名单"));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!(h.line(), 3);
    assert_eq!(
        titles(&h),
        vec![
            ("序号".into(), Some(Field::Seq)),
            ("姓 名".into(), Some(Field::Name)),
            ("公民身份号码".into(), Some(Field::IdNumber)),
            ("村（居）".into(), Some(Field::Village)),
            ("困难类别".into(), Some(Field::Category)),
            ("有效期起".into(), Some(Field::StartDate)),
            ("金额(元)".into(), Some(Field::Amount)),
        ]
    );
    assert_eq!(
        rows,
        vec![
            (
                4,
                cells(&["1", "张三", ID1, "城头村", "低保", "2024-10-05", "100"])
            ),
            (
                5,
                cells(&[
                    "2",
                    "李四",
                    "3.70406E+17",
                    "西集村",
                    "特困",
                    "2024/10/5",
                    "350.5"
                ])
            ),
            (
                6,
                cells(&["3", "王五", ID3, "店子村", "低保边缘", "2024年10月5日", "0"])
            ),
        ]
    );
    for (line, c) in rows {
        let row = Row { line, cells: c };
        assert_eq!(
            h.date(&row, Field::StartDate).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 10, 5)
        );
    }
}

#[test]
fn damaged_xls_dimensions_are_refused_not_allocated() {
    // One byte changed: the sheet claims 1,107,296,262 rows.
    let e = err_text(exchange::open(
        fixture("damaged-dimensions.xls"),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("文件已损坏或不完整") && e.contains("invalid sheet dimensions"),
        "{e}"
    );
}

#[test]
fn compound_files_that_are_not_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let make = |name: &str, streams: &[&str]| {
        let path = dir.path().join(name);
        let mut c = cfb::create(&path).unwrap();
        for s in streams {
            std::io::Write::write_all(&mut c.create_stream(s).unwrap(), b"xx").unwrap();
        }
        c.flush().unwrap();
        path
    };
    let e = err_text(exchange::open(
        make("locked.xlsx", &["/EncryptionInfo", "/EncryptedPackage"]),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("设有密码") && e.contains("password-protected"),
        "{e}"
    );
    let e = err_text(exchange::open(
        make("letter.xls", &["/WordDocument"]),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("没有工作簿") && e.contains("holds no workbook"),
        "{e}"
    );
}

// ---------------------------------------------------------------- bad input

#[test]
fn no_header_lists_the_first_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "n.csv",
        "山亭区名单\n甲,乙,丙\n1,2,3\n".as_bytes(),
    );
    let e = err_text(open(&path).header(&Mapping::new()));
    assert!(
        e.contains("找不到表头")
            && e.contains("第1行 line 1: 山亭区名单")
            && e.contains("第2行 line 2: 甲 | 乙 | 丙")
            && e.contains("--map"),
        "{e}"
    );
}

#[test]
fn header_beyond_the_scan_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut text: String = (1..=15).map(|i| format!("说明{i}\n")).collect();
    text.push_str("姓名,身份证号\n张三,1\n");
    let e = err_text(open(&write(dir.path(), "late.csv", text.as_bytes())).header(&Mapping::new()));
    assert!(e.contains("前15行中找不到表头"), "{e}");
    // Fourteen lines of notes still work.
    let mut text: String = (1..=14).map(|i| format!("说明{i}\n")).collect();
    text.push_str("姓名,身份证号\n张三,1\n");
    let mut t = open(&write(dir.path(), "ok.csv", text.as_bytes()));
    let (h, rows) = read(&mut t, &Mapping::new());
    assert_eq!((h.line(), rows), (15, vec![(16, cells(&["张三", "1"]))]));
}

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.csv", &b""[..]),
        ("blank.csv", &b"\r\n , ,\n\n"[..]),
        ("bom.csv", &b"\xEF\xBB\xBF"[..]),
        ("empty.xls", &b"<table></table>"[..]),
    ] {
        let e = err_text(open(&write(dir.path(), name, bytes)).header(&Mapping::new()));
        assert!(e.contains("文件中没有数据"), "{name}: {e}");
    }
}

#[test]
fn not_a_table_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let e = err_text(exchange::open(
        write(dir.path(), "pic.xls", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("无法识别文件格式") && e.contains("89 50 4E 47"),
        "{e}"
    );

    let e = err_text(exchange::open(
        write(
            dir.path(),
            "x.xls",
            b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"></Workbook>",
        ),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("Excel 2003 XML") && e.contains("not supported"),
        "{e}"
    );

    let e = err_text(exchange::open(
        dir.path().join("missing.csv"),
        &ReadOptions::default(),
    ));
    assert!(
        e.contains("无法读取文件") && e.contains("cannot read file"),
        "{e}"
    );

    let e = err_text(exchange::open(
        write(dir.path(), "fake.xlsx", b"PK\x03\x04 not really a zip"),
        &ReadOptions::default(),
    ));
    assert!(e.contains("文件已损坏或不完整"), "{e}");

    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend([0u8; 600]);
    let e = err_text(exchange::open(
        write(dir.path(), "fake.xls", &cfb),
        &ReadOptions::default(),
    ));
    assert!(e.contains("文件已损坏或不完整"), "{e}");

    let controls: Vec<u8> = (0..200).map(|i| [0x01, 0x02, b'a', 0x1b][i % 4]).collect();
    let e = err_text(exchange::open(
        write(dir.path(), "ctl.csv", &controls),
        &ReadOptions::default(),
    ));
    assert!(e.contains("不像是文本表格"), "{e}");
}

// ---------------------------------------------------------------- properties

/// Open, find a header and read every row; the result does not matter, only
/// that it returns.
fn read_everything(path: &Path, options: &ReadOptions) {
    if let Ok(mut t) = exchange::open(path, options) {
        let _ = t.header(&Mapping::new());
        for row in t.rows() {
            if row.is_err() {
                break;
            }
        }
    }
}

fn payment_xlsx_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.xlsx");
    make_payment_xlsx(&path);
    std::fs::read(path).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic(
        prefix in prop::sample::select(vec![
            &b""[..],
            b"PK\x03\x04",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"<html><table><tr><td>",
            "姓名,身份证号\n".as_bytes(),
        ]),
        body in prop::collection::vec(any::<u8>(), 0..3000),
        encoding in prop::option::of(prop::sample::select(vec![
            Encoding::Utf8, Encoding::Gbk, Encoding::Utf16Le,
        ])),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = prefix.to_vec();
        bytes.extend(body);
        let path = write(dir.path(), "random.xls", &bytes);
        read_everything(&path, &ReadOptions { sheet: None, encoding });
    }

    #[test]
    fn damaged_xlsx_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = payment_xlsx_bytes();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        let dir = tempfile::tempdir().unwrap();
        read_everything(&write(dir.path(), "d.xlsx", &bytes), &ReadOptions::default());
    }

    #[test]
    fn damaged_xls_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
    ) {
        let mut bytes = std::fs::read(fixture("special-groups.xls")).unwrap();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let dir = tempfile::tempdir().unwrap();
        read_everything(&write(dir.path(), "d.xls", &bytes), &ReadOptions::default());
    }

    /// Whatever a CSV writer writes (UTF-8 or GBK), the reader gives back:
    /// the same trimmed cells on the same lines, empty rows left out.
    #[test]
    fn csv_round_trip(
        grid in prop::collection::vec(
            prop::collection::vec("[a-z0-9张三村，,\" ]{0,6}", 1..5), 1..12),
        use_gbk in any::<bool>(),
    ) {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(vec![]);
        for row in &grid {
            w.write_record(row).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let bytes = if use_gbk { gbk(&text) } else { text.into_bytes() };
        let dir = tempfile::tempdir().unwrap();
        let t = exchange::open(write(dir.path(), "r.csv", &bytes), &ReadOptions::default()).unwrap();
        let got: Vec<Vec<String>> = t.map(|r| r.unwrap().cells).collect();
        let want: Vec<Vec<String>> = grid
            .iter()
            .map(|r| Row::new(0, r.iter().map(|c| c.trim().to_string()).collect()).cells)
            .filter(|c| !c.is_empty())
            .collect();
        prop_assert_eq!(got, want);
    }
}

/// A sheet that claims ten million rows (its dimension and its last row's
/// number; Excel itself stops at 1,048,576): read row by row, nothing sized
/// by the claim, the far row numbered as its line.
#[test]
fn a_ten_million_row_sheet_streams() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "缴费档次").unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_number(1, 1, 350).unwrap();
    sheet.write_string(2, 0, "李四").unwrap();
    sheet.write_number(2, 1, 500).unwrap();
    book.save(&small).unwrap();

    // Copy the workbook, moving the last row to row 10,000,000.
    let huge = dir.path().join("huge.xlsx");
    let mut from = zip::ZipArchive::new(std::fs::File::open(&small).unwrap()).unwrap();
    let mut to = zip::ZipWriter::new(std::fs::File::create(&huge).unwrap());
    let mut moved = false;
    for i in 0..from.len() {
        let mut entry = from.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(text).unwrap();
            let xml = xml
                .replace(
                    "<dimension ref=\"A1:B3\"/>",
                    "<dimension ref=\"A1:B10000000\"/>",
                )
                .replace("<row r=\"3\"", "<row r=\"10000000\"")
                .replace("r=\"A3\"", "r=\"A10000000\"")
                .replace("r=\"B3\"", "r=\"B10000000\"");
            moved = xml.contains("A10000000") && xml.contains("B10000000");
            text = xml.into_bytes();
        }
        to.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        to.write_all(&text).unwrap();
    }
    to.finish().unwrap();
    assert!(moved, "the test's own rewrite found the third row");

    let mut t = open(&huge);
    t.header(&Mapping::new()).unwrap();
    let rows: Vec<Row> = t.rows().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows,
        vec![
            Row {
                line: 2,
                cells: cells(&["张三", "350"])
            },
            Row {
                line: 10_000_000,
                cells: cells(&["李四", "500"])
            },
        ]
    );
}
