//! Daily remittance (费款日报解): each agent hands in a day's cash with the
//! bank slip; it must equal the cash payments recorded for that agent and
//! day, less reversals (钱表相符). POS payments (裕农通 / 建行 POS) reach the
//! bank by themselves: they are shown beside the cash, never in it. Cash
//! taken at a station's counter goes into the town's counter till, an agent
//! row of its own (`counter-<town code>`) with the same daily remittance.
//! Cash still held after the next working day is flagged (滞留资金). A
//! balanced agent-day is closed for good: no payment or reversal may change
//! it afterwards.

use crate::domain::channel::ALL_CHANNELS;
use crate::domain::money::{from_fen, to_fen};
use crate::store::{Result, Store, StoreError, audit, now_text};
use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

/// The channels whose money passes through an agent's hands
/// (`Channel::is_agent`), as an SQL list: `('agent-pos', 'cash')`.
pub fn agent_channels_sql() -> String {
    let codes: Vec<String> = ALL_CHANNELS
        .iter()
        .filter(|c| c.is_agent())
        .map(|c| format!("'{}'", c.code()))
        .collect();
    format!("({})", codes.join(", "))
}

/// The working day after `day` (weekends do not count; public holidays are
/// not known to the program).
pub fn next_working_day(day: NaiveDate) -> NaiveDate {
    let mut d = day.succ_opt().expect("date in range");
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt().expect("date in range");
    }
    d
}

/// `next_working_day` of a date column, in SQL.
fn next_working_day_sql(col: &str) -> String {
    format!(
        "date({col}, CASE strftime('%w', {col}) WHEN '5' THEN '+3 days' WHEN '6' THEN '+2 days' ELSE '+1 day' END)"
    )
}

/// One agent's day: what the payments call for next to the cash handed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentDay {
    pub agent_id: i64,
    pub agent_code: String,
    pub agent_name: String,
    pub village_code: String,
    pub village_name: String,
    pub day: NaiveDate,
    /// Payments recorded for the agent that day through agent channels
    /// (cash and POS).
    pub payments: i64,
    /// How many of them were reversed (冲正).
    pub reversals: i64,
    /// The cash to hand in: the person's share of the cash payments, less
    /// reversals. POS money is not in it.
    pub expected_fen: i64,
    /// POS payments in force that day and their sum (paid to the bank by
    /// the terminal: kept apart, not handed in).
    pub pos_payments: i64,
    pub pos_fen: i64,
    /// The till is a station counter's (`village_*` then name its town).
    pub counter: bool,
    pub cash_fen: i64,
    /// Cash minus expected: negative when cash is short.
    pub difference_fen: i64,
    pub slips: Vec<String>,
    pub last_handed_on: Option<NaiveDate>,
    /// The cash is due by the end of this day (the next working day).
    pub due_by: NaiveDate,
    /// Cash not (fully) handed in by `due_by` while the as-of date is past it (滞留资金).
    pub held: bool,
    pub closed_on: Option<NaiveDate>,
}

impl AgentDay {
    pub fn balanced(&self) -> bool {
        self.difference_fen == 0
    }
    pub fn is_closed(&self) -> bool {
        self.closed_on.is_some()
    }
}

#[derive(Default)]
struct Filter {
    day: Option<NaiveDate>,
    agent_id: Option<i64>,
}

