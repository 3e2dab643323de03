//! Users and roles. A user is an operating-system login name with a role:
//! clerk (记录、导入), supervisor (只读), admin (用户、政策年度、冲正).
//! While no user is registered, everyone acts as admin, so a new station can
//! set itself up; the first `user add` should register an admin.

use super::{Result, Store, StoreError, audit, now_text};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Supervisor,
    Clerk,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Supervisor => "supervisor",
            Role::Clerk => "clerk",
            Role::Admin => "admin",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Supervisor => "督导（只读）",
            Role::Clerk => "经办员",
            Role::Admin => "管理员",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim() {
            "supervisor" | "督导" | "只读" => Some(Role::Supervisor),
            "clerk" | "经办员" | "经办" => Some(Role::Clerk),
            "admin" | "管理员" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

/// The role of `login`: its registered role; admin while nobody is
/// registered; None for an unregistered login once users exist.
pub fn role_of(conn: &Connection, login: &str) -> Result<Option<Role>> {
    let registered: i64 = conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    if registered == 0 {
        return Ok(Some(Role::Admin));
    }
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM users WHERE login = ?1")?
        .query_row([login], |r| r.get(0))
        .optional()?;
    Ok(role.and_then(|r| Role::parse(&r)))
}

/// Refuse unless `login` holds at least `needed`.
pub fn require(conn: &Connection, login: &str, needed: Role) -> Result<()> {
    match role_of(conn, login)? {
        Some(r) if r >= needed => Ok(()),
        Some(r) => Err(StoreError::refused(
            format!("用户 {login} 的角色是{}，此操作需要{}", r.zh(), needed.zh()),
            format!(
                "user {login} is a {}; this needs {}",
                r.code(),
                needed.code()
            ),
        )),
        None => Err(StoreError::refused(
            format!("用户 {login} 未登记，请管理员用 zhengjiao user add 登记"),
            format!(
                "user {login} is not registered; an admin adds users with `zhengjiao user add`"
            ),
        )),
    }
}

impl Store {
    /// The acting user's role (see `role_of`).
    pub fn role(&self) -> Result<Option<Role>> {
        role_of(self.conn(), self.user())
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT login, name, role, created_at FROM users ORDER BY login")?;
        let rows = st.query_map([], |r| {
            let role: String = r.get(2)?;
            Ok(User {
                login: r.get(0)?,
                name: r.get(1)?,
                role: Role::parse(&role).unwrap_or(Role::Supervisor),
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Add or change a user (admin only; the very first user may be added by anyone).
    pub fn put_user(&mut self, login: &str, name: &str, role: Role) -> Result<()> {
        let login = login.trim().to_string();
        if login.is_empty() {
            return Err(StoreError::refused(
                "登录名不能为空",
                "the login name is empty",
            ));
        }
        self.write_as(Role::Admin, |tx, user| {
            let before: Option<String> = tx
                .query_row("SELECT role FROM users WHERE login = ?1", [&login], |r| {
                    r.get(0)
                })
                .optional()?;
            let registered: i64 = tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
            if registered == 0 && role != Role::Admin {
                return Err(StoreError::refused(
                    "第一个登记的用户必须是管理员",
                    "the first registered user must be an admin",
                ));
            }
            tx.execute(
                "INSERT INTO users (login, name, role, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (login) DO UPDATE SET name = excluded.name, role = excluded.role",
                params![login, name.trim(), role.code(), now_text()],
            )?;
            audit::record(
                tx,
                user,
                if before.is_some() {
                    "change-user"
                } else {
                    "add-user"
                },
                "users",
                None,
                &json!({"login": login, "role": role.code(), "before": before}).to_string(),
            )?;
            Ok(())
        })
    }

    pub fn remove_user(&mut self, login: &str) -> Result<()> {
        self.write_as(Role::Admin, |tx, user| {
            let admins: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = 'admin' AND login <> ?1",
                [login],
                |r| r.get(0),
            )?;
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE login <> ?1",
                [login],
                |r| r.get(0),
            )?;
            if admins == 0 && others > 0 {
                return Err(StoreError::refused(
                    "不能删除最后一个管理员",
                    "the last admin cannot be removed",
                ));
            }
            let n = tx.execute("DELETE FROM users WHERE login = ?1", [login])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "用户",
                    what_en: "user",
                    key: login.into(),
                });
            }
            audit::record(
                tx,
                user,
                "remove-user",
                "users",
                None,
                &json!({"login": login}).to_string(),
            )?;
            Ok(())
        })
    }
}
