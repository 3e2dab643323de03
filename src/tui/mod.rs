//! The console (TUI).
pub mod action;
pub mod key;
pub mod keymap;
pub mod status;
pub mod strings;
pub mod terminal;
pub mod theme;
