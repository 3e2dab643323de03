//! `import residents`: the registry (居民名单) — name, ID number, village (by
//! code, or by name within the row's town), phone and 户籍性质. Sex and birth
//! date come from the ID number; a 性别 or 出生日期 column that disagrees with
//! it is a rejection, since one of the two is wrong and the ID number is the
//! key of everything else (payments, deaths, groups).
//!
//! Built for the district's 400,000 residents: one thread reads and judges
//! rows (ID check, village resolved once per distinct name, existing
//! residents looked up a thousand at a time, search keys computed) and
//! gathers the new residents into chunks in ID-number order ([`chunk`]);
//! the other writes every verdict, each chunk with its roster rows, and the
//! search keys in key order, all in the import's one transaction.

mod chunk;
mod first_load;
mod new_rosters;
mod writer;

use super::judging::{
    self, ImportError, ImportKind, ImportOptions, ImportReport, OnRows, missing, same_name,
};
use crate::domain::{IdNumber, Sex, name_keys, village_name};
use crate::exchange::{Field, Header, Row, Table, parse_date_cell};
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;
use chunk::{Chunker, KeyBuffer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::mpsc::{SyncSender, sync_channel};

/// Rows judged together (one lookup of existing residents per batch).
const BATCH: usize = 1000;
/// Batches on their way to the writer: enough for the judging thread to
/// go on while the writer writes a chunk of new residents.
const IN_FLIGHT: usize = 256;

/// What the judging thread sends the writer: a batch's verdicts in line
/// order and, now and then, a chunk of new residents or search keys.
struct Batch {
    verdicts: Vec<Judged>,
    residents: Option<Vec<NewResident>>,
    keys: Option<KeyBuffer>,
}

/// What the writer does with one row.
enum Judged {
    Rejected {
        line: usize,
        reason: String,
    },
    Unchanged {
        line: usize,
    },
    /// A new resident, written with its chunk.
    New {
        line: usize,
    },
    Changed(Box<Change>),
}

struct NewResident {
    /// The first 17 digits of the ID number: its order, compared cheaply.
    order: u64,
    id_number: String,
    name: String,
    sex: &'static str,
    birth_date: NaiveDate,
    /// The birth date as stored (`YYYY-MM-DD`), formatted on the judging thread.
    birth_text: String,
    village_id: i64,
    phone: Option<String>,
    residence: &'static str,
}

struct Change {
    line: usize,
    resident_id: i64,
    name: String,
    village_id: i64,
    phone: Option<String>,
    residence: String,
    detail: String,
    /// Search keys to drop and to add when the name changed.
    rekey: Option<(Vec<String>, Vec<String>)>,
    moved: bool,
}

/// A row that passed the checks that need no database.
struct Candidate {
    line: usize,
    id: IdNumber,
    name: String,
    village_id: i64,
    phone: Option<String>,
    residence: Option<&'static str>,
}

/// The registry's record of a resident, for comparison.
struct Existing {
    id: i64,
    name: String,
    village_id: i64,
    phone: Option<String>,
    residence: String,
}

pub(crate) fn import(
    store: &mut Store,
    table: Table,
    header: &Header,
    opts: &ImportOptions,
    unknown: Vec<String>,
    progress: OnRows,
) -> std::result::Result<ImportReport, ImportError> {
    if !header.has(Field::Village) && !header.has(Field::VillageCode) {
        return Err(judging::missing_column(header, Field::Village));
    }
    let policy = store.campaign_policy(opts.year)?;
    // The judging thread reads villages and existing residents through its
    // own connection: it sees the database as it was when the import began,
    // and the file's own duplicates are caught before they reach it.
    // A first load reads from a copy in memory and may leave the log.
    let (reader, rollback) = match first_load::reader(store)? {
        Some(copy) => (copy, !opts.dry_run && first_load::leave_wal(store.conn())),
        None => (Store::open_read_only(store.path())?, false),
    };
    let year = Some(policy.year);
    let outcome = judging::run(
        store,
        ImportKind::Residents,
        opts,
        year,
        unknown,
        |tx, _user, journal| {
            let mut writer = writer::Writer::new(tx)?;
            let (send, receive) =
                sync_channel::<std::result::Result<Batch, ImportError>>(IN_FLIGHT);
            std::thread::scope(|scope| {
                let policy = &policy;
                scope.spawn(move || judge_all(reader, table, header, send));
                let mut done = 0;
                let mut since = crate::store::imports::timing::mark();
                for batch in receive {
                    writer.clock.add("wait", since);
                    let batch = batch?;
                    done += batch.verdicts.len();
                    writer.apply(batch, journal, policy)?;
                    progress(done);
                    since = crate::store::imports::timing::mark();
                }
                writer.finish(journal, policy)?;
                Ok(())
            })
        },
    );
    if rollback {
        first_load::back_to_wal(store.conn());
    }
    outcome
}

/// The judging thread: read, judge and send rows in batches until the file
/// ends, it cannot be read, or the writer stops listening.
fn judge_all(
    reader: Store,
    mut table: Table,
    header: &Header,
    send: SyncSender<std::result::Result<Batch, ImportError>>,
) {
    let mut judge = match Judge::new(&reader, header) {
        Ok(j) => j,
        Err(e) => {
            let _ = send.send(Err(e.into()));
            return;
        }
    };
    let mut rows = Vec::with_capacity(BATCH);
    let mut clock = super::timing::Phases::new("judging");
    let mut flush = |rows: &mut Vec<Row>, end: bool, clock: &mut super::timing::Phases| -> bool {
        let since = crate::store::imports::timing::mark();
        let verdicts = match judge.batch(std::mem::take(rows)) {
            Ok(verdicts) => verdicts,
            Err(e) => {
                let _ = send.send(Err(e.into()));
                return false;
            }
        };
        let since = clock.add("judge", since);
        let residents = judge.chunker.residents(end);
        let since = clock.add("chunk sort", since);
        let batch = Batch {
            verdicts,
            residents,
            keys: None,
        };
        if send.send(Ok(batch)).is_err() {
            return false;
        }
        let since = clock.add("send", since);
        // Sorted once the residents are on their way: the writer writes
        // them meanwhile.
        let keys = judge.chunker.keys(end);
        clock.add("key sort", since);
        match keys {
            None => true,
            Some(keys) => send
                .send(Ok(Batch {
                    verdicts: Vec::new(),
                    residents: None,
                    keys: Some(keys),
                }))
                .is_ok(),
        }
    };
    let mut since = crate::store::imports::timing::mark();
    for row in judging::data_rows(&mut table, header) {
        match row {
            Ok(row) => {
                rows.push(row);
                if rows.len() == BATCH {
                    clock.add("read", since);
                    if !flush(&mut rows, false, &mut clock) {
                        return;
                    }
                    since = crate::store::imports::timing::mark();
                }
            }
            Err(e) => {
                let _ = send.send(Err(e));
                return;
            }
        }
    }
    clock.add("read", since);
    flush(&mut rows, true, &mut clock);
}

/// Hashes the number an ID number's first 17 digits make (distinct
/// numbers, not chosen by an attacker) by one multiplication, not SipHash.
#[derive(Default)]
struct NumberHasher(u64);

impl Hasher for NumberHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits, which the table uses, mixed.
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
}

