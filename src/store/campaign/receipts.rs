//! Receipt books (收据本): numbered books issued to village agents. A cash
//! payment taken by an agent uses the next free number of the agent's books
//! (or the number the clerk types, if it is free and in those books); a
//! spoilt receipt is voided (作废) with a reason.

use crate::store::campaign::remittance::agent;
use crate::store::{Result, Store, StoreError, audit, now_text};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::json;

/// Fewer numbers left than this and the agent needs a new book.
pub const LOW_RECEIPTS: i64 = 20;

/// The most numbers one registered book may hold.
pub const MAX_BOOK: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptBook {
    pub id: i64,
    pub agent_code: String,
    pub agent_name: String,
    /// First and last numbers, zero-padded as printed (`00012001`).
    pub first: String,
    pub last: String,
    pub size: i64,
    pub used: i64,
    pub voided: i64,
    pub remaining: i64,
    /// The number the next cash payment will take from this book.
    pub next: Option<String>,
}

impl ReceiptBook {
    pub fn is_low(&self) -> bool {
        self.remaining < LOW_RECEIPTS
    }
}

/// A number taken for a payment inside `record_in`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub book_id: i64,
    pub number: i64,
    pub text: String,
}

fn format_no(number: i64, width: i64) -> String {
    format!("{number:0width$}", width = width as usize)
}

/// Parse a receipt number as typed: ASCII or full-width digits, up to 18.
pub fn parse_number(text: &str) -> Result<(i64, usize)> {
    let digits: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::refused(
            format!("收据号“{}”无效，应为1到18位数字", text.trim()),
            format!(
                "receipt number '{}' is not valid: 1 to 18 digits",
                text.trim()
            ),
        ));
    }
    Ok((digits.parse().expect("digits"), digits.len()))
}

/// The book (id, width, agent id) holding `number`, if any.
fn book_of(conn: &Connection, number: i64) -> Result<Option<(i64, i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, width, agent_id FROM receipt_books WHERE first_no <= ?1 AND ?1 <= last_no",
        )?
        .query_row([number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// What a number in a book was used for: Some(Some(payment)) or Some(None) when voided.
fn use_of(conn: &Connection, book_id: i64, number: i64) -> Result<Option<Option<i64>>> {
    Ok(conn
        .prepare_cached(
            "SELECT payment_id FROM receipt_numbers WHERE book_id = ?1 AND number = ?2",
        )?
        .query_row(params![book_id, number], |r| r.get(0))
        .optional()?)
}

/// The lowest free number of a book.
const NEXT_FREE: &str = "CASE WHEN NOT EXISTS (SELECT 1 FROM receipt_numbers u WHERE u.book_id = b.id AND u.number = b.first_no)
          THEN b.first_no
          ELSE (SELECT min(u.number) + 1 FROM receipt_numbers u WHERE u.book_id = b.id AND u.number < b.last_no
                  AND NOT EXISTS (SELECT 1 FROM receipt_numbers w WHERE w.book_id = b.id AND w.number = u.number + 1))
     END";

/// The next free number of an agent's books, oldest book first.
pub fn next_in(conn: &Connection, agent_id: i64) -> Result<Option<Taken>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT b.id, b.width, {NEXT_FREE} AS next FROM receipt_books b
              WHERE b.agent_id = ?1 AND next IS NOT NULL ORDER BY b.first_no LIMIT 1"
        ))?
        .query_row([agent_id], |r| {
            let (book_id, width, number): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(Taken {
                book_id,
                number,
                text: format_no(number, width),
            })
        })
        .optional()?)
}

