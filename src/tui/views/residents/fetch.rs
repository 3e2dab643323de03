//! How the residents pane asks the store: the count, the window of rows
//! around the visible ones, a resident's place in the list (after a search)
//! and every id of the list (mark all). Jobs walk long lists a page at a
//! time through `Store::resident_page`.

use super::*;

/// What a count depends on: not the sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountKey {
    pub year: i32,
    pub scope: Scope,
    pub filter: ListFilter,
    pub generation: u64,
}

pub struct CountReply {
    pub key: CountKey,
    pub total: Result<i64, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PageKey {
    query: ListQuery,
    generation: u64,
    offset: usize,
    limit: usize,
}

pub struct PageReply {
    key_query: ListQuery,
    generation: u64,
    offset: usize,
    limit: usize,
    rows: Result<Vec<ResidentRow>, String>,
    dues: Vec<RosterDues>,
}

/// Where a resident stands in a list, found by walking its pages.
pub struct LocateReply {
    query: ListQuery,
    resident_id: i64,
    index: Result<Option<usize>, String>,
}

pub struct MarkAllReply {
    query: ListQuery,
    ids: Result<Vec<i64>, String>,
}

impl ResidentsPane {
    fn page_job(&self, q: ListQuery, offset: usize, limit: usize) -> crate::tui::worker::Job {
        let generation = self.generation;
        let agent = self.agent;
        // the list's length, when counted for this very list
        let total = self
            .total
            .filter(|(k, _)| Some(*k) == self.count_key())
            .map(|(_, n)| n);
        Box::new(move |store| {
            // Past the middle of a long list the page is read from its end
            // (a keyset walk backwards): `End` costs what `Home` does.
            let rows = match total {
                Some(n) if offset > n / 2 => {
                    let end = (offset + limit).min(n);
                    store.resident_page_from_end(
                        &q,
                        (n - end) as i64,
                        end.saturating_sub(offset) as i64,
                    )
                }
                _ => store.resident_page(&q, offset as i64, limit as i64),
            }
            .map_err(|e| e.to_string());
            let dues = match (&rows, agent) {
                (Ok(rows), true) => {
                    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                    store.roster_dues(q.year, &ids).unwrap_or_default()
                }
                _ => Vec::new(),
            };
            Box::new(PageReply {
                key_query: q,
                generation,
                offset,
                limit,
                rows,
                dues,
            }) as Reply
        })
    }
}

impl Fetch for ResidentsPane {
    fn fetches(&mut self) -> Fetches {
        let mut out: Fetches = Vec::new();
        let Some(q) = self.query() else {
            return out;
        };
        match self.locate {
            Some((lq, _, true)) if lq == q => return out,
            Some((lq, _, _)) if lq != q => self.locate = None,
            _ => {}
        }
        if let Some((lq, rid, false)) = self.locate {
            out.push((
                Slot::Locate(self.lane),
                Box::new(move |store| {
                    let mut index = Ok(None);
                    let mut offset = 0i64;
                    loop {
                        match store.resident_page(&q, offset, WALK_PAGE) {
                            Ok(rows) => {
                                if let Some(i) = rows.iter().position(|r| r.id == rid) {
                                    index = Ok(Some(offset as usize + i));
                                    break;
                                }
                                if (rows.len() as i64) < WALK_PAGE {
                                    break;
                                }
                                offset += WALK_PAGE;
                            }
                            Err(e) => {
                                index = Err(e.to_string());
                                break;
                            }
                        }
                    }
                    Box::new(LocateReply {
                        query: q,
                        resident_id: rid,
                        index,
                    }) as Reply
                }),
            ));
            // rows are fetched once the resident is located
            self.locate = Some((lq, rid, true));
            self.page_asked = None;
            return out;
        }
        let key = self.count_key().expect("scope is set");
        let count_fresh = self.total.is_some_and(|(k, _)| k == key);
        if !count_fresh && self.count_asked != Some(key) {
            self.count_asked = Some(key);
            out.push((
                Slot::Count(self.lane),
                Box::new(move |store| {
                    let q = ListQuery {
                        year: key.year,
                        scope: key.scope,
                        filter: key.filter,
                        sort: SortColumn::Name,
                        descending: false,
                    };
                    Box::new(CountReply {
                        key,
                        total: store.resident_count(&q).map_err(|e| e.to_string()),
                    }) as Reply
                }),
            ));
        }
        if !self.covered(true) {
            let limit = WINDOW_MIN.max(self.visible * 3);
            let offset = self.first_row.saturating_sub((limit - self.visible) / 2);
            let key = PageKey {
                query: q,
                generation: self.generation,
                offset,
                limit,
            };
            // the page already asked for covers the view: wait for it
            let asked_covers = self.page_asked.is_some_and(|a| {
                a.query == q
                    && a.generation == self.generation
                    && a.offset <= self.first_row
                    && self.first_row + self.visible <= a.offset + a.limit
            });
            if !asked_covers {
                self.page_asked = Some(key);
                out.push((Slot::Page(self.lane), self.page_job(q, offset, limit)));
            }
        }
        out
    }

