//! A whole campaign for one village through the store's API, on a real
//! demo database file: roster review and amendments, payments through every
//! channel, a proxy batch, a duplicate, a death and its refund, a reversal,
//! the daily remittance, declaration and the payment publicity. After every
//! step the progress figures and `check()` are asserted.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::PathBuf;
use tempfile::TempDir;
use zhengjiao::demo::{DemoOptions, build};
use zhengjiao::domain::progress::Counts;
use zhengjiao::domain::{Channel, Insurance, Office, Policies, PolicyYear};
use zhengjiao::exchange::{self, Mapping, ReadOptions};
use zhengjiao::store::campaign::declaration::DeclarationState;
use zhengjiao::store::campaign::payments::PaymentRequest;
use zhengjiao::store::campaign::proxy::SkipReason;
use zhengjiao::store::campaign::review::ReviewState;
use zhengjiao::store::imports::{ImportKind, ImportOptions, ImportReport};
use zhengjiao::store::registry::residents::Standing;
use zhengjiao::store::{Store, StoreError};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A demo database as it stands a few days into the window: the roster is
/// drawn up and almost nobody has paid yet.
fn demo(residents: usize) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("campaign.db");
    let opts = DemoOptions {
        residents,
        seed: 4,
        as_of: date("2024-09-05"),
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    (dir, path)
}

fn policy() -> PolicyYear {
    Policies::built_in().get(2025).unwrap().clone()
}

/// The village's figures of one measure in the progress report.
fn counts(store: &Store, village_id: i64, measure: &str) -> Counts {
    let p = store.progress(&policy(), date("2025-01-31")).unwrap();
    p.towns
        .iter()
        .flat_map(|t| t.villages.iter())
        .find(|v| v.id == village_id)
        .map(|v| v.measures.get(measure).copied().unwrap_or_default())
        .unwrap()
}

fn district(store: &Store) -> Counts {
    let p = store.progress(&policy(), date("2025-01-31")).unwrap();
    let mut c = Counts::default();
    for m in p.district.measures.values() {
        c.add(m);
    }
    c
}

fn assert_ok(store: &Store) {
    let r = store.check().unwrap();
    assert!(r.ok, "{:?}", r.findings);
}

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, zh: &str) -> String {
    match r {
        Err(StoreError::Refused(m)) => {
            assert!(m.contains(zh), "expected '{zh}' in: {m}");
            assert!(m.contains(" / "), "bilingual: {m}");
            m
        }
        other => panic!("expected a refusal containing '{zh}', got {other:?}"),
    }
}

/// `import deaths` of a police list (UTF-8 CSV) written here.
fn import_deaths(store: &mut Store, dir: &std::path::Path, rows: &[(&str, &str)]) -> ImportReport {
    let mut text = String::from("公民身份号码,死亡日期\n");
    for (id, died) in rows {
        text.push_str(&format!("{id},{died}\n"));
    }
    let path = dir.join(format!("deaths-{}.csv", store.audit_count().unwrap()));
    std::fs::write(&path, text).unwrap();
    let mut table = exchange::open(&path, &ReadOptions::default()).unwrap();
    let header = table.header(&Mapping::new()).unwrap();
    let mut opts = ImportOptions::new(path.display().to_string());
    opts.today = date("2025-06-30");
    store
        .import_table(ImportKind::Deaths, table, &header, &opts, &|_| {})
        .unwrap()
}

fn audit_count(store: &Store) -> i64 {
    store.audit_count().unwrap()
}

fn pay(
    id: &str,
    ins: Insurance,
    channel: Channel,
    agent: Option<&str>,
    on: &str,
) -> PaymentRequest {
    PaymentRequest {
        id_number: id.to_string(),
        year: 2025,
        insurance: ins,
        tier: (ins == Insurance::Pension).then(|| Decimal::from(350)),
        channel,
        receipt: None,
        agent_code: agent.map(str::to_string),
        office: None,
        paid_on: date(on),
        special: None,
    }
}

