//! `zhengjiao find QUERY`: by name, pinyin initials, full pinyin, ID number,
//! its first digits or its last 4–6.

use super::columns;
use crate::domain::id_number::mask;
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
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&arr)?);
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
                "{id}  {}  {}  {} {}",
                columns::left(&h.name, name_cols),
                h.birth_date,
                columns::left(&h.town_name, town_cols),
                h.village_name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
