//! Who lives where: the residents' registry, the towns and villages (and
//! their agents), the name and ID search, and one resident's dossier.

mod by_standing;
pub mod dossier;
pub mod geo;
pub mod residents;
pub mod search;
