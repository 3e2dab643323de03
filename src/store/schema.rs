//! Schema migrations, tracked by `PRAGMA user_version`. Each step runs once,
//! in order, inside one transaction; a new file migrates from zero.

use rusqlite::Connection;

/// The migrations, in order. Append only: never edit a released step.
pub const MIGRATIONS: &[&str] = &[
    // 1: the registry, policy years, roster, payments, imports, users, audit.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE towns (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) = 9),
    name TEXT NOT NULL
);

CREATE TABLE villages (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) = 12),
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    town_id    INTEGER NOT NULL REFERENCES towns(id)
);
CREATE INDEX villages_town ON villages(town_id);
CREATE INDEX villages_short_name ON villages(short_name);

CREATE TABLE agents (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    phone      TEXT,
    village_id INTEGER NOT NULL REFERENCES villages(id),
    active     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX agents_village ON agents(village_id);

CREATE TABLE plans (
    year            INTEGER NOT NULL,
    town_id         INTEGER NOT NULL REFERENCES towns(id),
    pension_planned INTEGER NOT NULL,
    medical_planned INTEGER NOT NULL,
    PRIMARY KEY (year, town_id)
) WITHOUT ROWID;

CREATE TABLE policy_years (
    year        INTEGER PRIMARY KEY,
    source_toml TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL
);

CREATE TABLE residents (
    id                 INTEGER PRIMARY KEY,
    id_number          TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
    name               TEXT NOT NULL,
    sex                TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date         TEXT NOT NULL,
    village_id         INTEGER NOT NULL REFERENCES villages(id),
    residence          TEXT NOT NULL DEFAULT 'hukou' CHECK (residence IN ('hukou', 'permit')),
    phone              TEXT,
    employee_insured   INTEGER NOT NULL DEFAULT 0,
    student            INTEGER NOT NULL DEFAULT 0,
    deceased_on        TEXT,
    hukou_cancelled_on TEXT
);
CREATE INDEX residents_village ON residents(village_id);

-- Group memberships (特殊群体) with the office that certified them and the period.
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    grp         TEXT NOT NULL,
    office      TEXT,
    valid_from  TEXT,
    valid_to    TEXT,
    import_id   INTEGER REFERENCES imports(id)
);
CREATE INDEX memberships_resident ON memberships(resident_id);

-- The year's roster per insurance: who is due and who is exempt (代缴).
-- measure: 'medical', or the pension target band ('pension_45_59', ...).
CREATE TABLE roster (
    year           INTEGER NOT NULL,
    insurance      TEXT NOT NULL CHECK (insurance IN ('medical', 'pension')),
    resident_id    INTEGER NOT NULL REFERENCES residents(id),
    village_id     INTEGER NOT NULL REFERENCES villages(id),
    measure        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('due', 'exempt')),
    person_fen     INTEGER NOT NULL,
    government_fen INTEGER NOT NULL,
    office         TEXT,
    basis          TEXT,
    PRIMARY KEY (year, insurance, resident_id)
) WITHOUT ROWID;
CREATE INDEX roster_resident ON roster(resident_id);
CREATE INDEX roster_village ON roster(year, village_id, insurance);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    user        TEXT NOT NULL,
    accepted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE import_rows (
    import_id INTEGER NOT NULL REFERENCES imports(id),
    line      INTEGER NOT NULL,
    verdict   TEXT NOT NULL CHECK (verdict IN ('accepted', 'updated', 'unchanged', 'rejected')),
    reason    TEXT,
    PRIMARY KEY (import_id, line)
) WITHOUT ROWID;

-- Payments are never updated or deleted: reversals (冲正) and refunds (退费)
-- are new rows pointing at the original with negative amounts.
CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    resident_id    INTEGER NOT NULL REFERENCES residents(id),
    year           INTEGER NOT NULL,
    insurance      TEXT NOT NULL CHECK (insurance IN ('medical', 'pension')),
    kind           TEXT NOT NULL CHECK (kind IN ('payment', 'reversal', 'refund')),
    original_id    INTEGER REFERENCES payments(id),
    person_fen     INTEGER NOT NULL,
    government_fen INTEGER NOT NULL DEFAULT 0,
    tier_fen       INTEGER,
    channel        TEXT NOT NULL,
    office         TEXT,
    receipt        TEXT,
    agent_id       INTEGER REFERENCES agents(id),
    paid_on        TEXT NOT NULL,
    late           INTEGER NOT NULL DEFAULT 0,
    special        TEXT,
    reason         TEXT,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    import_id      INTEGER REFERENCES imports(id),
    CHECK ((kind = 'payment') = (original_id IS NULL))
);
CREATE INDEX payments_resident ON payments(resident_id, year);
CREATE INDEX payments_day ON payments(year, paid_on);
CREATE INDEX payments_agent_day ON payments(agent_id, paid_on) WHERE agent_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_reversal ON payments(original_id) WHERE original_id IS NOT NULL;