/// (village id, code) of the village with most residents who pay medical
/// themselves, and its agents.
fn busiest_village(store: &Store) -> (i64, String, Vec<String>) {
    let (id, code): (i64, String) = store
        .conn()
        .query_row(
            "SELECT v.id, v.code FROM roster r JOIN villages v ON v.id = r.village_id
              WHERE r.year = 2025 AND r.insurance = 'medical' AND r.status = 'due'
              GROUP BY v.id ORDER BY count(*) DESC, v.code LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let agents = store
        .agents_of_village(id)
        .unwrap()
        .into_iter()
        .map(|a| a.code)
        .collect();
    (id, code, agents)
}

/// ID numbers of living residents of the village without special groups,
/// due for a measure (`medical`, `pension_45_59`, …) and unpaid.
fn due_ids(store: &Store, village_id: i64, measure: &str, n: usize) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT r.id_number FROM roster ro JOIN residents r ON r.id = ro.resident_id
              WHERE ro.year = 2025 AND ro.village_id = ?1 AND ro.measure = ?2 AND ro.status = 'due'
                AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.resident_id = r.id)
                AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.year = 2025 AND x.insurance = ro.insurance
                                AND x.resident_id = ro.resident_id)
              ORDER BY r.id LIMIT ?3",
        )
        .unwrap();
    let ids: Vec<String> = st
        .query_map(rusqlite::params![village_id, measure, n as i64], |r| {
            r.get(0)
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    assert_eq!(ids.len(), n, "the village has enough residents due");
    ids
}

#[test]
fn a_whole_campaign_for_one_village() {
    let (dir, path) = demo(3000);
    let mut store = Store::open(&path).unwrap().with_user("clerk1");
    assert_ok(&store);
    let (vid, vcode, agents) = busiest_village(&store);
    let agent = agents[0].clone();
    let start = counts(&store, vid, "medical");
    assert!(start.due >= 20, "{start:?}");
    // Agents' payments the demo recorded before today, never remitted.
    let (base_n, base_fen) = store
        .declare_pending(2025, Some(vid))
        .unwrap()
        .first()
        .map_or((0, 0), |p| (p.unremitted_payments, p.unremitted_fen));

    // 1. Roster review. The 2025 plan has no roster publicity before
    // collection (the roster is only 缴费参照依据): reviewed → final.
    assert_eq!(
        store.roster_review(2025, vid).unwrap().state,
        ReviewState::Listed
    );
    refused(
        store.finalize_roster(2025, vid, date("2024-09-12")),
        "已下发",
    );
    let r = store.review_roster(2025, vid, date("2024-09-10")).unwrap();
    assert_eq!(r.state, ReviewState::Reviewed);
    assert_eq!(r.reviewed_by.as_deref(), Some("clerk1"));
    refused(
        store.finalize_roster(2025, vid, date("2024-09-09")),
        "早于初审",
    );
    assert_eq!(
        store.roster_review(2025, vid).unwrap().state,
        ReviewState::Reviewed,
        "a refusal writes nothing"
    );
    let r = store
        .finalize_roster(2025, vid, date("2024-09-15"))
        .unwrap();
    assert_eq!(r.state, ReviewState::Final);
    assert_eq!(r.publicity_to, None);
    assert_ok(&store);

    // Amendments: a removal and an addition, each with a reason; the
    // counters follow.
    let moved = due_ids(&store, vid, "medical", 1).remove(0);
    refused(
        store.roster_remove(2025, Insurance::Medical, &moved, " ", date("2024-09-16")),
        "原因",
    );
    let a = store
        .roster_remove(
            2025,
            Insurance::Medical,
            &moved,
            "已参加职工医保",
            date("2024-09-16"),
        )
        .unwrap();
    assert_eq!(a.action, "remove");
    assert_eq!(a.review_state, "final");
    assert_eq!(counts(&store, vid, "medical").due, start.due - 1);
    assert_ok(&store);
    refused(
        store.roster_remove(
            2025,
            Insurance::Medical,
            &moved,
            "again",
            date("2024-09-16"),
        ),
        "不在2025年度",
    );
    store
        .roster_add(
            2025,
            Insurance::Medical,
            &moved,
            "核实后恢复：职工医保已停保",
            date("2024-09-17"),
        )
        .unwrap();
    refused(
        store.roster_add(
            2025,
            Insurance::Medical,
            &moved,
            "again",
            date("2024-09-17"),
        ),
        "已在2025年度",
    );
    assert_eq!(counts(&store, vid, "medical").due, start.due);
    assert_eq!(store.roster_amendments(2025, vid).unwrap().len(), 2);
    assert_ok(&store);

    // 2. Payments through every channel. The agent's cash takes receipts
    // from a registered book.
    store
        .add_receipt_book(&agent, "00012001", "00012030")
        .unwrap();
    let ids = due_ids(&store, vid, "medical", 10);
    let channels = [
        (Channel::AgentPos, Some(agent.as_str()), "2024-10-14"),
        (Channel::Cash, Some(agent.as_str()), "2024-10-14"),
        (Channel::Wechat, None, "2024-10-15"),
        (Channel::Alipay, None, "2024-10-15"),
        (Channel::Aishandong, None, "2024-10-15"),
        (Channel::Etax, None, "2024-10-15"),
        (Channel::Bank, None, "2024-10-20"),
        (Channel::TaxHall, None, "2024-10-15"),
    ];
    let mut recorded = Vec::new();
    for (i, (ch, ag, on)) in channels.iter().enumerate() {
        let before = counts(&store, vid, "medical");
        let r = store
            .record_payment(&pay(&ids[i], Insurance::Medical, *ch, *ag, on))
            .unwrap();
        assert_eq!(
            counts(&store, vid, "medical").paid,
            before.paid + 1,
            "{ch:?}"
        );
        recorded.push(r);
        assert_ok(&store);
    }
    assert_eq!(recorded[1].receipt.as_deref(), Some("00012001"));
    assert_eq!(recorded[0].receipt, None);
    // A pension payment in cash, and a receipt typed twice.
    let pension_payer = due_ids(&store, vid, "pension_45_59", 1).remove(0);
    let band =
        |s: &Store| counts(s, vid, "pension_45_59").paid + counts(s, vid, "pension_16_44").paid;
    let pension_before = band(&store);
    let mut req = pay(
        &pension_payer,
        Insurance::Pension,
        Channel::Cash,
        Some(&agent),
        "2024-10-14",
    );
    req.receipt = Some("12001".into());
    refused(store.record_payment(&req), "已用于缴费记录");
    req.receipt = Some("00099999".into());
    refused(store.record_payment(&req), "不在代办员");
    req.receipt = None;
    let pension = store.record_payment(&req).unwrap();
    assert_eq!(pension.receipt.as_deref(), Some("00012002"));
    assert_eq!(pension.person_fen, 35_000);
    assert_eq!(band(&store), pension_before + 1);
    assert_eq!(
        store.next_receipt(&agent).unwrap().as_deref(),
        Some("00012003")
    );
    assert_ok(&store);

    // 3. A government office's proxy batch: dry run, the batch, a rerun.
    let office_code: String = store
        .conn()
        .query_row(
            "SELECT office FROM roster WHERE year = 2025 AND village_id = ?1 AND status = 'exempt'
              GROUP BY office ORDER BY count(*) DESC LIMIT 1",
            [vid],
            |r| r.get(0),
        )
        .unwrap();
    let office = Office::parse(&office_code).unwrap();
    let list = store.proxy_list(2025, office).unwrap();
    assert!(list.iter().any(|l| l.village_code == vcode));
    let exempt_before = district(&store).exempt_paid;
    let village_exempt_before = counts(&store, vid, "medical").exempt_paid;
    let audits = audit_count(&store);
    let dry = store
        .proxy_pay(2025, office, date("2024-10-21"), true)
        .unwrap();
    assert!(dry.dry_run && dry.batch_id.is_none() && !dry.paid.is_empty());
    assert!(dry.paid.iter().all(|p| p.payment_id.is_none()));
    assert_eq!(
        district(&store).exempt_paid,
        exempt_before,
        "a dry run records nothing"
    );
    assert_eq!(audit_count(&store), audits);
    let batch = store
        .proxy_pay(2025, office, date("2024-10-21"), false)
        .unwrap();
    assert!(batch.batch_id.is_some());
    assert_eq!(batch.paid.len(), dry.paid.len());
    assert_eq!(
        batch.government_fen,
        batch
            .paid
            .iter()
            .map(|p| p.line.government_fen)
            .sum::<i64>()
    );
    assert_eq!(
        district(&store).exempt_paid,
        exempt_before + batch.paid.len() as i64
    );
    let here = batch
        .paid
        .iter()
        .filter(|p| p.line.village_code == vcode && p.line.insurance == Insurance::Medical)
        .count() as i64;
    assert_eq!(
        counts(&store, vid, "medical").exempt_paid,
        village_exempt_before + here
    );
    assert_eq!(audit_count(&store), audits + 1, "one audit entry per batch");
    let again = store
        .proxy_pay(2025, office, date("2024-10-22"), false)
        .unwrap();
    assert!(again.paid.is_empty() && again.batch_id.is_none());
    assert!(
        again
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::AlreadyPaid { .. }))
            .count()
            >= batch.paid.len()
    );
    assert_eq!(audit_count(&store), audits + 1, "a rerun records nothing");
    assert_ok(&store);

    // 4. A duplicate is refused and changes nothing.
    let before = counts(&store, vid, "medical");
    refused(
        store.record_payment(&pay(
            &ids[2],
            Insurance::Medical,
            Channel::Bank,
            None,
            "2024-10-22",
        )),
        "重复缴费",
    );
    assert_eq!(counts(&store, vid, "medical"), before);

    // 5. A death reported after the payment: the check flags it until the
    // payment is refunded; then the person leaves the roster.
    let (dead_id, bank_payment) = (&ids[6], recorded[6].payment_id);
    let before = counts(&store, vid, "medical");
    let deaths = import_deaths(&mut store, dir.path(), &[(dead_id, "2024-10-18")]);
    assert_eq!(deaths.accepted, 1, "{deaths:#?}");
    assert!(
        deaths
            .refunds
            .unwrap()
            .iter()
            .any(|f| f.payment_id == bank_payment)
    );
    // Paid only after the death: off the roster at once (the payment is to
    // be refunded and does not count).
    let after = counts(&store, vid, "medical");
    assert_eq!((after.due, after.paid), (before.due - 1, before.paid - 1));
    let report = store.check().unwrap();
    assert!(
        !report.ok
            && report
                .findings
                .iter()
                .any(|f| f.check == "paid-after-death")
    );
    let refund = store
        .refund_payment(bank_payment, "死亡后缴费，退费", date("2024-10-25"))
        .unwrap();
    assert_eq!(counts(&store, vid, "medical"), after);
    assert_ok(&store);
    refused(
        store.refund_payment(bank_payment, "again", date("2024-10-25")),
        "已经冲正或退费",
    );
    refused(
        store.roster_remove(
            2025,
            Insurance::Medical,
            dead_id,
            "死亡（公安销户名单）",
            date("2024-10-25"),
        ),
        "不在2025年度",
    );
    assert_ok(&store);
    let (_, rec) = store.payment(refund).unwrap();
    assert_eq!(rec.kind, "refund");
    assert_eq!(rec.person_fen, -recorded[6].person_fen);

    // 6. A reversal (冲正) of an agent's payment recorded in error the same day.
    let wrong = store
        .record_payment(&pay(
            &ids[8],
            Insurance::Medical,
            Channel::AgentPos,
            Some(&agent),
            "2024-10-14",
        ))
        .unwrap();
    let before = counts(&store, vid, "medical");
    store
        .reverse_payment(wrong.payment_id, "录错人", date("2024-10-14"))
        .unwrap();
    assert_eq!(counts(&store, vid, "medical").paid, before.paid - 1);
    assert_ok(&store);

    // 7. The agent's day: the cash to hand in is cash + pension cash; the
    // POS payment (the reversed one no longer counts) is shown apart.
    let expected = recorded[1].person_fen + pension.person_fen;
    let pos = recorded[0].person_fen;
    let day = date("2024-10-14");
    let d = store
        .remittance_day(day, date("2024-10-20"))
        .unwrap()
        .into_iter()
        .find(|d| d.agent_code == agent)
        .unwrap();
    assert_eq!((d.payments, d.reversals), (4, 1));
    assert_eq!(d.expected_fen, expected);
    assert_eq!((d.pos_payments, d.pos_fen), (1, pos));
    assert_eq!(d.cash_fen, 0);
    assert!(
        d.held,
        "nothing handed in by the next working day: held funds"
    );
    assert_eq!(d.due_by, date("2024-10-15"));
    refused(
        store.close_remittance(&agent, day, date("2024-10-15")),
        "短款",
    );
    let d = store
        .record_remittance(
            &agent,
            day,
            Decimal::new(expected, 2),
            "BOC-1014-01",
            date("2024-10-15"),
        )
        .unwrap();
    assert!(d.balanced() && !d.held);
    refused(
        store.record_remittance(&agent, day, Decimal::ONE, "BOC-1014-01", date("2024-10-15")),
        "已登记",
    );
    let closed = store
        .close_remittance(&agent, day, date("2024-10-15"))
        .unwrap();
    assert!(closed.is_closed());
    assert_ok(&store);
    // The closed day no longer changes.
    refused(
        store.reverse_payment(recorded[0].payment_id, "录错", day),
        "请办理退费",
    );
    refused(
        store.record_payment(&pay(
            &ids[9],
            Insurance::Medical,
            Channel::AgentPos,
            Some(&agent),
            "2024-10-14",
        )),
        "已解缴结账",
    );
    // An unbalanced day: cash short by 100 and handed in late.
    let late_day = date("2024-10-16");
    let short = store
        .record_payment(&pay(
            &ids[9],
            Insurance::Medical,
            Channel::Cash,
            Some(&agent),
            "2024-10-16",
        ))
        .unwrap();
    store
        .record_remittance(
            &agent,
            late_day,
            Decimal::new(short.person_fen - 10_000, 2),
            "BOC-1016-01",
            date("2024-10-18"),
        )
        .unwrap();
    let d = store
        .remittance_day(late_day, date("2024-10-20"))
        .unwrap()
        .into_iter()
        .find(|d| d.agent_code == agent)
        .unwrap();
    assert_eq!(d.difference_fen, -10_000);
    assert!(d.held, "handed in after {}", d.due_by);
    let audits = audit_count(&store);
    refused(
        store.close_remittance(&agent, late_day, date("2024-10-18")),
        "钱表不符",
    );
    assert_eq!(
        audit_count(&store),
        audits,
        "a refused close writes nothing"
    );
    assert!(
        store
            .remittance_open(date("2024-10-20"))
            .unwrap()
            .iter()
            .any(|d| d.day == late_day && d.agent_code == agent)
    );
    assert_ok(&store);

    // 8. Declaration of the remitted payments: draft → submitted → confirmed.
    let pending = store.declare_pending(2025, Some(vid)).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].ready_payments, pending[0].ready_fen),
        (3, expected + pos)
    );
    assert_eq!(
        (pending[0].unremitted_payments, pending[0].unremitted_fen),
        (base_n + 1, base_fen + short.person_fen)
    );
    let dec = store.declare_create(2025, vid, date("2024-10-21")).unwrap();
    assert_eq!(dec.state, DeclarationState::Draft);
    assert_eq!((dec.payments, dec.person_fen), (3, expected + pos));
    refused(
        store.declare_create(2025, vid, date("2024-10-21")),
        "没有已解缴结账",
    );
    refused(store.declare_confirm(dec.id, date("2024-10-22")), "已生成");
    let dec = store.declare_submit(dec.id, date("2024-10-22")).unwrap();
    assert_eq!(dec.state, DeclarationState::Submitted);
    let dec = store.declare_confirm(dec.id, date("2024-10-23")).unwrap();
    assert_eq!(dec.state, DeclarationState::Confirmed);
    assert_eq!(dec.confirmed_on, Some(date("2024-10-23")));
    let pending = store.declare_pending(2025, Some(vid)).unwrap();
    assert_eq!(pending[0].ready_payments, 0);
    assert_ok(&store);

    // 9. The payment publicity after the window, by 01-31 (公示阶段).
    refused(
        store.record_payment_publicity(2025, vid, date("2024-12-30"), date("2025-01-02")),
        "不在其中",
    );
    refused(
        store.record_payment_publicity(2025, vid, date("2025-01-30"), date("2025-02-03")),
        "不在其中",
    );
    refused(
        store.record_payment_publicity(2025, vid, date("2025-01-02"), date("2025-01-03")),
        "不少于3天",
    );
    let paid_here: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT x.resident_id) FROM paid x JOIN roster r ON r.year = x.year
                AND r.insurance = x.insurance AND r.resident_id = x.resident_id
              WHERE x.year = 2025 AND r.village_id = ?1",
            [vid],
            |r| r.get(0),
        )
        .unwrap();
    let p = store
        .record_payment_publicity(2025, vid, date("2025-01-02"), date("2025-01-04"))
        .unwrap();
    assert_eq!(p.listed, paid_here);
    refused(
        store.record_payment_publicity(2025, vid, date("2025-01-05"), date("2025-01-07")),
        "已登记",
    );
    let sheet = store.publicity_list(2025, vid).unwrap();
    assert!(sheet.iter().any(|r| r.id_number == ids[0]));
    assert!(!sheet.iter().any(|r| &r.id_number == dead_id));
    assert_ok(&store);

    // 10. The resident's file: the refunded payment and the refund, the
    // roster removal.
    let dead = store.resident_by_key(dead_id).unwrap();
    let file = store.dossier(dead.id, 2025).unwrap();
    assert_eq!(file.resident.deceased_on, Some(date("2024-10-18")));
    let kinds: Vec<&str> = file.payments.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["refund", "payment"]);
    let med = file
        .dues
        .iter()
        .find(|l| l.insurance == Insurance::Medical)
        .unwrap();
    assert_eq!(med.standing, Standing::NotCovered);
    assert_eq!(
        file.amendments.len(),
        0,
        "left the roster by the death rule"
    );
    let payer = store.resident_by_key(&ids[0]).unwrap();
    let file = store.dossier(payer.id, 2025).unwrap();
    assert_eq!(file.dues[0].standing, Standing::Paid);
    assert_eq!(file.dues[0].payment_id, Some(recorded[0].payment_id));
    assert_ok(&store);
}

