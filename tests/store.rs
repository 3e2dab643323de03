//! The store through its public API on real temporary SQLite files.

use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::{Channel, Insurance, Policies};
use zhengjiao::store::campaign::payments::PaymentRequest;
use zhengjiao::store::registry::residents::{ListFilter, ListQuery, Scope, SortColumn};
use zhengjiao::store::{Store, StoreError, schema};

/// Step 9 undone: the counters of people by standing, their triggers, the
/// flagged and birth date indexes (the village index by town stays: the
/// step makes it again).
const UNDO_STEP_9: &str = "DROP TRIGGER member_roster_ins; DROP TRIGGER member_roster_del;
    DROP TRIGGER member_paid_ins; DROP TRIGGER member_paid_del;
    DROP TRIGGER member_roster_upd; DROP TRIGGER member_resident_upd;
    DROP TABLE list_members;
    DROP TRIGGER standing_roster_ins;
    DROP TRIGGER standing_roster_del_before; DROP TRIGGER standing_roster_del_after;
    DROP TRIGGER standing_paid_ins;
    DROP TRIGGER standing_paid_del_before; DROP TRIGGER standing_paid_del_after;
    DROP TRIGGER standing_roster_upd_before; DROP TRIGGER standing_roster_upd_after;
    DROP TRIGGER standing_village_before; DROP TRIGGER standing_village_after;
    DROP TABLE standing_counts; DROP INDEX residents_flagged; DROP INDEX residents_birth;";

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn demo(residents: usize) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("demo.db");
    let opts = DemoOptions {
        residents,
        seed: 7,
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    (dir, path)
}

#[test]
fn migrates_an_empty_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("sub").join("new.db");
    std::fs::File::create(dir.path().join("empty.db")).unwrap();
    for p in [path.clone(), dir.path().join("empty.db")] {
        let store = Store::open(&p).unwrap();
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, schema::version());
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert!(store.check().unwrap().ok);
    }
    // Opening again is a no-op migration.
    let store = Store::open(&path).unwrap();
    assert!(store.towns().unwrap().is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn demo_is_deterministic_and_passes_check() {
    let (_d1, a) = demo(1500);
    let (_d2, b) = demo(1500);
    let dump = |p: &std::path::Path| -> Vec<(String, String, String)> {
        let c = Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT id_number, name, birth_date FROM residents ORDER BY id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|x| x.unwrap())
            .collect()
    };
    assert!(
        dump(&a) == dump(&b),
        "the same seed must build the same residents"
    );
    let store = Store::open(&a).unwrap();
    assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());
    assert_eq!(store.towns().unwrap().len(), 11);
    assert_eq!(store.villages(None).unwrap().len(), 280);
    assert_eq!(store.stored_as_of().unwrap(), Some(date("2024-11-23")));
}

/// A file of schema step 9 gets `list_members` from its roster and
/// payments; `check` names a list that has drifted from them.
#[test]
fn the_lists_index_is_built_by_migration_and_checked() {
    let (_d, path) = demo(800);
    let lists = |c: &Connection| -> Vec<(i64, i64)> {
        c.prepare("SELECT list, count(*) FROM list_members GROUP BY 1 ORDER BY 1")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|x| x.unwrap())
            .collect()
    };
    let c = Connection::open(&path).unwrap();
    let built = lists(&c);
    assert_eq!(
        built.len(),
        3,
        "未缴, 已缴 and 代缴 all hold someone: {built:?}"
    );
    c.execute_batch(&format!(
        "{} DROP TABLE list_members; PRAGMA user_version = {};",
        schema::DROP_MEMBER_TRIGGERS,
        schema::MEMBERS_VERSION - 1
    ))
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());
    assert_eq!(lists(store.conn()), built);
    // someone who owes disappears from the 未缴 list behind the triggers' back
    store
        .conn()
        .execute_batch(
            "DELETE FROM list_members WHERE (year, list, id_number) IN
               (SELECT year, list, id_number FROM list_members WHERE list = 1 LIMIT 1);",
        )
        .unwrap();
    let report = store.check().unwrap();
    assert!(!report.ok);
    assert!(
        report.findings.iter().any(|f| f.check == "list-members"),
        "{report:?}"
    );
}

