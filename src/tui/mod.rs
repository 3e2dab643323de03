//! The console (TUI): everything that does not need the database.
//!
//! | module | job |
//! | --- | --- |
//! | [`action`] | the `Action` enum: what can be asked, apart from keys |
//! | [`key`] | one key, as written in a keymap file and as the terminal reports it |
//! | [`keymap`] | keys → actions per [`Context`](keymap::Context), from TOML files; reverse map for help |
//! | [`strings`] | every visible text, Chinese and English |
//! | [`theme`] | 16 colours, `NO_COLOR`, ASCII symbols |
//! | [`status`] | payment statuses and list filters: names and tones |
//! | [`layout`] | header/body/footer and the linked panes by width |
//! | [`terminal`] | raw mode, restore on quit/panic/signal, the idle event loop |
//! | [`settings`] | `--lang`, `--ascii`, `--keymap` and the loaded [`Ui`] |
//! | [`widgets`] | gauge, virtual table, header, footer, help, palette, text input |
//! | [`session`] | the database, user, year, policy and as-of date of a console |
//! | [`worker`] | store work on threads with their own connections, newest job per slot |
//! | [`views`] | towns, residents, detail (linked in the main view), dashboard, outstanding, audit, remittance |
//! | [`overlays`] | search, payment form, export dialog, prompts for refunds, reversals and remittances (help and palette are widgets) |
//! | [`app`] | the console itself: keys, replies, refresh on `data_version`, drawing |
//!
//! # How a view plugs in
//!
//! A view (towns list, residents list, detail, dashboard, remittance, audit)
//! is a struct implementing [`View`]. It owns two things:
//!
//! * a **query**: what it wants to see — selection (town/village), filter,
//!   sort, `first_row`, page height — changed only by [`View::apply`];
//! * a **page**: the prepared result of the last query — the visible rows
//!   already formatted as text, the total count, the gauges — filled only
//!   by [`View::accept`].
//!
//! The flow is *resolve, then apply*, and drawing never fetches:
//!
//! 1. the app gets a key, asks `keymap.resolve(view.context(), &key)`;
//! 2. `view.apply(action)` updates the query and returns an [`Outcome`];
//!    `Outcome::Refetch` means the page is stale;
//! 3. the app sends the view's query to a worker thread, which calls the
//!    store's typed query functions (no SQL here) and sends the page back
//!    over a channel; only the newest pending query per view is kept;
//! 4. `Console::on_tick` (see [`terminal`]) receives it, calls
//!    `view.accept(page)` and asks for one redraw;
//! 5. `view.draw(frame, area, ctx)` renders the page with the widgets, e.g.
//!    a [`VirtualTable`](widgets::table::VirtualTable) given `first_row`, the
//!    total and just the visible rows, so 60,000 residents cost a page.
//!
//! A view's page type is its own; the trait stays object-safe by taking the
//! page as `Box<dyn Any + Send>` in `accept`, which the view downcasts.
//!
//! # Starting the console
//!
//! ```text
//! // in cli: #[command(flatten)] pub ui: tui::UiArgs   (see cli/console.rs)
//! let ui = tui::Ui::from_args(&cli.ui);
//! for problem in &ui.problems { eprintln!("{problem}"); }   // bilingual, file and line
//! let (session, store) = Session::open(db, read_only, today, None)?;
//! let mut app = App::new(ui, session, store)?;  // implements terminal::Console
//! let mut term = tui::terminal::Tui::enter()?;  // raw mode, alt screen, panic hook, signals
//! let ended = term.run(&mut app)?;              // Quit or Signal
//! drop(term);                                   // terminal restored
//! ```
//!
//! In this crate the views implement [`View`] for keys and drawing and
//! [`views::Fetch`] for the store: `fetches()` turns what is stale into jobs
//! (closures run on a worker's own `Store`), `accept_reply` takes the answer.
//!
//! In `Console::on_event`, a key goes first to an open text field (palette,
//! search): `keymap.resolve(Context::Input, key)` for Esc/Enter/arrows, else
//! `InputState::handle_key`. Otherwise it is resolved in `Context::Overlay`
//! (help open) or the focused pane's context, and the action is applied by
//! the app (quit, overlays, view switching, focus) or forwarded to the view.
//! `Event::Paste` goes to `InputState::insert_str`. Show `ui.problems_notice()`
//! in the footer so a skipped keymap entry is not silent.

pub mod action;
pub mod app;
pub mod colors;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod overlays;
pub mod session;
pub mod settings;
pub mod status;
pub mod strings;
pub mod terminal;
pub mod theme;
pub mod views;
pub mod widgets;
pub mod worker;

pub use action::Action;
pub use keymap::{Context, Keymap};
pub use settings::{Ui, UiArgs};
pub use strings::{Lang, S};
pub use theme::{Theme, Tone};

use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;

/// What drawing needs besides the data: language, theme and the live keymap
/// (for hints and help). Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
}

impl<'a> Ctx<'a> {
    pub fn new(lang: Lang, theme: &'a Theme, keymap: &'a Keymap) -> Self {
        Ctx {
            lang,
            theme,
            keymap,
        }
    }

    /// A text in the console's language.
    pub fn t(&self, text: S) -> &'static str {
        text.get(self.lang)
    }
}

/// What applying an action did to a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// not this view's action: let the app (or another pane) have it
    Ignored,
    /// only local state changed (cursor within the page, marks): redraw
    Redraw,
    /// the query changed: fetch a new page, then redraw
    Refetch,
}

/// One pane or screen of the console. See the module docs for the flow.
pub trait View {
    /// The keymap table consulted while this view has focus.
    fn context(&self) -> Context;

    /// The actions the footer offers while this view has focus.
    fn hints(&self) -> &'static [Action] {
        widgets::footer::DEFAULT_HINTS
    }

    /// Change the query or local state; never touch the store here.
    fn apply(&mut self, action: Action) -> Outcome;

    /// Take a page fetched for this view's query (downcast to the view's type).
    fn accept(&mut self, page: Box<dyn Any + Send>);

    /// How many rows the view can show in `area`, so the query fetches that many.
    fn visible_rows(&self, area: Rect) -> usize;

    /// Draw the current page; read-only.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: Ctx<'_>);
}
