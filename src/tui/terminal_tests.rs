use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use std::cell::Cell;
use std::collections::VecDeque;

/// A script of events; `None` stands for a poll that times out.
struct Script {
    steps: VecDeque<Option<Event>>,
    timeouts: usize,
}

impl Script {
    fn new(steps: Vec<Option<Event>>) -> Script {
        Script {
            steps: steps.into(),
            timeouts: 0,
        }
    }
}

impl Events for Script {
    fn poll(&mut self, timeout: Duration) -> io::Result<bool> {
        match self.steps.front() {
            Some(Some(_)) => Ok(true),
            Some(None) => {
                if !timeout.is_zero() {
                    self.steps.pop_front();
                    self.timeouts += 1;
                }
                Ok(false)
            }
            None => panic!("script ran out: the loop should have ended"),
        }
    }
    fn read(&mut self) -> io::Result<Event> {
        Ok(self.steps.pop_front().flatten().expect("read without poll"))
    }
}

#[derive(Default)]
struct Counter {
    text: String,
    draws: Cell<usize>,
    ticks_with_news: Vec<bool>,
}

impl Console for Counter {
    fn on_event(&mut self, event: &Event) -> Flow {
        match event {
            Event::Key(k) if k.kind != KeyEventKind::Press => Flow::Idle,
            Event::Key(k) if k.code == KeyCode::Char('q') => Flow::Quit,
            Event::Key(KeyEvent {
                code: KeyCode::Char(c),
                ..
            }) => {
                self.text.push(*c);
                Flow::Redraw
            }
            _ => Flow::Idle,
        }
    }
    fn on_tick(&mut self) -> Flow {
        if self.ticks_with_news.pop() == Some(true) {
            Flow::Redraw
        } else {
            Flow::Idle
        }
    }
    fn draw(&self, frame: &mut Frame) {
        self.draws.set(self.draws.get() + 1);
        frame.render_widget(Paragraph::new(self.text.as_str()), frame.area());
    }
}

fn key(c: char) -> Option<Event> {
    Some(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn release(c: char) -> Option<Event> {
    let mut k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    k.kind = KeyEventKind::Release;
    Some(Event::Key(k))
}

fn run_script(console: &mut Counter, steps: Vec<Option<Event>>) -> (Ended, Terminal<TestBackend>) {
    let mut terminal = Terminal::new(TestBackend::new(20, 3)).unwrap();
    let stop = AtomicBool::new(false);
    let mut script = Script::new(steps);
    let ended = run(&mut terminal, console, &mut script, &stop, POLL).unwrap();
    (ended, terminal)
}

#[test]
fn idle_timeouts_do_not_redraw() {
    let mut c = Counter::default();
    let (ended, _) = run_script(&mut c, vec![None, None, None, None, key('q')]);
    assert_eq!(ended, Ended::Quit);
    assert_eq!(c.draws.get(), 1, "only the first frame");
}

#[test]
fn a_tick_with_news_redraws_once() {
    let mut c = Counter {
        // popped from the back: tick 1 has news, the others not
        ticks_with_news: vec![false, false, true],
        ..Counter::default()
    };
    let (_, _) = run_script(&mut c, vec![None, None, None, key('q')]);
    assert_eq!(c.draws.get(), 2);
}

#[test]
fn a_burst_of_keys_is_drawn_once() {
    let mut c = Counter::default();
    let (_, terminal) = run_script(&mut c, vec![key('a'), key('b'), key('c'), None, key('q')]);
    assert_eq!(c.text, "abc");
    assert_eq!(c.draws.get(), 2);
    terminal
        .backend()
        .assert_buffer_lines(["abc                 ", "", ""].map(|l| format!("{l:20}")));
}

#[test]
fn key_releases_change_nothing() {
    let mut c = Counter::default();
    let (_, _) = run_script(
        &mut c,
        vec![release('a'), None, release('q'), None, key('q')],
    );
    assert_eq!(c.text, "");
    assert_eq!(c.draws.get(), 1);
}

#[test]
fn resize_redraws_at_the_new_size() {
    let mut c = Counter::default();
    let mut terminal = Terminal::new(TestBackend::new(20, 3)).unwrap();
    let stop = AtomicBool::new(false);
    terminal.backend_mut().resize(30, 4);
    let mut script = Script::new(vec![Some(Event::Resize(30, 4)), None, key('q')]);
    run(&mut terminal, &mut c, &mut script, &stop, POLL).unwrap();
    assert_eq!(c.draws.get(), 2);
    assert_eq!(terminal.get_frame().area().width, 30);
}

#[test]
fn a_signal_ends_the_loop_before_the_next_draw() {
    let mut c = Counter::default();
    let mut terminal = Terminal::new(TestBackend::new(20, 3)).unwrap();
    let stop = AtomicBool::new(true);
    let mut script = Script::new(vec![]);
    let ended = run(&mut terminal, &mut c, &mut script, &stop, POLL).unwrap();
    assert_eq!(ended, Ended::Signal);
    assert_eq!(c.draws.get(), 0);
}

#[test]
fn restore_is_harmless_when_nothing_was_set_up() {
    // not entered: must not touch the terminal running the tests
    restore().unwrap();
    restore().unwrap();
}

/// Records how long the loop is willing to wait; quits on the third poll.
struct Waits(Vec<Duration>);

impl Events for Waits {
    fn poll(&mut self, timeout: Duration) -> io::Result<bool> {
        self.0.push(timeout);
        Ok(self.0.len() >= 3)
    }
    fn read(&mut self) -> io::Result<Event> {
        Ok(key('q').unwrap())
    }
}

struct Busy(Option<Duration>);

impl Console for Busy {
    fn on_event(&mut self, _: &Event) -> Flow {
        Flow::Quit
    }
    fn next_tick(&self) -> Option<Duration> {
        self.0
    }
    fn draw(&self, _: &mut Frame) {}
}

#[test]
fn a_busy_console_is_ticked_sooner_than_the_idle_poll() {
    let stop = AtomicBool::new(false);
    for (wants, waited) in [
        (Some(Duration::from_millis(8)), Duration::from_millis(8)),
        (Some(Duration::from_secs(9)), POLL),
        (None, POLL),
    ] {
        let mut terminal = Terminal::new(TestBackend::new(10, 2)).unwrap();
        let mut events = Waits(Vec::new());
        let ended = run(&mut terminal, &mut Busy(wants), &mut events, &stop, POLL).unwrap();
        assert_eq!(ended, Ended::Quit);
        assert_eq!(events.0[0], waited, "{wants:?}");
    }
}
