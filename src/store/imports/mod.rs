//! Imports of lists from other offices into the registry.
//!
//! Every kind works the same way: the reading layer ([`crate::exchange`])
//! gives rows and a recognised header; each row is judged on its own and
//! gets one verdict — accepted (new), updated (a changed field, the old value
//! kept in the verdict), unchanged (nothing to do) or rejected (with the line
//! and a reason a clerk understands). The good rows go in, the whole file in
//! ONE transaction, recorded as one `imports` row, every verdict in
//! `import_rows` (runs of lines with the same verdict and no note as one row)
//! and ONE audit entry. A dry run does all of it and rolls back.
//!
//! The kinds live in one file each: [`villages`], [`residents`],
//! [`payments`], [`deaths`], [`groups`] and [`policy`]. What they share is
//! in [`judging`], which none of them is imported by: this file picks the
//! kind ([`Store::import_table`]), the kinds use `judging`, and `judging`
//! uses no kind. [`bulk`] loads a freshly built database (the demo,
//! benchmarks) and [`set_aside`] holds indexes and triggers back while a
//! large load writes.

pub mod bulk;
mod deaths;
mod groups;
mod judging;
mod members;
mod payments;
mod policy;
mod residents;
mod set_aside;
mod timing;
mod villages;

pub use judging::{ImportError, ImportKind, ImportOptions, ImportReport, LineNote, OnRows, Refund};

use crate::exchange::{Header, Table};
use crate::store::Store;

impl Store {
    /// Import an opened list whose header has been read. See the module
    /// documentation above; the policy kind goes through [`Store::import_policy`].
    pub fn import_table(
        &mut self,
        kind: ImportKind,
        table: Table,
        header: &Header,
        opts: &ImportOptions,
        progress: OnRows,
    ) -> std::result::Result<ImportReport, ImportError> {
        header.require(&kind.required(opts))?;
        let unknown: Vec<String> = header.unknown().into_iter().map(String::from).collect();
        match kind {
            ImportKind::Villages => villages::import(self, table, header, opts, unknown),
            ImportKind::Residents => {
                residents::import(self, table, header, opts, unknown, progress)
            }
            ImportKind::Payments => payments::import(self, table, header, opts, unknown, progress),
            ImportKind::Deaths => deaths::import(self, table, header, opts, unknown),
            ImportKind::Groups => groups::import(self, table, header, opts, unknown),
            ImportKind::Policy => Err(ImportError::Unusable(
                "政策文件请用 import policy 导入 / import policy files with `import policy`".into(),
            )),
        }
    }
}
