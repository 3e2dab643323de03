//! `zhengjiao user`: register users and their roles (admin only).

use crate::store::Store;
use crate::store::users::Role;
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// 登记或修改用户 / add or change a user
    Add {
        /// 操作系统登录名 / operating-system login name
        login: String,
        /// 姓名 / full name
        #[arg(long, default_value = "")]
        name: String,
        /// clerk | supervisor | admin（经办员 | 督导 | 管理员）
        #[arg(long)]
        role: String,
    },
    /// 删除用户 / remove a user
    Remove { login: String },
    /// 列出用户 / list users
    List {
        #[arg(long)]
        json: bool,
    },
    /// 当前用户及角色 / who am I and with which role
    Whoami,
}

pub fn run(args: &UserArgs, db: &Path) -> anyhow::Result<ExitCode> {
    match &args.action {
        UserAction::Add { login, name, role } => {
            let role = Role::parse(role).with_context(|| {
                format!("未知角色“{role}”，应为 clerk、supervisor 或 admin / unknown role '{role}'")
            })?;
            let mut store = Store::open(db)?;
            store.put_user(login, name, role)?;
            println!("已登记 / saved: {login} {}", role.zh());
        }
        UserAction::Remove { login } => {
            let mut store = Store::open(db)?;
            store.remove_user(login)?;
            println!("已删除 / removed: {login}");
        }
        UserAction::List { json } => {
            let store = Store::open_read_only(db)?;
            let users = store.users()?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else if users.is_empty() {
                println!(
                    "尚未登记用户：所有人按管理员处理 / no users registered: everyone acts as admin"
                );
            } else {
                for u in users {
                    println!("{:<16} {:<10} {}", u.login, u.name, u.role.zh());
                }
            }
        }
        UserAction::Whoami => {
            let store = Store::open_read_only(db)?;
            match store.role()? {
                Some(r) => println!("{} {} ({})", store.user(), r.zh(), r.code()),
                None => println!("{} 未登记 / not registered", store.user()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