#[test]
fn special_payments_go_through_the_one_path() {
    let (_dir, path) = demo(1500);
    let mut store = Store::open(&path).unwrap().with_user("clerk2");
    let (vid, _, _) = busiest_village(&store);
    let ids = due_ids(&store, vid, "pension_45_59", 2);
    // A policy back-payment for 2021 at 2021's own tiers.
    let mut req = pay(
        &ids[0],
        Insurance::Pension,
        Channel::Bank,
        None,
        "2024-10-20",
    );
    req.year = 2021;
    req.tier = Some(Decimal::from(300));
    req.special = Some("policy-backpay".into());
    let r = store.record_payment(&req).unwrap();
    assert_eq!(r.person_fen, 30_000);
    assert!(!r.late);
    assert_eq!(r.special.map(|s| s.code()), Some("policy-backpay"));
    // 300 is not a 2025 tier; and a back-payment for a year still open is refused.
    req.year = 2025;
    refused(store.record_payment(&req), "只适用于征缴期已结束");
    // An interrupted back-payment of 2021 medical: 280 that year.
    let mut m = pay(
        &ids[1],
        Insurance::Medical,
        Channel::Wechat,
        None,
        "2024-10-20",
    );
    m.year = 2021;
    m.special = Some("中断补缴".into());
    let r = store.record_payment(&m).unwrap();
    assert_eq!(r.person_fen, 28_000);
    // Unknown special cases are refused with the choices.
    m.special = Some("holiday".into());
    refused(store.record_payment(&m), "policy-backpay");

    // A newborn pays medical after the window without the late rule; an
    // ordinary late payment is marked late.
    let mut st = store
        .conn()
        .prepare(
            "SELECT r.id_number FROM residents r JOIN roster ro ON ro.resident_id = r.id
              WHERE ro.year = 2025 AND ro.insurance = 'medical' AND ro.status = 'due'
                AND r.birth_date >= '2024-01-01' AND r.deceased_on IS NULL ORDER BY r.id LIMIT 2",
        )
        .unwrap();
    let babies: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    drop(st);
    assert_eq!(babies.len(), 2, "the demo has babies born in 2024");
    let mut b = pay(
        &babies[0],
        Insurance::Medical,
        Channel::Wechat,
        None,
        "2025-02-01",
    );
    b.special = Some("newborn".into());
    let r = store.record_payment(&b).unwrap();
    assert!(!r.late);
    let mut p = b.clone();
    p.id_number = ids[0].clone();
    refused(store.record_payment(&p), "不是2025年度的新生儿");
    let mut pension = p.clone();
    pension.insurance = Insurance::Pension;
    refused(store.record_payment(&pension), "只适用于医疗保险");
    let late = store
        .record_payment(&pay(
            &babies[1],
            Insurance::Medical,
            Channel::Wechat,
            None,
            "2025-02-01",
        ))
        .unwrap();
    assert!(late.late);
    assert_ok(&store);
}