-- The payment in force per resident, insurance and year. The primary key is
-- what makes a second payment impossible, even from two clerks at once.
CREATE TABLE paid (
    year        INTEGER NOT NULL,
    insurance   TEXT NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    payment_id  INTEGER NOT NULL UNIQUE REFERENCES payments(id),
    PRIMARY KEY (year, insurance, resident_id)
) WITHOUT ROWID;

-- Progress counters per year, village, measure and status, kept by triggers
-- so the report reads a few hundred rows whatever the number of residents.
CREATE TABLE progress_counts (
    year       INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    measure    TEXT NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0,
    paid       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, village_id, measure, status)
) WITHOUT ROWID;

-- Payments in force per day of payment, for progress as of a past date.
CREATE TABLE progress_paid_days (
    year       INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    measure    TEXT NOT NULL,
    status     TEXT NOT NULL,
    day        TEXT NOT NULL,
    paid       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, village_id, measure, status, day)
) WITHOUT ROWID;

-- Search keys per distinct name: every suffix of the name (a substring is a
-- prefix of one), the pinyin initials and the full pinyin of every reading.
-- Prefix search on one B-tree, then residents by name.
CREATE TABLE name_keys (
    key  TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (key, name)
) WITHOUT ROWID;
CREATE INDEX residents_name ON residents(name);
-- The last six characters of the ID number, reversed: a tail is a prefix.
CREATE INDEX residents_id_tail ON residents(
    substr(id_number, 18, 1) || substr(id_number, 17, 1) || substr(id_number, 16, 1) ||
    substr(id_number, 15, 1) || substr(id_number, 14, 1) || substr(id_number, 13, 1));

CREATE TABLE users (
    login      TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    created_at TEXT NOT NULL
);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user      TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    detail    TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
"#,
    // 2: the campaign workflow: receipt books, proxy batches, daily
    // remittance, declarations, roster review and amendments, publicity.
    r#"
-- Receipt books (收据本) issued to agents; numbers are unique across books.
CREATE TABLE receipt_books (
    id       INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    first_no INTEGER NOT NULL,
    last_no  INTEGER NOT NULL,
    width    INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    CHECK (0 <= first_no AND first_no <= last_no AND width BETWEEN 1 AND 18)
);
CREATE INDEX receipt_books_agent ON receipt_books(agent_id);

-- A number taken from a book: by a cash payment, or voided (作废).
CREATE TABLE receipt_numbers (
    book_id     INTEGER NOT NULL REFERENCES receipt_books(id),
    number      INTEGER NOT NULL,
    payment_id  INTEGER UNIQUE REFERENCES payments(id),
    void_reason TEXT,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    PRIMARY KEY (book_id, number),
    CHECK ((payment_id IS NULL) <> (void_reason IS NULL))
);

-- A government office's proxy payment batch (代缴): one per run.
CREATE TABLE proxy_batches (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    office         TEXT NOT NULL,
    paid_on        TEXT NOT NULL,
    payments       INTEGER NOT NULL,
    government_fen INTEGER NOT NULL,
    skipped        INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE TABLE proxy_batch_items (
    batch_id   INTEGER NOT NULL REFERENCES proxy_batches(id),
    payment_id INTEGER NOT NULL UNIQUE REFERENCES payments(id),
    PRIMARY KEY (batch_id, payment_id)
);

-- Cash an agent hands in for a day's collection (费款日报解), with the bank slip.
CREATE TABLE remittances (
    id          INTEGER PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents(id),
    day         TEXT NOT NULL,
    cash_fen    INTEGER NOT NULL CHECK (cash_fen > 0),
    slip        TEXT NOT NULL UNIQUE,
    handed_on   TEXT NOT NULL CHECK (handed_on >= day),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX remittances_agent_day ON remittances(agent_id, day);
CREATE INDEX remittances_day ON remittances(day);

-- An agent-day whose cash matched its payments (钱表相符), closed for good.
CREATE TABLE remittance_closes (
    agent_id     INTEGER NOT NULL REFERENCES agents(id),
    day          TEXT NOT NULL,
    expected_fen INTEGER NOT NULL,
    cash_fen     INTEGER NOT NULL,
    closed_on    TEXT NOT NULL,
    closed_by    TEXT NOT NULL,
    closed_at    TEXT NOT NULL,
    PRIMARY KEY (agent_id, day),
    CHECK (expected_fen = cash_fen)
);

-- Declaration and deposit (申报入库) of a village's remitted payments.
CREATE TABLE declarations (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    village_id   INTEGER NOT NULL REFERENCES villages(id),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'confirmed')),
    payments     INTEGER NOT NULL,
    person_fen   INTEGER NOT NULL,
    created_on   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    submitted_on TEXT,
    submitted_by TEXT,
    confirmed_on TEXT,
    confirmed_by TEXT
);
CREATE INDEX declarations_village ON declarations(year, village_id);
CREATE TABLE declaration_items (
    declaration_id INTEGER NOT NULL REFERENCES declarations(id),
    payment_id     INTEGER NOT NULL UNIQUE REFERENCES payments(id),
    PRIMARY KEY (declaration_id, payment_id)
);

