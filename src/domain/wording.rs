//! How offices word things in their lists: a value found by the telling
//! word it contains, and full-width characters as their ASCII selves.

/// The value of the first entry one of whose words `text` contains. Order
/// the table so that a longer wording comes before the word it contains
/// (低保边缘 before 低保).
pub fn by_word<T: Copy>(text: &str, table: &[(&[&str], T)]) -> Option<T> {
    table
        .iter()
        .find(|(words, _)| words.iter().any(|w| text.contains(w)))
        .map(|(_, value)| *value)
}

/// A full-width digit or Latin letter as its ASCII self.
pub fn half_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_telling_word_wins() {
        let table: &[(&[&str], u8)] = &[(&["低保边缘", "低边"], 1), (&["低保"], 2)];
        assert_eq!(by_word("低保边缘户", table), Some(1));
        assert_eq!(by_word("农村低保户", table), Some(2));
        assert_eq!(by_word("特困", table), None);
        assert_eq!(
            "１２ａＺ".chars().map(half_width).collect::<String>(),
            "12aZ"
        );
    }
}
