//! The nodes file `gradpay session create|register --nodes` reads: one `ADDRESS [NODE_ID]` per
//! line (NODE_ID: 32 bytes of hex, not zero, default the address left-padded), `#` comments and
//! blank lines ignored. The contract takes each address and each node id once per session, so a
//! repeated one is refused here too. Every malformed line is reported with its file and line
//! number, before anything is sent.

use std::{collections::HashSet, path::Path};

use alloy::primitives::{Address, B256};

use crate::{Error, Result};

/// The node id a node gets when none is given: its address left-padded to 32 bytes (unique per
/// address, never zero for a node).
pub fn default_node_id(node: Address) -> B256 {
    B256::left_padding_from(node.as_slice())
}

/// Reads and checks a nodes file: (address, node id) in file order.
pub fn read_nodes_file(path: &Path) -> Result<Vec<(Address, B256)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
    parse_nodes(path, &text)
}

/// Parses the text of a nodes file; `path` only names it in errors.
pub fn parse_nodes(path: &Path, text: &str) -> Result<Vec<(Address, B256)>> {
    let mut nodes = Vec::new();
    let mut seen = HashSet::new();
    let mut ids = HashSet::new();
    for (line, content) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let bad = |reason: String| Error::InputLine {
            path: path.to_owned(),
            line,
            reason: format!("{reason}; expected `ADDRESS [NODE_ID]`"),
        };
        let mut words = content.split_whitespace();
        let word = words.next().unwrap_or_default();
        let address =
            word.parse::<Address>().map_err(|_| bad(format!("`{}` is not an address", shorten(word))))?;
        if address.is_zero() {
            return Err(bad("the zero address cannot be a node".into()));
        }
        let id = match words.next() {
            Some(w) => w
                .parse::<B256>()
                .map_err(|_| bad(format!("node id `{}` is not 32 bytes of hex", shorten(w))))?,
            None => default_node_id(address),
        };
        if let Some(extra) = words.next() {
            return Err(bad(format!("unexpected `{}` after the node id", shorten(extra))));
        }
        if !seen.insert(address) {
            return Err(bad(format!("{address} is listed twice")));
        }
        if id.is_zero() {
            return Err(bad("the node id cannot be zero (leave it out to use the padded address)".into()));
        }
        if !ids.insert(id) {
            return Err(bad(format!("node id {id} is listed twice (each node needs its own)")));
        }
        nodes.push((address, id));
    }
    if nodes.is_empty() {
        return Err(Error::Config {
            origin: path.display().to_string(),
            reason: "lists no nodes; expected one `ADDRESS [NODE_ID]` per line".into(),
        });
    }
    Ok(nodes)
}

/// `word` cut to a length that fits in a one-line error.
fn shorten(word: &str) -> String {
    const MAX: usize = 24;
    match word.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &word[..cut]),
        None => word.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const A: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    fn error(text: &str) -> String {
        parse_nodes(Path::new("nodes.txt"), text).unwrap_err().to_string()
    }

    #[test]
    fn addresses_ids_comments_and_blank_lines() {
        let text = format!(
            "# nodes\n\n{A}\n  0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC {}\n",
            B256::repeat_byte(7)
        );
        let nodes = parse_nodes(Path::new("n"), &text).unwrap();
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].1, default_node_id(nodes[0].0), "default id is the padded address");
        assert_eq!(nodes[1].1, B256::repeat_byte(7));
    }

    #[test]
    fn each_bad_line_is_named_once() {
        let err = error(&format!("{A}\n{{\"epoch\":0,\"epochRounds\":10,\"node\":1}}\n"));
        assert!(
            err.starts_with("nodes.txt:2: `{\"epoch\":0,") && err.contains("…` is not an address"),
            "{err}"
        );
        assert!(!err.contains("line 1") && !err.contains("column"), "one line number per error: {err}");
        assert!(error(&format!("{A} 0x12\n")).contains("nodes.txt:1: node id `0x12` is not 32 bytes"));
        assert!(error(&format!("{A} {} x\n", B256::repeat_byte(1))).contains("unexpected `x`"));
        assert!(error(&format!("{A} {}\n", B256::ZERO)).contains("nodes.txt:1: the node id cannot be zero"));
        let twice =
            format!("{A} {id}\n0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC {id}\n", id = B256::repeat_byte(2));
        assert!(error(&twice).starts_with("nodes.txt:2: node id 0x0202"), "{}", error(&twice));
        assert!(error(&format!("{A}\n# again\n{A}\n")).starts_with("nodes.txt:3: "));
        assert!(error(&format!("{}\n", Address::ZERO)).contains("zero address"));
        assert!(error("# nobody\n").contains("lists no nodes"));
    }
}