-- The roster's review per village: listed → reviewed → publicized → final.
-- No row means listed.
CREATE TABLE roster_reviews (
    year           INTEGER NOT NULL,
    village_id     INTEGER NOT NULL REFERENCES villages(id),
    state          TEXT NOT NULL CHECK (state IN ('listed', 'reviewed', 'publicized', 'final')),
    reviewed_on    TEXT,
    reviewed_by    TEXT,
    publicity_from TEXT,
    publicity_to   TEXT,
    publicized_by  TEXT,
    finalized_on   TEXT,
    finalized_by   TEXT,
    PRIMARY KEY (year, village_id)
);

-- Additions to and removals from the roster, each with its reason; the
-- roster row's figures are kept as they were added or removed.
CREATE TABLE roster_amendments (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    insurance      TEXT NOT NULL CHECK (insurance IN ('medical', 'pension')),
    resident_id    INTEGER NOT NULL REFERENCES residents(id),
    village_id     INTEGER NOT NULL REFERENCES villages(id),
    action         TEXT NOT NULL CHECK (action IN ('add', 'remove')),
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    on_date        TEXT NOT NULL,
    review_state   TEXT NOT NULL,
    measure        TEXT NOT NULL,
    status         TEXT NOT NULL,
    person_fen     INTEGER NOT NULL,
    government_fen INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX roster_amendments_village ON roster_amendments(year, village_id);
CREATE INDEX roster_amendments_resident ON roster_amendments(resident_id);

-- The payment publicity (缴费公示) per village after the window.
CREATE TABLE payment_publicity (
    year        INTEGER NOT NULL,
    village_id  INTEGER NOT NULL REFERENCES villages(id),
    from_date   TEXT NOT NULL,
    to_date     TEXT NOT NULL CHECK (to_date >= from_date),
    listed      INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (year, village_id)
);
"#,
    // 3: the roster is read by its key (year, insurance, resident) or, for a
    // village, through the registry's village index; its two secondary
    // indexes cost every roster write (a third of a first load) and served
    // only the village publicity list.
    r#"
DROP INDEX IF EXISTS roster_resident;
DROP INDEX IF EXISTS roster_village;
"#,
    // 4: consecutive lines with the same verdict and no note are kept as one
    // row: the verdict holds for every line from `line` to `last_line`
    // (NULL: `line` alone). A clean 400,000-line import keeps one row.
    r#"
ALTER TABLE import_rows ADD COLUMN last_line INTEGER CHECK (last_line >= line);
"#,
    // 5: the ID tail index holds the last six characters as they are: one
    // function per row instead of eleven (its build was a tenth of a first
    // load). A tail of 4 or 5 is looked up as its 100 or 10 possible sixes.
    r#"
DROP INDEX IF EXISTS residents_id_tail;
CREATE INDEX residents_id_tail ON residents(substr(id_number, 13));
"#,
    // 6: cash always reconciles and the dead are counted by one rule.
    // A town's station counter is a till kept as an agent row (`counter`
    // = 1, code `counter-<town code>`), so counter cash has its own daily
    // remittance. A closed day keeps its POS total apart (`pos_fen`): POS
    // money goes to the bank by itself and is not cash to hand in; days
    // closed before this step (NULL) counted POS in their cash. The dead
    // stay on a year's roster only with a payment in force dated before
    // the death; the unpaid dead leave it (the triggers keep the counters).
    r#"
ALTER TABLE agents ADD COLUMN counter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remittance_closes ADD COLUMN pos_fen INTEGER;
DELETE FROM roster
 WHERE (year, insurance, resident_id) IN (
       SELECT ro.year, ro.insurance, ro.resident_id
         FROM residents r JOIN roster ro ON ro.resident_id = r.id
        WHERE r.deceased_on IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM paid x JOIN payments p ON p.id = x.payment_id
                           WHERE x.year = ro.year AND x.insurance = ro.insurance
                             AND x.resident_id = ro.resident_id AND p.paid_on < r.deceased_on));
INSERT INTO audit (at, user, action, entity, entity_id, detail)
SELECT datetime('now'), 'migration', 'apply-death-rule', 'roster', NULL,
       '{"removed":' || changes() || '}'
 WHERE changes() > 0;
"#,
    // 7: names sort by pinyin (surname readings first): each distinct name's
    // sort key is one more of its search keys (see `store::name_order`).
    // Files written before get the keys of the names they hold.
    r#"
INSERT OR IGNORE INTO name_keys (key, name)
SELECT name_order(name), name FROM (SELECT DISTINCT name FROM residents);
"#,
    // 8: the audit log as a hash chain: each row carries the hash of the
    // row before and its own (see `audit::record`); rows written before
    // are chained by `audit::chain_existing` in the same transaction.
    r#"
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
"#,
    // 9: the console's lists at town scale. `standing_counts` counts people
    // (not insurances) per year, village and pair of standings (see
    // `STANDING_TRIGGERS`), so a town's 未缴 / 已缴 / 代缴 count is a few
    // rows; flagged residents (dead, hukou cancelled) have an index of their
    // own; a town's list sorted by age or by village walks an index in that
    // order instead of sorting the town (the birth date index holds the
    // village, so the walk passes over other towns' people in the index).
    r#"