#[test]
fn receipt_books_numbers_and_voids() {
    let (_dir, path) = demo(1500);
    let mut store = Store::open(&path).unwrap();
    let (vid, _, agents) = busiest_village(&store);
    let agent = &agents[0];
    refused(store.add_receipt_book(agent, "200", "100"), "大于终止号");
    refused(store.add_receipt_book(agent, "1", "20000"), "最多");
    refused(store.add_receipt_book(agent, "12a", "20"), "无效");
    let b = store
        .add_receipt_book(agent, "00500001", "00500021")
        .unwrap();
    assert_eq!(
        (b.first.as_str(), b.size, b.remaining),
        ("00500001", 21, 21)
    );
    assert!(!b.is_low());
    refused(
        store.add_receipt_book(agent, "00500021", "00500030"),
        "重叠",
    );
    assert_eq!(
        store.void_receipt("500001", "填错作废").unwrap(),
        "00500001"
    );
    refused(store.void_receipt("00500001", "again"), "已经作废");
    refused(store.void_receipt("00600001", "x"), "不在任何");
    let ids = due_ids(&store, vid, "medical", 2);
    let r = store
        .record_payment(&pay(
            &ids[0],
            Insurance::Medical,
            Channel::Cash,
            Some(agent),
            "2024-10-14",
        ))
        .unwrap();
    assert_eq!(
        r.receipt.as_deref(),
        Some("00500002"),
        "voided numbers are skipped"
    );
    refused(store.void_receipt("00500002", "x"), "请冲正");
    let books = store.receipt_books(Some(agent)).unwrap();
    assert_eq!(
        (books[0].used, books[0].voided, books[0].remaining),
        (1, 1, 19)
    );
    assert!(books[0].is_low(), "fewer than 20 left");
    // Another agent with no book cannot take cash receipts.
    let other: String = store
        .conn()
        .query_row(
            "SELECT code FROM agents WHERE code <> ?1 ORDER BY code LIMIT 1",
            [agent],
            |r| r.get(0),
        )
        .unwrap();
    refused(
        store.record_payment(&pay(
            &ids[1],
            Insurance::Medical,
            Channel::Cash,
            Some(&other),
            "2024-10-14",
        )),
        "没有可用的收据号",
    );
    assert_ok(&store);
}

