//! zhengjiao — the station console for the centralized collection (集中征缴)
//! of urban-rural residents' pension and medical insurance.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod os;
pub mod store;
pub mod tui;
