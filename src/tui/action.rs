//! Everything the console can be asked to do, apart from the keys that ask.
//!
//! Bindable actions have stable kebab-case names: they appear in keymap files
//! and in the command palette, so renaming one breaks users' files. Internal
//! actions (sent by the event loop or a worker thread) are skipped by serde and
//! can be neither bound nor found in the palette.

use super::strings::{self, Lang};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, IntoEnumIterator, IntoStaticStr};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    EnumIter,
    IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Action {
    // application
    Quit,
    Help,
    CommandPalette,
    Search,
    RecordPayment,
    Refresh,
    // movement within a list
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Home,
    End,
    // panes
    FocusNextPane,
    FocusPrevPane,
    DrillIn,
    Back,
    // marks
    ToggleMark,
    MarkAll,
    ClearMarks,
    // filters and sorting of the residents list
    FilterOutstanding,
    FilterPaid,
    FilterExempt,
    FilterFlagged,
    FilterAll,
    CycleFilter,
    SortNextColumn,
    ReverseSort,
    ShowFullId,
    ExportList,
    // payments and the daily remittance
    RefundPayment,
    ReversePayment,
    RecordRemittance,
    CloseRemittance,
    // views
    ViewMain,
    ViewDashboard,
    ViewOutstanding,
    ViewAudit,
    ViewRemittance,
    NextView,
    PrevView,
    // internal: never bound, never listed
    #[serde(skip)]
    Tick,
    #[serde(skip)]
    Redraw,
    #[serde(skip)]
    DataLoaded,
}

impl Action {
    /// The stable name used in keymap files and the command palette.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether a key may be bound to this action (internal ones may not).
    pub fn is_bindable(self) -> bool {
        !matches!(self, Action::Tick | Action::Redraw | Action::DataLoaded)
    }

    /// Every bindable action, in declaration order (the palette's order).
    pub fn bindable() -> impl Iterator<Item = Action> {
        Action::iter().filter(|a| a.is_bindable())
    }

    /// The bindable action with this name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::bindable().find(|a| a.name() == name)
    }

    /// The bindable action whose name is closest to a misspelt one, if any is close.
    pub fn suggest(name: &str) -> Option<Action> {
        Action::bindable()
            .map(|a| (strsim::damerau_levenshtein(name, a.name()), a))
            .filter(|(d, _)| *d <= (name.len() / 3).max(1))
            .min_by_key(|(d, _)| *d)
            .map(|(_, a)| a)
    }

    /// A short description in the given language (help, hints, palette).
    pub fn describe(self, lang: Lang) -> &'static str {
        let (zh, en) = strings::action(self);
        lang.pick(zh, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_and_agree_with_serde() {
        for a in Action::bindable() {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert!(a.name().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        assert_eq!(Action::RecordPayment.name(), "record-payment");
        assert_eq!(Action::CommandPalette.name(), "command-palette");
    }

    #[test]
    fn internal_actions_are_neither_bindable_nor_serialisable() {
        for a in [Action::Tick, Action::Redraw, Action::DataLoaded] {
            assert!(!a.is_bindable());
            assert!(serde_json::to_string(&a).is_err());
            assert_eq!(Action::from_name(a.name()), None);
        }
    }

    #[test]
    fn misspelt_names_get_a_suggestion() {
        assert_eq!(Action::suggest("mvoe-down"), Some(Action::MoveDown));
        assert_eq!(Action::suggest("quti"), Some(Action::Quit));
        assert_eq!(Action::suggest("launch-rocket"), None);
    }

    #[test]
    fn every_action_has_both_descriptions() {
        for a in Action::iter() {
            assert!(!a.describe(Lang::Zh).is_empty(), "{a:?}");
            assert!(!a.describe(Lang::En).is_empty(), "{a:?}");
        }
    }
}