/// The report against a plain count written independently of the counters.
#[test]
fn progress_matches_an_independent_count() {
    let (_d, path) = demo(3000);
    let store = Store::open(&path).unwrap();
    let policies = Policies::built_in();
    let policy = policies.get(2025).unwrap();
    let p = store.progress(policy, date("2024-11-23")).unwrap();
    let c = Connection::open(&path).unwrap();
    let mut plain: HashMap<(String, String), (i64, i64, i64)> = HashMap::new();
    let mut st = c
        .prepare(
            "SELECT v.code, ro.measure,
                    sum(ro.status = 'due'),
                    sum(ro.status = 'due' AND EXISTS (SELECT 1 FROM payments pa WHERE pa.resident_id = ro.resident_id
                        AND pa.year = ro.year AND pa.insurance = ro.insurance AND pa.kind = 'payment'
                        AND NOT EXISTS (SELECT 1 FROM payments u WHERE u.original_id = pa.id))),
                    sum(ro.status = 'exempt')
               FROM roster ro JOIN villages v ON v.id = ro.village_id WHERE ro.year = 2025
              GROUP BY v.code, ro.measure",
        )
        .unwrap();
    for row in st
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
    {
        let (v, m, due, paid, exempt): (String, String, i64, i64, i64) = row.unwrap();
        plain.insert((v, m), (due, paid, exempt));
    }
    let mut district_due = 0;
    for t in &p.towns {
        let mut town_due = 0;
        let mut town_planned = 0;
        for v in &t.villages {
            for (m, counts) in &v.measures {
                let want = plain
                    .get(&(v.code.clone(), m.clone()))
                    .copied()
                    .unwrap_or((0, 0, 0));
                assert_eq!(
                    (counts.due, counts.paid, counts.exempt),
                    want,
                    "{} {m}",
                    v.code
                );
            }
            town_due += v.measures["medical"].due;
            town_planned += v.medical_planned;
        }
        assert_eq!(town_due, t.area.measures["medical"].due);
        assert_eq!(town_planned, t.area.medical_planned);
        district_due += town_due;
    }
    assert_eq!(district_due, p.district.measures["medical"].due);
    assert_eq!(p.district.medical_planned, 313_296, "the plan's total");
    // An earlier as-of date counts fewer payments, through the exact path.
    let early = store.progress(policy, date("2024-10-20")).unwrap();
    assert!(early.district.measures["medical"].paid < p.district.measures["medical"].paid);
}

