//! Where the signing key comes from: the `GRADPAY_PRIVATE_KEY` environment variable, or an
//! encrypted keystore in the format `cast wallet new` / `cast wallet import` writes, unlocked with
//! a password file or an interactive prompt. The key is never written anywhere or logged: only
//! the address is ever shown.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
};

use alloy::signers::local::{LocalSignerError, PrivateKeySigner};

use crate::{Error, Result};

/// Environment variable holding a hex private key.
pub const PRIVATE_KEY_ENV: &str = "GRADPAY_PRIVATE_KEY";

/// How to obtain the signing key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySource {
    /// A keystore file; when absent, the key comes from [`PRIVATE_KEY_ENV`].
    pub keystore: Option<PathBuf>,
    /// A file whose first line is the keystore password; when absent, prompt on the terminal.
    pub password_file: Option<PathBuf>,
}

impl KeySource {
    /// Loads the signer, reading the environment through `env`.
    pub fn load_with(&self, env: impl Fn(&str) -> Option<String>) -> Result<PrivateKeySigner> {
        match &self.keystore {
            Some(path) => {
                let path = keystore_file(path)?;
                let password = match &self.password_file {
                    Some(file) => read_password_file(file)?,
                    None => prompt_password(&path)?,
                };
                decrypt_keystore(&path, &password)
            }
            None => {
                let key = env(PRIVATE_KEY_ENV).filter(|k| !k.trim().is_empty()).ok_or(Error::MissingKey)?;
                parse_private_key(&key)
            }
        }
    }

    /// Loads the signer from the process environment.
    pub fn load(&self) -> Result<PrivateKeySigner> {
        self.load_with(|k| std::env::var(k).ok())
    }
}

/// The environment variable of the `n`-th sender key (n ≥ 2) of `gradpay record --keys`:
/// `GRADPAY_PRIVATE_KEY_2`, `GRADPAY_PRIVATE_KEY_3`, …
pub fn extra_key_env(n: usize) -> String {
    format!("{PRIVATE_KEY_ENV}_{n}")
}

