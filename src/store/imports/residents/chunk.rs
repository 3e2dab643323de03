//! New residents gathered on the judging thread and handed to the writer a
//! chunk at a time in ID-number order, and their search keys all together
//! in key order: the registry's unique ID index then takes rows in sweeps,
//! not at random places (a third of the cost), the key table grows at its
//! end, and the sorting happens on the judging thread's core.

use super::NewResident;

/// The first chunk's size: the writer waits for it, so it is small.
const FIRST: usize = 16 * 1024;
/// The largest chunk: each doubles the one before up to this, so that a
/// chunk is about as large as what the registry already holds (an insert
/// sweep then touches each page a few times) without holding a city's file.
const LARGEST: usize = 128 * 1024;
/// Search keys held before they are sent (about 50 MB). Keys come from
/// every part of the key space: sent together they are written at the
/// table's end, where a B-tree grows fastest.
const KEYS_HELD: usize = 2_000_000;

/// New residents and search keys on their way to the writer.
pub(super) struct Chunker {
    residents: Vec<NewResident>,
    keys: KeyBuffer,
    size: usize,
}

impl Chunker {
    pub fn new() -> Self {
        Chunker {
            residents: Vec::new(),
            keys: KeyBuffer::default(),
            size: FIRST,
        }
    }

    /// Add a new resident and the keys its name brings (none when an earlier
    /// resident's name was the same).
    pub fn push(&mut self, resident: NewResident, keys: Vec<String>) {
        for k in &keys {
            self.keys.push(k, &resident.name);
        }
        self.residents.push(resident);
    }

    /// The residents held, in ID-number order, once there are enough of
    /// them (at the `end`, whatever there is).
    pub fn residents(&mut self, end: bool) -> Option<Vec<NewResident>> {
        if self.residents.is_empty() || (!end && self.residents.len() < self.size) {
            return None;
        }
        self.size = (self.size * 2).min(LARGEST);
        // Room for the next chunk at once: growing by doubling would copy it
        // (and touch fresh memory) several times over.
        let mut chunk = std::mem::replace(&mut self.residents, Vec::with_capacity(self.size));
        chunk.sort_unstable_by_key(|r| r.order);
        Some(chunk)
    }

    /// The keys held, in key order, once there are many (at the `end`,
    /// whatever there is).
    pub fn keys(&mut self, end: bool) -> Option<KeyBuffer> {
        if self.keys.items.is_empty() || (!end && self.keys.items.len() < KEYS_HELD) {
            return None;
        }
        let mut keys = std::mem::take(&mut self.keys);
        keys.sort();
        Some(keys)
    }
}

/// Search keys held compactly: their texts and names in one string, each
/// item the key's first eight bytes (to sort by) and the spans of the key
/// and of its name.
#[derive(Default)]
pub(super) struct KeyBuffer {
    text: String,
    items: Vec<(u64, [u32; 4])>,
}

impl KeyBuffer {
    fn push(&mut self, key: &str, name: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(key);
        let name_start = self.text.len() as u32;
        self.text.push_str(name);
        let mut head = [0u8; 8];
        let n = key.len().min(8);
        head[..n].copy_from_slice(&key.as_bytes()[..n]);
        self.items.push((
            u64::from_be_bytes(head),
            [start, key.len() as u32, name_start, name.len() as u32],
        ));
    }

    fn key(&self, &(_, [start, len, _, _]): &(u64, [u32; 4])) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    fn name(&self, &(_, [_, _, start, len]): &(u64, [u32; 4])) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    /// (key, name) pairs in the order they are held.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items.iter().map(|i| (self.key(i), self.name(i)))
    }

    /// Into the order of the table's primary key (key, name). Keys hold no
    /// NUL, so the zero-padded first bytes order as the keys do.
    fn sort(&mut self) {
        let mut items = std::mem::take(&mut self.items);
        items.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.key(a).cmp(self.key(b)))
                .then_with(|| self.name(a).cmp(self.name(b)))
        });
        self.items = items;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_in_key_then_name_order() {
        let mut keys = KeyBuffer::default();
        for (k, n) in [
            ("zs", "张三"),
            ("ls", "李四"),
            ("zs", "张丝"),
            ("a", "z"),
            ("zhangsanfeng", "张三丰"),
            ("zhangsanfen", "张三芬"),
            ("zhangsan", "张三"),
        ] {
            keys.push(k, n);
        }
        keys.sort();
        let pairs: Vec<_> = keys.pairs().collect();
        assert_eq!(
            pairs,
            [
                ("a", "z"),
                ("ls", "李四"),
                ("zhangsan", "张三"),
                ("zhangsanfen", "张三芬"),
                ("zhangsanfeng", "张三丰"),
                ("zs", "张三"),
                ("zs", "张丝")
            ]
        );
    }
}
