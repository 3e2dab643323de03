//! `import residents`, `import villages` and `import policy` on real files
//! made here (GBK and UTF-8 CSV, xlsx) and a committed .xls, through the
//! library and through the binary.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::IdNumber;
use zhengjiao::domain::policy::BUILT_IN;
use zhengjiao::exchange::{self, Mapping, ReadOptions};
use zhengjiao::store::Store;
use zhengjiao::store::imports::{ImportError, ImportKind, ImportOptions, ImportReport};

mod common;
use common::{gbk, write};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A valid ID number of the neighbouring district (the demo has none).
fn id(birth: &str, seq: u16) -> String {
    IdNumber::compose("370481", date(birth), seq)
        .as_str()
        .to_string()
}

fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    let opts = DemoOptions {
        residents: 300,
        seed: 11,
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    path
}

fn import_with(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    mapping: &Mapping,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let mut table = exchange::open(path, &ReadOptions::default())?;
    let header = table.header(mapping)?;
    store.import_table(kind, table, &header, opts, &|_| {})
}

fn import(store: &mut Store, kind: ImportKind, path: &Path) -> ImportReport {
    let opts = ImportOptions::new(path.display().to_string());
    import_with(store, kind, path, &Mapping::new(), &opts).unwrap()
}

/// The reason given for a rejected line.
fn rejected(r: &ImportReport, line: usize) -> &str {
    r.rejected
        .iter()
        .find(|x| x.line == line)
        .map(|x| x.reason.as_str())
        .unwrap_or_else(|| panic!("line {line} was not rejected: {r:#?}"))
}

