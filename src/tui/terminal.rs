//! Terminal manners: raw mode and the alternate screen on the way in, the
//! terminal restored on every way out (quit, panic, SIGTERM, SIGHUP when an SSH
//! link drops, SIGINT), and an event loop that sleeps while nothing happens.
//!
//! The loop blocks on input with a timeout; on timeout it asks the console's
//! `on_tick` whether background data changed and redraws only if so. Keys that
//! arrive together (a slow SSH link delivers them in bursts, a held PageDown
//! repeats) are all handled before one redraw. A resize redraws at once.

use super::colors::{BasicColors, Depth};
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::{Frame, Terminal};
use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often an idle console wakes to check for signals and background data.
pub const POLL: Duration = Duration::from_millis(750);
/// At most this many queued events are handled before a redraw.
const BATCH: usize = 256;

/// What the loop should do after an event or a tick; the greatest one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flow {
    /// Nothing visible changed.
    Idle,
    /// Draw again.
    Redraw,
    /// Leave the loop.
    Quit,
}

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Quit,
    /// SIGTERM, SIGHUP or SIGINT arrived.
    Signal,
}

/// The console as the loop sees it: resolve-then-apply happens in `on_event`.
pub trait Console {
    /// One input event (key, paste, resize, …).
    fn on_event(&mut self, event: &Event) -> Flow;
    /// Called on every turn of the loop, also when no input came: collect
    /// finished background work; return `Redraw` only if something changed.
    fn on_tick(&mut self) -> Flow {
        Flow::Idle
    }
    /// How soon the console wants `on_tick` even if no key comes: shorter
    /// while background work is out, so its result shows at once. `None`
    /// leaves it to the loop's idle poll.
    fn next_tick(&self) -> Option<Duration> {
        None
    }
    /// Draw the prepared state; never fetch, never change state.
    fn draw(&self, frame: &mut Frame);
}

/// Where events come from: the real terminal, or a script in tests.
pub trait Events {
    fn poll(&mut self, timeout: Duration) -> io::Result<bool>;
    fn read(&mut self) -> io::Result<Event>;
}

/// The terminal's own event queue.
pub struct CrosstermEvents;

impl Events for CrosstermEvents {
    fn poll(&mut self, timeout: Duration) -> io::Result<bool> {
        event::poll(timeout)
    }
    fn read(&mut self) -> io::Result<Event> {
        event::read()
    }
}

/// Run the loop until the console quits or `stop` is raised by a signal.
pub fn run<B: Backend, C: Console, E: Events>(
    terminal: &mut Terminal<B>,
    console: &mut C,
    events: &mut E,
    stop: &AtomicBool,
    poll: Duration,
) -> io::Result<Ended> {
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(Ended::Signal);
        }
        if dirty {
            terminal
                .draw(|frame| console.draw(frame))
                .map_err(|e| io::Error::other(e.to_string()))?;
            dirty = false;
        }
        let mut flow = Flow::Idle;
        let wait = console.next_tick().map_or(poll, |t| t.min(poll));
        if events.poll(wait)? {
            for _ in 0..BATCH {
                let event = events.read()?;
                let resized = matches!(event, Event::Resize(..));
                flow = flow.max(console.on_event(&event));
                if resized {
                    flow = flow.max(Flow::Redraw);
                }
                if flow == Flow::Quit || !events.poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if flow != Flow::Quit {
            flow = flow.max(console.on_tick());
        }
        match flow {
            Flow::Quit => return Ok(Ended::Quit),
            Flow::Redraw => dirty = true,
            Flow::Idle => {}
        }
    }
}

/// The real terminal, set up; dropping it restores the terminal.
pub struct Tui {
    terminal: Terminal<CrosstermBackend<BasicColors<Stdout>>>,
    stop: Arc<AtomicBool>,
    signals: SignalWatch,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

impl Tui {
    /// Raw mode, alternate screen, bracketed paste (Chinese text pasted in one
    /// piece), hidden cursor; panic hook and signal flags installed first.
    pub fn enter() -> io::Result<Tui> {
        install_panic_hook();
        let stop = Arc::new(AtomicBool::new(false));
        let signals = SignalWatch::start(Arc::clone(&stop))?;
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = || -> io::Result<Terminal<CrosstermBackend<BasicColors<Stdout>>>> {
            enable_raw_mode()?;
            let mut stdout = io::stdout();
            execute!(
                stdout,
                EnterAlternateScreen,
                EnableBracketedPaste,
                cursor::Hide
            )?;
            // basic colour escapes unless the terminal says it has more
            let out = BasicColors::new(stdout, Depth::from_env());
            let mut terminal = Terminal::new(CrosstermBackend::new(out))?;
            terminal.clear()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(Tui {
                terminal,
                stop,
                signals,
            }),
            Err(e) => {
                // half set up: put back what was done, stop watching signals
                let _ = restore();
                let mut signals = signals;
                signals.stop();
                Err(e)
            }
        }
    }

    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<BasicColors<Stdout>>> {
        &mut self.terminal
    }

    /// Raised by SIGTERM, SIGHUP or SIGINT.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// Run the console on the real terminal.
    pub fn run<C: Console>(&mut self, console: &mut C) -> io::Result<Ended> {
        run(
            &mut self.terminal,
            console,
            &mut CrosstermEvents,
            &self.stop,
            POLL,
        )
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = restore();
        self.signals.stop();
    }
}

/// How long the loop has to notice a terminating signal before the process
/// restores the terminal and exits on its own.
#[cfg(unix)]
const GRACE: Duration = Duration::from_secs(2);

/// Terminating signals raise the stop flag. On a hung-up terminal (SSH link
/// dropped) crossterm 0.29 can spin inside `event::poll` and never return to
/// the loop (crossterm issue #793), so on Unix a watcher thread also exits
/// the process if the terminal is still not restored after [`GRACE`].
/// SQLite rolls back an unfinished transaction on the next open.
#[cfg(unix)]
struct SignalWatch(signal_hook::iterator::Handle);

#[cfg(unix)]
impl SignalWatch {
    fn start(stop: Arc<AtomicBool>) -> io::Result<SignalWatch> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        let handle = signals.handle();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    stop.store(true, Ordering::SeqCst);
                    std::thread::sleep(GRACE);
                    if ACTIVE.load(Ordering::SeqCst) {
                        let _ = restore();
                        std::process::exit(128 + signal);
                    }
                }
            })?;
        Ok(SignalWatch(handle))
    }

    fn stop(&mut self) {
        self.0.close();
    }
}

#[cfg(not(unix))]
struct SignalWatch(Vec<signal_hook::SigId>);

#[cfg(not(unix))]
impl SignalWatch {
    fn start(stop: Arc<AtomicBool>) -> io::Result<SignalWatch> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let ids = [SIGTERM, SIGINT]
            .into_iter()
            .map(|signal| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .collect::<io::Result<_>>()?;
        Ok(SignalWatch(ids))
    }

    fn stop(&mut self) {
        for id in self.0.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Put the terminal back as it was. Safe to call more than once and from the
/// panic hook; errors are ignored where the terminal is already gone (SIGHUP).
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let raw = disable_raw_mode();
    let screen = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    raw.and(screen)
}

/// Restore the terminal before the panic message is printed, so it is readable
/// and the shell is usable afterwards.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
