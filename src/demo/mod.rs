//! `zhengjiao demo`: a realistic, deterministic database of Shanting District
//! — the real towns and villages, the 2025 plan, residents in proportion to
//! it, special groups at believable rates, agents and payments through every
//! channel up to the as-of date.

pub mod names;

use crate::domain::money::to_fen;
use crate::domain::{Group, IdNumber, Person, Policies, PolicyYear, compute, name_keys};
use crate::store::Result;
use crate::store::campaign::roster::{RosterEntry, entries};
use crate::store::imports::bulk::{Bulk, BulkPayment, BulkResident};
use crate::store::registry::geo;
use chrono::{Datelike, Duration, NaiveDate};
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub residents: usize,
    pub seed: u64,
    pub as_of: NaiveDate,
    pub year: i32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            residents: 400_000,
            seed: 2025,
            as_of: NaiveDate::from_ymd_opt(2024, 11, 23).expect("valid"),
            year: 2025,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub residents: usize,
    pub roster_rows: usize,
    pub payments: usize,
}

/// Relative population per 5-year age band 0–4 … 95–99 (rural Shandong shape:
/// few young adults at home, many aged 45–64).
const AGE_BANDS: [u32; 20] = [
    45, 55, 60, 55, 50, 55, 60, 62, 65, 75, 90, 95, 85, 80, 65, 45, 28, 14, 5, 1,
];

/// (group, probability per 10,000 residents)
const GROUP_RATES: [(Group, u32); 11] = [
    (Group::Dibao, 300),
    (Group::Tekun, 50),
    (Group::DibaoEdge, 90),
    (Group::Monitored, 80),
    (Group::Fanpin, 25),
    (Group::PovertyRegistered, 150),
    (Group::Youfu, 30),
    (Group::Disabled1, 60),
    (Group::Disabled2, 80),
    (Group::Disabled3, 120),
    (Group::Disabled4, 140),
];

/// Channels of self-paid contributions with weights.
const CHANNELS: [(&str, u32); 8] = [
    ("agent-pos", 40),
    ("wechat", 18),
    ("alipay", 7),
    ("aishandong", 8),
    ("etax", 4),
    ("bank", 8),
    ("tax-hall", 5),
    ("cash", 10),
];

/// Pension tiers people choose (amount, weight); 100 only for the entitled.
const TIER_WEIGHTS: [(i64, u32); 8] = [
    (100, 30),
    (350, 40),
    (500, 20),
    (800, 8),
    (1000, 6),
    (3000, 3),
    (5000, 2),
    (8000, 1),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut n = rng.random_range(0..total);
    for (t, w) in items {
        if n < *w {
            return t;
        }
        n -= w;
    }
    &items[items.len() - 1].0
}

