//! `check`: SQLite's integrity check plus the domain's invariants; `backup`:
//! SQLite's online backup, safe while others write.

use super::{Result, Store, schema};
use rusqlite::{Connection, backup::Backup};
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub findings: Vec<Finding>,
}

/// (name, SQL returning offending rows as one text column, message)
const INVARIANTS: &[(&str, &str, &str)] = &[
    (
        "duplicate-payment",
        "SELECT resident_id || '/' || year || '/' || insurance FROM payments p
          WHERE kind = 'payment' AND NOT EXISTS (SELECT 1 FROM payments u WHERE u.original_id = p.id)
          GROUP BY resident_id, year, insurance HAVING count(*) > 1 LIMIT 20",
        "同一居民同一年度同一险种有多笔有效缴费 / more than one payment in force for one resident, insurance and year",
    ),
    (
        "paid-after-death",
        "SELECT p.id FROM payments p JOIN residents r ON r.id = p.resident_id
          WHERE p.kind = 'payment' AND r.deceased_on IS NOT NULL AND p.paid_on >= r.deceased_on
            AND NOT EXISTS (SELECT 1 FROM payments u WHERE u.original_id = p.id) LIMIT 20",
        "死亡当日或之后缴费且未退费 / payment dated on or after the death and not refunded",
    ),
    (
        "roster-deceased",
        "SELECT ro.year || '/' || ro.insurance || '/' || ro.resident_id
           FROM residents r JOIN roster ro ON ro.resident_id = r.id
          WHERE r.deceased_on IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM paid x JOIN payments p ON p.id = x.payment_id
                             WHERE x.year = ro.year AND x.insurance = ro.insurance
                               AND x.resident_id = ro.resident_id AND p.paid_on < r.deceased_on) LIMIT 20",
        "已死亡且死亡前未缴费的人仍在清册中 / a dead person without a payment before the death is still on the roster",
    ),
    (
        "reversal-sums",
        "SELECT u.id FROM payments u JOIN payments o ON o.id = u.original_id
          WHERE u.person_fen + o.person_fen <> 0 OR u.government_fen + o.government_fen <> 0
             OR u.resident_id <> o.resident_id OR u.year <> o.year OR u.insurance <> o.insurance LIMIT 20",
        "冲正或退费金额与原缴费不符 / a reversal or refund does not cancel its original exactly",
    ),
    (
        "paid-index",
        "SELECT x.payment_id FROM paid x JOIN payments p ON p.id = x.payment_id
          WHERE p.kind <> 'payment' OR p.resident_id <> x.resident_id OR p.year <> x.year OR p.insurance <> x.insurance
             OR EXISTS (SELECT 1 FROM payments u WHERE u.original_id = p.id)
         UNION ALL
         SELECT p.id FROM payments p WHERE p.kind = 'payment'
            AND NOT EXISTS (SELECT 1 FROM payments u WHERE u.original_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM paid x WHERE x.payment_id = p.id) LIMIT 20",
        "缴费状态表与缴费记录不一致 / the payments-in-force table disagrees with the payments",
    ),
    (
        "progress-counters",
        "WITH a AS (SELECT r.year, r.village_id, r.measure, r.status, count(*) AS n, count(x.payment_id) AS paid
                      FROM roster r LEFT JOIN paid x ON x.year = r.year AND x.insurance = r.insurance AND x.resident_id = r.resident_id
                     GROUP BY 1, 2, 3, 4),
              b AS (SELECT year, village_id, measure, status, n, paid FROM progress_counts WHERE n <> 0 OR paid <> 0)
         SELECT year || '/' || village_id || '/' || measure FROM (SELECT * FROM a EXCEPT SELECT * FROM b)
         UNION ALL
         SELECT year || '/' || village_id || '/' || measure FROM (SELECT * FROM b EXCEPT SELECT * FROM a)
         LIMIT 20",
        "进度计数与清册不符 / progress counters disagree with the roster",
    ),
    (
        "progress-days",
        "WITH a AS (SELECT r.year, r.village_id, r.measure, r.status, pay.paid_on AS day, count(*) AS paid
                      FROM roster r JOIN paid x ON x.year = r.year AND x.insurance = r.insurance AND x.resident_id = r.resident_id
                      JOIN payments pay ON pay.id = x.payment_id
                     GROUP BY 1, 2, 3, 4, 5),
              b AS (SELECT year, village_id, measure, status, day, paid FROM progress_paid_days WHERE paid <> 0)
         SELECT village_id || '/' || day FROM (SELECT * FROM a EXCEPT SELECT * FROM b)
         UNION ALL
         SELECT village_id || '/' || day FROM (SELECT * FROM b EXCEPT SELECT * FROM a)
         LIMIT 20",
        "按日进度计数与缴费记录不符 / daily progress counters disagree with the payments",
    ),
    (
        "roster-village",
        "SELECT r.resident_id FROM roster r JOIN residents x ON x.id = r.resident_id WHERE r.village_id <> x.village_id LIMIT 20",
        "清册中的村居与居民登记不符 / roster village differs from the registry",
    ),
    (
        "receipt-numbers",
        "SELECT u.book_id || '/' || u.number FROM receipt_numbers u JOIN receipt_books b ON b.id = u.book_id
           LEFT JOIN payments p ON p.id = u.payment_id
          WHERE u.number NOT BETWEEN b.first_no AND b.last_no
             OR (u.payment_id IS NOT NULL AND (p.channel <> 'cash' OR p.agent_id IS NOT b.agent_id
                 OR CAST(p.receipt AS INTEGER) <> u.number)) LIMIT 20",
        "收据号与收据本或缴费记录不符 / a receipt number disagrees with its book or payment",
    ),
    (
        "remittance-closed",
        "SELECT c.agent_id || '/' || c.day FROM remittance_closes c
          WHERE c.cash_fen <> coalesce((SELECT sum(r.cash_fen) FROM remittances r WHERE r.agent_id = c.agent_id AND r.day = c.day), 0)
             OR c.expected_fen <> coalesce((SELECT sum(p.person_fen) + coalesce(sum(u.person_fen), 0)
                  FROM payments p LEFT JOIN payments u ON u.original_id = p.id AND u.kind = 'reversal'
                 WHERE p.agent_id = c.agent_id AND p.paid_on = c.day AND p.kind = 'payment'
                   AND (p.channel = 'cash' OR (c.pos_fen IS NULL AND p.channel = 'agent-pos'))), 0)
             OR c.pos_fen <> coalesce((SELECT sum(p.person_fen) + coalesce(sum(u.person_fen), 0)
                  FROM payments p LEFT JOIN payments u ON u.original_id = p.id AND u.kind = 'reversal'
                 WHERE p.agent_id = c.agent_id AND p.paid_on = c.day AND p.kind = 'payment'
                   AND p.channel = 'agent-pos'), 0) LIMIT 20",
        "已结账的代办员日报与缴费或解缴记录不符 / a closed agent-day no longer matches its payments or cash",
    ),
    (
        "declaration-sums",
        "SELECT d.id FROM declarations d
          WHERE (d.payments, d.person_fen) IS NOT (SELECT count(*), coalesce(sum(p.person_fen), 0)
                   FROM declaration_items i JOIN payments p ON p.id = i.payment_id WHERE i.declaration_id = d.id)
         UNION ALL
         SELECT i.declaration_id FROM declaration_items i JOIN declarations d ON d.id = i.declaration_id
           JOIN payments p ON p.id = i.payment_id LEFT JOIN agents a ON a.id = p.agent_id
          WHERE a.id IS NULL OR p.year <> d.year OR p.kind <> 'payment'
             OR CASE WHEN a.counter THEN (SELECT r.village_id FROM residents r WHERE r.id = p.resident_id)
                     ELSE a.village_id END <> d.village_id
             OR NOT EXISTS (SELECT 1 FROM remittance_closes c WHERE c.agent_id = p.agent_id AND c.day = p.paid_on)
          LIMIT 20",
        "申报批次与其缴费记录不符 / a declaration disagrees with its payments",
    ),
    (
        "proxy-batch-sums",
        "SELECT b.id FROM proxy_batches b
          WHERE (b.payments, b.government_fen) IS NOT (SELECT count(*), coalesce(sum(p.government_fen), 0)
                   FROM proxy_batch_items i JOIN payments p ON p.id = i.payment_id WHERE i.batch_id = b.id)
         UNION ALL
         SELECT i.batch_id FROM proxy_batch_items i JOIN proxy_batches b ON b.id = i.batch_id
           JOIN payments p ON p.id = i.payment_id
          WHERE p.channel <> 'proxy' OR p.office IS NOT b.office OR p.year <> b.year OR p.kind <> 'payment'
          LIMIT 20",
        "代缴批次与其缴费记录不符 / a proxy batch disagrees with its payments",
    ),
];

