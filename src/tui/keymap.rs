//! Keys to actions, per context, from TOML files.
//!
//! `keymaps/default.toml` is compiled in and always loaded first; a preset
//! (`--keymap vim`) or a file (`--keymap path/to/file.toml`) goes on top of it,
//! and the user's `keymap.toml` in the config directory goes on top of that.
//! Each layer overrides single keys. A bad entry is reported with its file and
//! line and skipped; everything else still works.
//!
//! A key is looked up in the focused context first, then in `[global]`, except
//! in `[input]` (a text field has focus: letters must type, not command).

use super::action::Action;
use super::key::Key;
use super::strings::{Lang, S, fill};
use crossterm::event::{KeyEvent, KeyEventKind};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use strum::{EnumIter, IntoEnumIterator, IntoStaticStr};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The built-in keymaps by name; every one but `default` applies on top of `default`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
];

/// Where keys are looked up: the focused pane, an overlay, or a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum Context {
    Global,
    Towns,
    Residents,
    Detail,
    Overlay,
    Input,
    Remittance,
}

impl Context {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::iter().find(|c| c.name() == name)
    }

    /// The section title in the help overlay.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Context::Global => S::CtxGlobal,
            Context::Towns => S::CtxTowns,
            Context::Residents => S::CtxResidents,
            Context::Detail => S::CtxDetail,
            Context::Overlay => S::CtxOverlay,
            Context::Input => S::CtxInput,
            Context::Remittance => S::CtxRemittance,
        }
        .get(lang)
    }

    /// Whether keys not bound here are looked up in `[global]`.
    pub fn falls_back_to_global(self) -> bool {
        !matches!(self, Context::Global | Context::Input)
    }
}

/// One key of one context; `action: None` unbinds the key (`run = "none"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub action: Option<Action>,
    pub desc: Option<String>,
}

/// One line of the help overlay: an action and every key bound to it in a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry<'a> {
    pub action: Action,
    pub keys: Vec<Key>,
    pub desc: Option<&'a str>,
}

impl HelpEntry<'_> {
    pub fn describe(&self, lang: Lang) -> &str {
        self.desc.unwrap_or_else(|| self.action.describe(lang))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    tables: BTreeMap<Context, Vec<Binding>>,
}

/// A keymap and the problems met while loading it (each entry skipped).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub keymap: Keymap,
    pub problems: Vec<KeymapError>,
}

impl Keymap {
    /// The built-in default keymap alone.
    pub fn builtin() -> Keymap {
        let mut keymap = Keymap::default();
        let problems = keymap.apply_text("default.toml", BUILT_IN[0].1);
        debug_assert!(problems.is_empty(), "{problems:?}");
        keymap
    }

    /// Default, then `choice` (a built-in name or a file path), then the user's file.
    pub fn load(choice: Option<&str>, user_file: Option<&Path>) -> Loaded {
        let mut keymap = Keymap::builtin();
        let mut problems = Vec::new();
        match choice {
            None | Some("default") => {}
            Some(name) => match BUILT_IN.iter().find(|(n, _)| *n == name) {
                Some((n, text)) => problems.extend(keymap.apply_text(&format!("{n}.toml"), text)),
                None => problems.extend(keymap.apply_file(Path::new(name))),
            },
        }
        if let Some(path) = user_file.filter(|p| p.exists()) {
            problems.extend(keymap.apply_file(path));
        }
        Loaded { keymap, problems }
    }