/// The sender keys after the first of a `--keys total` run: from `keystores` (one file each,
/// unlocked with `password_file` or a prompt) when given, else from [`extra_key_env`] 2 ..= total.
/// Refused unless there are exactly `total - 1` (that they are distinct is
/// [`crate::Coordinator::with_extra_senders`]'s to check).
pub fn load_extra_keys(
    total: usize,
    keystores: &[PathBuf],
    password_file: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<PrivateKeySigner>> {
    let wanted = total.saturating_sub(1);
    let bad = |origin: String, reason: String| Error::Config { origin, reason };
    if keystores.is_empty() {
        (2..=total)
            .map(|n| {
                let var = extra_key_env(n);
                match env(&var).filter(|k| !k.trim().is_empty()) {
                    Some(key) => parse_private_key(&key).map_err(|_| {
                        bad(var.clone(), "not a valid secp256k1 private key (expected 32 bytes of hex)".into())
                    }),
                    None => {
                        let (first, last) = (extra_key_env(2), extra_key_env(total));
                        let reason = format!(
                            "not set: --keys {total} takes keys 2 to {total} from {first} … {last}, or from --extra-keystore"
                        );
                        Err(bad(var.clone(), reason))
                    }
                }
            })
            .collect()
    } else if keystores.len() != wanted {
        Err(bad(
            "--extra-keystore".into(),
            format!("--keys {total} needs {wanted} extra keystore(s), {} given", keystores.len()),
        ))
    } else {
        keystores
            .iter()
            .map(|path| {
                KeySource { keystore: Some(path.clone()), password_file: password_file.map(Path::to_owned) }
                    .load_with(&env)
            })
            .collect()
    }
}

/// Parses a hex private key (with or without `0x`); the error never echoes the value.
pub fn parse_private_key(key: &str) -> Result<PrivateKeySigner> {
    key.trim().parse::<PrivateKeySigner>().map_err(|_| Error::InvalidPrivateKey)
}

/// The keystore file `path` names: the file itself, or the one keystore in a directory (as
/// `cast wallet new DIR` writes it). A directory with no file or several is an error listing them.
pub fn keystore_file(path: &Path) -> Result<PathBuf> {
    if !path.is_dir() {
        return Ok(path.to_owned());
    }
    let entries = std::fs::read_dir(path).map_err(|e| Error::io("reading keystore directory", path, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("reading keystore directory", path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && !name.starts_with('.') {
            files.push(name);
        }
    }
    files.sort();
    let reason = match files.as_slice() {
        [one] => return Ok(path.join(one)),
        [] => "the directory holds no keystore file; create one with `cast wallet new DIR`".to_owned(),
        several => format!(
            "the directory holds {} files ({}); pass --keystore {}/FILE to pick one",
            several.len(),
            several.join(", "),
            path.display()
        ),
    };
    Err(Error::Keystore { path: path.to_owned(), reason })
}

/// Decrypts a `cast wallet` keystore file.
pub fn decrypt_keystore(path: &Path, password: &str) -> Result<PrivateKeySigner> {
    if !path.is_file() {
        return Err(Error::Keystore { path: path.to_owned(), reason: "no such file or directory".into() });
    }
    PrivateKeySigner::decrypt_keystore(path, password)
        .map_err(|e| Error::Keystore { path: path.to_owned(), reason: describe_keystore_error(&e) })
}

fn describe_keystore_error(e: &LocalSignerError) -> String {
    // eth-keystore is not re-exported, so its MAC error is recognised by its message.
    let message = e.to_string();
    if message.contains("Mac Mismatch") {
        "wrong password (the keystore's MAC does not match)".into()
    } else {
        format!("not a valid keystore ({message})")
    }
}

fn read_password_file(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading password file", path, e))?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

fn prompt_password(keystore: &Path) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Keystore {
            path: keystore.to_owned(),
            reason: "no password: stdin is not a terminal, pass --password-file <FILE>".into(),
        });
    }
    rpassword::prompt_password(format!("Password for {}: ", keystore.display()))
        .map_err(|e| Error::io("reading password from", "the terminal", e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn env_key_is_used_and_never_echoed() {
        let source = KeySource::default();
        let signer = source.load_with(|k| (k == PRIVATE_KEY_ENV).then(|| format!("0x{KEY}\n"))).unwrap();
        assert_eq!(signer.address().to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert!(matches!(source.load_with(|_| None), Err(Error::MissingKey)));
        assert!(matches!(source.load_with(|_| Some("  ".into())), Err(Error::MissingKey)));
        let bad = "deadbeef-secret-material";
        let err = source.load_with(|_| Some(bad.into())).unwrap_err();
        assert!(
            !err.to_string().contains(bad) && !format!("{err:?}").contains(bad),
            "the key is never shown"
        );
        assert!(!format!("{signer:?}").contains(KEY), "Debug of the signer does not show the key");
    }

    #[test]
    fn extra_keys_come_from_numbered_variables() {
        const SECOND: &str = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
        let env = |k: &str| (k == "GRADPAY_PRIVATE_KEY_2").then(|| SECOND.to_owned());
        let extra = load_extra_keys(2, &[], None, env).unwrap();
        assert_eq!(extra[0].address().to_string(), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assert!(load_extra_keys(1, &[], None, env).unwrap().is_empty());
        let err = load_extra_keys(3, &[], None, env).unwrap_err().to_string();
        assert!(err.contains("GRADPAY_PRIVATE_KEY_3") && err.contains("not set"), "{err}");
        let junk = load_extra_keys(2, &[], None, |_| Some("secret-junk".to_owned())).unwrap_err();
        assert!(!junk.to_string().contains("secret-junk"), "never echoed: {junk}");
        let err = load_extra_keys(3, &[PathBuf::from("a")], None, env).unwrap_err().to_string();
        assert!(err.contains("needs 2 extra keystore(s), 1 given"), "{err}");
    }

    #[test]
    fn keystore_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing =
            KeySource { keystore: Some(dir.path().join("nope")), password_file: Some(dir.path().join("pw")) };
        assert!(missing.load_with(|_| None).unwrap_err().to_string().contains("pw"), "missing password file");
        std::fs::write(dir.path().join("pw"), "x\n").unwrap();
        let err = missing.load_with(|_| None).unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("no such file or directory"), "{err}");
        std::fs::write(dir.path().join("junk"), "{}").unwrap();
        let junk =
            KeySource { keystore: Some(dir.path().join("junk")), password_file: Some(dir.path().join("pw")) };
        assert!(junk.load_with(|_| None).unwrap_err().to_string().contains("not a valid keystore"));
    }

    #[test]
    fn a_keystore_directory_must_hold_exactly_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = keystore_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("holds no keystore file"), "{err}");
        std::fs::write(dir.path().join("b-key"), "{}").unwrap();
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        assert_eq!(keystore_file(dir.path()).unwrap(), dir.path().join("b-key"));
        std::fs::write(dir.path().join("a-key"), "{}").unwrap();
        let err = keystore_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("holds 2 files (a-key, b-key)"), "{err}");
    }
}