struct Judge<'a> {
    reader: &'a Store,
    header: &'a Header,
    /// ID number (first 17 digits) → the line it was first seen on.
    seen: HashMap<u64, usize, BuildHasherDefault<NumberHasher>>,
    /// "town\0village as written" → village id or the reason it is not one.
    villages: HashMap<String, std::result::Result<i64, String>>,
    village_key: String,
    village_names: HashMap<i64, String>,
    /// Names whose keys an earlier new resident brought.
    keyed: std::collections::HashSet<String>,
    /// New residents waiting to be sent in ID-number order.
    chunker: Chunker,
    /// Whether the registry held anyone when the import began.
    registry_empty: bool,
}

impl<'a> Judge<'a> {
    fn new(reader: &'a Store, header: &'a Header) -> Result<Self> {
        let village_names = reader
            .villages(None)?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        Ok(Judge {
            reader,
            header,
            seen: HashMap::default(),
            villages: HashMap::new(),
            village_key: String::new(),
            village_names,
            keyed: std::collections::HashSet::new(),
            chunker: Chunker::new(),
            registry_empty: reader.conn().query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM residents)",
                [],
                |r| r.get(0),
            )?,
        })
    }

    fn batch(&mut self, rows: Vec<Row>) -> Result<Vec<Judged>> {
        let mut out = Vec::with_capacity(rows.len());
        let mut candidates = Vec::with_capacity(rows.len());
        for row in &rows {
            match self.check(row)? {
                Ok(c) => {
                    // Judged below, once the registry has been asked.
                    candidates.push((out.len(), c));
                    out.push(Judged::Unchanged { line: row.line });
                }
                Err(reason) => out.push(Judged::Rejected {
                    line: row.line,
                    reason,
                }),
            }
        }
        let existing = self.existing(candidates.iter().map(|(_, c)| c.id.as_str()))?;
        for (at, c) in candidates {
            out[at] = match existing.get(c.id.as_str()) {
                None => self.new_resident(c),
                Some(old) => self.compare(c, old),
            };
        }
        Ok(out)
    }

    /// The checks that need no registry lookup; `Err` is the rejection.
    fn check(&mut self, row: &Row) -> Result<std::result::Result<Candidate, String>> {
        let h = self.header;
        let name = match h.get(row, Field::Name) {
            None => return Ok(Err(missing(Field::Name))),
            Some(n) => n,
        };
        if let Err(reason) = check_name(name) {
            return Ok(Err(reason));
        }
        let id = match judging::id_of(h, row) {
            Ok(id) => id,
            Err(reason) => return Ok(Err(reason)),
        };
        let key: u64 = id.as_str()[..17].parse().expect("17 digits");
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = first.get();
                return Ok(Err(format!(
                    "身份证号码与第{first}行重复 / the same ID number as line {first}"
                )));
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(row.line);
            }
        }
        if let Some(sex) = h.get(row, Field::Sex) {
            match parse_sex(sex) {
                None => {
                    return Ok(Err(format!(
                        "性别“{sex}”无法识别，应为男或女 / sex '{sex}' is not 男 or 女"
                    )));
                }
                Some(s) if s != id.sex() => {
                    return Ok(Err(format!(
                        "性别“{sex}”与身份证号码（{}）不符，请核对 / sex '{sex}' disagrees with the ID number ({})",
                        id.sex().zh(),
                        id.sex().code()
                    )));
                }
                Some(_) => {}
            }
        }
        if let Some(birth) = h.get(row, Field::BirthDate) {
            let from_id = id.birth_date();
            // 出生年月 columns often hold only the month.
            if !same_month(birth, from_id) {
                match parse_date_cell(birth) {
                    None => {
                        return Ok(Err(format!(
                            "出生日期“{birth}”不是日期 / birth date '{birth}' is not a date"
                        )));
                    }
                    Some(d) if d != from_id => {
                        return Ok(Err(format!(
                            "出生日期{d}与身份证号码中的{from_id}不符，请核对 / birth date {d} disagrees with the ID number's {from_id}"
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        let village_id = match self.village_of(row)? {
            Ok(v) => v,
            Err(reason) => return Ok(Err(reason)),
        };
        let phone = match h.get(row, Field::Phone).map(parse_phone) {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(reason)) => return Ok(Err(reason)),
        };
        let residence = match h.get(row, Field::HukouType) {
            None => None,
            Some(text) => match parse_residence(text) {
                Some(r) => Some(r),
                None => {
                    return Ok(Err(format!(
                        "户籍性质“{text}”无法识别，应为户籍或居住证 / hukou type '{text}' is neither 户籍 (local hukou) nor 居住证 (residence permit)"
                    )));
                }
            },
        };
        Ok(Ok(Candidate {
            line: row.line,
            id,
            name: name.to_string(),
            village_id,
            phone,
            residence,
        }))
    }

    /// The village of a row: by code, else by name within the row's town.
    fn village_of(&mut self, row: &Row) -> Result<std::result::Result<i64, String>> {
        let h = self.header;
        let code = h.get(row, Field::VillageCode);
        let name = h.get(row, Field::Village);
        let town = h.get(row, Field::Town);
        let Some(given) = code.or(name) else {
            return Ok(Err(missing(Field::Village)));
        };
        // A code names one village wherever it is; the town only narrows names.
        let town = if code.is_some() { None } else { town };
        // The key (town, NUL, village as written) built in a buffer kept
        // for the purpose: no allocation per row once the village is known.
        let key = &mut self.village_key;
        key.clear();
        key.push_str(town.unwrap_or(""));
        key.push('\0');
        key.push_str(given);
        let id = match self.villages.get(key.as_str()) {
            Some(found) => found.clone(),
            None => {
                let found = match self.reader.resolve_village(given, town) {
                    Ok(v) => Ok(v.id),
                    Err(e @ (StoreError::NotFound { .. } | StoreError::Refused(_))) => {
                        Err(e.to_string())
                    }
                    Err(e) => return Err(e),
                };
                self.villages.insert(key.clone(), found.clone());
                found
            }
        };
        let id = match id {
            Ok(id) => id,
            Err(reason) => return Ok(Err(reason)),
        };
        if let (Some(code), Some(name)) = (code, name) {
            let official = &self.village_names[&id];
            if !village_name::matches(name, official) {
                return Ok(Err(format!(
                    "村居代码{code}是“{official}”，与村居名称“{name}”不符 / village code {code} is {official}, not '{name}'"
                )));
            }
        }
        Ok(Ok(id))
    }

    /// The residents of the batch already in the registry, by ID number.
    fn existing<'i>(
        &self,
        ids: impl Iterator<Item = &'i str>,
    ) -> Result<HashMap<String, Existing>> {
        let list: Vec<&str> = ids.collect();
        if list.is_empty() || self.registry_empty {
            return Ok(HashMap::new());
        }
        let json = serde_json::to_string(&list).expect("strings serialise");
        let mut st = self.reader.conn().prepare_cached(
            "SELECT id, id_number, name, village_id, phone, residence FROM residents
              WHERE id_number IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = st.query_map([json], |r| {
            Ok((
                r.get::<_, String>(1)?,
                Existing {
                    id: r.get(0)?,
                    name: r.get(2)?,
                    village_id: r.get(3)?,
                    phone: r.get(4)?,
                    residence: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn new_resident(&mut self, c: Candidate) -> Judged {
        let keys = if self.keyed.contains(&c.name) {
            Vec::new()
        } else {
            self.keyed.insert(c.name.clone());
            name_keys::keys(&c.name)
        };
        let id = c.id.as_str();
        // The birth date as written in the ID number (digits 7 to 14).
        let mut birth_text = String::with_capacity(10);
        for part in [&id[6..10], "-", &id[10..12], "-", &id[12..14]] {
            birth_text.push_str(part);
        }
        self.chunker.push(
            NewResident {
                order: id[..17].parse().expect("17 digits"),
                id_number: id.to_string(),
                sex: c.id.sex().code(),
                birth_date: c.id.birth_date(),
                birth_text,
                name: c.name,
                village_id: c.village_id,
                phone: c.phone,
                residence: c.residence.unwrap_or("hukou"),
            },
            keys,
        );
        Judged::New { line: c.line }
    }

    fn compare(&self, c: Candidate, old: &Existing) -> Judged {
        let mut changes: Vec<String> = Vec::new();
        let renamed = !same_name(&c.name, &old.name);
        if renamed {
            changes.push(format!("姓名 name：{} → {}", old.name, c.name));
        }
        let moved = c.village_id != old.village_id;
        if moved {
            let name = |id: i64| self.village_names.get(&id).cloned().unwrap_or_default();
            changes.push(format!(
                "村居 village：{} → {}",
                name(old.village_id),
                name(c.village_id)
            ));
        }
        let phone = c.phone.or_else(|| old.phone.clone());
        if phone != old.phone {
            changes.push(format!(
                "联系电话 phone：{} → {}",
                old.phone.as_deref().unwrap_or("（空 / none）"),
                phone.as_deref().unwrap_or("")
            ));
        }
        let residence = c.residence.unwrap_or(&old.residence).to_string();
        if residence != old.residence {
            changes.push(format!(
                "户籍性质 hukou：{} → {}",
                residence_zh(&old.residence),
                residence_zh(&residence)
            ));
        }
        if changes.is_empty() {
            return Judged::Unchanged { line: c.line };
        }
        let name = if renamed { c.name } else { old.name.clone() };
        Judged::Changed(Box::new(Change {
            line: c.line,
            resident_id: old.id,
            rekey: renamed.then(|| (name_keys::keys(&old.name), name_keys::keys(&name))),
            name,
            village_id: c.village_id,
            phone,
            residence,
            detail: changes.join("；"),
            moved,
        }))
    }
}

fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.chars().any(|c| c.is_control()) {
        return Err(format!(
            "姓名“{name}”含有控制字符 / the name '{name}' holds control characters"
        ));
    }
    if name.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "姓名“{name}”含有数字，可能是列错位 / the name '{name}' holds digits; are the columns shifted?"
        ));
    }
    if name.chars().count() > 30 {
        return Err(format!("姓名“{name}”过长 / the name '{name}' is too long"));
    }
    Ok(())
}

fn parse_sex(text: &str) -> Option<Sex> {
    match text.trim().to_ascii_lowercase().as_str() {
        "男" | "男性" | "m" | "male" | "1" => Some(Sex::Male),
        "女" | "女性" | "f" | "female" | "2" => Some(Sex::Female),
        _ => None,
    }
}

/// 出生年月 written as `1990-01` or `1990.1`: only year and month to compare.
fn same_month(text: &str, date: NaiveDate) -> bool {
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() == 2
        && parts[0].parse::<i32>().ok() == Some(chrono::Datelike::year(&date))
        && parts[1].parse::<u32>().ok() == Some(chrono::Datelike::month(&date))
}

/// A phone number as stored: spaces dropped. Mobile (11 digits) or a
/// landline with its area code (7–12 digits, `-` allowed).
fn parse_phone(text: &str) -> std::result::Result<String, String> {
    let p: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bare = p.strip_prefix("+86").unwrap_or(&p);
    let digits = bare.chars().filter(char::is_ascii_digit).count();
    if bare.chars().all(|c| c.is_ascii_digit() || c == '-') && (7..=12).contains(&digits) {
        Ok(p)
    } else {
        Err(format!(
            "联系电话“{text}”不像电话号码 / the phone number '{text}' does not look like one"
        ))
    }
}

/// 户籍性质: local hukou (农业/非农业/居民户口 are all local) or a residence permit.
fn parse_residence(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.contains("居住证") || t.eq_ignore_ascii_case("permit") || t == "外地" || t == "流动人口"
    {
        Some("permit")
    } else if t.eq_ignore_ascii_case("hukou")
        || ["户籍", "户口", "农业", "本地", "本区", "城镇", "常住"]
            .iter()
            .any(|w| t.contains(w))
    {
        Some("hukou")
    } else {
        None
    }
}

fn residence_zh(code: &str) -> &'static str {
    if code == "permit" {
        "居住证"
    } else {
        "户籍"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(parse_phone("139 0000 0000").unwrap(), "13900000000");
        assert!(parse_phone("0632-1234567").is_ok());
        assert!(parse_phone("+8613900000000").is_ok());
        assert!(parse_phone("无").is_err());
        assert!(parse_phone("123").is_err());
    }

    #[test]
    fn residence_and_sex() {
        assert_eq!(parse_residence("农业户口"), Some("hukou"));
        assert_eq!(parse_residence("居住证持有人"), Some("permit"));
        assert_eq!(parse_residence("不详"), None);
        assert_eq!(parse_sex("女"), Some(Sex::Female));
        assert_eq!(parse_sex("X"), None);
        let d = NaiveDate::from_ymd_opt(1990, 1, 5).unwrap();
        assert!(same_month("1990-01", d));
        assert!(same_month("1990年1月", d));
        assert!(!same_month("1990-02", d));
    }
}
