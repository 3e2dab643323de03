//! The year's collection campaign, step by step: the roster (征收清册) and
//! its review, the publicity of the roster, payments and their special
//! cases, receipts, remittance to the tax office, the declaration, the
//! proxy payments of a bank's file, and the progress report.

pub mod declaration;
pub mod payments;
pub mod progress;
pub mod proxy;
pub mod publicity;
pub mod receipts;
pub mod remittance;
pub mod review;
pub mod roster;
pub mod special;