    /// Apply a keymap file on top; a missing or unreadable file is one problem.
    pub fn apply_file(&mut self, path: &Path) -> Vec<KeymapError> {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => self.apply_text(&file, &text),
            Err(e) => vec![KeymapError::new(
                &file,
                None,
                Problem::Unreadable(e.to_string()),
            )],
        }
    }

    /// Apply keymap text on top; `file` names it in problems.
    pub fn apply_text(&mut self, file: &str, text: &str) -> Vec<KeymapError> {
        let line_of = |span: std::ops::Range<usize>| line_at(text, span.start);
        let doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let line = e.span().map(line_of);
                let message = e.message().trim().to_string();
                return vec![KeymapError::new(file, line, Problem::Syntax(message))];
            }
        };
        let mut problems = Vec::new();
        let mut problem = |span, p| problems.push(KeymapError::new(file, Some(line_of(span)), p));
        for (name, section) in doc.get_ref().iter() {
            let Some(ctx) = Context::from_name(name.get_ref()) else {
                problem(
                    name.span(),
                    Problem::UnknownContext(name.get_ref().to_string()),
                );
                continue;
            };
            let Some(fields) = section.get_ref().as_table() else {
                problem(section.span(), Problem::NotAList(ctx));
                continue;
            };
            for (field, value) in fields.iter() {
                if field.get_ref() != "keymap" {
                    problem(
                        field.span(),
                        Problem::UnknownField(field.get_ref().to_string()),
                    );
                    continue;
                }
                let Some(entries) = value.get_ref().as_array() else {
                    problem(value.span(), Problem::NotAList(ctx));
                    continue;
                };
                for entry in entries.iter() {
                    match parse_binding(entry) {
                        Ok(binding) => self.bind(ctx, binding),
                        Err(p) => problem(entry.span(), p),
                    }
                }
            }
        }
        problems.sort_by_key(|p| p.line);
        problems
    }

    /// Bind a key in a context, replacing what that key did there.
    pub fn bind(&mut self, ctx: Context, binding: Binding) {
        let table = self.tables.entry(ctx).or_default();
        match table.iter_mut().find(|b| b.key == binding.key) {
            Some(old) => *old = binding,
            None => table.push(binding),
        }
    }

    /// The action for a key event in a context. Only presses count: Windows
    /// also reports releases, and a release must not act twice.
    pub fn resolve(&self, ctx: Context, event: &KeyEvent) -> Option<Action> {
        if event.kind != KeyEventKind::Press {
            return None;
        }
        self.lookup(ctx, Key::from(*event))
    }

    /// The action for a key in a context, falling back to `[global]`.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<Action> {
        match self.find(ctx, key) {
            Some(binding) => binding.action,
            None if ctx.falls_back_to_global() => self.find(Context::Global, key)?.action,
            None => None,
        }
    }

    fn find(&self, ctx: Context, key: Key) -> Option<&Binding> {
        self.bindings(ctx).iter().find(|b| b.key == key)
    }

    /// The bindings of one context, in file order (no fallback).
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.tables.get(&ctx).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every key that triggers `action` in `ctx`, including `[global]` keys the
    /// context does not shadow: what help, hints and palette show.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<Key> {
        let own = self.bindings(ctx).iter();
        let global = if ctx.falls_back_to_global() {
            self.bindings(Context::Global)
        } else {
            &[]
        };
        let global = global.iter().filter(|b| self.find(ctx, b.key).is_none());
        own.chain(global)
            .filter(|b| b.action == Some(action))
            .map(|b| b.key)
            .collect()
    }

    /// The first key for `action` in `ctx`, if any.
    pub fn key_for(&self, ctx: Context, action: Action) -> Option<Key> {
        self.keys_for(ctx, action).into_iter().next()
    }

    /// A context's own bindings grouped by action, in order of first appearance.
    pub fn help_entries(&self, ctx: Context) -> Vec<HelpEntry<'_>> {
        let mut entries: Vec<HelpEntry<'_>> = Vec::new();
        for b in self.bindings(ctx) {
            let Some(action) = b.action else { continue };
            match entries.iter_mut().find(|e| e.action == action) {
                Some(e) => {
                    e.keys.push(b.key);
                    e.desc = e.desc.or(b.desc.as_deref());
                }
                None => entries.push(HelpEntry {
                    action,
                    keys: vec![b.key],
                    desc: b.desc.as_deref(),
                }),
            }
        }
        entries
    }
}

/// The user's keymap file: `keymap.toml` in the platform config directory.
pub fn user_keymap_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "shanting", "zhengjiao")
        .map(|dirs| dirs.config_dir().join("keymap.toml"))
}