#[test]
fn payments_duplicates_reversals_and_counters() {
    let (_d, path) = demo(2000);
    let mut store = Store::open(&path).unwrap().with_user("clerk1");
    let q = ListQuery {
        year: 2025,
        scope: Scope::District,
        filter: ListFilter::Outstanding,
        sort: SortColumn::Name,
        descending: false,
    };
    let outstanding = store.resident_page(&q, 0, 50).unwrap();
    let row = outstanding
        .iter()
        .find(|r| r.medical == zhengjiao::store::registry::residents::Standing::Due)
        .expect("someone owes medical");
    let policy = Policies::built_in();
    let before = store
        .progress(policy.get(2025).unwrap(), date("2024-11-23"))
        .unwrap()
        .district
        .measures["medical"];
    let req = PaymentRequest {
        id_number: row.id_number.clone(),
        year: 2025,
        insurance: Insurance::Medical,
        tier: None,
        channel: Channel::Wechat,
        receipt: None,
        agent_code: None,
        office: None,
        paid_on: date("2024-11-23"),
        special: None,
    };
    // the counts of people by standing follow every payment and reversal:
    // the list's count (from the counters) is the length of the list itself
    let counts_agree = |store: &Store, step: &str| {
        let mut counts = Vec::new();
        for filter in [
            ListFilter::Outstanding,
            ListFilter::Paid,
            ListFilter::Exempt,
        ] {
            let q = ListQuery { filter, ..q };
            let listed = store.resident_page(&q, 0, 100_000).unwrap().len() as i64;
            assert_eq!(
                store.resident_count(&q).unwrap(),
                listed,
                "{step}: {filter:?}"
            );
            counts.push(listed);
            // the first page by ID number or age (walked along the list's
            // own index, `list_members`) is the whole list's, sorted
            for sort in [SortColumn::IdNumber, SortColumn::Age] {
                for descending in [false, true] {
                    let q = ListQuery {
                        sort,
                        descending,
                        ..q
                    };
                    let ids = |rows: Vec<zhengjiao::store::registry::residents::ResidentRow>| {
                        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
                    };
                    let whole = ids(store.resident_page(&q, 0, 100_000).unwrap());
                    let first = ids(store.resident_page(&q, 0, 40).unwrap());
                    assert_eq!(first, whole[..whole.len().min(40)], "{step}: {q:?}");
                }
            }
        }
        counts
    };
    let counted = counts_agree(&store, "before");
    let rec = store.record_payment(&req).unwrap();
    assert!(rec.person_fen > 0);
    let paid = counts_agree(&store, "paid");
    assert_eq!(
        paid[1],
        counted[1] + 1,
        "one more person has paid something"
    );
    let after = store
        .progress(policy.get(2025).unwrap(), date("2024-11-23"))
        .unwrap()
        .district
        .measures["medical"];
    assert_eq!(after.paid, before.paid + 1);
    match store.record_payment(&req) {
        Err(StoreError::Refused(m)) => {
            assert!(m.contains("重复缴费") && m.contains("duplicate"), "{m}")
        }
        other => panic!("duplicate not refused: {other:?}"),
    }
    let rev = store
        .reverse_payment(rec.payment_id, "录错人", date("2024-11-23"))
        .unwrap();
    assert!(rev > rec.payment_id);
    assert!(
        store
            .reverse_payment(rec.payment_id, "again", date("2024-11-23"))
            .is_err()
    );
    let undone = store
        .progress(policy.get(2025).unwrap(), date("2024-11-23"))
        .unwrap()
        .district
        .measures["medical"];
    assert_eq!(undone.paid, before.paid);
    assert_eq!(counts_agree(&store, "reversed"), counted);
    // Paying again after a reversal is allowed.
    store.record_payment(&req).unwrap();
    assert_eq!(counts_agree(&store, "paid again"), paid);
    let history = store.payment_history(row.id).unwrap();
    assert_eq!(
        history.iter().filter(|p| p.insurance == "medical").count(),
        3
    );
    // Payments are never updated or deleted, even by plain SQL.
    assert!(
        store
            .conn()
            .execute("UPDATE payments SET person_fen = 0", [])
            .is_err()
    );
    assert!(store.conn().execute("DELETE FROM payments", []).is_err());
    assert!(store.check().unwrap().ok, "{:?}", store.check().unwrap());
    let audited: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit WHERE user = 'clerk1' AND entity = 'payments'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 3);
}