#[test]
fn a_refused_proxy_line_leaves_nothing_behind() {
    let (_dir, path) = demo(3000);
    let mut store = Store::open(&path).unwrap();
    let office = Office::CivilAffairs;
    let list = store.proxy_list(2025, office).unwrap();
    let open: Vec<_> = list.iter().filter(|l| l.skip_reason().is_none()).collect();
    assert!(open.len() >= 2);
    // The office's certificate of the first person lapsed after the roster
    // was drawn up: the payment path refuses that line, the rest is paid.
    let lapsed = open[0].resident_id;
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE memberships SET valid_to = '2024-01-31' WHERE resident_id = ?1",
            [lapsed],
        )
        .unwrap();
    let payments_before: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
        .unwrap();
    let out = store
        .proxy_pay(2025, office, date("2024-10-21"), false)
        .unwrap();
    let refused_lines: Vec<_> = out
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::Refused { .. }))
        .collect();
    assert!(refused_lines.iter().any(|s| s.line.resident_id == lapsed));
    let payments_after: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(payments_after - payments_before, out.paid.len() as i64);
    let batches = store.proxy_batches(2025).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].payments, out.paid.len() as i64);
    assert_eq!(batches[0].skipped, out.skipped.len() as i64);
    assert_ok(&store);
}