/// Choose the receipt for a cash payment taken by an agent: the typed
/// number when it is free and in the agent's books, else the next free one.
/// Nothing is written here; `mark_used` does that once the payment exists.
pub fn take_in(tx: &Connection, agent_id: i64, typed: Option<&str>) -> Result<Taken> {
    let agent_code: String =
        tx.query_row("SELECT code FROM agents WHERE id = ?1", [agent_id], |r| {
            r.get(0)
        })?;
    let typed = typed.map(str::trim).filter(|t| !t.is_empty());
    let Some(text) = typed else {
        return next_in(tx, agent_id)?.ok_or_else(|| {
            StoreError::refused(
                format!(
                    "代办员{agent_code}没有可用的收据号（收据本已用完或未登记），请先登记收据本：zhengjiao receipts add"
                ),
                format!(
                    "agent {agent_code} has no receipt number left (no book, or all used); register a book with `zhengjiao receipts add`"
                ),
            )
        });
    };
    let (number, _) = parse_number(text)?;
    let (book_id, width, _) = book_of(tx, number)?
        .filter(|b| b.2 == agent_id)
        .ok_or_else(|| {
            StoreError::refused(
                format!("收据号{text}不在代办员{agent_code}登记的收据本内"),
                format!("receipt {text} is not in the books registered to agent {agent_code}"),
            )
        })?;
    let canonical = format_no(number, width);
    match use_of(tx, book_id, number)? {
        Some(Some(p)) => Err(StoreError::refused(
            format!("收据号{canonical}已用于缴费记录{p}，不能重复使用"),
            format!("receipt {canonical} was already used for payment {p}"),
        )),
        Some(None) => Err(StoreError::refused(
            format!("收据号{canonical}已作废，不能使用"),
            format!("receipt {canonical} was voided"),
        )),
        None => Ok(Taken {
            book_id,
            number,
            text: canonical,
        }),
    }
}

/// Record that the payment used the number.
pub fn mark_used(tx: &Transaction, taken: &Taken, payment_id: i64, user: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO receipt_numbers (book_id, number, payment_id, at, user) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        taken.book_id,
        taken.number,
        payment_id,
        now_text(),
        user
    ])?;
    Ok(())
}

