#![allow(clippy::expect_used, clippy::panic)] // a test fails loudly

//! The message files of every language hold the same messages: a sentence added in English and
//! forgotten in Spanish (or the other way round) fails here, naming the file and the id.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Resource};
use portal_core::language::Language;

fn locales() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
}

/// The `.ftl` files of one language, by file name.
fn files_of(language: Language) -> BTreeSet<String> {
    std::fs::read_dir(locales().join(language.code()))
        .expect("the language has a directory of messages")
        .map(|entry| entry.expect("a readable directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".ftl"))
        .collect()
}

/// Every message and term of a file, with its attributes (`id.attribute`), after checking the
/// file parses without a single error.
fn ids_in(language: Language, file: &str) -> BTreeSet<String> {
    let path = locales().join(language.code()).join(file);
    let text = std::fs::read_to_string(&path).expect("a readable message file");
    let resource: Resource<&str> = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
    let mut ids = BTreeSet::new();
    for entry in resource.body {
        let (id, attributes) = match entry {
            Entry::Message(m) => (m.id.name.to_owned(), m.attributes),
            Entry::Term(t) => (format!("-{}", t.id.name), t.attributes),
            _ => continue,
        };
        for attribute in attributes {
            ids.insert(format!("{id}.{}", attribute.id.name));
        }
        assert!(ids.insert(id.clone()), "{} defines {id} twice", path.display());
    }
    ids
}

#[test]
fn every_language_has_the_same_files_and_messages() {
    let english_files = files_of(Language::English);
    assert!(english_files.contains("common.ftl"), "{english_files:?}");
    for language in Language::ALL {
        assert_eq!(files_of(language), english_files, "{language} has other message files than English");
    }
    let mut problems = Vec::new();
    for file in &english_files {
        let english = ids_in(Language::English, file);
        for language in Language::ALL.into_iter().filter(|l| *l != Language::English) {
            let other = ids_in(language, file);
            for id in english.difference(&other) {
                problems.push(format!("{language}/{file} lacks {id}"));
            }
            for id in other.difference(&english) {
                problems.push(format!("en/{file} lacks {id} (which {language} has)"));
            }
        }
    }
    assert!(problems.is_empty(), "message files out of step:\n{}", problems.join("\n"));
}

#[test]
fn no_two_files_of_a_language_define_the_same_message() {
    for language in Language::ALL {
        let mut seen = BTreeSet::new();
        for file in files_of(language) {
            for id in ids_in(language, &file) {
                assert!(seen.insert(id.clone()), "{language}: {id} is defined in more than one file ({file})");
            }
        }
    }
}

/// Every message id the code asks for, in templates and Rust: `layout.t("id")` (and `t1`, `t2`,
/// `tn`) and `language.text("id")` / `text_with("id", …)`. Every id has a hyphen
/// (`area-what`), which keeps other functions named `text` out of the scan.
fn ids_asked_for() -> BTreeSet<(String, String)> {
    let pattern = regex::Regex::new(r#"\b(?:t|t1|t2|tn|text|text_with)\(\s*"([a-z][a-z0-9]*-[a-z0-9-]+)""#)
        .expect("a valid pattern");
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = BTreeSet::new();
    let mut pending = vec![crates];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a readable entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                if name != "target" && name != "node_modules" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") || name.ends_with(".html") {
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                for caps in pattern.captures_iter(&text) {
                    found.insert((caps[1].to_owned(), path.display().to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn every_message_the_code_asks_for_exists() {
    let asked = ids_asked_for();
    let defined: BTreeSet<String> =
        files_of(Language::English).iter().flat_map(|file| ids_in(Language::English, file)).collect();
    assert!(asked.iter().any(|(id, _)| id == "layout-sign-out"), "the scan finds the layout's messages");
    let missing: Vec<String> = asked
        .iter()
        .filter(|(id, _)| !defined.contains(id))
        .map(|(id, file)| format!("{id} (asked for in {file})"))
        .collect();
    assert!(missing.is_empty(), "messages asked for but defined nowhere:\n{}", missing.join("\n"));
}
