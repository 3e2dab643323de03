//! `zhengjiao export`: the files the binary writes, read back with calamine
//! (and our own reader for CSV) and checked against plain SQL.

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::IdNumber;
use zhengjiao::exchange::{self, Field, Mapping, ReadOptions};
use zhengjiao::store::Store;

/// One demo database shared by the tests (each export only reads it, and
/// adds its audit entry).
fn shared() -> &'static PathBuf {
    static DB: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("demo.db");
        let opts = DemoOptions {
            residents: 3000,
            seed: 3,
            ..DemoOptions::default()
        };
        build(&db, &opts, "tester").unwrap();
        (dir, db)
    })
    .1
}

fn export(db: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .arg("--db")
        .arg(db)
        .arg("export")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn strings(store: &Store, sql: &str) -> Vec<String> {
    let mut st = store.conn().prepare(sql).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// Header row (the third) and the data rows below it, up to the first empty row.
fn table(range: &Range<Data>) -> (Vec<String>, Vec<Vec<Data>>) {
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[2].iter().map(text).collect();
    let data = rows[3..]
        .iter()
        .take_while(|r| r.iter().any(|c| *c != Data::Empty))
        .cloned()
        .collect();
    (header, data)
}

fn column(header: &[String], title: &str) -> usize {
    header
        .iter()
        .position(|h| h.starts_with(title))
        .unwrap_or_else(|| panic!("no column {title} in {header:?}"))
}

fn is_masked(s: &str) -> bool {
    s.len() == 18 && s[..6].bytes().all(|b| b.is_ascii_digit()) && &s[6..14] == "********"
}

const OUTSTANDING: &str = "SELECT r.id_number FROM residents r
     LEFT JOIN roster rm ON rm.year = 2025 AND rm.insurance = 'medical' AND rm.resident_id = r.id
     LEFT JOIN roster rp ON rp.year = 2025 AND rp.insurance = 'pension' AND rp.resident_id = r.id
    WHERE r.village_id = {v} AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL
      AND ((rm.status = 'due' AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.insurance = 'medical' AND x.resident_id = r.id))
        OR (rp.status = 'due' AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.insurance = 'pension' AND x.resident_id = r.id)))";