#[test]
fn held_funds_count_working_days_only() {
    let (_dir, path) = demo(1500);
    let mut store = Store::open(&path).unwrap();
    let (vid, _, agents) = busiest_village(&store);
    let agent = &agents[0];
    store
        .add_receipt_book(agent, "00070001", "00070010")
        .unwrap();
    let ids = due_ids(&store, vid, "medical", 2);
    // Friday's cash is due on Monday.
    let friday = date("2024-10-18");
    let r = store
        .record_payment(&pay(
            &ids[0],
            Insurance::Medical,
            Channel::Cash,
            Some(agent),
            "2024-10-18",
        ))
        .unwrap();
    let day = |s: &Store, as_of: &str| {
        s.remittance_day(friday, date(as_of))
            .unwrap()
            .into_iter()
            .find(|d| d.agent_code == *agent)
            .unwrap()
    };
    assert_eq!(day(&store, "2024-10-21").due_by, date("2024-10-21"));
    assert!(!day(&store, "2024-10-21").held, "Monday is still in time");
    assert!(day(&store, "2024-10-22").held, "Tuesday: held over");
    store
        .record_remittance(
            agent,
            friday,
            Decimal::new(r.person_fen, 2),
            "SLIP-1018",
            date("2024-10-21"),
        )
        .unwrap();
    assert!(!day(&store, "2024-10-30").held);
    refused(
        store.record_remittance(agent, friday, Decimal::new(1, 3), "SLIP-X", friday),
        "最多两位小数",
    );
    refused(
        store.record_remittance(agent, friday, Decimal::ONE, "SLIP-Y", date("2024-10-17")),
        "早于收款日期",
    );
    store
        .close_remittance(agent, friday, date("2024-10-21"))
        .unwrap();
    refused(
        store.close_remittance(agent, friday, date("2024-10-21")),
        "已经结账",
    );
    assert!(
        !store
            .remittance_open(date("2024-10-30"))
            .unwrap()
            .iter()
            .any(|d| d.day == friday),
        "a closed day is no longer open"
    );
    assert_ok(&store);
}

