//! `zhengjiao find QUERY`: by name, pinyin initials, full pinyin, ID number,
//! its first digits or its last 4–6.

use super::columns;
use crate::domain::id_number::mask;
use crate::domain::name_keys::wrong_check_digit;
use crate::store::Store;
use clap::Args;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct FindArgs {
    /// 姓名、拼音首字母、全拼、身份证号或后4–6位 / name, pinyin initials, full pinyin, ID number or its tail
    pub query: String,
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    #[arg(long)]
    pub json: bool,
    /// 显示完整身份证号（记入审计）/ show full ID numbers (audited)
    #[arg(long)]
    pub full_id: bool,
}

pub fn run(args: &FindArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(db)?;
    let hits = store.find(&args.query, args.limit.max(1))?;
    if args.json {
        let arr: Vec<_> = hits
            .iter()
            .map(|h| {
                json!({
                    "id_number": h.id_number,
                    "name": h.name,
                    "sex": h.sex,
                    "birth_date": h.birth_date,
                    "village_code": h.village_code,
                    "village_name": h.village_name,
                    "town_name": h.town_name,
                    "deceased_on": h.deceased_on,
                    "birth_year": h.birth_date.get(..4),
                    "same_name": h.same_name,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&arr)?);
    } else if let (true, Some(expected)) = (hits.is_empty(), wrong_check_digit(&args.query)) {
        eprintln!(
            "身份证号校验位不对（应为 {expected}），可能有数字录错：{} / check digit wrong (should be {expected}): a digit may be mistyped in '{}'",
            args.query.trim(),
            args.query.trim()
        );
    } else if hits.is_empty() {
        eprintln!(
            "没有找到“{}” / nothing found for '{}'",
            args.query, args.query
        );
    } else {
        // names and towns padded by display width, so the columns line up
        let name_cols = columns::widest(hits.iter().map(|h| h.name.as_str()), 6);
        let town_cols = columns::widest(hits.iter().map(|h| h.town_name.as_str()), 0);
        for h in &hits {
            let id = if args.full_id {
                h.id_number.clone()
            } else {
                mask(&h.id_number)
            };
            println!(
                "{id}  {}  {}  {} {}{}",
                columns::left(&h.name, name_cols),
                h.birth_date,
                columns::left(&h.town_name, town_cols),
                h.village_name,
                same_name_note(h.same_name)
            );
        }
        // on stderr: standard output stays one line per resident for scripts
        eprintln!("{}", found_line(hits.len(), args.limit.max(1)));
    }
    Ok(ExitCode::SUCCESS)
}

/// After a hit whose name others bear too: how many do.
fn same_name_note(n: i64) -> String {
    if n > 1 {
        format!("  （同名{n}人 / {n} share the name）")
    } else {
        String::new()
    }
}

/// The closing line: how many were found, or that the list stops at the limit.
fn found_line(shown: usize, limit: i64) -> String {
    if shown as i64 >= limit {
        format!(
            "只显示前{shown}人，请输入更多字缩小范围 / first {shown} shown: type more to narrow"
        )
    } else {
        format!("共{shown}人 / {shown} found")
    }
}
