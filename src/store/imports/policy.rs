//! `import policy`: a new year's policy file (TOML), validated by
//! [`PolicyYear::from_toml`] and kept in `policy_years`, from where
//! [`Store::policies`] serves it. A year already known (built in or imported)
//! with different rules is an update; the old file is kept in the verdict.

use super::judging::{self, ImportError, ImportKind, ImportOptions, ImportReport};
use crate::domain::PolicyYear;
use crate::domain::policy::BUILT_IN;
use crate::store::{Store, now_text};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Import a policy file's text. A file that does not validate is refused
    /// as a whole ([`ImportError::Unusable`]).
    pub fn import_policy(
        &mut self,
        text: &str,
        opts: &ImportOptions,
    ) -> std::result::Result<ImportReport, ImportError> {
        let policy =
            PolicyYear::from_toml(text).map_err(|e| ImportError::Unusable(e.to_string()))?;
        let year = policy.year;
        let stored: Option<String> = self
            .conn()
            .query_row(
                "SELECT source_toml FROM policy_years WHERE year = ?1",
                [year],
                |r| r.get(0),
            )
            .optional()?;
        let old_text = stored.or_else(|| {
            BUILT_IN
                .iter()
                .find(|t| PolicyYear::from_toml(t).is_ok_and(|p| p.year == year))
                .map(|t| t.to_string())
        });
        let old = old_text
            .as_deref()
            .and_then(|t| PolicyYear::from_toml(t).ok());
        let has_roster: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM roster WHERE year = ?1)",
            [year],
            |r| r.get(0),
        )?;
        judging::run(
            self,
            ImportKind::Policy,
            opts,
            Some(year),
            Vec::new(),
            |tx, user, journal| {
                if old.as_ref() == Some(&policy) {
                    return Ok(journal.unchanged(1)?);
                }
                tx.execute(
                    "INSERT INTO policy_years (year, source_toml, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (year) DO UPDATE SET source_toml = excluded.source_toml,
                        added_at = excluded.added_at, added_by = excluded.added_by",
                    params![year, text, now_text(), user],
                )?;
                let roster_note = if has_roster {
                    format!(
                        "；{year}年度清册已生成，需重新生成 / the {year} roster exists and must be generated again"
                    )
                } else {
                    String::new()
                };
                match (&old, &old_text) {
                    (Some(old), Some(old_text)) => {
                        let parts = changed_parts(old, &policy);
                        Ok(journal.updated(
                            1,
                            format!(
                                "{year}年度政策已更新，改变了：{} / the {year} policy changed: {}{roster_note}\n原政策文件 old file:\n{old_text}",
                                parts.join("、"),
                                parts.join(", ")
                            ),
                        )?)
                    }
                    _ => Ok(journal.accepted(
                        1,
                        Some(&format!("{year}年度政策 / the {year} policy{roster_note}")),
                    )?),
                }
            },
        )
    }
}

/// The sections of a policy that differ.
fn changed_parts(a: &PolicyYear, b: &PolicyYear) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.title != b.title || a.source != b.source {
        out.push("title");
    }
    if a.window != b.window || a.phases != b.phases {
        out.push("window");
    }
    if a.pension != b.pension {
        out.push("pension");
    }
    if a.medical != b.medical {
        out.push("medical");
    }
    if a.targets != b.targets {
        out.push("targets");
    }
    if a.offices != b.offices {
        out.push("offices");
    }
    out
}
