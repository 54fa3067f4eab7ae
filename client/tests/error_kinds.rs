//! docs/json.md lists every `error.kind` the library can print, each once: read from
//! `Error::kind`'s own source, so that a new variant without its row in the table fails here.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

/// Every kind `Error::kind` can return: its arms `Self::X .. => "kind",`.
fn kinds() -> Vec<&'static str> {
    let source = include_str!("../src/error/methods.rs");
    let body = source.split("pub const fn kind(&self)").nth(1).unwrap();
    body.lines()
        .filter(|line| line.trim_start().starts_with("Self::") && line.contains("=> \""))
        .map(|line| line.split('"').nth(1).unwrap())
        .collect()
}

#[test]
fn every_kind_is_documented_once_in_json_md() {
    let docs = include_str!("../../docs/json.md");
    let kinds = kinds();
    assert!(kinds.len() > 30, "read the kinds: {kinds:?}");
    for kind in &kinds {
        assert!(docs.contains(&format!("`{kind}`")), "docs/json.md does not list the error kind `{kind}`");
        assert_eq!(kinds.iter().filter(|k| *k == kind).count(), 1, "kind `{kind}` used twice");
    }
}

#[test]
fn kinds_lists_every_kind_in_order() {
    assert_eq!(gradpay::Error::KINDS, kinds().as_slice(), "Error::KINDS is the arms of Error::kind");
}