fn line_at(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse_binding(entry: &Spanned<DeValue<'_>>) -> Result<Binding, Problem> {
    let table = entry.get_ref().as_table().ok_or(Problem::NotATable)?;
    let text = |name: &'static str| -> Result<Option<String>, Problem> {
        match table.get(name) {
            None => Ok(None),
            Some(v) => match v.get_ref().as_str() {
                Some(s) => Ok(Some(s.to_string())),
                None => Err(Problem::NotAString(name)),
            },
        }
    };
    if let Some((field, _)) = table
        .iter()
        .find(|(k, _)| !["on", "run", "desc"].contains(&k.get_ref().as_ref()))
    {
        return Err(Problem::UnknownField(field.get_ref().to_string()));
    }
    let on = text("on")?.ok_or(Problem::Missing("on"))?;
    let run = text("run")?.ok_or(Problem::Missing("run"))?;
    let key = Key::parse(&on).ok_or(Problem::BadKey(on))?;
    let action = match run.as_str() {
        "none" => None,
        name => Some(
            Action::from_name(name).ok_or_else(|| Problem::UnknownAction {
                suggestion: Action::suggest(name),
                name: run.clone(),
            })?,
        ),
    };
    Ok(Binding {
        key,
        action,
        desc: text("desc")?,
    })
}

/// What was wrong with one entry of a keymap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Syntax(String),
    Unreadable(String),
    UnknownContext(String),
    NotAList(Context),
    UnknownField(String),
    NotATable,
    Missing(&'static str),
    NotAString(&'static str),
    BadKey(String),
    UnknownAction {
        name: String,
        suggestion: Option<Action>,
    },
}

impl Problem {
    fn text(&self, lang: Lang) -> String {
        let known = || {
            Context::iter()
                .map(Context::name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Problem::Syntax(m) => fill(S::KmSyntax.get(lang), &[m]),
            Problem::Unreadable(m) => fill(S::KmUnreadable.get(lang), &[m]),
            Problem::UnknownContext(n) => fill(S::KmUnknownContext.get(lang), &[n, &known()]),
            Problem::NotAList(c) => fill(S::KmNotAList.get(lang), &[&c.name()]),
            Problem::UnknownField(n) => fill(S::KmUnknownField.get(lang), &[n]),
            Problem::NotATable => S::KmNotATable.get(lang).to_string(),
            Problem::Missing(n) => fill(S::KmMissing.get(lang), &[n]),
            Problem::NotAString(n) => fill(S::KmNotAString.get(lang), &[n]),
            Problem::BadKey(k) => fill(S::KmBadKey.get(lang), &[k]),
            Problem::UnknownAction { name, suggestion } => {
                let mut text = fill(S::KmUnknownAction.get(lang), &[name]);
                if let Some(a) = suggestion {
                    text.push_str(&fill(S::KmDidYouMean.get(lang), &[&a.name()]));
                }
                text
            }
        }
    }
}

/// A problem in a keymap file, with the file and line, shown in both languages:
/// `keymap.toml 第3行：未知操作“mvoe-down” / line 3: unknown action 'mvoe-down'`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct KeymapError {
    pub file: String,
    pub line: Option<usize>,
    pub problem: Problem,
}

impl KeymapError {
    fn new(file: &str, line: Option<usize>, problem: Problem) -> KeymapError {
        KeymapError {
            file: file.to_string(),
            line,
            problem,
        }
    }
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (zh, en) = (self.problem.text(Lang::Zh), self.problem.text(Lang::En));
        match self.line {
            Some(line) => {
                let (at_zh, at_en) = S::KmAt.pair();
                let (at_zh, at_en) = (fill(at_zh, &[&line]), fill(at_en, &[&line]));
                write!(f, "{} {at_zh}{zh} / {at_en}{en}", self.file)
            }
            None => write!(f, "{}：{zh} / {en}", self.file),
        }
    }
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
