//! The console (TUI).
pub mod action;
pub mod key;
pub mod keymap;
pub mod strings;