CREATE TABLE standing_counts (
    year       INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    medical    INTEGER NOT NULL,
    pension    INTEGER NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, village_id, medical, pension)
) WITHOUT ROWID;
CREATE INDEX residents_flagged ON residents(village_id)
 WHERE deceased_on IS NOT NULL OR hukou_cancelled_on IS NOT NULL;
CREATE INDEX residents_birth ON residents(birth_date, village_id);
DROP INDEX IF EXISTS villages_town;
CREATE INDEX villages_town ON villages(town_id, code);
"#,
    // 10: a town's 未缴 / 已缴 / 代缴 list in ID-number or age order without
    // passing over everyone else. ID numbers run by birth date and the old
    // rarely owe (most are exempt or proxy-paid), so a walk of the registry's
    // ID index for those who owe passed a million people at 4,000,000.
    // `list_members` holds, per year and list (1 未缴 owes, 2 已缴 paid,
    // 3 代缴 exempt; the filters of `ListFilter`), its residents by ID
    // number and by birth date; kept by `member_triggers`. A plain table
    // with two covering indexes, not one keyed by ID number: a first load
    // appends its rows and builds both indexes once, sorted, at the end (at
    // 4,000,000 the keyed table, swept by every chunk, cost 12 s more).
    r#"
CREATE TABLE list_members (
    year        INTEGER NOT NULL,
    list        INTEGER NOT NULL,
    id_number   TEXT NOT NULL,
    resident_id INTEGER NOT NULL,
    village_id  INTEGER NOT NULL,
    birth_date  TEXT NOT NULL
);
CREATE INDEX list_members_id ON list_members(year, list, id_number, village_id, resident_id);
CREATE INDEX list_members_birth ON list_members(year, list, birth_date, resident_id, village_id);
"#,
];

/// The schema version after which existing audit rows are chained.
pub const AUDIT_CHAIN_VERSION: usize = 8;

/// The schema version from which `standing_counts` is kept.
pub const STANDINGS_VERSION: usize = 9;

/// The schema version from which `list_members` is kept.
pub const MEMBERS_VERSION: usize = 10;

/// Triggers that keep `progress_counts` in step with `roster` and `paid`.
/// Created by migration; bulk loaders drop and recreate them around a load.
pub const PROGRESS_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS roster_ins AFTER INSERT ON roster BEGIN
    INSERT INTO progress_paid_days (year, village_id, measure, status, day, paid)
    SELECT NEW.year, NEW.village_id, NEW.measure, NEW.status, pay.paid_on, 1
      FROM paid p JOIN payments pay ON pay.id = p.payment_id
     WHERE p.year = NEW.year AND p.insurance = NEW.insurance AND p.resident_id = NEW.resident_id
    ON CONFLICT (year, village_id, measure, status, day) DO UPDATE SET paid = paid + 1;
    INSERT INTO progress_counts (year, village_id, measure, status, n, paid)
    VALUES (NEW.year, NEW.village_id, NEW.measure, NEW.status, 1,
            EXISTS (SELECT 1 FROM paid p WHERE p.year = NEW.year AND p.insurance = NEW.insurance
                    AND p.resident_id = NEW.resident_id))
    ON CONFLICT (year, village_id, measure, status) DO UPDATE
        SET n = n + 1, paid = paid + excluded.paid;
END;
CREATE TRIGGER IF NOT EXISTS roster_del AFTER DELETE ON roster BEGIN
    UPDATE progress_paid_days SET paid = paid - 1
     WHERE year = OLD.year AND village_id = OLD.village_id AND measure = OLD.measure AND status = OLD.status
       AND day = (SELECT pay.paid_on FROM paid p JOIN payments pay ON pay.id = p.payment_id
                   WHERE p.year = OLD.year AND p.insurance = OLD.insurance AND p.resident_id = OLD.resident_id);
    UPDATE progress_counts
       SET n = n - 1,
           paid = paid - EXISTS (SELECT 1 FROM paid p WHERE p.year = OLD.year AND p.insurance = OLD.insurance
                                 AND p.resident_id = OLD.resident_id)
     WHERE year = OLD.year AND village_id = OLD.village_id AND measure = OLD.measure AND status = OLD.status;