    fn accept_reply(&mut self, slot: Slot, reply: Reply) -> bool {
        match slot {
            Slot::Count(l) if l == self.lane => {
                if let Ok(r) = reply.downcast::<CountReply>() {
                    match r.total {
                        Ok(n) => {
                            self.total = Some((r.key, n.max(0) as usize));
                            let bound = self.len_bound();
                            if self.cursor >= bound {
                                self.cursor = bound.saturating_sub(1);
                            }
                            self.first_row =
                                follow(self.first_row, self.cursor, self.visible, bound);
                        }
                        // an error for a count no longer wanted (interrupted) is not news
                        Err(e) if self.count_asked == Some(r.key) => {
                            self.notice = Some((e, Tone::Bad))
                        }
                        Err(_) => {}
                    }
                    if self.count_asked == Some(r.key) {
                        self.count_asked = None;
                    }
                }
                true
            }
            Slot::Page(l) if l == self.lane => {
                if let Ok(r) = reply.downcast::<PageReply>() {
                    let asked = PageKey {
                        query: r.key_query,
                        generation: r.generation,
                        offset: r.offset,
                        limit: r.limit,
                    };
                    let wanted = self.page_asked == Some(asked);
                    if wanted {
                        self.page_asked = None;
                    }
                    match r.rows {
                        Ok(rows) => {
                            let newer = self.window.as_ref().is_none_or(|w| {
                                w.query != r.key_query || w.generation <= r.generation
                            });
                            if newer {
                                self.window = Some(Window {
                                    query: r.key_query,
                                    generation: r.generation,
                                    offset: r.offset,
                                    complete: rows.len() < r.limit,
                                    rows,
                                    dues: r.dues,
                                });
                            }
                        }
                        Err(e) if wanted => self.notice = Some((e, Tone::Bad)),
                        Err(_) => {}
                    }
                }
                true
            }
            Slot::Locate(l) if l == self.lane => {
                if let Ok(r) = reply.downcast::<LocateReply>() {
                    let wanted = self
                        .locate
                        .is_some_and(|(q, id, _)| q == r.query && id == r.resident_id);
                    if wanted {
                        self.locate = None;
                        match r.index {
                            Ok(Some(i)) => {
                                self.cursor = i;
                                self.first_row = i.saturating_sub(self.visible / 2);
                            }
                            Ok(None) => {}
                            Err(e) => self.notice = Some((e, Tone::Bad)),
                        }
                    }
                }
                true
            }
            Slot::MarkAll(l) if l == self.lane => {
                if let Ok(r) = reply.downcast::<MarkAllReply>() {
                    if self.mark_all_asked == Some(r.query) {
                        self.mark_all_asked = None;
                    }
                    match r.ids {
                        Ok(ids) => self.marks.extend(ids),
                        Err(e) => self.notice = Some((e, Tone::Warn)),
                    }
                }
                true
            }
            _ => false,
        }
    }

    fn invalidate(&mut self, generation: u64) {
        self.generation = generation;
    }
}

impl ResidentsPane {
    /// The mark-all job: every id of the list, refused past [`MARK_ALL_MAX`].
    pub fn mark_all_job(&mut self) -> Option<(Slot, crate::tui::worker::Job)> {
        let q = self.query()?;
        self.mark_all_asked = Some(q);
        Some((
            Slot::MarkAll(self.lane),
            Box::new(move |store| {
                let mut ids = Vec::new();
                let mut offset = 0i64;
                let result = loop {
                    match store.resident_page(&q, offset, WALK_PAGE) {
                        Ok(rows) => {
                            ids.extend(rows.iter().map(|r| r.id));
                            if ids.len() > MARK_ALL_MAX {
                                break Err(fill(
                                    S::MsgTooManyToMark.get(Lang::Zh),
                                    &[&MARK_ALL_MAX],
                                ) + " / "
                                    + &fill(S::MsgTooManyToMark.get(Lang::En), &[&MARK_ALL_MAX]));
                            }
                            if (rows.len() as i64) < WALK_PAGE {
                                break Ok(std::mem::take(&mut ids));
                            }
                            offset += WALK_PAGE;
                        }
                        Err(e) => break Err(e.to_string()),
                    }
                };
                Box::new(MarkAllReply {
                    query: q,
                    ids: result,
                }) as Reply
            }),
        ))
    }
}