fn assert_rejected(r: &ImportReport, line: usize, says: &[&str]) {
    let reason = rejected(r, line);
    for s in says {
        assert!(reason.contains(s), "line {line}: {reason:?} lacks {s:?}");
    }
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Two residents of the demo: (ID, name, village code, phone).
fn existing(store: &Store) -> Vec<(String, String, String, Option<String>)> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT r.id_number, r.name, v.code, r.phone FROM residents r JOIN villages v ON v.id = r.village_id
              WHERE r.deceased_on IS NULL AND r.phone IS NOT NULL AND r.residence = 'hukou' ORDER BY r.id LIMIT 2",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

#[test]
fn gbk_csv_with_every_kind_of_bad_row() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let mut store = Store::open(&db).unwrap().with_user("clerk");
    let old = existing(&store);
    let (a, b) = (id("1980-03-04", 11), id("1999-07-08", 22));
    let (c, d, e, f) = (
        id("1970-01-01", 31),
        id("1970-01-01", 41),
        id("1970-01-01", 51),
        id("1985-05-05", 61),
    );
    let (g, h) = (id("1990-02-02", 71), id("1990-02-02", 81));
    let bad_check = format!("{}{}", &a[..17], if a.ends_with('1') { '2' } else { '1' });
    let text = format!(
        "山亭区居民登记表（2025年度）,,,,,,,,\r\n\
         ,,,,,,,,\r\n\
         序号,姓 名,公民身份号码,镇（街道）,所属村居,手机号码,性 别,户口类型,户主\r\n\
         1,张新一,{a},北庄镇,东庄村,13900000001,男,农业户口,是\r\n\
         2,李新二,{b},,370406103201,,女,居住证,否\r\n\
         3,王错三,{bad_check},北庄镇,东庄村,,,,\r\n\
         4,赵圆四,3.70406E+17,北庄镇,东庄村,,,,\r\n\
         5,钱无五,{c},桑村镇,无此村,,,,\r\n\
         6,孙歧六,{d},,东庄,,,,\r\n\
         7,张新一,{a},北庄镇,东庄村,13900000001,男,,\r\n\
         8,,{e},北庄镇,东庄村,,,,\r\n\
         9,周性九,{f},北庄镇,东庄村,,女,,\r\n\
         10,{n0},{i0},,{v0},13800000000,,,\r\n\
         11,{n1},{i1},,{v1},,,,\r\n\
         12,吴户十二,{g},北庄镇,东庄村,,,不详,\r\n\
         13,郑电十三,{h},北庄镇,东庄村,12ab,,,\r\n",
        n0 = old[0].1,
        i0 = old[0].0,
        v0 = old[0].2,
        n1 = old[1].1,
        i1 = old[1].0,
        v1 = old[1].2,
    );
    let path = write(dir.path(), "居民.csv", &gbk(&text));
    let residents_before = count(&store, "SELECT count(*) FROM residents");
    let audit_before = store.audit_count().unwrap();
    let r = import(&mut store, ImportKind::Residents, &path);

    assert_eq!((r.accepted, r.updated, r.unchanged), (2, 1, 1), "{r:#?}");
    assert_eq!(r.rejected.len(), 9, "{r:#?}");
    assert_eq!(r.unknown_columns, vec!["户主"]);
    // Data starts on line 4 (a title and a blank line above the header).
    assert_rejected(&r, 6, &["校验位", "check digit"]);
    assert_rejected(&r, 7, &["四舍五入", "rounded"]);
    assert_rejected(&r, 8, &["找不到村居", "无此村"]);
    assert_rejected(&r, 9, &["不唯一", "西集镇", "北庄镇", "ambiguous"]);
    assert_rejected(&r, 10, &["第4行", "line 4"]);
    assert_rejected(&r, 11, &["缺少姓名", "name is missing"]);
    assert_rejected(&r, 12, &["性别", "disagrees"]);
    assert_rejected(&r, 15, &["户籍性质", "不详"]);
    assert_rejected(&r, 16, &["联系电话", "12ab"]);
    assert_eq!(r.updates.len(), 1);
    assert_eq!(r.updates[0].line, 13);
    let old_phone = old[0].3.clone().unwrap();
    assert!(
        r.updates[0].reason.contains(&old_phone) && r.updates[0].reason.contains("13800000000"),
        "{:?}",
        r.updates[0]
    );

    // The database after.
    assert_eq!(
        count(&store, "SELECT count(*) FROM residents"),
        residents_before + 2
    );
    let new_a = store.resident_by_id_number(&a).unwrap().unwrap();
    assert_eq!(new_a.name, "张新一");
    assert_eq!(new_a.sex, "M");
    assert_eq!(new_a.birth_date, date("1980-03-04"));
    assert_eq!(new_a.village_code, "370406104209", "东庄 of 北庄镇");
    assert_eq!(new_a.residence, "hukou");
    assert_eq!(new_a.phone.as_deref(), Some("13900000001"));
    let new_b = store.resident_by_id_number(&b).unwrap().unwrap();
    assert_eq!(new_b.residence, "permit");
    assert_eq!(new_b.village_code, "370406103201");
    let updated = store.resident_by_id_number(&old[0].0).unwrap().unwrap();
    assert_eq!(updated.phone.as_deref(), Some("13800000000"));
    // Search keys and roster rows for the new residents.
    let hits = store.find("张新一", 5).unwrap();
    assert!(hits.iter().any(|h| h.id_number == a), "{hits:?}");
    assert!(
        store
            .find("zxy", 50)
            .unwrap()
            .iter()
            .any(|h| h.id_number == a)
    );
    let keys = count(
        &store,
        &format!(
            "SELECT count(*) FROM name_keys WHERE name = (SELECT name FROM residents WHERE id = {})",
            new_a.id
        ),
    );
    assert_eq!(
        keys as usize,
        zhengjiao::domain::name_keys::keys("张新一").len()
    );
    let measures: Vec<String> = store
        .conn()
        .prepare(
            "SELECT measure FROM roster WHERE year = 2025 AND resident_id = ?1 ORDER BY insurance",
        )
        .unwrap()
        .query_map([new_a.id], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert_eq!(measures, ["medical", "pension_45_59"]);
    // One imports row, every verdict, ONE audit entry.
    let id = r.import_id.unwrap();
    let verdicts = store.import_rows(id).unwrap();
    assert_eq!(verdicts.len(), 13);
    assert_eq!(verdicts[0], (4, "accepted".into(), None));
    assert_eq!(verdicts[9].1, "updated");
    assert!(verdicts[9].2.as_deref().unwrap().contains(&old_phone));
    assert_eq!(store.audit_count().unwrap(), audit_before + 1);
    let entry = &store.audit_page(0, 1).unwrap()[0];
    assert_eq!(
        (entry.action.as_str(), entry.entity_id),
        ("import", Some(id))
    );
    assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());

    // The same file again changes nothing.
    let again = import(&mut store, ImportKind::Residents, &path);
    assert_eq!(
        (again.accepted, again.updated, again.unchanged),
        (0, 0, 4),
        "{again:#?}"
    );
    assert_eq!(
        again.rejected.iter().map(|x| x.line).collect::<Vec<_>>(),
        r.rejected.iter().map(|x| x.line).collect::<Vec<_>>()
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM residents"),
        residents_before + 2
    );
    assert!(store.check().unwrap().ok);
}