/// Issue 13, point 1: a death list arrives weeks late. Cash an agent took
/// before the death stands, counts as paid and balances the agent's day; a
/// payment on or after the death is refused; a death before the insured
/// year lists the payment for refund; the unpaid dead leave the roster, in
/// the demo as after `import deaths`.
#[test]
fn a_payment_before_a_late_death_list_stands() {
    let (dir, path) = demo(1500);
    let mut store = Store::open(&path).unwrap().with_user("clerk1");
    let (vid, _, agents) = busiest_village(&store);
    let agent = agents[0].clone();
    store
        .add_receipt_book(&agent, "00031001", "00031010")
        .unwrap();
    let ids = due_ids(&store, vid, "medical", 3);
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
    let start = counts(&store, vid, "medical");

    // The police list: A died in March of the insured year, B before it
    // began, C (never paid) in November.
    let r = import_deaths(
        &mut store,
        dir.path(),
        &[(a, "2025-03-10"), (b, "2024-11-01"), (c, "2024-11-05")],
    );
    assert_eq!(r.accepted, 3, "{r:#?}");
    assert!(r.refunds.unwrap().is_empty(), "nobody had paid yet");
    // The unpaid dead leave the roster's denominator.
    assert_eq!(counts(&store, vid, "medical").due, start.due - 3);
    assert_ok(&store);

    // The agent's cash taken from A in October is recorded after the list.
    let paid_a = store
        .record_payment(&pay(
            a,
            Insurance::Medical,
            Channel::Cash,
            Some(&agent),
            "2024-10-14",
        ))
        .unwrap();
    assert!(paid_a.warnings.is_empty(), "{:?}", paid_a.warnings);
    let now = counts(&store, vid, "medical");
    assert_eq!((now.due, now.paid), (start.due - 2, start.paid + 1));
    assert_ok(&store);
    // On the day of death or after: refused.
    refused(
        store.record_payment(&pay(
            a,
            Insurance::Pension,
            Channel::Wechat,
            None,
            "2025-03-10",
        )),
        "死亡",
    );
    refused(
        store.record_payment(&pay(
            c,
            Insurance::Medical,
            Channel::Bank,
            None,
            "2024-11-05",
        )),
        "死亡",
    );
    // B paid before dying, but died before the insured year began: recorded
    // (the cash was taken), counted, and to be refunded.
    let paid_b = store
        .record_payment(&pay(
            b,
            Insurance::Medical,
            Channel::Cash,
            Some(&agent),
            "2024-10-14",
        ))
        .unwrap();
    assert!(
        paid_b.warnings.iter().any(|w| w.contains("应退费")),
        "{:?}",
        paid_b.warnings
    );
    let again = import_deaths(&mut store, dir.path(), &[(b, "2024-11-01")]);
    let refunds = again.refunds.unwrap();
    assert_eq!(
        refunds.iter().map(|f| f.payment_id).collect::<Vec<_>>(),
        [paid_b.payment_id]
    );
    assert_ok(&store);

    // The agent's day balances: both cash payments are in it.
    let day = date("2024-10-14");
    let d = store
        .remittance_day(day, day)
        .unwrap()
        .into_iter()
        .find(|d| d.agent_code == agent)
        .unwrap();
    assert_eq!(d.expected_fen, paid_a.person_fen + paid_b.person_fen);
    store
        .record_remittance(&agent, day, Decimal::new(d.expected_fen, 2), "D-1014", day)
        .unwrap();
    store.close_remittance(&agent, day, day).unwrap();
    assert_ok(&store);

    // B's refund: unpaid and dead, B leaves the roster; A stays as paid.
    let before = counts(&store, vid, "medical");
    store
        .refund_payment(
            paid_b.payment_id,
            "参保年度开始前死亡，退费",
            date("2024-11-20"),
        )
        .unwrap();
    let after = counts(&store, vid, "medical");
    assert_eq!((after.due, after.paid), (before.due - 1, before.paid - 1));
    assert_ok(&store);
}