#[test]
fn find_by_every_form() {
    let (_d, path) = demo(2000);
    let store = Store::open_read_only(&path).unwrap();
    let (id, name): (String, String) = store
        .conn()
        .query_row(
            "SELECT id_number, name FROM residents WHERE length(name) = 3 ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let tail6 = &id[12..];
    let tail4 = &id[14..];
    for q in [name.as_str(), &name[3..], tail4, tail6, &id, &id[..10]] {
        let hits = store.find(q, 200).unwrap();
        assert!(
            hits.iter().any(|h| h.id_number == id),
            "query {q} missed {name}"
        );
    }
    let initials: String = zhengjiao::domain::name_keys::pinyin_combos(&name)[0]
        .0
        .clone();
    assert!(
        store
            .find(&initials, 2000)
            .unwrap()
            .iter()
            .any(|h| h.id_number == id),
        "initials {initials}"
    );
    assert!(store.find("", 10).unwrap().is_empty());
}

/// A station's file from before schema 5 (the ID tail index reversed)
/// gets the plain tail index on opening, and tails are found through it.
#[test]
fn migrates_the_id_tail_index() {
    let (_d, path) = demo(500);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "{UNDO_STEP_9}
             DROP INDEX residents_id_tail;
             CREATE INDEX residents_id_tail ON residents(
                substr(id_number, 18, 1) || substr(id_number, 17, 1) || substr(id_number, 16, 1) ||
                substr(id_number, 15, 1) || substr(id_number, 14, 1) || substr(id_number, 13, 1));
             ALTER TABLE agents DROP COLUMN counter;
             ALTER TABLE remittance_closes DROP COLUMN pos_fen;
             ALTER TABLE audit DROP COLUMN prev_hash;
             ALTER TABLE audit DROP COLUMN hash;
             PRAGMA user_version = 4;"
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let sql: String = store
        .conn()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'residents_id_tail'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(sql.contains("substr(id_number, 13)"), "{sql}");
    let id: String = store
        .conn()
        .query_row("SELECT id_number FROM residents LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let plan: String = store
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM residents WHERE substr(id_number, 13) IN ('000000', '010000') ORDER BY substr(id_number, 13), id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("residents_id_tail"), "{plan}");
    assert!(
        store
            .find(&id[13..], 50)
            .unwrap()
            .iter()
            .any(|h| h.id_number == id),
        "{id}"
    );
    assert!(store.check().unwrap().ok);
}

/// A tail of 4, 5 or 6 characters (a lower-case x too) finds every resident
/// whose ID number ends so, before any whose number merely starts so, in
/// the order of their last six characters.
#[test]
fn find_by_id_tail_finds_every_match() {
    let (_d, path) = demo(3000);
    let store = Store::open_read_only(&path).unwrap();
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id_number FROM residents WHERE id % 97 = 0 OR id_number LIKE '%X' ORDER BY id LIMIT 40")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(ids.iter().any(|id| id.ends_with('X')), "no X among {ids:?}");
    for id in &ids {
        for len in [4, 5, 6] {
            let tail = id[18 - len..].to_ascii_lowercase();
            let mut expected: Vec<String> = store
                .conn()
                .prepare("SELECT id_number FROM residents WHERE id_number LIKE '%' || ?1")
                .unwrap()
                .query_map([&tail], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            expected.sort_by(|a, b| a[12..].cmp(&b[12..]).then(a.cmp(b)));
            let hits: Vec<String> = store
                .find(&tail, 500)
                .unwrap()
                .into_iter()
                .map(|h| h.id_number)
                .collect();
            assert!(expected.contains(id));
            assert_eq!(
                hits[..expected.len()]
                    .iter()
                    .map(|h| &h[12..])
                    .collect::<Vec<_>>(),
                expected.iter().map(|h| &h[12..]).collect::<Vec<_>>(),
                "tail {tail}"
            );
            let mut found = hits[..expected.len()].to_vec();
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "tail {tail}");
        }
    }
}

#[test]
fn read_only_store_cannot_write() {
    let (_d, path) = demo(300);
    let mut store = Store::open_read_only(&path).unwrap();
    assert!(store.conn().execute("DELETE FROM audit", []).is_err());
    let err = store
        .write(|tx, _| Ok(tx.execute("DELETE FROM audit", [])?))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly));
}

