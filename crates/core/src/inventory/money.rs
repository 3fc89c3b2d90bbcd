//! Money is integer cents (`i64`) everywhere; shown as "$1,234.56", written to CSV as "1234.56".
//! (US Spanish writes amounts the same way, so the form is one for every language.)

use super::sentence::Sentence;

/// "$1,234.56" (negative amounts, never stored, would read "-$5.00").
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// "1234.56": the CSV form, no symbol, no grouping.
pub fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Reads "1234.56", "1234.5" or "1234" (surrounding spaces allowed) as cents. Refuses signs,
/// symbols, grouping, exponents and more than two decimals, with a message for the user (in
/// English; [`read_decimal`] gives it in any language).
pub fn parse_decimal(text: &str) -> Result<i64, String> {
    read_decimal(text).map_err(|why| why.to_string())
}

/// [`parse_decimal`], saying why an amount is refused as a [`Sentence`].
pub fn read_decimal(text: &str) -> Result<i64, Sentence> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Sentence::text("claim-money-empty"));
    }
    if t.starts_with('-') {
        return Err(Sentence::text("claim-money-negative"));
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return Err(Sentence::text("claim-money-not-an-amount").arg("value", format!("{t:?}")));
    }
    if frac.len() > 2 {
        return Err(Sentence::text("claim-money-decimals"));
    }
    if whole.len() > 12 {
        return Err(Sentence::text("claim-money-too-large"));
    }
    let whole: i64 = whole.parse().map_err(|_| Sentence::text("claim-money-too-large"))?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().unwrap_or(0) };
    Ok(whole * 100 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shown_with_grouping_and_cents() {
        assert_eq!(format_money(0), "$0.00");
        assert_eq!(format_money(5), "$0.05");
        assert_eq!(format_money(123_456), "$1,234.56");
        assert_eq!(format_money(100_000_000_000), "$1,000,000,000.00");
        assert_eq!(decimal(123_456), "1234.56");
        assert_eq!(decimal(7), "0.07");
    }

    #[test]
    fn decimals_parse_to_cents_and_nonsense_is_refused() {
        assert_eq!(parse_decimal("1234.56"), Ok(123_456));
        assert_eq!(parse_decimal(" 12.5 "), Ok(1250));
        assert_eq!(parse_decimal("12"), Ok(1200));
        assert!(parse_decimal("-1").unwrap_err().contains("negative"));
        assert!(parse_decimal("1.234").is_err());
        assert!(parse_decimal("$12").is_err());
        assert!(parse_decimal("1,200").is_err());
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal("12.").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal("9999999999999999").is_err());
    }
}