#[test]
fn a_dry_run_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let mut store = Store::open(&db).unwrap();
    let path = write(
        dir.path(),
        "one.csv",
        format!(
            "\u{feff}姓名,身份证号码,村居代码\r\n新来,{},370406103201\r\n",
            id("1960-06-06", 91)
        )
        .as_bytes(),
    );
    let before = (
        count(&store, "SELECT count(*) FROM residents"),
        count(&store, "SELECT count(*) FROM imports"),
        store.audit_count().unwrap(),
        count(&store, "SELECT count(*) FROM name_keys"),
    );
    let mut opts = ImportOptions::new("one.csv");
    opts.dry_run = true;
    let r = import_with(
        &mut store,
        ImportKind::Residents,
        &path,
        &Mapping::new(),
        &opts,
    )
    .unwrap();
    assert_eq!((r.accepted, r.import_id, r.dry_run), (1, None, true));
    let after = (
        count(&store, "SELECT count(*) FROM residents"),
        count(&store, "SELECT count(*) FROM imports"),
        store.audit_count().unwrap(),
        count(&store, "SELECT count(*) FROM name_keys"),
    );
    assert_eq!(before, after);
}

#[test]
fn utf8_bom_csv_and_a_rename() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let mut store = Store::open(&db).unwrap();
    let a = id("2001-01-01", 13);
    let first = write(
        dir.path(),
        "a.csv",
        format!("\u{feff}姓名,身份证号码,村居代码,联系电话\n李明,{a},370406101201,0632-1234567\n")
            .as_bytes(),
    );
    let r = import(&mut store, ImportKind::Residents, &first);
    assert_eq!(r.accepted, 1, "{r:#?}");
    // The same person renamed and moved to another village.
    let second = write(
        dir.path(),
        "b.csv",
        format!("\u{feff}姓名,身份证号码,村居代码\n李明明,{a},370406102201\n").as_bytes(),
    );
    let r = import(&mut store, ImportKind::Residents, &second);
    assert_eq!(r.updated, 1, "{r:#?}");
    let detail = &r.updates[0].reason;
    assert!(detail.contains("李明 → 李明明"), "{detail}");
    assert!(detail.contains("村居"), "{detail}");
    let res = store.resident_by_id_number(&a).unwrap().unwrap();
    assert_eq!(res.name, "李明明");
    assert_eq!(res.village_code, "370406102201");
    // The phone the second file leaves empty stays.
    assert_eq!(res.phone.as_deref(), Some("0632-1234567"));
    // New keys found, old ones gone; the roster follows the village.
    assert!(
        store
            .find("李明明", 5)
            .unwrap()
            .iter()
            .any(|h| h.id_number == a)
    );
    assert!(
        store
            .find("lmm", 50)
            .unwrap()
            .iter()
            .any(|h| h.id_number == a)
    );
    let keys: Vec<String> = store
        .conn()
        .prepare("SELECT key FROM name_keys WHERE name = ?1 ORDER BY key")
        .unwrap()
        .query_map(["李明明"], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let mut want = zhengjiao::domain::name_keys::keys("李明明");
    want.sort();
    assert_eq!(keys, want);
    let village: i64 = store
        .conn()
        .query_row(
            "SELECT DISTINCT village_id FROM roster WHERE resident_id = ?1",
            [res.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(village, res.village_id);
    assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());
}

#[test]
fn xlsx_with_a_mapping_and_ids_stored_as_numbers() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let mut store = Store::open(&db).unwrap();
    let path = dir.path().join("居民.xlsx");
    let (a, b) = (id("1975-09-09", 17), id("1966-06-16", 27));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "居民名单").unwrap();
    for (c, h) in ["人员姓名", "证件号", "村（社区）", "乡镇", "出生年月"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.write_string(3, 0, "陈一").unwrap();
    sheet.write_string(3, 1, &a).unwrap();
    sheet.write_string(3, 2, "东庄村委会").unwrap();
    sheet.write_string(3, 3, "西集镇").unwrap();
    sheet.write_string(3, 4, "1975-09").unwrap();
    sheet.write_string(4, 0, "陈二").unwrap();
    sheet.write_number(4, 1, b.parse::<f64>().unwrap()).unwrap();
    sheet.write_string(4, 2, "东庄村委会").unwrap();
    sheet.write_string(4, 3, "西集镇").unwrap();
    sheet.write_string(5, 0, "陈三").unwrap();
    sheet.write_string(5, 1, &b).unwrap();
    sheet.write_string(5, 2, "东庄村委会").unwrap();
    sheet.write_string(5, 3, "西集镇").unwrap();
    sheet.write_string(5, 4, "1966-07-01").unwrap();
    book.save(&path).unwrap();
    let mapping = Mapping::parse("证件号=id-number").unwrap();
    let opts = ImportOptions::new("居民.xlsx");
    let r = import_with(&mut store, ImportKind::Residents, &path, &mapping, &opts).unwrap();
    assert_eq!(r.accepted, 1, "{r:#?}");
    assert_rejected(&r, 5, &["Excel", "rounded"]);
    assert_rejected(&r, 6, &["出生日期", "1966-06-16"]);
    let res = store.resident_by_id_number(&a).unwrap().unwrap();
    assert_eq!(res.village_code, "370406102200", "东庄 of 西集镇");
}