/// Share of the finally paying who have paid by `day` of the window (S-curve
/// that rises through the collection phase).
fn paid_share(elapsed: f64) -> f64 {
    let x = elapsed.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Build the demo database at `path`.
pub fn build(path: &Path, opts: &DemoOptions, user: &str) -> Result<DemoSummary> {
    let policies = Policies::built_in();
    let policy = policies.get(opts.year).expect("built-in year").clone();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut bulk = Bulk::create(path, user)?;
    bulk.load_divisions()?;
    bulk.set_meta("as_of", &opts.as_of.to_string())?;
    bulk.set_meta("year", &opts.year.to_string())?;
    bulk.set_meta("seed", &opts.seed.to_string())?;

    // Residents per town in proportion to the plan; the development zone
    // (no plan of its own) at the average density per village.
    let villages = bulk.villages()?;
    let plan: HashMap<String, i64> = geo::bundled_plan_2025()
        .into_iter()
        .map(|(t, _, m)| (t, m))
        .collect();
    let towns = geo::bundled_towns();
    let mut town_weight: HashMap<i64, f64> = HashMap::new();
    let town_ids: BTreeMap<String, i64> = {
        let mut st = bulk.conn().prepare("SELECT code, id FROM towns")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let village_count = |tid: i64| villages.iter().filter(|v| v.1 == tid).count() as f64;
    let planned_total: i64 = plan.values().sum();
    let planned_villages: f64 = towns
        .iter()
        .filter(|(_, n)| plan.contains_key(n))
        .map(|(c, _)| village_count(town_ids[c]))
        .sum();
    for (code, name) in &towns {
        let tid = town_ids[code];
        let w = match plan.get(name) {
            Some(m) => *m as f64,
            None => planned_total as f64 / planned_villages * village_count(tid) * 0.6,
        };
        town_weight.insert(tid, w);
    }
    // Each village's weight within its town varies; each town has its own pace.
    let village_weights: Vec<f64> = villages
        .iter()
        .map(|v| town_weight[&v.1] / village_count(v.1) * rng.random_range(0.55..1.45))
        .collect();
    let village_pick = WeightedIndex::new(&village_weights).expect("positive weights");
    let town_pace: BTreeMap<i64, f64> = town_ids
        .values()
        .map(|t| (*t, rng.random_range(0.80..1.06)))
        .collect();
    let village_pace: Vec<f64> = villages
        .iter()
        .map(|v| town_pace[&v.1] * rng.random_range(0.93..1.05))
        .collect();

    // One agent per village (a second in large ones).
    let mut agents: Vec<Vec<i64>> = Vec::with_capacity(villages.len());
    for (i, (vid, _, code)) in villages.iter().enumerate() {
        let mut ids = Vec::new();
        let n_agents = if village_weights[i]
            > 1.3 * town_weight[&villages[i].1] / village_count(villages[i].1)
        {
            2
        } else {
            1
        };
        for k in 1..=n_agents {
            let male = rng.random_bool(0.5);
            let name = random_name(&mut rng, male);
            let phone = format!("13{:09}", rng.random_range(0..1_000_000_000u64));
            ids.push(bulk.insert_agent(&format!("{code}{k:02}"), &name, &phone, *vid)?);
        }
        agents.push(ids);
    }

    let ctx = Ctx {
        policy: &policy,
        opts,
        villages: &villages,
        village_pick,
        village_pace,
        agents,
        age_pick: WeightedIndex::new(AGE_BANDS).expect("weights"),
    };
    let now_text = format!("{} 17:00:00", opts.as_of);
    let mut summary = DemoSummary::default();
    // One thread draws residents (random numbers, dues, pinyin keys) while
    // this one writes them: the two cores of an office PC both work.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Gen>>(16);
    let counters = std::thread::scope(|scope| -> Result<_> {
        scope.spawn(move || {
            let mut used_ids: HashSet<String> = HashSet::with_capacity(ctx.opts.residents * 2);
            let mut names: HashSet<String> = HashSet::new();
            let mut left = ctx.opts.residents;
            while left > 0 {
                let n = left.min(2000);
                let batch: Vec<Gen> = (0..n)
                    .map(|_| ctx.generate(&mut rng, &mut used_ids, &mut names))
                    .collect();
                left -= n;
                if tx.send(batch).is_err() {
                    return;
                }
            }
        });
        let mut st = bulk.statements()?;
        let mut keys: Vec<(String, String)> = Vec::new();
        for batch in rx {
            for g in batch {
                let rid = st.resident(&BulkResident {
                    id_number: &g.id_number,
                    name: &g.name,
                    sex: g.sex,
                    birth_date: g.birth,
                    village_id: g.village_id,
                    residence: g.residence,
                    phone: g.phone.as_deref(),
                    employee_insured: g.employee,
                    student: g.student,
                    deceased_on: g.deceased_on,
                })?;
                for grp in &g.groups {
                    let office = policy.offices.groups.get(grp).map(|o| o.code());
                    st.membership(rid, grp.code(), office, "2024-01-01")?;
                }
                for (e, pay) in &g.roster {
                    st.roster(
                        policy.year,
                        e,
                        rid,
                        g.village_id,
                        pay.as_ref().map(|p| p.paid_on),
                    )?;
                    summary.roster_rows += 1;
                    if let Some(p) = pay {
                        st.payment(
                            &BulkPayment {
                                resident_id: rid,
                                year: policy.year,
                                insurance: e.insurance,
                                person_fen: p.person_fen,
                                government_fen: p.government_fen,
                                tier_fen: p.tier_fen,
                                channel: p.channel,
                                office: p.office,
                                receipt: p.receipt.as_deref(),
                                agent_id: p.agent_id,
                                paid_on: p.paid_on,
                                late: false,
                            },
                            &now_text,
                        )?;
                        summary.payments += 1;
                    }
                }
                keys.extend(g.keys.into_iter().map(|k| (k, g.name.clone())));
                summary.residents += 1;
            }
        }
        Ok((st.take_counters(), keys))
    })?;
    let (counters, keys) = counters;
    bulk.add_keys(keys);
    bulk.finish(
        counters,
        &format!(
            "{{\"residents\":{},\"seed\":{},\"as_of\":\"{}\",\"payments\":{}}}",
            summary.residents, opts.seed, opts.as_of, summary.payments
        ),
    )?;
    Ok(summary)
}

/// What the generator thread needs.
struct Ctx<'a> {
    policy: &'a PolicyYear,
    opts: &'a DemoOptions,
    villages: &'a [(i64, i64, String)],
    village_pick: WeightedIndex<f64>,
    village_pace: Vec<f64>,
    agents: Vec<Vec<i64>>,
    age_pick: WeightedIndex<u32>,
}

/// One drawn resident with roster rows, payments and, for a name not seen
/// before, its search keys.
struct Gen {
    id_number: String,
    name: String,
    sex: &'static str,
    birth: NaiveDate,
    village_id: i64,
    residence: &'static str,
    phone: Option<String>,
    employee: bool,
    student: bool,
    deceased_on: Option<NaiveDate>,
    groups: Vec<Group>,
    roster: Vec<(RosterEntry, Option<GenPayment>)>,
    keys: Vec<String>,
}

struct GenPayment {
    person_fen: i64,
    government_fen: i64,
    tier_fen: Option<i64>,
    channel: &'static str,
    office: Option<&'static str>,
    receipt: Option<String>,
    agent_id: Option<i64>,
    paid_on: NaiveDate,
}

const DISABILITY: [Group; 4] = [
    Group::Disabled1,
    Group::Disabled2,
    Group::Disabled3,
    Group::Disabled4,
];

impl Ctx<'_> {
    fn generate(
        &self,
        rng: &mut ChaCha8Rng,
        used_ids: &mut HashSet<String>,
        names: &mut HashSet<String>,
    ) -> Gen {
        let policy = self.policy;
        let opts = self.opts;
        let window = policy.window;
        let last_day = opts.as_of.min(window.end);
        let vi = self.village_pick.sample(rng);
        let village_id = self.villages[vi].0;
        let band = self.age_pick.sample(rng) as i32;
        let age = band * 5 + rng.random_range(0..5);
        let start = NaiveDate::from_ymd_opt(opts.year - age, 1, 1).expect("valid");
        let mut birth = start + Duration::days(rng.random_range(0..365));
        if birth > opts.as_of {
            birth = opts.as_of - Duration::days(rng.random_range(1..60));
        }
        let male = rng.random_bool(0.5);
        let id = loop {
            let seq: u16 = rng.random_range(0..500) * 2 + u16::from(male);
            let id = IdNumber::compose("370406", birth, seq);
            if used_ids.insert(id.as_str().to_string()) {
                break id;
            }
        };
        let name = random_name(rng, male);
        let real_age = opts.year - birth.year();
        let student = (16..=18).contains(&real_age) && rng.random_bool(0.7)
            || (19..=22).contains(&real_age) && rng.random_bool(0.4);
        let employee = (20..=59).contains(&real_age) && rng.random_bool(0.12);
        let deceased_on = (real_age > 60 && rng.random_bool(0.01)).then(|| {
            window.start
                + Duration::days(rng.random_range(0..(last_day - window.start).num_days().max(1)))
        });
        let phone = rng.random_bool(0.75).then(|| {
            format!(
                "1{}{:09}",
                [3, 5, 8][rng.random_range(0..3)],
                rng.random_range(0..1_000_000_000u64)
            )
        });
        let mut groups: Vec<Group> = Vec::new();
        for (g, rate) in GROUP_RATES {
            if rng.random_range(0..10_000) < rate
                && !(DISABILITY.contains(&g) && groups.iter().any(|x| DISABILITY.contains(x)))
            {
                groups.push(g);
            }
        }
        let mut person = Person::born(birth).with_groups(groups.iter().copied());
        if employee {
            person.groups.insert(Group::EmployeeInsured);
        }
        if student {
            person.groups.insert(Group::Student);
        }
        // People who died during the window stay on the roster only when
        // they paid before the death (the payment stands); the unpaid dead
        // leave it, as after `import deaths`.
        let mut roster = Vec::new();
        if let Ok(dues) = compute(policy, &person, None) {
            for e in entries(&dues) {
                let pay = self.payment(rng, &e, &dues, vi, deceased_on);
                if deceased_on.is_some() && pay.is_none() {
                    continue;
                }
                roster.push((e, pay));
            }
        }
        // Keys once per distinct name.
        let keys = if names.insert(name.clone()) {
            name_keys::keys(&name)
        } else {
            Vec::new()
        };
        Gen {
            sex: id.sex().code(),
            id_number: id.as_str().to_string(),
            name,
            birth,
            village_id,
            residence: if rng.random_bool(0.02) {
                "permit"
            } else {
                "hukou"
            },
            phone,
            employee,
            student,
            deceased_on,
            groups,
            roster,
            keys,
        }
    }

    /// Will this person pay this year, and by when, through which channel?
    fn payment(
        &self,
        rng: &mut ChaCha8Rng,
        e: &RosterEntry,
        dues: &crate::domain::Dues,
        vi: usize,
        deceased_on: Option<NaiveDate>,
    ) -> Option<GenPayment> {
        let window = self.policy.window;
        let last_day = self.opts.as_of.min(window.end);
        let final_rate: f64 = match (e.status, e.measure.as_str()) {
            ("exempt", _) => 1.0,
            (_, "medical") => 0.985,
            (_, "pension_45_59") => 0.975,
            _ => 0.66,
        };
        if !rng.random_bool((final_rate * self.village_pace[vi]).min(1.0)) {
            return None;
        }
        let collect_start = self
            .policy
            .phase_on(window.start)
            .map(|p| p.end + Duration::days(1))
            .unwrap_or(window.start);
        let when = if e.status == "exempt" {
            // Offices pay in batches on a few days.
            collect_start + Duration::days([10, 25, 40, 55][rng.random_range(0..4)])
        } else {
            // Invert the S-curve by bisection on a uniform draw.
            let u: f64 = rng.random();
            let (mut lo, mut hi) = (0.0, 1.0);
            for _ in 0..20 {
                let mid = (lo + hi) / 2.0;
                if paid_share(mid) < u {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            let days = (window.end - window.start).num_days() as f64;
            window.start + Duration::days((lo * days) as i64)
        };
        if when > last_day || deceased_on.is_some_and(|d| when >= d) {
            return None;
        }
        // Nothing for the person to pay: the office pays it all (代缴).
        let (channel, office) = if e.status == "exempt" || e.person_fen == 0 {
            ("proxy", e.office)
        } else {
            (*pick(rng, &CHANNELS), None)
        };
        let (person_fen, government_fen, tier_fen) = if e.insurance == "pension" {
            let tier = if e.status == "exempt" {
                100
            } else {
                loop {
                    let t = *pick(rng, &TIER_WEIGHTS);
                    if dues.pension.tiers.iter().any(|x| to_fen(*x) == t * 100) {
                        break t;
                    }
                }
            };
            let gov = e.government_fen.min(tier * 100);
            (tier * 100 - gov, gov, Some(tier * 100))
        } else {
            (e.person_fen, e.government_fen, None)
        };
        let agent_id = (channel == "agent-pos" || channel == "cash").then(|| {
            let a = &self.agents[vi];
            a[rng.random_range(0..a.len())]
        });
        let receipt =
            (channel == "cash").then(|| format!("{:08}", rng.random_range(0..100_000_000u32)));
        Some(GenPayment {
            person_fen,
            government_fen,
            tier_fen,
            channel,
            office,
            receipt,
            agent_id,
            paid_on: when,
        })
    }
}

fn random_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let surname = *pick(rng, names::SURNAMES);
    let pool: Vec<char> = if male {
        names::GIVEN_MALE.chars().collect()
    } else {
        names::GIVEN_FEMALE.chars().collect()
    };
    let mut name = surname.to_string();
    name.push(pool[rng.random_range(0..pool.len())]);
    if rng.random_bool(0.7) {
        name.push(pool[rng.random_range(0..pool.len())]);
    }
    name
}
