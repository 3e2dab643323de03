use super::*;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

#[test]
fn rates_round_half_up_per_mille_but_never_to_full_early() {
    assert_eq!(Rate::ratio(923, 1000), Some(Rate::permille(923)));
    assert_eq!(Rate::ratio(9999, 10000), Some(Rate::permille(999)));
    assert_eq!(Rate::ratio(2, 3), Some(Rate::permille(667)));
    // the 城头镇: 67.45% reads 67.5 as in `report progress`
    assert_eq!(Rate::ratio(6745, 10000), Some(Rate::permille(675)));
    assert_eq!(Rate::ratio(5, 0), None);
    assert_eq!(Rate::permille(923).to_string(), "92.3%");
    assert_eq!(Rate::permille(5).to_string(), "0.5%");
    assert_eq!(Rate::FULL.to_string(), "100.0%");
    assert_eq!(Rate::percent(95).short(), "95%");
    assert_eq!(Rate::permille(955).short(), "95.5%");
}

#[test]
fn pace_against_target_and_elapsed_share() {
    let target = Rate::percent(95);
    let half = Rate::percent(50);
    // halfway through, 47.5% is where a 95% target should be
    assert_eq!(pace(Some(Rate::permille(475)), target, half), Pace::OnPace);
    assert_eq!(pace(Some(Rate::permille(474)), target, half), Pace::Behind);
    assert_eq!(pace(Some(Rate::permille(375)), target, half), Pace::Behind);
    assert_eq!(
        pace(Some(Rate::permille(374)), target, half),
        Pace::FarBehind
    );
    assert_eq!(pace(Some(Rate::percent(95)), target, half), Pace::Met);
    assert_eq!(pace(Some(Rate::percent(99)), target, Rate::ZERO), Pace::Met);
    // before the window nothing is behind; after it, anything short is
    assert_eq!(pace(Some(Rate::ZERO), target, Rate::ZERO), Pace::OnPace);
    assert_eq!(
        pace(Some(Rate::percent(90)), target, Rate::FULL),
        Pace::Behind
    );
    assert_eq!(
        pace(Some(Rate::percent(80)), target, Rate::FULL),
        Pace::FarBehind
    );
    // elapsed beyond the window counts as the whole window
    assert_eq!(
        pace(Some(Rate::percent(90)), target, Rate::permille(1500)),
        Pace::Behind
    );
    assert_eq!(pace(None, target, half), Pace::NoData);
    // a 100% target is met only by everyone
    assert_eq!(
        pace(Rate::ratio(9999, 10000), Rate::FULL, Rate::FULL),
        Pace::Behind
    );
}

#[test]
fn pace_colours() {
    assert_eq!(Pace::Met.tone(), Tone::Good);
    assert_eq!(Pace::OnPace.tone(), Tone::Good);
    assert_eq!(Pace::Behind.tone(), Tone::Warn);
    assert_eq!(Pace::FarBehind.tone(), Tone::Bad);
    assert_eq!(Pace::NoData.tone(), Tone::Dim);
    let theme = Theme::new(true, false);
    let keymap = Keymap::builtin();
    let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
    let spec = GaugeSpec {
        label: "医保",
        rate: Some(Rate::permille(923)),
        target: Rate::FULL,
    };
    // 92.3% with 80% of the window gone: expected 80%, so on pace: green
    let line = GaugeLine::new(spec, Rate::percent(80), ctx).line(40);
    assert_eq!(line.spans[2].style, theme.tone(Tone::Good));
    // with the window closed it is 7.7 points short: behind, yellow, marked "!"
    let line = GaugeLine::new(spec, Rate::FULL, ctx).line(40);
    assert_eq!(line.spans[2].style, theme.tone(Tone::Warn));
    assert_eq!(line.spans.last().unwrap().content, "!");
}

#[test]
fn the_line_reads_as_designed() {
    let theme = Theme::new(false, false);
    let keymap = Keymap::builtin();
    let ctx = Ctx::new(Lang::Zh, &theme, &keymap);
    let spec = GaugeSpec {
        label: "医保",
        rate: Some(Rate::permille(923)),
        target: Rate::FULL,
    };
    let text = |line: Line| {
        line.spans
            .iter()
            .map(|s| s.content.to_string())
            .collect::<String>()
    };
    let line = GaugeLine::new(spec, Rate::percent(50), ctx).line(40);
    assert_eq!(text(line), "医保  92.3% ▕████████████░░▏ 目标100%");
    let theme = Theme::new(false, true);
    let ctx = Ctx::new(Lang::En, &theme, &keymap);
    let line = GaugeLine::new(spec, Rate::FULL, ctx).line(44);
    assert_eq!(text(line), "医保  92.3% [#############--] target 100% !");
    // too narrow for a bar: the numbers stay
    let line = GaugeLine::new(spec, Rate::FULL, ctx).line(20);
    assert_eq!(text(line), "医保  92.3% target 100% !");
}