/// The committed .xls (see tests/fixtures/make_residents_xls.py).
#[test]
fn real_xls_fixture() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let mut store = Store::open(&db).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/residents.xls");
    let r = import(&mut store, ImportKind::Residents, &path);
    assert_eq!(r.accepted, 2, "{r:#?}");
    assert_rejected(&r, 6, &["四舍五入"]);
    assert_rejected(&r, 7, &["性别"]);
    let res = store
        .resident_by_id_number("370481199001011233")
        .unwrap()
        .unwrap();
    assert_eq!(
        (res.name.as_str(), res.village_code.as_str()),
        ("韩一", "370406105201")
    );
    assert_eq!(res.residence, "permit");
    let again = import(&mut store, ImportKind::Residents, &path);
    assert_eq!((again.accepted, again.unchanged), (0, 2));
}

// ------------------------------------------------------------------ villages

#[test]
fn villages_by_code_with_towns() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("new.db")).unwrap();
    let text = "区划代码,村居名称,所属镇街\n\
                370406104209,东庄村委会,北庄镇\n\
                370406104210,徐洼村委会,370406104\n\
                370406104210,徐洼村委会,北庄镇\n\
                370406104211,错镇村委会,西集镇\n\
                37040610421,短码村,北庄镇\n\
                370481001001,外区村,某镇\n\
                370406999001,新设村委会,新设镇\n\
                370406101201,店子村委会,\n\
                370406109999,无名镇的村,\n";
    let path = write(dir.path(), "villages.csv", text.as_bytes());
    let r = import(&mut store, ImportKind::Villages, &path);
    assert_eq!(r.accepted, 5, "{r:#?}");
    assert_rejected(&r, 4, &["第3行"]);
    assert_rejected(&r, 5, &["北庄镇", "西集镇"]);
    assert_rejected(&r, 6, &["12位"]);
    assert_rejected(&r, 7, &["不属于山亭区"]);
    // 370406101 and 370406109 are towns of the district's own list: added by code.
    assert_eq!(r.rejected.len(), 4, "{r:#?}");
    let towns: Vec<(String, String)> = store
        .towns()
        .unwrap()
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    assert!(towns.contains(&("370406104".into(), "北庄镇".into())));
    assert!(towns.contains(&("370406999".into(), "新设镇".into())));
    assert!(towns.contains(&("370406101".into(), "店子镇".into())));
    assert!(towns.contains(&("370406109".into(), "凫城镇".into())));
    assert_eq!(store.villages(None).unwrap().len(), 5);
    // Again: unchanged; then a rename is an update keeping the old name.
    let again = import(&mut store, ImportKind::Villages, &path);
    assert_eq!((again.accepted, again.unchanged), (0, 5));
    let renamed = write(
        dir.path(),
        "renamed.csv",
        "区划代码,村居名称\n370406104210,新徐洼村委会\n".as_bytes(),
    );
    let r = import(&mut store, ImportKind::Villages, &renamed);
    assert_eq!(r.updated, 1);
    assert!(r.updates[0].reason.contains("徐洼村委会 → 新徐洼村委会"));
    assert_eq!(
        store.village_by_code("370406104210").unwrap().unwrap().name,
        "新徐洼村委会"
    );
    assert!(store.check().unwrap().ok);
}