END;
CREATE TRIGGER IF NOT EXISTS roster_upd AFTER UPDATE OF village_id, measure, status ON roster BEGIN
    UPDATE progress_paid_days SET paid = paid - 1
     WHERE year = OLD.year AND village_id = OLD.village_id AND measure = OLD.measure AND status = OLD.status
       AND day = (SELECT pay.paid_on FROM paid p JOIN payments pay ON pay.id = p.payment_id
                   WHERE p.year = OLD.year AND p.insurance = OLD.insurance AND p.resident_id = OLD.resident_id);
    INSERT INTO progress_paid_days (year, village_id, measure, status, day, paid)
    SELECT NEW.year, NEW.village_id, NEW.measure, NEW.status, pay.paid_on, 1
      FROM paid p JOIN payments pay ON pay.id = p.payment_id
     WHERE p.year = NEW.year AND p.insurance = NEW.insurance AND p.resident_id = NEW.resident_id
    ON CONFLICT (year, village_id, measure, status, day) DO UPDATE SET paid = paid + 1;
    UPDATE progress_counts
       SET n = n - 1,
           paid = paid - EXISTS (SELECT 1 FROM paid p WHERE p.year = OLD.year AND p.insurance = OLD.insurance
                                 AND p.resident_id = OLD.resident_id)
     WHERE year = OLD.year AND village_id = OLD.village_id AND measure = OLD.measure AND status = OLD.status;
    INSERT INTO progress_counts (year, village_id, measure, status, n, paid)
    VALUES (NEW.year, NEW.village_id, NEW.measure, NEW.status, 1,
            EXISTS (SELECT 1 FROM paid p WHERE p.year = NEW.year AND p.insurance = NEW.insurance
                    AND p.resident_id = NEW.resident_id))
    ON CONFLICT (year, village_id, measure, status) DO UPDATE
        SET n = n + 1, paid = paid + excluded.paid;
END;
CREATE TRIGGER IF NOT EXISTS paid_ins AFTER INSERT ON paid BEGIN
    INSERT INTO progress_paid_days (year, village_id, measure, status, day, paid)
    SELECT r.year, r.village_id, r.measure, r.status, (SELECT paid_on FROM payments WHERE id = NEW.payment_id), 1
      FROM roster r WHERE r.year = NEW.year AND r.insurance = NEW.insurance AND r.resident_id = NEW.resident_id
    ON CONFLICT (year, village_id, measure, status, day) DO UPDATE SET paid = paid + 1;
    UPDATE progress_counts SET paid = paid + 1
     WHERE (year, village_id, measure, status) =
           (SELECT r.year, r.village_id, r.measure, r.status FROM roster r
             WHERE r.year = NEW.year AND r.insurance = NEW.insurance AND r.resident_id = NEW.resident_id);
END;
CREATE TRIGGER IF NOT EXISTS paid_del AFTER DELETE ON paid BEGIN
    UPDATE progress_paid_days SET paid = paid - 1
     WHERE (year, village_id, measure, status, day) =
           (SELECT r.year, r.village_id, r.measure, r.status, (SELECT paid_on FROM payments WHERE id = OLD.payment_id)
              FROM roster r WHERE r.year = OLD.year AND r.insurance = OLD.insurance AND r.resident_id = OLD.resident_id);
    UPDATE progress_counts SET paid = paid - 1
     WHERE (year, village_id, measure, status) =
           (SELECT r.year, r.village_id, r.measure, r.status FROM roster r
             WHERE r.year = OLD.year AND r.insurance = OLD.insurance AND r.resident_id = OLD.resident_id);
END;
CREATE TRIGGER IF NOT EXISTS payments_no_update BEFORE UPDATE ON payments BEGIN
    SELECT RAISE(ABORT, '缴费记录不可修改，请用冲正或退费 / payments are never updated: use a reversal or refund');
END;
CREATE TRIGGER IF NOT EXISTS payments_no_delete BEFORE DELETE ON payments BEGIN
    SELECT RAISE(ABORT, '缴费记录不可删除，请用冲正或退费 / payments are never deleted: use a reversal or refund');
END;
"#;

pub const DROP_PROGRESS_TRIGGERS: &str = r#"
DROP TRIGGER IF EXISTS roster_ins;
DROP TRIGGER IF EXISTS roster_del;
DROP TRIGGER IF EXISTS roster_upd;
DROP TRIGGER IF EXISTS paid_ins;
DROP TRIGGER IF EXISTS paid_del;
"#;

/// A resident's roster entry in one insurance of a year, as a number: 0
/// not on the roster, 2 due, 4 exempt (代缴). `year` and `resident` are SQL
/// expressions.
fn roster_code(year: &str, resident: &str, insurance: &str) -> String {
    format!(
        "coalesce((SELECT CASE ro.status WHEN 'due' THEN 2 ELSE 4 END FROM roster ro
                    WHERE ro.year = {year} AND ro.insurance = '{insurance}' AND ro.resident_id = {resident}), 0)"
    )
}

/// 1 when a payment of the insurance is in force, else 0.
fn paid_code(year: &str, resident: &str, insurance: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM paid px WHERE px.year = {year} AND px.insurance = '{insurance}'
                  AND px.resident_id = {resident})"
    )
}

/// A resident's standing in one insurance: the roster's code plus 1 when
/// paid (the codes of `standing_counts`).
fn standing_code(year: &str, resident: &str, insurance: &str) -> String {
    format!(
        "({} + {})",
        roster_code(year, resident, insurance),
        paid_code(year, resident, insurance)
    )
}

/// Take a resident out of the pair of standings (`m`, `p`) for a year.
fn standing_remove(year: &str, resident: &str, m: &str, p: &str) -> String {
    format!(
        "UPDATE standing_counts SET n = n - 1
          WHERE year = {year} AND village_id = (SELECT village_id FROM residents WHERE id = {resident})
            AND medical = {m} AND pension = {p};"
    )
}