fn book_rows(conn: &Connection, agent_id: Option<i64>) -> Result<Vec<ReceiptBook>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT b.id, a.code, a.name, b.first_no, b.last_no, b.width,
                (SELECT count(*) FROM receipt_numbers u WHERE u.book_id = b.id AND u.payment_id IS NOT NULL),
                (SELECT count(*) FROM receipt_numbers u WHERE u.book_id = b.id AND u.payment_id IS NULL),
                {NEXT_FREE}
           FROM receipt_books b JOIN agents a ON a.id = b.agent_id
          WHERE ?1 IS NULL OR b.agent_id = ?1
          ORDER BY a.code, b.first_no"
    ))?;
    let rows = st.query_map([agent_id], |r| {
        let (first, last, width): (i64, i64, i64) = (r.get(3)?, r.get(4)?, r.get(5)?);
        let (used, voided): (i64, i64) = (r.get(6)?, r.get(7)?);
        let size = last - first + 1;
        Ok(ReceiptBook {
            id: r.get(0)?,
            agent_code: r.get(1)?,
            agent_name: r.get(2)?,
            first: format_no(first, width),
            last: format_no(last, width),
            size,
            used,
            voided,
            remaining: size - used - voided,
            next: r.get::<_, Option<i64>>(8)?.map(|n| format_no(n, width)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Register a receipt book for an agent. The range may not overlap any
    /// other book, nor hold a number an earlier payment already carries.
    pub fn add_receipt_book(
        &mut self,
        agent_code: &str,
        from: &str,
        to: &str,
    ) -> Result<ReceiptBook> {
        let (first, w1) = parse_number(from)?;
        let (last, w2) = parse_number(to)?;
        let width = w1.max(w2) as i64;
        if first > last {
            return Err(StoreError::refused(
                format!("起始号{from}大于终止号{to}"),
                format!("the first number {from} is above the last {to}"),
            ));
        }
        if last - first + 1 > MAX_BOOK {
            return Err(StoreError::refused(
                format!(
                    "一本收据最多{MAX_BOOK}张，{from}–{to}共{}张",
                    last - first + 1
                ),
                format!(
                    "a book holds at most {MAX_BOOK} numbers; {from}–{to} has {}",
                    last - first + 1
                ),
            ));
        }
        self.write(|tx, user| {
            let (agent_id, _) = agent(tx, agent_code)?;
            let clash: Option<(String, i64, i64, i64)> = tx
                .query_row(
                    "SELECT a.code, b.first_no, b.last_no, b.width FROM receipt_books b JOIN agents a ON a.id = b.agent_id
                      WHERE b.first_no <= ?2 AND ?1 <= b.last_no LIMIT 1",
                    params![first, last],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            if let Some((code, f, l, w)) = clash {
                let (f, l) = (format_no(f, w), format_no(l, w));
                return Err(StoreError::refused(
                    format!("收据号段与代办员{code}的收据本{f}–{l}重叠"),
                    format!("the range overlaps agent {code}'s book {f}–{l}"),
                ));
            }
            // Receipts typed before books were registered (plain text on payments).
            let (lo, hi) = (format_no(first, width), format_no(last, width));
            let used: Option<String> = tx
                .query_row(
                    "SELECT receipt FROM payments WHERE receipt IS NOT NULL AND length(receipt) = ?1
                        AND receipt BETWEEN ?2 AND ?3 LIMIT 1",
                    params![width, lo, hi],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(n) = used {
                return Err(StoreError::refused(
                    format!("收据号{n}已出现在以往的缴费记录中，号段不能登记"),
                    format!("receipt {n} already appears on an earlier payment; the range cannot be registered"),
                ));
            }
            tx.execute(
                "INSERT INTO receipt_books (agent_id, first_no, last_no, width, added_at, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![agent_id, first, last, width, now_text(), user],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                user,
                "add-receipt-book",
                "receipt_books",
                Some(id),
                &json!({"agent": agent_code.trim(), "first": lo.to_string(), "last": hi.to_string()})
                    .to_string(),
            )?;
            Ok(book_rows(tx, Some(agent_id))?
                .into_iter()
                .find(|b| b.id == id)
                .expect("just added"))
        })
    }

    /// Registered books, of one agent or all, with what is left in each.
    pub fn receipt_books(&self, agent_code: Option<&str>) -> Result<Vec<ReceiptBook>> {
        let agent = match agent_code {
            Some(code) => Some(agent(self.conn(), code)?.0),
            None => None,
        };
        book_rows(self.conn(), agent)
    }

    /// The number the agent's next cash payment would take (for the payment form).
    /// The receipt number a cash payment taken by the agent would use: the
    /// typed one when it is free and in the agent's books, else the next free
    /// one; refused as `record_payment` would refuse it. Writes nothing (the
    /// payment form checks a number as it is typed).
    pub fn check_receipt(&self, agent_code: &str, typed: Option<&str>) -> Result<String> {
        let (id, _) = agent(self.conn(), agent_code)?;
        Ok(take_in(self.conn(), id, typed)?.text)
    }

    pub fn next_receipt(&self, agent_code: &str) -> Result<Option<String>> {
        let (id, _) = agent(self.conn(), agent_code)?;
        Ok(next_in(self.conn(), id)?.map(|t| t.text))
    }

    /// Void (作废) an unused receipt number. Returns the number as printed.
    pub fn void_receipt(&mut self, number: &str, reason: &str) -> Result<String> {
        let (n, _) = parse_number(number)?;
        if reason.trim().is_empty() {
            return Err(StoreError::refused(
                "请填写作废原因",
                "a reason is required",
            ));
        }
        self.write(|tx, user| {
            let (book_id, width, _) = book_of(tx, n)?.ok_or_else(|| {
                StoreError::refused(
                    format!("收据号{}不在任何已登记的收据本内", number.trim()),
                    format!("receipt {} is in no registered book", number.trim()),
                )
            })?;
            let text = format_no(n, width);
            match use_of(tx, book_id, n)? {
                Some(Some(p)) => {
                    return Err(StoreError::refused(
                        format!("收据号{text}已用于缴费记录{p}，不能作废；如缴费有误请冲正"),
                        format!("receipt {text} is on payment {p}; reverse the payment instead"),
                    ));
                }
                Some(None) => {
                    return Err(StoreError::refused(
                        format!("收据号{text}已经作废"),
                        format!("receipt {text} is already voided"),
                    ));
                }
                None => {}
            }
            tx.execute(
                "INSERT INTO receipt_numbers (book_id, number, void_reason, at, user) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![book_id, n, reason.trim(), now_text(), user],
            )?;
            audit::record(
                tx,
                user,
                "void-receipt",
                "receipt_books",
                Some(book_id),
                &json!({"number": text.to_string(), "reason": reason.trim()}).to_string(),
            )?;
            Ok(text)
        })
    }
}