/// The village with the most residents still owing: (id, code, name, town name).
fn busiest_village(store: &Store) -> (i64, String, String, String) {
    store
        .conn()
        .query_row(
            &format!(
                "SELECT v.id, v.code, v.name, t.name FROM villages v JOIN towns t ON t.id = v.town_id
                  ORDER BY (SELECT count(*) FROM ({})) DESC, v.code LIMIT 1",
                OUTSTANDING.replace("{v}", "v.id")
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
}

#[test]
fn outstanding_list_for_an_agent() {
    let db = shared();
    let dir = TempDir::new().unwrap();
    let store = Store::open_read_only(db).unwrap();
    let (vid, code, name, town) = busiest_village(&store);
    let want: BTreeSet<String> = strings(&store, &OUTSTANDING.replace("{v}", &vid.to_string()))
        .into_iter()
        .collect();
    assert!(want.len() >= 5, "a village with work to do");
    let out = dir.path().join("未缴.xlsx");
    export(
        db,
        &[
            "outstanding",
            "--village",
            &code,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), vec![name.clone()]);
    let range = book.worksheet_range(&name).unwrap();
    let title = text(range.get((0, 0)).unwrap());
    assert!(
        title.contains(&town) && title.contains("2025年度") && title.contains("未缴费"),
        "{title}"
    );
    assert!(text(range.get((1, 0)).unwrap()).contains("代办员"));
    let (header, rows) = table(&range);
    let id_col = column(&header, "身份证号码");
    let got: BTreeSet<String> = rows
        .iter()
        .map(|r| match &r[id_col] {
            Data::String(s) => s.clone(),
            other => panic!("ID cell is not text: {other:?}"),
        })
        .collect();
    assert_eq!(got, want, "exactly those who still owe");
    for id in &got {
        IdNumber::parse(id).unwrap();
    }
    // Phones are there for the agent.
    let phones = column(&header, "联系电话");
    let with_phone = strings(
        &store,
        &format!("SELECT id_number FROM residents WHERE village_id = {vid} AND phone IS NOT NULL"),
    );
    for r in &rows {
        let id = text(&r[id_col]);
        assert_eq!(
            with_phone.contains(&id),
            !text(&r[phones]).is_empty(),
            "{id}"
        );
    }
    // Sorted by special group (none first), then age.
    let groups = column(&header, "人员类别");
    let ages = column(&header, "年龄");
    let first_group = rows
        .iter()
        .position(|r| !text(&r[groups]).is_empty())
        .unwrap_or(rows.len());
    assert!(
        rows[first_group..]
            .iter()
            .all(|r| !text(&r[groups]).is_empty())
    );
    let plain: Vec<f64> = rows[..first_group]
        .iter()
        .map(|r| match r[ages] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert!(plain.windows(2).all(|w| w[0] <= w[1]), "{plain:?}");

    // --mask hides them.
    let masked = dir.path().join("masked.xlsx");
    export(
        db,
        &[
            "outstanding",
            "--village",
            &code,
            "--mask",
            "--out",
            masked.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&masked).unwrap();
    let range = book.worksheet_range(&name).unwrap();
    let (_, rows) = table(&range);
    assert_eq!(rows.len(), want.len());
    assert!(rows.iter().all(|r| is_masked(&text(&r[id_col]))));
}

#[test]
fn publicity_is_masked_titled_dated_and_repeats_its_header() {
    let db = shared();
    let dir = TempDir::new().unwrap();
    let store = Store::open_read_only(db).unwrap();
    let town = store
        .towns()
        .unwrap()
        .into_iter()
        .find(|t| t.code == "370406103")
        .unwrap();
    let out = dir.path().join("公示.xlsx");
    export(
        db,
        &[
            "publicity",
            "--town",
            "桑村镇",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let names = book.sheet_names();
    let villages = store.villages(Some(town.id)).unwrap();
    assert!(!names.is_empty() && names.len() <= villages.len());
    let print_titles: Vec<(String, String)> = book
        .defined_names()
        .iter()
        .filter(|(n, _)| n == "_xlnm.Print_Titles")
        .cloned()
        .collect();
    assert_eq!(print_titles.len(), names.len(), "{print_titles:?}");
    assert!(
        print_titles.iter().all(|(_, v)| v.ends_with("!$3:$3")),
        "{print_titles:?}"
    );
    let mut total = 0;
    for name in &names {
        let v = villages.iter().find(|v| &v.name == name).unwrap();
        let range = book.worksheet_range(name).unwrap();
        let title = text(range.get((0, 0)).unwrap());
        assert!(
            title.starts_with("山亭区桑村镇")
                && title.ends_with("2025年度城乡居民养老、医疗保险缴费公示"),
            "{title}"
        );
        assert_eq!(text(range.get((1, 0)).unwrap()), "公示日期：2024年11月23日");
        let (header, rows) = table(&range);
        assert_eq!(header[..3], ["序号", "姓名", "身份证号码"]);
        for r in &rows {
            assert!(
                matches!(&r[2], Data::String(s) if is_masked(s)),
                "{:?}",
                r[2]
            );
        }
        let paid = strings(
            &store,
            &format!(
                "SELECT r.id_number FROM residents r WHERE r.village_id = {}
                   AND EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.resident_id = r.id)",
                v.id
            ),
        );
        assert_eq!(rows.len(), paid.len(), "{name}");
        total += rows.len();
        // The notes below the rows: the count and the publicity period.
        let all: Vec<String> = range.rows().map(|r| text(&r[0])).collect();
        assert!(all.iter().any(|l| l == &format!("合计：{}人", rows.len())));
        assert!(
            all.iter()
                .any(|l| l.starts_with("公示期：2024年11月23日至2024年11月25日"))
        );
    }
    assert!(total > 0);

    // CSV: UTF-8 with BOM, one table, masked too.
    let csv = dir.path().join("公示.csv");
    export(
        db,
        &[
            "publicity",
            "--town",
            "370406103",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut t = exchange::open(&csv, &ReadOptions::default()).unwrap();
    let h = t.header(&Mapping::new()).unwrap();
    let rows: Vec<_> = t.rows().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), total);
    assert!(
        rows.iter()
            .all(|r| is_masked(h.get(r, Field::IdNumber).unwrap()))
    );
    assert!(rows.iter().all(|r| h.get(r, Field::Town) == Some("桑村镇")));
}

#[test]
fn roster_as_gbk_csv_reads_back_with_full_ids() {
    let db = shared();
    let dir = TempDir::new().unwrap();
    let store = Store::open_read_only(db).unwrap();
    let (vid, code, _, _) = busiest_village(&store);
    let out = dir.path().join("清册.csv");
    export(
        db,
        &[
            "roster",
            "--village",
            &code,
            "--encoding",
            "gbk",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&out).unwrap();
    assert_ne!(&bytes[..3], b"\xEF\xBB\xBF");
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.contains("身份证号码") && text.contains("\"=\"\"370406"));
    let mut t = exchange::open(&out, &ReadOptions::default()).unwrap();
    assert_eq!(t.encoding(), Some(exchange::Encoding::Gb18030));
    let h = t.header(&Mapping::new()).unwrap();
    let got: BTreeSet<String> = t
        .rows()
        .map(|r| {
            let r = r.unwrap();
            IdNumber::parse(h.get(&r, Field::IdNumber).unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    let want: BTreeSet<String> = strings(
        &store,
        &format!(
            "SELECT DISTINCT r.id_number FROM residents r JOIN roster ro ON ro.resident_id = r.id
              WHERE ro.year = 2025 AND r.village_id = {vid}"
        ),
    )
    .into_iter()
    .collect();
    assert_eq!(got, want);

    // The district's roster as XLSX: one sheet per village, every ID as text.
    let xlsx = dir.path().join("清册.xlsx");
    export(db, &["roster", "--out", xlsx.to_str().unwrap()]);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let mut rows = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let (header, data) = table(&range);
        let id_col = column(&header, "身份证号码");
        for r in &data {
            assert!(
                matches!(&r[id_col], Data::String(s) if s.len() == 18),
                "{:?}",
                r[id_col]
            );
        }
        rows += data.len();
    }
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT resident_id) FROM roster WHERE year = 2025",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows as i64, n);
}

#[test]
fn bulletin_ranks_towns_and_compares_with_the_last_one() {
    let dir = TempDir::new().unwrap();
    // Its own database: a bulletin remembers its date.
    let db = dir.path().join("b.db");
    build(
        &db,
        &DemoOptions {
            residents: 3000,
            seed: 9,
            ..DemoOptions::default()
        },
        "tester",
    )
    .unwrap();
    let first = dir.path().join("b1.csv");
    export(
        &db,
        &[
            "bulletin",
            "--as-of",
            "2024-11-01",
            "--out",
            first.to_str().unwrap(),
        ],
    );
    let second = dir.path().join("b2.xlsx");
    export(
        &db,
        &[
            "bulletin",
            "--as-of",
            "2024-11-23",
            "--out",
            second.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&second).unwrap();
    let range = book.worksheet_range("通报").unwrap();
    assert!(text(range.get((0, 0)).unwrap()).contains("山亭区2025年度"));
    assert!(text(range.get((1, 0)).unwrap()).contains("2024年11月1日"));
    let (header, rows) = table(&range);
    assert_eq!(rows.len(), 12, "11 towns and the district");
    assert_eq!(text(&rows[11][0]), "合计");
    let rate = column(&header, "医疗保险（目标100%）应缴人数") + 2;
    let change = rate + 1;
    let rank = rate + 2;
    assert_eq!(
        (header[rate].as_str(), header[rank].as_str()),
        ("缴费率", "排名")
    );
    let rates: Vec<f64> = rows[..11]
        .iter()
        .map(|r| match r[rate] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "ranked: {rates:?}");
    for (i, r) in rows[..11].iter().enumerate() {
        assert_eq!(r[rank], Data::Float((i + 1) as f64));
    }
    // The change since the last bulletin, against the store's own figures.
    let store = Store::open_read_only(&db).unwrap();
    let policies = store.policies().unwrap();
    let policy = policies.get(2025).unwrap();
    let now = store
        .progress(policy, "2024-11-23".parse().unwrap())
        .unwrap();
    let then = store
        .progress(policy, "2024-11-01".parse().unwrap())
        .unwrap();
    for r in &rows[..11] {
        let name = text(&r[1]);
        let find = |p: &zhengjiao::store::campaign::progress::Progress| {
            p.towns
                .iter()
                .find(|t| t.area.name == name)
                .unwrap()
                .area
                .measures["medical"]
        };
        let (a, b) = (find(&now), find(&then));
        // the difference of the two rates as printed (issue 13.8: one rounding),
        // so that a reader subtracting the bulletins gets the same figure
        let want = a.shown_rate().unwrap() - b.shown_rate().unwrap();
        let got = match r[change] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        };
        let want: f64 = want.to_string().parse().unwrap();
        assert!((got - want).abs() < 1e-9, "{name}: {got} vs {want}");
        assert!(got >= 0.0, "payments only add up");
    }
    // Both exports are in the audit log.
    let exports = store
        .audit_page(0, 5)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "export")
        .count();
    assert_eq!(exports, 2);
}