/// The demo's dead follow the same rule as `import deaths`: on the roster
/// only when they paid before the death.
#[test]
fn the_demo_counts_the_dead_as_an_import_would() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("late.db");
    let opts = DemoOptions {
        residents: 4000,
        seed: 9,
        as_of: date("2024-11-15"),
        ..DemoOptions::default()
    };
    build(&path, &opts, "tester").unwrap();
    let store = Store::open(&path).unwrap();
    let q = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(q("SELECT count(*) FROM residents WHERE deceased_on IS NOT NULL") > 0);
    let dead_on_roster = q(
        "SELECT count(*) FROM roster ro JOIN residents r ON r.id = ro.resident_id
                             WHERE r.deceased_on IS NOT NULL",
    );
    let dead_paid_before = q(
        "SELECT count(*) FROM roster ro JOIN residents r ON r.id = ro.resident_id
                               JOIN paid x ON x.year = ro.year AND x.insurance = ro.insurance
                                AND x.resident_id = ro.resident_id
                               JOIN payments p ON p.id = x.payment_id
                              WHERE r.deceased_on IS NOT NULL AND p.paid_on < r.deceased_on",
    );
    assert!(dead_on_roster > 0, "some died after paying");
    assert_eq!(dead_on_roster, dead_paid_before);
    assert_ok(&store);
}
