//! Pure rules of the collection: no I/O, no SQLite types.

pub mod channel;
pub mod dues;
pub mod group;
pub mod id_number;
pub mod money;
pub mod name_keys;
pub mod policy;
pub mod progress;
pub mod rate;
pub mod village_name;
pub mod wording;

pub use channel::{Channel, Insurance};
pub use dues::{Dues, Person, compute, compute_on, insured_age};
pub use group::{Group, Office};
pub use id_number::{IdError, IdNumber, Sex};
pub use policy::{Policies, PolicyYear};
