//! End to end: the real binary in a real terminal (tmux, 80×24) on a demo
//! database — move, drill into a town and a village, search by ID tail,
//! record a payment, see the figures change, quit. Skipped (not failed) only
//! when tmux is not installed; CI installs it.

use std::path::Path;
use zhengjiao::demo::{DemoOptions, build};

mod common;
use common::tmux::Tmux;

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

/// A resident who owes medical insurance, with the last six ID digits.
fn payer(db: &Path) -> (String, String) {
    let store = zhengjiao::store::Store::open_read_only(db).unwrap();
    store
        .conn()
        .query_row(
            "SELECT r.name, substr(r.id_number, 13) FROM residents r
               JOIN roster ro ON ro.year = 2025 AND ro.insurance = 'medical' AND ro.resident_id = r.id
               JOIN villages v ON v.id = r.village_id
              WHERE ro.status = 'due' AND v.town_id = 7 AND r.deceased_on IS NULL AND r.hukou_cancelled_on IS NULL
                AND NOT EXISTS (SELECT 1 FROM paid p WHERE p.year = 2025 AND p.insurance = 'medical' AND p.resident_id = r.id)
                AND (SELECT count(*) FROM residents x WHERE substr(x.id_number, 13) = substr(r.id_number, 13)) = 1
              ORDER BY r.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn the_console_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let opts = DemoOptions {
        residents: 3000,
        ..Default::default()
    };
    build(&db, &opts, "t").unwrap();
    let (name, tail) = payer(&db);

    let Some(tmux) = Tmux::console(&db, "e2e", "the console's end-to-end test") else {
        return;
    };

    // it opens on the first town's villages, the first village's list counted
    let start = tmux.wait("the first village's list", |s| {
        s.contains("山城街道 村居") && s.contains("条/共")
    });
    let medical_before = line_with(&start, "医保 ").to_string();

    // back to the towns, and to the next town: the residents pane follows
    tmux.keys(&["Escape"]);
    tmux.wait_for("山亭区 镇街");
    tmux.keys(&["j"]);
    tmux.wait_for("店子镇 居民");
    // drill into the town, then into its second village
    tmux.keys(&["Enter"]);
    tmux.wait_for("店子镇 村居");
    tmux.keys(&["j", "Enter"]);
    tmux.wait("a village's residents", |s| {
        s.contains("店子镇 安陵 居民") && s.contains("条/共")
    });

    // search by the last six digits of an ID number and go to the resident
    tmux.keys(&["/"]);
    tmux.wait_for("搜索：");
    tmux.text(&tail);
    tmux.wait_for(&name);
    tmux.keys(&["Enter"]);
    let found = tmux.wait("the resident's row", |s| {
        s.contains("筛选：全部") && s.contains(&name) && !s.contains("搜索：")
    });
    assert!(found.contains("徐庄镇"), "{found}");
    let row_before = line_with(&found, &format!(" {name} ")).to_string();
    assert!(row_before.contains("未缴"), "{found}");

    // record the medical payment
    tmux.keys(&["p"]);
    tmux.wait("the payment form", |s| {
        s.contains("登记缴费") && s.contains("险种")
    });
    let form = tmux.wait_for("医保");
    assert!(line_with(&form, "险种").contains("医保"), "{form}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("确认缴费");
    tmux.keys(&["Enter"]);
    tmux.wait_for("已登记");

    // the resident's row shows the payment, and the district's gauge never
    // drops (one payment among some 2,700 may not move its one decimal)
    tmux.wait("the resident's row to move", |s| {
        s.lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .is_some_and(|l| l != row_before)
    });
    let rate = |l: &str| -> f64 {
        let pct = l.split('%').next().unwrap();
        pct.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let now = tmux.screen();
    assert!(
        rate(line_with(&now, "医保 ")) >= rate(&medical_before),
        "{now}"
    );

    // quit: the process ends well and the terminal is back to the shell's screen
    tmux.keys(&["q"]);
    tmux.wait_for("console ended: 0");
    let after = tmux.screen();
    assert!(
        !after.contains("山亭区 镇街"),
        "the alternate screen was left:\n{after}"
    );
}