/// Count a resident in the pair of standings they have now in a year; a
/// resident on neither roster with nothing paid is not counted.
fn standing_add(year: &str, resident: &str) -> String {
    format!(
        "INSERT INTO standing_counts (year, village_id, medical, pension, n)
         SELECT {year}, x.village_id, x.m, x.p, 1
           FROM (SELECT (SELECT village_id FROM residents WHERE id = {resident}) AS village_id,
                        {m} AS m, {p} AS p) x
          WHERE x.m + x.p > 0 AND x.village_id IS NOT NULL
         ON CONFLICT (year, village_id, medical, pension) DO UPDATE SET n = n + 1;",
        m = standing_code(year, resident, "medical"),
        p = standing_code(year, resident, "pension"),
    )
}

/// Triggers that keep `standing_counts` in step with `roster`, `paid` and a
/// resident's village: the resident leaves the pair of standings they had
/// and joins the pair they have. Before a delete or an update the pair
/// they had is read as it stands; after an insert it is the pair of now
/// without the new row (an upsert that updates fires the insert's BEFORE
/// trigger and then the update's, so nothing is read before an insert).
pub fn standing_triggers() -> String {
    let now = |ins: &str| standing_code("NEW.year", "NEW.resident_id", ins);
    // the pair before an insert: the inserted row's part left out
    let without = |part: fn(&str, &str, &str) -> String, ins: &'static str| {
        format!(
            "(CASE NEW.insurance WHEN '{ins}' THEN {} ELSE {} END)",
            part("NEW.year", "NEW.resident_id", ins),
            now(ins)
        )
    };
    // the pair a resident has before a delete or an update
    let before = standing_remove(
        "OLD.year",
        "OLD.resident_id",
        &standing_code("OLD.year", "OLD.resident_id", "medical"),
        &standing_code("OLD.year", "OLD.resident_id", "pension"),
    );
    let mut sql = String::new();
    for (table, other_part) in [
        ("roster", paid_code as fn(&str, &str, &str) -> String),
        ("paid", roster_code),
    ] {
        sql.push_str(&format!(
            "CREATE TRIGGER IF NOT EXISTS standing_{table}_ins AFTER INSERT ON {table} BEGIN {} {} END;
             CREATE TRIGGER IF NOT EXISTS standing_{table}_del_before BEFORE DELETE ON {table} BEGIN {} END;
             CREATE TRIGGER IF NOT EXISTS standing_{table}_del_after AFTER DELETE ON {table} BEGIN {} END;\n",
            standing_remove(
                "NEW.year",
                "NEW.resident_id",
                &without(other_part, "medical"),
                &without(other_part, "pension")
            ),
            standing_add("NEW.year", "NEW.resident_id"),
            before,
            standing_add("OLD.year", "OLD.resident_id"),
        ));
    }
    sql.push_str(&format!(
        "CREATE TRIGGER IF NOT EXISTS standing_roster_upd_before BEFORE UPDATE OF status ON roster BEGIN {} END;
         CREATE TRIGGER IF NOT EXISTS standing_roster_upd_after AFTER UPDATE OF status ON roster BEGIN {} END;\n",
        before,
        standing_add("NEW.year", "NEW.resident_id"),
    ));
    // A resident moving village moves in every year counted.
    let m = standing_code("standing_counts.year", "OLD.id", "medical");
    let p = standing_code("standing_counts.year", "OLD.id", "pension");
    let (m_new, p_new) = (
        standing_code("y.year", "NEW.id", "medical"),
        standing_code("y.year", "NEW.id", "pension"),
    );
    sql.push_str(&format!(
        "CREATE TRIGGER IF NOT EXISTS standing_village_before BEFORE UPDATE OF village_id ON residents
           WHEN OLD.village_id IS NOT NEW.village_id BEGIN
             UPDATE standing_counts SET n = n - 1
              WHERE village_id = OLD.village_id AND medical = {m} AND pension = {p};
         END;
         CREATE TRIGGER IF NOT EXISTS standing_village_after AFTER UPDATE OF village_id ON residents
           WHEN OLD.village_id IS NOT NEW.village_id BEGIN
             INSERT INTO standing_counts (year, village_id, medical, pension, n)
             SELECT x.year, NEW.village_id, x.m, x.p, 1
               FROM (SELECT y.year, {m_new} AS m, {p_new} AS p
                       FROM (SELECT DISTINCT year FROM standing_counts) y) x
              WHERE x.m + x.p > 0
             ON CONFLICT (year, village_id, medical, pension) DO UPDATE SET n = n + 1;
         END;\n"
    ));
    sql
}

/// The standing triggers' names, to set them aside for a bulk load.
pub const DROP_STANDING_TRIGGERS: &str = r#"
DROP TRIGGER IF EXISTS standing_roster_ins;
DROP TRIGGER IF EXISTS standing_roster_del_before;
DROP TRIGGER IF EXISTS standing_roster_del_after;
DROP TRIGGER IF EXISTS standing_paid_ins;
DROP TRIGGER IF EXISTS standing_paid_del_before;
DROP TRIGGER IF EXISTS standing_paid_del_after;
DROP TRIGGER IF EXISTS standing_roster_upd_before;
DROP TRIGGER IF EXISTS standing_roster_upd_after;
DROP TRIGGER IF EXISTS standing_village_before;
DROP TRIGGER IF EXISTS standing_village_after;
"#;

