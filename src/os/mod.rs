//! What the program asks of the operating system: who is acting, how new
//! files are created, and the group privilege of a setgid install.
//! Everything Unix-specific lives here behind `cfg(unix)`; Windows gets its
//! plain equivalents.

pub mod files;
pub mod login;
pub mod privilege;
