//! Pop-ups over the views: help and the command palette (widgets of their
//! own), search, the payment form and the export dialog.

pub mod export;
pub mod payment;
pub mod prompt;
pub mod search;

use super::widgets::palette::PaletteState;
use export::ExportForm;
use payment::PaymentForm;
use search::SearchState;

pub enum Overlay {
    Help { scroll: usize },
    Palette(PaletteState),
    Search(SearchState),
    Payment(Box<PaymentForm>),
    Export(Box<ExportForm>),
    Prompt(Box<prompt::Prompt>),
}

impl Overlay {
    /// Whether keys type into a text field first.
    pub fn takes_text(&self) -> bool {
        match self {
            Overlay::Help { .. } => false,
            Overlay::Palette(_) | Overlay::Search(_) => true,
            Overlay::Payment(p) => p.field == payment::Field::Receipt,
            Overlay::Export(e) => e.step == export::ExportStep::Edit,
            Overlay::Prompt(p) => p.takes_text(),
        }
    }
}