/// A list's test on a resident's pair of standing codes `m`, `p` (as in
/// `standing_counts`): 1 owes (未缴), 2 paid (已缴), 3 exempt (代缴) — the
/// tests the console's filters apply to the counters (`registry::residents::pairs_sql`).
fn member_test(list: &str, m: &str, p: &str) -> String {
    format!(
        "CASE {list} WHEN 1 THEN ({m} = 2 OR {p} = 2) WHEN 2 THEN ({m} % 2 = 1 OR {p} % 2 = 1)
                     ELSE ({m} >= 4 OR {p} >= 4) END"
    )
}

/// The lists' numbers as rows `l.list`.
const LISTS: &str = "(SELECT 1 AS list UNION ALL SELECT 2 UNION ALL SELECT 3) l";

/// Put a resident in the lists of a year their standings say now (and in
/// no other): the statements of a trigger.
fn member_refresh(year: &str, resident: &str) -> String {
    // The lists the resident belongs in now: the standings are read once
    // (a subquery with LIMIT is not flattened into the join), and rows that
    // stay are neither deleted nor written again.
    let lists = format!(
        "SELECT l.list FROM (SELECT {m} AS m, {p} AS p LIMIT 1) x CROSS JOIN {LISTS} WHERE {test}",
        m = standing_code(year, resident, "medical"),
        p = standing_code(year, resident, "pension"),
        test = member_test("l.list", "x.m", "x.p"),
    );
    format!(
        "DELETE FROM list_members WHERE year = {year} AND list IN (1, 2, 3)
            AND id_number = (SELECT id_number FROM residents WHERE id = {resident})
            AND list NOT IN ({lists});
         INSERT INTO list_members (year, list, id_number, resident_id, village_id, birth_date)
         SELECT {year}, n.list, r.id_number, r.id, r.village_id, r.birth_date
           FROM ({lists}) n CROSS JOIN residents r
          WHERE r.id = {resident}
            AND NOT EXISTS (SELECT 1 FROM list_members o
                             WHERE o.year = {year} AND o.list = n.list AND o.id_number = r.id_number);"
    )
}

/// Triggers that keep `list_members` in step with `roster`, `paid` and the
/// registry: after any change to a resident's roster rows or payments of a
/// year, the resident's lists of that year are written again; a move, a
/// corrected ID number or birth date changes every year's rows.
pub fn member_triggers() -> String {
    let mut sql = String::new();
    for table in ["roster", "paid"] {
        sql.push_str(&format!(
            "CREATE TRIGGER IF NOT EXISTS member_{table}_ins AFTER INSERT ON {table} BEGIN {} END;
             CREATE TRIGGER IF NOT EXISTS member_{table}_del AFTER DELETE ON {table} BEGIN {} END;\n",
            member_refresh("NEW.year", "NEW.resident_id"),
            member_refresh("OLD.year", "OLD.resident_id"),
        ));
    }
    sql.push_str(&format!(
        "CREATE TRIGGER IF NOT EXISTS member_roster_upd AFTER UPDATE OF status ON roster BEGIN {} END;
         CREATE TRIGGER IF NOT EXISTS member_resident_upd AFTER UPDATE OF id_number, birth_date, village_id
           ON residents WHEN OLD.id_number IS NOT NEW.id_number OR OLD.birth_date IS NOT NEW.birth_date
                          OR OLD.village_id IS NOT NEW.village_id BEGIN
             UPDATE list_members SET id_number = NEW.id_number, village_id = NEW.village_id,
                                     birth_date = NEW.birth_date
              WHERE list IN (1, 2, 3) AND id_number = OLD.id_number
                AND year IN (SELECT DISTINCT year FROM standing_counts);
         END;\n",
        member_refresh("NEW.year", "NEW.resident_id"),
    ));
    sql
}

/// Put the residents of `temp.member_touched (year, resident_id)` in the
/// lists their standings say now, all at once: for a bulk change that set
/// the row-by-row triggers aside. Each list's rows go in ID-number order,
/// so the list's B-trees are passed in sweeps rather than at random places.
pub fn refresh_touched_members() -> String {
    format!(
        "DELETE FROM list_members WHERE (year, list, id_number) IN
           (SELECT t.year, l.list, r.id_number FROM temp.member_touched t
              JOIN residents r ON r.id = t.resident_id CROSS JOIN {LISTS});
         INSERT INTO list_members (year, list, id_number, resident_id, village_id, birth_date)
         SELECT x.year, l.list, r.id_number, r.id, r.village_id, r.birth_date
           FROM (SELECT t.year, t.resident_id, {m} AS m, {p} AS p FROM temp.member_touched t) x
           JOIN residents r ON r.id = x.resident_id CROSS JOIN {LISTS}
          WHERE {test}
          ORDER BY x.year, l.list, r.id_number;",
        m = standing_code("t.year", "t.resident_id", "medical"),
        p = standing_code("t.year", "t.resident_id", "pension"),
        test = member_test("l.list", "x.m", "x.p"),
    )
}