/// Agent-days matching the filter, as of a date (for the held flag).
fn agent_days(conn: &Connection, f: &Filter, as_of: NaiveDate) -> Result<Vec<AgentDay>> {
    let mut pay_where = String::new();
    let mut cash_where = String::new();
    let mut close_where = String::new();
    let day = f.day.map(|d| d.to_string());
    let mut named: Vec<(&str, &dyn ToSql)> = Vec::new();
    if let Some(d) = &day {
        pay_where.push_str(" AND p.paid_on = :day");
        cash_where.push_str(" AND r.day = :day");
        close_where.push_str(" AND day = :day");
        named.push((":day", d));
    }
    if let Some(a) = &f.agent_id {
        pay_where.push_str(" AND p.agent_id = :agent");
        cash_where.push_str(" AND r.agent_id = :agent");
        close_where.push_str(" AND agent_id = :agent");
        named.push((":agent", a));
    }
    let sql = format!(
        "WITH pay AS (
            SELECT p.agent_id, p.paid_on AS day, count(*) AS n, count(u.id) AS nrev,
                   sum(CASE WHEN p.channel = 'cash' THEN p.person_fen + coalesce(u.person_fen, 0) ELSE 0 END) AS fen,
                   sum(p.channel <> 'cash' AND u.id IS NULL) AS npos,
                   sum(CASE WHEN p.channel <> 'cash' THEN p.person_fen + coalesce(u.person_fen, 0) ELSE 0 END) AS pos
              FROM payments p
              LEFT JOIN payments u ON u.original_id = p.id AND u.kind = 'reversal'
             WHERE p.agent_id IS NOT NULL AND p.kind = 'payment' AND p.channel IN {agent} {pay_where}
             GROUP BY p.agent_id, p.paid_on),
         cash AS (
            SELECT r.agent_id, r.day, sum(r.cash_fen) AS fen,
                   sum(CASE WHEN r.handed_on <= {nwd} THEN r.cash_fen ELSE 0 END) AS on_time,
                   max(r.handed_on) AS last, group_concat(r.slip, ' ') AS slips
              FROM remittances r WHERE 1 = 1 {cash_where}
             GROUP BY r.agent_id, r.day),
         keys AS (SELECT agent_id, day FROM pay UNION SELECT agent_id, day FROM cash
                  UNION SELECT agent_id, day FROM remittance_closes WHERE 1 = 1 {close_where})
         SELECT k.agent_id, a.code, a.name,
                CASE WHEN a.counter THEN t.code ELSE v.code END, CASE WHEN a.counter THEN t.name ELSE v.name END, k.day,
                coalesce(pay.n, 0), coalesce(pay.nrev, 0), coalesce(pay.fen, 0),
                coalesce(cash.fen, 0), coalesce(cash.on_time, 0), cash.last, cash.slips, c.closed_on,
                coalesce(pay.npos, 0), coalesce(pay.pos, 0), a.counter
           FROM keys k JOIN agents a ON a.id = k.agent_id JOIN villages v ON v.id = a.village_id
           JOIN towns t ON t.id = v.town_id
           LEFT JOIN pay ON pay.agent_id = k.agent_id AND pay.day = k.day
           LEFT JOIN cash ON cash.agent_id = k.agent_id AND cash.day = k.day
           LEFT JOIN remittance_closes c ON c.agent_id = k.agent_id AND c.day = k.day
          ORDER BY k.day, v.code, a.code",
        nwd = next_working_day_sql("r.day"),
        agent = agent_channels_sql(),
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(named.as_slice(), |r| {
        let day: NaiveDate = r.get(5)?;
        let expected: i64 = r.get(8)?;
        let cash: i64 = r.get(9)?;
        let on_time: i64 = r.get(10)?;
        let slips: Option<String> = r.get(12)?;
        let due_by = next_working_day(day);
        Ok(AgentDay {
            agent_id: r.get(0)?,
            agent_code: r.get(1)?,
            agent_name: r.get(2)?,
            village_code: r.get(3)?,
            village_name: r.get(4)?,
            day,
            payments: r.get(6)?,
            reversals: r.get(7)?,
            expected_fen: expected,
            pos_payments: r.get(14)?,
            pos_fen: r.get(15)?,
            counter: r.get(16)?,
            cash_fen: cash,
            difference_fen: cash - expected,
            slips: slips
                .map(|s| s.split(' ').map(str::to_string).collect())
                .unwrap_or_default(),
            last_handed_on: r.get(11)?,
            due_by,
            held: expected > 0 && on_time < expected && as_of > due_by,
            closed_on: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Is the agent's day closed? (Payments and reversals for it are refused.)
pub fn is_closed(conn: &Connection, agent_id: i64, day: NaiveDate) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM remittance_closes WHERE agent_id = ?1 AND day = ?2")?
        .exists(params![agent_id, day.to_string()])?)
}

/// The refusal for a change to a closed agent-day.
pub fn closed_refusal(
    agent_code: &str,
    day: NaiveDate,
    what_zh: &str,
    what_en: &str,
) -> StoreError {
    StoreError::refused(
        format!("代办员{agent_code}于{day}收取的费款已解缴结账，不能{what_zh}"),
        format!("agent {agent_code}'s cash for {day} is remitted and closed; cannot {what_en}"),
    )
}

/// Where money taken by hand goes: an agent, or a station counter's till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Till {
    pub id: i64,
    pub code: String,
    pub village_id: i64,
    pub counter: bool,
}

/// An agent or counter till by code.
pub(crate) fn till(conn: &Connection, code: &str) -> Result<Till> {
    conn.prepare_cached("SELECT id, code, village_id, counter FROM agents WHERE code = ?1")?
        .query_row([code.trim()], |r| {
            Ok(Till {
                id: r.get(0)?,
                code: r.get(1)?,
                village_id: r.get(2)?,
                counter: r.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "代办员",
            what_en: "agent",
            key: code.trim().to_string(),
        })
}

/// The code of a town's counter till.
pub fn counter_code(town_code: &str) -> String {
    format!("counter-{town_code}")
}

/// The counter till of the town of `village_id`, created (audited) on
/// first use. Its row hangs on the town's first village by code; its days
/// are listed under the town.
pub(crate) fn counter_till(conn: &Connection, user: &str, village_id: i64) -> Result<Till> {
    let (town_id, town_code, town_name): (i64, String, String) = conn
        .prepare_cached(
            "SELECT t.id, t.code, t.name FROM villages v JOIN towns t ON t.id = v.town_id WHERE v.id = ?1",
        )?
        .query_row([village_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let code = counter_code(&town_code);
    if let Some(t) = till(conn, &code).map(Some).or_else(|e| match e {
        StoreError::NotFound { .. } => Ok(None),
        e => Err(e),
    })? {
        return Ok(t);
    }
    let seat: i64 = conn.query_row(
        "SELECT id FROM villages WHERE town_id = ?1 ORDER BY code LIMIT 1",
        [town_id],
        |r| r.get(0),
    )?;
    let name = format!("{town_name}柜台");
    conn.execute(
        "INSERT INTO agents (code, name, village_id, counter) VALUES (?1, ?2, ?3, 1)",
        params![code, name, seat],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        user,
        "create-counter-till",
        "agents",
        Some(id),
        &format!("{{\"code\":{code:?},\"town\":{town_code:?}}}"),
    )?;
    Ok(Till {
        id,
        code,
        village_id: seat,
        counter: true,
    })
}

/// An agent by code: (id, code as stored).
pub(crate) fn agent(conn: &Connection, code: &str) -> Result<(i64, String)> {
    conn.prepare_cached("SELECT id, code FROM agents WHERE code = ?1")?
        .query_row([code.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "代办员",
            what_en: "agent",
            key: code.trim().to_string(),
        })
}

fn one_day(
    conn: &Connection,
    agent_id: i64,
    day: NaiveDate,
    as_of: NaiveDate,
) -> Result<Option<AgentDay>> {
    Ok(agent_days(
        conn,
        &Filter {
            day: Some(day),
            agent_id: Some(agent_id),
        },
        as_of,
    )?
    .into_iter()
    .next())
}

/// Cash as typed: positive, whole fen.
fn cash_fen(cash: Decimal) -> Result<i64> {
    if cash <= Decimal::ZERO || cash.normalize().scale() > 2 {
        return Err(StoreError::refused(
            format!("解缴金额{cash}无效：应为正数，最多两位小数"),
            format!("cash amount {cash} is not valid: positive, at most two decimals"),
        ));
    }
    Ok(to_fen(cash))
}

impl Store {
    /// Every agent-day of one date: expected next to cash, with flags.
    pub fn remittance_day(&self, day: NaiveDate, as_of: NaiveDate) -> Result<Vec<AgentDay>> {
        agent_days(
            self.conn(),
            &Filter {
                day: Some(day),
                agent_id: None,
            },
            as_of,
        )
    }

    /// One agent's days, every date (for the agent's page).
    pub fn remittance_agent(&self, agent_code: &str, as_of: NaiveDate) -> Result<Vec<AgentDay>> {
        let (id, _) = agent(self.conn(), agent_code)?;
        agent_days(
            self.conn(),
            &Filter {
                day: None,
                agent_id: Some(id),
            },
            as_of,
        )
    }

    /// Agent-days not yet closed, every date: what the reconciliation view
    /// works through (the held ones are 滞留资金).
    pub fn remittance_open(&self, as_of: NaiveDate) -> Result<Vec<AgentDay>> {
        Ok(agent_days(self.conn(), &Filter::default(), as_of)?
            .into_iter()
            .filter(|d| !d.is_closed() && d.day <= as_of)
            .collect())
    }

    /// Every agent-day up to the as-of date, the closed ones too.
    pub fn remittance_days(&self, as_of: NaiveDate) -> Result<Vec<AgentDay>> {
        Ok(agent_days(self.conn(), &Filter::default(), as_of)?
            .into_iter()
            .filter(|d| d.day <= as_of)
            .collect())
    }

    /// Record cash an agent handed in for a day, with its bank slip.
    pub fn record_remittance(
        &mut self,
        agent_code: &str,
        day: NaiveDate,
        cash: Decimal,
        slip: &str,
        handed_on: NaiveDate,
    ) -> Result<AgentDay> {
        let fen = cash_fen(cash)?;
        let slip = slip.trim().to_string();
        if slip.is_empty() {
            return Err(StoreError::refused(
                "请填写银行存款回执单号",
                "the bank slip number is required",
            ));
        }
        if handed_on < day {
            return Err(StoreError::refused(
                format!("解缴日期{handed_on}早于收款日期{day}"),
                format!("handed in on {handed_on}, before the day collected ({day})"),
            ));
        }
        self.write(|tx, user| {
            let (agent_id, code) = agent(tx, agent_code)?;
            if is_closed(tx, agent_id, day)? {
                return Err(closed_refusal(&code, day, "再登记解缴", "record more cash"));
            }
            let used: Option<(String, String)> = tx
                .query_row(
                    "SELECT a.code, r.day FROM remittances r JOIN agents a ON a.id = r.agent_id WHERE r.slip = ?1",
                    [&slip],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((c, d)) = used {
                return Err(StoreError::refused(
                    format!("回执单{slip}已登记（代办员{c}，{d}），不能重复登记"),
                    format!("slip {slip} is already recorded (agent {c}, {d})"),
                ));
            }
            tx.execute(
                "INSERT INTO remittances (agent_id, day, cash_fen, slip, handed_on, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![agent_id, day.to_string(), fen, slip, handed_on.to_string(), user, now_text()],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                user,
                "record-remittance",
                "remittances",
                Some(id),
                &json!({
                    "agent": code,
                    "day": day.to_string(),
                    "cash_fen": fen,
                    "slip": slip,
                    "handed_on": handed_on.to_string(),
                })
                .to_string(),
            )?;
            Ok(one_day(tx, agent_id, day, handed_on)?.expect("just recorded"))
        })
    }

    /// Close an agent-day once its cash equals its payments (钱表相符).
    pub fn close_remittance(
        &mut self,
        agent_code: &str,
        day: NaiveDate,
        on: NaiveDate,
    ) -> Result<AgentDay> {
        self.write(|tx, user| {
            let (agent_id, code) = agent(tx, agent_code)?;
            let d = one_day(tx, agent_id, day, on)?.ok_or_else(|| {
                StoreError::refused(
                    format!("代办员{code}于{day}既没有缴费记录，也没有解缴记录"),
                    format!("agent {code} has neither payments nor cash for {day}"),
                )
            })?;
            if d.is_closed() {
                return Err(StoreError::refused(
                    format!("代办员{code}于{day}的日报已经结账"),
                    format!("agent {code}'s {day} is already closed"),
                ));
            }
            if !d.balanced() {
                let (e, c) = (from_fen(d.expected_fen), from_fen(d.cash_fen));
                let gap = from_fen(d.difference_fen.abs());
                let (zh, en) = if d.difference_fen < 0 {
                    ("短款", "short by")
                } else {
                    ("长款", "over by")
                };
                return Err(StoreError::refused(
                    format!("钱表不符：代办员{code}于{day}应解缴{e}元，已解缴{c}元，{zh}{gap}元，不能结账"),
                    format!(
                        "cash and payments differ: agent {code} on {day} expected {e}, handed in {c}, {en} {gap}; cannot close"
                    ),
                ));
            }
            tx.execute(
                "INSERT INTO remittance_closes (agent_id, day, expected_fen, cash_fen, closed_on, closed_by, closed_at, pos_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![agent_id, day.to_string(), d.expected_fen, d.cash_fen, on.to_string(), user, now_text(), d.pos_fen],
            )?;
            audit::record(
                tx,
                user,
                "close-remittance",
                "remittance_closes",
                Some(agent_id),
                &json!({"agent": code, "day": day.to_string(), "fen": d.expected_fen}).to_string(),
            )?;
            Ok(AgentDay {
                closed_on: Some(on),
                ..d
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_working_day_skips_weekends_in_rust_and_sql() {
        let conn = Connection::open_in_memory().unwrap();
        // 2024-10-18 is a Friday.
        let mut d: NaiveDate = "2024-10-14".parse().unwrap();
        for _ in 0..14 {
            let sql: String = conn
                .query_row(
                    &format!("SELECT {}", next_working_day_sql("?1")),
                    [d.to_string()],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(sql, next_working_day(d).to_string(), "{d}");
            d = d.succ_opt().unwrap();
        }
        let fri: NaiveDate = "2024-10-18".parse().unwrap();
        assert_eq!(next_working_day(fri).to_string(), "2024-10-21");
    }

    /// `check`'s `remittance-closed` invariant spells the list out.
    #[test]
    fn agent_channels() {
        assert_eq!(agent_channels_sql(), "('agent-pos', 'cash')");
    }

    #[test]
    fn cash_must_be_whole_fen() {
        assert_eq!(cash_fen("12.5".parse().unwrap()).unwrap(), 1250);
        assert!(cash_fen("12.505".parse().unwrap()).is_err());
        assert!(cash_fen(Decimal::ZERO).is_err());
    }
}