#[test]
fn backup_while_open_passes_check() {
    let (dir, path) = demo(1000);
    let store = Store::open(&path).unwrap();
    let out = dir.path().join("backup.db");
    store.backup_to(&out).unwrap();
    let copy = Store::open_read_only(&out).unwrap();
    assert!(copy.check().unwrap().ok);
    let n = |s: &Store| -> i64 {
        s.conn()
            .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(n(&store), n(&copy));
}

#[test]
fn ambiguous_village_names_are_refused_with_candidates() {
    let (_d, path) = demo(200);
    let store = Store::open_read_only(&path).unwrap();
    let err = store
        .resolve_village("东庄村", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("不唯一") && err.contains("ambiguous"), "{err}");
    let by_town = store.resolve_village("东庄", Some("山城街道"));
    let both: Vec<_> = store
        .villages(None)
        .unwrap()
        .into_iter()
        .filter(|v| v.name == "东庄村委会")
        .collect();
    assert_eq!(both.len(), 2);
    let t = &both[0].town_name;
    assert_eq!(
        store.resolve_village("东庄村委会", Some(t)).unwrap().code,
        both[0].code
    );
    let _ = by_town;
    assert_eq!(
        store.resolve_village(&both[1].code, None).unwrap().id,
        both[1].id
    );
}

/// The residents list, page after page, for every scope, filter and order:
/// the pages put together are the whole list in order, as many as the
/// count says, each resident once; names, ID numbers and birth dates come
/// in the order asked for.
#[test]
fn list_pages_add_up_to_the_list() {
    use zhengjiao::domain::name_keys::sort_key;
    use zhengjiao::store::registry::residents::{ListFilter, ResidentRow as Row, Standing};
    let (_d, path) = demo(2000);
    let store = Store::open_read_only(&path).unwrap();
    let (town, village): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT v.town_id, v.id FROM residents r JOIN villages v ON v.id = r.village_id
              GROUP BY v.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let in_scope = |scope: Scope| -> i64 {
        let sql = match scope {
            Scope::District => "SELECT count(*) FROM residents WHERE ?1 = ?1".to_string(),
            Scope::Town(_) => "SELECT count(*) FROM residents r JOIN villages v ON v.id = r.village_id WHERE v.town_id = ?1".into(),
            Scope::Village(_) => "SELECT count(*) FROM residents WHERE village_id = ?1".into(),
        };
        let id = match scope {
            Scope::District => 0,
            Scope::Town(id) | Scope::Village(id) => id,
        };
        store.conn().query_row(&sql, [id], |r| r.get(0)).unwrap()
    };
    for scope in [Scope::District, Scope::Town(town), Scope::Village(village)] {
        for filter in zhengjiao::store::registry::residents::LIST_FILTERS {
            for sort in [
                SortColumn::Name,
                SortColumn::IdNumber,
                SortColumn::Age,
                SortColumn::Village,
                SortColumn::Medical,
                SortColumn::Pension,
            ] {
                for descending in [false, true] {
                    let q = ListQuery {
                        year: 2025,
                        scope,
                        filter,
                        sort,
                        descending,
                    };
                    let total = store.resident_count(&q).unwrap();
                    let whole = store.resident_page(&q, 0, 100_000).unwrap();
                    assert_eq!(whole.len() as i64, total, "{q:?}");
                    if filter == ListFilter::All {
                        assert_eq!(total, in_scope(scope), "{q:?}");
                    }
                    let mut pages = Vec::new();
                    for offset in (0..total).step_by(37) {
                        pages.extend(store.resident_page(&q, offset, 37).unwrap());
                    }
                    let ids = |rows: &[Row]| -> Vec<i64> { rows.iter().map(|r| r.id).collect() };
                    assert_eq!(ids(&pages), ids(&whole), "{q:?}");
                    // the same pages read from the end of the list
                    let mut back = Vec::new();
                    for from_end in (0..total).step_by(37) {
                        let mut page = store.resident_page_from_end(&q, from_end, 37).unwrap();
                        page.extend(back);
                        back = page;
                    }
                    assert_eq!(ids(&back), ids(&whole), "from the end: {q:?}");
                    let mut unique = ids(&whole);
                    unique.sort();
                    unique.dedup();
                    assert_eq!(unique.len(), whole.len(), "{q:?}");
                    let ordered = |ok: &dyn Fn(&Row, &Row) -> bool| {
                        whole.windows(2).all(|w| ok(&w[0], &w[1]))
                    };
                    let in_order = match sort {
                        SortColumn::Name => ordered(&|a, b| {
                            let (ka, kb) = (sort_key(&a.name), sort_key(&b.name));
                            (ka <= kb) != descending || ka == kb
                        }),
                        SortColumn::IdNumber => {
                            ordered(&|a, b| (a.id_number < b.id_number) != descending)
                        }
                        SortColumn::Age => ordered(&|a, b| {
                            (a.birth_date >= b.birth_date) != descending
                                || a.birth_date == b.birth_date
                        }),
                        _ => true,
                    };
                    assert!(in_order, "{q:?}");
                    if filter == ListFilter::Outstanding {
                        assert!(
                            whole
                                .iter()
                                .all(|r| r.medical == Standing::Due || r.pension == Standing::Due),
                            "{q:?}"
                        );
                    }
                }
            }
        }
    }
}

/// Names sort by pinyin with surname readings (单 shan, 曾 zeng), not by
/// code point (丁 万 于 冯 …), in a village, a town and the district, both
/// ways; a file written before schema 6 gets its names' sort keys.
#[test]
fn names_list_in_pinyin_order() {
    use zhengjiao::domain::name_keys::sort_key;
    let (_d, path) = demo(2000);
    let six = ["曾明", "万里", "于谦", "单雄", "冯军", "丁一"];
    let (town, village) = {
        // the file as schema 5 left it, with six people renamed in one village
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "{UNDO_STEP_9}
             DELETE FROM name_keys WHERE key >= char(1) AND key < char(2);
             ALTER TABLE agents DROP COLUMN counter;
             ALTER TABLE remittance_closes DROP COLUMN pos_fen;
             ALTER TABLE audit DROP COLUMN prev_hash;
             ALTER TABLE audit DROP COLUMN hash;
             PRAGMA user_version = 5;"
        ))
        .unwrap();
        let (town, village): (i64, i64) = conn
            .query_row(
                "SELECT v.town_id, v.id FROM residents r JOIN villages v ON v.id = r.village_id
                  GROUP BY v.id ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        for name in six {
            conn.execute(
                "UPDATE residents SET name = ?1
                  WHERE id = (SELECT min(id) FROM residents WHERE village_id = ?2 AND name NOT IN
                              ('曾明', '万里', '于谦', '单雄', '冯军', '丁一'))",
                rusqlite::params![name, village],
            )
            .unwrap();
        }
        (town, village)
    };
    let store = Store::open(&path).unwrap();
    let (keys, names): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM name_keys WHERE key >= char(1) AND key < char(2)),
                    (SELECT count(DISTINCT name) FROM residents)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(keys, names, "every name has its sort key");
    for scope in [Scope::Village(village), Scope::Town(town), Scope::District] {
        for descending in [false, true] {
            let q = ListQuery {
                year: 2025,
                scope,
                filter: ListFilter::All,
                sort: SortColumn::Name,
                descending,
            };
            let whole = store.resident_page(&q, 0, 100_000).unwrap();
            let mut want: Vec<_> = whole
                .iter()
                .map(|r| (sort_key(&r.name), r.name.clone(), r.id))
                .collect();
            want.sort();
            if descending {
                want.reverse();
            }
            let got: Vec<_> = whole.iter().map(|r| r.id).collect();
            let want_ids: Vec<_> = want.iter().map(|w| w.2).collect();
            assert_eq!(got, want_ids, "{q:?}");
            let mut seen: Vec<&str> = whole
                .iter()
                .map(|r| r.name.as_str())
                .filter(|n| six.contains(n))
                .collect();
            if descending {
                seen.reverse();
            }
            assert_eq!(
                seen,
                ["丁一", "冯军", "单雄", "万里", "于谦", "曾明"],
                "{q:?}"
            );
            // the first page of a town walks the keys: the same rows
            let first = store.resident_page(&q, 0, 50).unwrap();
            assert_eq!(
                first.iter().map(|r| r.id).collect::<Vec<_>>(),
                got[..50.min(got.len())],
                "{q:?}"
            );
        }
    }
}