/// The triggers of [`member_triggers`], to set them aside for a bulk load.
pub const DROP_MEMBER_TRIGGERS: &str = r#"
DROP TRIGGER IF EXISTS member_roster_ins;
DROP TRIGGER IF EXISTS member_roster_del;
DROP TRIGGER IF EXISTS member_paid_ins;
DROP TRIGGER IF EXISTS member_paid_del;
DROP TRIGGER IF EXISTS member_roster_upd;
DROP TRIGGER IF EXISTS member_resident_upd;
"#;

/// `list_members` as the roster, payments and registry say, for `check`
/// and for a rebuild: (year, list, id_number, resident_id, village_id,
/// birth_date).
pub fn members_from_roster() -> String {
    format!(
        "SELECT s.year, l.list, r.id_number, r.id, r.village_id, r.birth_date
           FROM ({RESIDENT_STANDINGS}) s
           JOIN residents r ON r.id = s.resident_id CROSS JOIN {LISTS}
          WHERE {}",
        member_test("l.list", "s.medical", "s.pension")
    )
}

/// Rebuild `list_members` from the roster and payments.
pub fn recount_members() -> String {
    format!(
        "DELETE FROM list_members;
         INSERT INTO list_members (year, list, id_number, resident_id, village_id, birth_date)
         SELECT * FROM ({}) ORDER BY 1, 2, 3;",
        members_from_roster()
    )
}

/// Each resident's pair of standing codes per year, as the roster and
/// payments say (the codes of `standing_counts`): (year, resident_id,
/// medical, pension). What the counters and `list_members` are rebuilt
/// and checked from.
const RESIDENT_STANDINGS: &str = r#"
SELECT year, resident_id,
       coalesce(max(CASE WHEN insurance = 'medical' THEN code END), 0) AS medical,
       coalesce(max(CASE WHEN insurance = 'pension' THEN code END), 0) AS pension
  FROM (SELECT year, insurance, resident_id, sum(code) AS code
          FROM (SELECT year, insurance, resident_id, CASE status WHEN 'due' THEN 2 ELSE 4 END AS code FROM roster
                UNION ALL
                SELECT year, insurance, resident_id, 1 FROM paid)
         GROUP BY year, insurance, resident_id)
 GROUP BY year, resident_id
"#;

/// `standing_counts` as the roster, payments and registry say, for `check`
/// and for a recount: (year, village, medical, pension), a row per resident.
pub fn standings_from_roster() -> String {
    format!(
        "SELECT s.year, r.village_id, s.medical, s.pension
           FROM ({RESIDENT_STANDINGS}) s JOIN residents r ON r.id = s.resident_id"
    )
}

/// Recount `standing_counts` from the roster and payments.
pub fn recount_standings() -> String {
    format!(
        "DELETE FROM standing_counts;
         INSERT INTO standing_counts (year, village_id, medical, pension, n)
         SELECT year, village_id, medical, pension, count(*) FROM ({}) GROUP BY 1, 2, 3, 4;",
        standings_from_roster()
    )
}

/// Recount `progress_counts` and `progress_paid_days` from `roster` and `paid`.
pub const RECOUNT_PROGRESS: &str = r#"
DELETE FROM progress_paid_days;
INSERT INTO progress_paid_days (year, village_id, measure, status, day, paid)
SELECT r.year, r.village_id, r.measure, r.status, pay.paid_on, count(*)
  FROM roster r
  JOIN paid p ON p.year = r.year AND p.insurance = r.insurance AND p.resident_id = r.resident_id
  JOIN payments pay ON pay.id = p.payment_id
 GROUP BY 1, 2, 3, 4, 5;
DELETE FROM progress_counts;
INSERT INTO progress_counts (year, village_id, measure, status, n, paid)
SELECT r.year, r.village_id, r.measure, r.status, count(*), count(p.payment_id)
  FROM roster r
  LEFT JOIN paid p ON p.year = r.year AND p.insurance = r.insurance AND p.resident_id = r.resident_id
 GROUP BY r.year, r.village_id, r.measure, r.status;
"#;

/// Bring a database to the latest schema.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if current >= MIGRATIONS.len() {
        return Ok(());
    }
    super::name_order::register(conn)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let current: usize = tx.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(step)?;
        if i == 0 {
            tx.execute_batch(PROGRESS_TRIGGERS)?;
        }
        if i + 1 == AUDIT_CHAIN_VERSION {
            super::audit::chain_existing(&tx)?;
        }
        if i + 1 == STANDINGS_VERSION {
            tx.execute_batch(&standing_triggers())?;
            tx.execute_batch(&recount_standings())?;
        }
        if i + 1 == MEMBERS_VERSION {
            tx.execute_batch(&member_triggers())?;
            tx.execute_batch(&recount_members())?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()
}

pub fn version() -> usize {
    MIGRATIONS.len()
}