// -------------------------------------------------------------------- policy

fn policy_2026() -> String {
    BUILT_IN[1]
        .replace("year = 2025", "year = 2026")
        .replace("2025年度", "2026年度")
        .replace("2024-", "2025-")
        .replace("\"2025-01-", "\"2026-01-")
}

#[test]
fn a_new_policy_year_is_used_by_the_store() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("p.db")).unwrap();
    assert!(store.policies().unwrap().get(2026).is_none());
    let opts = ImportOptions::new("2026.toml");
    let r = store.import_policy(&policy_2026(), &opts).unwrap();
    assert_eq!((r.accepted, r.year), (1, Some(2026)));
    let p = store.policies().unwrap();
    assert_eq!(p.get(2026).unwrap().window.start, date("2025-09-01"));
    assert_eq!(p.latest().year, 2026);
    let again = store.import_policy(&policy_2026(), &opts).unwrap();
    assert_eq!(again.unchanged, 1);
    // A changed share is an update that keeps the old file.
    let changed = policy_2026().replace("individual = 400", "individual = 420");
    assert_ne!(changed, policy_2026());
    let r = store.import_policy(&changed, &opts).unwrap();
    assert_eq!(r.updated, 1);
    assert!(r.updates[0].reason.contains("medical"), "{:?}", r.updates);
    assert!(r.updates[0].reason.contains("individual = 400"));
    assert_eq!(
        store
            .policies()
            .unwrap()
            .get(2026)
            .unwrap()
            .medical
            .individual,
        420.into()
    );
    // The built-in 2025 file is what 2025 already is.
    assert_eq!(
        store.import_policy(BUILT_IN[1], &opts).unwrap().unchanged,
        1
    );
    let bad = store
        .import_policy(
            &policy_2026().replace("proxy_tier = 100", "proxy_tier = 200"),
            &opts,
        )
        .unwrap_err();
    assert!(
        bad.is_file_error() && bad.to_string().contains("proxy_tier"),
        "{bad}"
    );
    assert_eq!(
        store.audit_count().unwrap(),
        4,
        "one entry per import that ran"
    );
}

// -------------------------------------------------------------- the binary