/// Run every check on an open connection.
pub fn run_checks(conn: &Connection) -> Result<CheckReport> {
    let mut findings = Vec::new();
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        findings.push(Finding {
            check: "integrity",
            message: format!(
                "SQLite 完整性检查失败 / integrity check failed: {}",
                integrity.join("; ")
            ),
        });
    }
    let fk: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "{}:{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1).unwrap_or(0)
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if !fk.is_empty() {
        findings.push(Finding {
            check: "foreign-keys",
            message: format!("外键不一致 / foreign key violations: {}", fk.join(", ")),
        });
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version as usize != schema::version() {
        findings.push(Finding {
            check: "schema",
            message: format!(
                "数据库版本 {version}，程序需要 {} / schema version {version}, expected {}",
                schema::version(),
                schema::version()
            ),
        });
        return Ok(CheckReport {
            ok: false,
            findings,
        });
    }
    let standings = format!(
        "WITH a AS (SELECT year, village_id, medical, pension, count(*) AS n
                      FROM ({}) GROUP BY 1, 2, 3, 4),
              b AS (SELECT year, village_id, medical, pension, n FROM standing_counts WHERE n <> 0)
         SELECT year || '/' || village_id FROM (SELECT * FROM a EXCEPT SELECT * FROM b)
         UNION ALL
         SELECT year || '/' || village_id FROM (SELECT * FROM b EXCEPT SELECT * FROM a)
         LIMIT 20",
        schema::standings_from_roster()
    );
    let members = format!(
        "WITH a AS ({}), b AS (SELECT * FROM list_members)
         SELECT year || '/' || list || '/' || id_number FROM (SELECT * FROM a EXCEPT SELECT * FROM b)
         UNION ALL
         SELECT year || '/' || list || '/' || id_number FROM (SELECT * FROM b EXCEPT SELECT * FROM a)
         LIMIT 20",
        schema::members_from_roster()
    );
    let invariants = INVARIANTS.iter().map(|(n, q, m)| (*n, *q, *m)).chain([
        (
            "standing-counters",
            standings.as_str(),
            "居民缴费状态计数与清册、缴费不符 / counts of residents by standing disagree with the roster and payments",
        ),
        (
            "list-members",
            members.as_str(),
            "未缴、已缴、代缴名单索引与清册、缴费不符 / the 未缴 / 已缴 / 代缴 lists' index disagrees with the roster and payments",
        ),
    ]);
    for (name, sql, message) in invariants {
        let rows: Vec<String> = conn
            .prepare(sql)?
            // Some invariants name offending rows by number, others by text.
            .query_map([], |r| {
                Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    other => format!("{other:?}"),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if !rows.is_empty() {
            findings.push(Finding {
                check: name,
                message: format!("{message}: {}", rows.join(", ")),
            });
        }
    }
    let chain = super::audit::verify_chain(conn, 20)?;
    let ids = |v: &[i64]| {
        v.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !chain.edited.is_empty() {
        findings.push(Finding {
            check: "audit-edited",
            message: format!(
                "审计记录被改动（哈希不符）/ audit rows altered (hash mismatch): {}",
                ids(&chain.edited)
            ),
        });
    }
    if !chain.broken.is_empty() {
        findings.push(Finding {
            check: "audit-chain",
            message: format!(
                "审计记录链断开，其前一条被删除或改动 / audit chain broken before these rows (a row deleted or altered): {}",
                ids(&chain.broken)
            ),
        });
    }
    Ok(CheckReport {
        ok: findings.is_empty(),
        findings,
    })
}

impl Store {
    /// Record that a backup was written (meta `last_backup`, audited).
    pub fn note_backup(&mut self, out: &str) -> Result<()> {
        let at = super::now_text();
        self.write_as(super::users::Role::Supervisor, |tx, user| {
            super::meta::set(tx, "last_backup", &at)?;
            super::audit::record(
                tx,
                user,
                "backup",
                "database",
                None,
                &serde_json::json!({"out": out}).to_string(),
            )?;
            Ok(())
        })
    }

    /// When the last backup was written, if ever ("YYYY-MM-DD HH:MM:SS").
    pub fn last_backup(&self) -> Result<Option<String>> {
        self.meta("last_backup")
    }

    pub fn check(&self) -> Result<CheckReport> {
        run_checks(self.conn())
    }

    /// Copy the whole database to `out` with SQLite's online backup API, in
    /// steps, so that others can keep writing meanwhile. `out` is a new file
    /// with its folder's sharing (0660 in a group-shared folder, else 0600),
    /// written with the user's own ids: a setgid install's group reads the
    /// station file (already open) but writes nothing else.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        // Open the file's WAL and shared memory now, before the group is
        // set aside.
        self.conn()
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        crate::os::privilege::as_user(|| {
            match crate::os::files::create_new(out) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(super::StoreError::refused(
                        format!("{} 已存在，不会覆盖", out.display()),
                        format!("{} exists; it will not be overwritten", out.display()),
                    ));
                }
                Err(source) => {
                    return Err(super::StoreError::File {
                        path: out.to_path_buf(),
                        source,
                    });
                }
            }
            let mut dst = Connection::open(out)?;
            {
                let b = Backup::new(self.conn(), &mut dst)?;
                b.run_to_completion(256, Duration::from_millis(5), None)?;
            }
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            Ok(())
        })
    }
}