fn bin(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengjiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn exit_statuses_and_json() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path());
    let good = write(
        dir.path(),
        "good.csv",
        &gbk(&format!(
            "姓名,身份证号码,村居代码\r\n甲,{},370406103201\r\n",
            id("1950-05-05", 33)
        )),
    );
    let out = bin(
        &db,
        &["import", "residents", good.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    for key in ["accepted", "updated", "unchanged", "rejected", "import_id"] {
        assert!(!v[key].is_null(), "{key}: {v}");
    }
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["rejected"], serde_json::json!([]));

    let some_bad = write(
        dir.path(),
        "bad.csv",
        "姓名,身份证号码,村居代码\n乙,123,370406103201\n".as_bytes(),
    );
    let out = bin(
        &db,
        &["import", "residents", some_bad.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let v = json(&out);
    assert_eq!(v["rejected"][0]["line"], 2);
    assert!(v["rejected"][0]["reason"].as_str().unwrap().contains("18"));
    // Without --json: a Chinese summary and the rejected lines.
    let out = bin(&db, &["import", "residents", some_bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("拒绝 1") && text.contains("第2行"), "{text}");

    let no_ids = write(dir.path(), "cols.csv", "姓名,村居\n丙,东庄\n".as_bytes());
    let out = bin(
        &db,
        &["import", "residents", no_ids.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(json(&out)["error"].as_str().unwrap().contains("身份证号码"));
    let out = bin(&db, &["import", "residents", "/nonexistent/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let toml = write(dir.path(), "bad.toml", b"year = 2026\n");
    let out = bin(&db, &["import", "policy", toml.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy file"));
    let out = bin(
        &db,
        &[
            "import",
            "groups",
            good.to_str().unwrap(),
            "--group",
            "dibao",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "--office is required");
    // A dry run through the binary.
    let dry = id("1950-05-05", 43);
    let other = write(
        dir.path(),
        "other.csv",
        format!("姓名,身份证号码,村居代码\n丁,{dry},370406103201\n").as_bytes(),
    );
    let out = bin(
        &db,
        &[
            "import",
            "residents",
            other.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    );
    let v = json(&out);
    assert_eq!(
        (v["accepted"].as_i64(), v["dry_run"].as_bool()),
        (Some(1), Some(true))
    );
    assert!(v["import_id"].is_null());
    let store = Store::open_read_only(&db).unwrap();
    assert!(store.resident_by_id_number(&dry).unwrap().is_none());
}

/// A first load into a registry with villages and nobody yet (the station's
/// first day): indexes rebuilt, roster rows written per insurance, counters
/// added; the result passes the check, is found by name and ID tail, and a
/// second import of the same file, with one resident moved and one new,
/// changes just those.
#[test]
fn a_first_load_then_the_same_file_with_a_move() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("station.db");
    let mut store = Store::open(&db).unwrap().with_user("tester");
    store
        .write(|tx, user| {
            zhengjiao::store::registry::geo::load_bundled_divisions(tx)?;
            zhengjiao::store::audit::record(tx, user, "load", "villages", None, "bundled")?;
            Ok(())
        })
        .unwrap();
    let villages: Vec<String> = zhengjiao::store::registry::geo::bundled_villages()
        .into_iter()
        .map(|v| v.0)
        .take(5)
        .collect();
    let mut csv = String::from("姓名,身份证号码,村居代码\n");
    let births = [
        "1950-03-01",
        "1970-06-15",
        "1985-01-20",
        "2010-09-09",
        "2024-02-02",
    ];
    let mut ids = Vec::new();
    for i in 0..500u16 {
        let birth = births[usize::from(i) % births.len()];
        let id = id(birth, i * 2 % 1000);
        let name = ["张三", "李四", "王小明", "赵敏"][usize::from(i) % 4];
        csv.push_str(&format!("{name},{id},{}\n", villages[usize::from(i) % 5]));
        ids.push(id);
    }
    let path = write(dir.path(), "first.csv", csv.as_bytes());
    let r = import(&mut store, ImportKind::Residents, &path);
    assert_eq!((r.accepted, r.rejected.len()), (500, 0), "{r:#?}");
    // 500 accepted lines in a row are kept as one row that names them all.
    assert_eq!(count(&store, "SELECT count(*) FROM import_rows"), 1);
    let verdicts = store.import_rows(r.import_id.unwrap()).unwrap();
    assert_eq!(verdicts.len(), 500);
    assert!(
        verdicts
            .iter()
            .enumerate()
            .all(|(i, (line, v, reason))| *line == i + 2 && v == "accepted" && reason.is_none())
    );
    let report = store.check().unwrap();
    assert!(report.ok, "{report:?}");
    // Every resident 16 or older at the window's start has a medical row;
    // the counters hold what the roster holds.
    assert_eq!(count(&store, "SELECT count(*) FROM residents"), 500);
    assert_eq!(
        count(&store, "SELECT sum(n) FROM progress_counts"),
        count(&store, "SELECT count(*) FROM roster")
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM roster WHERE insurance = 'medical'"
        ),
        500
    );
    for index in ["residents_name", "residents_id_tail", "residents_village"] {
        assert_eq!(
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{index}'"
                )
            ),
            1,
            "{index} is back"
        );
    }
    assert!(
        count(
            &store,
            "SELECT count(*) FROM sqlite_master WHERE name = 'roster_ins'"
        ) == 1,
        "the roster trigger is back"
    );
    let found = store.find("王小明", 1000).unwrap();
    assert_eq!(found.len(), 125);
    let tail = &ids[7][12..];
    assert!(
        store
            .find(tail, 10)
            .unwrap()
            .iter()
            .any(|f| f.id_number == ids[7])
    );

    // The same file again: one resident moves, one is new.
    let moved = csv.replacen(
        &format!("{},{}", ids[0], villages[0]),
        &format!("{},{}", ids[0], villages[4]),
        1,
    ) + &format!("新人,{},{}\n", id("1990-05-05", 998), villages[1]);
    let path = write(dir.path(), "second.csv", moved.as_bytes());
    let r = import(&mut store, ImportKind::Residents, &path);
    assert_eq!((r.accepted, r.updated, r.unchanged), (1, 1, 499), "{r:#?}");
    let report = store.check().unwrap();
    assert!(report.ok, "{report:?}");
}

/// A new station sets itself up from the division list shipped in
/// `sample-db/` (titled `code, name, streetCode` as the open data is), then
/// imports residents by village name within their town.
#[test]
fn a_new_station_from_the_shipped_division_list() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("station.db");
    let villages = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-db/shanting-villages.csv");
    let out = bin(
        &db,
        &["import", "villages", villages.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    assert_eq!(v["accepted"], 280, "{v}");
    let again = json(&bin(
        &db,
        &["import", "villages", villages.to_str().unwrap(), "--json"],
    ));
    assert_eq!(again["unchanged"], 280, "{again}");
    let people = write(
        dir.path(),
        "people.csv",
        format!(
            "镇街,村居,姓名,身份证号码\n山城街道,双山居委会,甲,{}\n",
            id("1950-05-05", 33)
        )
        .as_bytes(),
    );
    let out = bin(
        &db,
        &["import", "residents", people.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out)["accepted"], 1);
    let check = bin(&db, &["check"]);
    assert!(check.status.success(), "{check:?}");
}

/// New residents into a registry past the first-load size go through the
/// live indexes chunk by chunk (a first load builds them at the end): their
/// roster rows, counters and 未缴 / 代缴 lists agree with a recount, and
/// the 未缴 list in ID order shows them where their ID numbers fall.
#[test]
fn new_residents_into_a_large_registry() {
    use zhengjiao::store::registry::residents::{ListFilter, ListQuery, Scope, SortColumn};
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("large.db");
    let opts = DemoOptions {
        residents: 100_500,
        seed: 5,
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    let mut store = Store::open(&path).unwrap().with_user("tester");
    let villages: Vec<String> = store
        .conn()
        .prepare("SELECT code FROM villages ORDER BY code LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let births = ["1948-03-01", "1972-06-15", "1990-01-20", "2012-09-09"];
    let mut csv = String::from("姓名,身份证号码,村居代码\n");
    for i in 0..400u16 {
        let birth = births[usize::from(i) % births.len()];
        csv.push_str(&format!(
            "新{},{},{}\n",
            ["甲", "乙", "丙"][usize::from(i) % 3],
            id(birth, i * 2),
            villages[usize::from(i) % villages.len()]
        ));
    }
    let file = write(dir.path(), "new.csv", csv.as_bytes());
    let before = count(&store, "SELECT count(*) FROM list_members");
    let r = import(&mut store, ImportKind::Residents, &file);
    assert_eq!((r.accepted, r.rejected.len()), (400, 0), "{r:#?}");
    let report = store.check().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(count(&store, "SELECT count(*) FROM list_members") >= before + 400);
    // the neighbouring district's IDs (370481…) come after the demo's (370406…)
    let town: i64 = store
        .conn()
        .query_row(
            "SELECT town_id FROM villages WHERE code = ?1",
            [&villages[0]],
            |r| r.get(0),
        )
        .unwrap();
    let q = ListQuery {
        year: 2025,
        scope: Scope::Town(town),
        filter: ListFilter::Outstanding,
        sort: SortColumn::IdNumber,
        descending: true,
    };
    let first = store.resident_page(&q, 0, 20).unwrap();
    assert_eq!(first.len(), 20);
    assert!(
        first.iter().all(|r| r.id_number.starts_with("370481")),
        "{:?}",
        first.iter().map(|r| &r.id_number).collect::<Vec<_>>()
    );
}
