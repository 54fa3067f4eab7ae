//! Profiles: built-in values, file and environment overrides, validation, deployments files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::Strategy;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn builtin_profiles_have_their_chain_ids() {
    for (name, id) in [("local", 31337), ("monad-testnet", 10143), ("monad", 143)] {
        let p = resolve_profile(None, Some(name), no_env).unwrap();
        assert_eq!(p.chain_id, id, "{name}");
        assert!(p.gas_margin_bps <= 1000, "default margin must be at most 10 %");
    }
}

#[test]
fn file_overrides_builtin_and_env_overrides_file() {
    let text = r#"
        default_network = "monad-testnet"
        [networks.monad-testnet]
        rpc-url = "http://10.0.0.1:8545"
        batch-size = 50
    "#;
    let path = Path::new("gradpay.toml");
    let p = resolve_profile(Some((path, text)), None, no_env).unwrap();
    assert_eq!(
        (p.name.as_str(), p.chain_id, p.rpc_url.as_str(), p.batch_size),
        ("monad-testnet", 10143, "http://10.0.0.1:8545", 50)
    );
    let env = |k: &str| (k == "GRADPAY_BATCH_SIZE").then(|| "7".to_owned());
    assert_eq!(resolve_profile(Some((path, text)), None, env).unwrap().batch_size, 7);
}

#[test]
fn custom_profile_and_unknown_profile() {
    let text = "[networks.staging]\nchain-id = 5\nrpc-url = \"http://x:1\"\n";
    let p = resolve_profile(Some((Path::new("g.toml"), text)), Some("staging"), no_env).unwrap();
    assert_eq!(p.chain_id, 5);
    let err = resolve_profile(Some((Path::new("g.toml"), text)), Some("nope"), no_env).unwrap_err();
    assert!(err.to_string().contains("staging"), "{err}");
}

#[test]
fn bad_values_are_rejected_with_their_origin() {
    let text = "[networks.local]\ngas-margin-bps = 9000\n";
    let err = resolve_profile(Some((Path::new("g.toml"), text)), None, no_env).unwrap_err();
    assert!(err.to_string().contains("gas-margin-bps 9000"), "{err}");
    let err = resolve_profile(Some((Path::new("g.toml"), "[networks.local]\nbogus = 1\n")), None, no_env)
        .unwrap_err();
    assert!(err.to_string().contains("bogus"), "{err}");
    let env = |k: &str| (k == "GRADPAY_BATCH_SIZE").then(|| "many".to_owned());
    let err = resolve_profile(None, None, env).unwrap_err();
    assert!(err.to_string().contains("GRADPAY_BATCH_SIZE"), "{err}");
}

#[test]
fn example_config_parses() {
    let text = include_str!("../../gradpay.example.toml");
    for name in ["local", "monad-testnet", "monad"] {
        let p = resolve_profile(Some((Path::new("gradpay.example.toml"), text)), Some(name), no_env).unwrap();
        assert_eq!(p.name, name);
    }
    let p = resolve_profile(Some((Path::new("x"), text)), Some("monad-testnet"), no_env).unwrap();
    assert_eq!(p.pool.strategy, Strategy::Hybrid);
}

#[test]
fn deployments_file_of_the_forge_script_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("31337.json");
    std::fs::write(
        &path,
        r#"{"block":3,"chain_id":31337,"gradpay":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}"#,
    )
    .unwrap();
    let d = Deployments::read(&path).unwrap();
    assert_eq!((d.chain_id, d.block), (31337, Some(3)));
    let p = NetworkProfile {
        deployments: Some("31337.json".into()),
        ..NetworkProfile::builtin("local").unwrap()
    };
    assert_eq!(p.gradpay_address(dir.path()).unwrap(), d.gradpay);
    d.write(&dir.path().join("out/x.json")).unwrap();
    assert_eq!(Deployments::read(&dir.path().join("out/x.json")).unwrap(), d);
    let none = NetworkProfile { deployments: Some("none.json".into()), ..p.clone() };
    let err = none.gradpay_address(dir.path()).unwrap_err();
    assert!(err.to_string().contains("run `gradpay deploy`"), "{err}");
    // A file for another chain is refused, naming both chain ids.
    Deployments { chain_id: 10143, ..d }.write(&path).unwrap();
    let err = p.deployment(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is for chain 10143") && err.contains("profile `local` is chain 31337"), "{err}");
    let testnet = NetworkProfile { name: "monad-testnet".into(), chain_id: 10143, ..p };
    assert_eq!(testnet.gradpay_address(dir.path()).unwrap(), d.gradpay, "read on its own chain");
}

#[test]
fn gas_limit_adds_margin_within_cap() {
    let p = NetworkProfile {
        gas_margin_bps: 1000,
        max_tx_gas: 1_000_000,
        ..NetworkProfile::builtin("local").unwrap()
    };
    assert_eq!(p.gas_limit(100_000), 110_000);
    assert_eq!(p.gas_limit(990_000), 1_000_000);
}

#[test]
fn an_address_set_directly_takes_its_block_from_a_deployments_file_about_it() {
    let dir = tempfile::tempdir().unwrap();
    let gradpay = Address::repeat_byte(0x51);
    Deployments { chain_id: 31337, gradpay, block: Some(12) }.write(&dir.path().join("d.json")).unwrap();
    let local =
        NetworkProfile { deployments: Some("d.json".into()), ..NetworkProfile::builtin("local").unwrap() };
    let direct = NetworkProfile { gradpay: Some(gradpay), ..local.clone() };
    assert_eq!(direct.deployment(dir.path()).unwrap().block, Some(12));
    let other = NetworkProfile { gradpay: Some(Address::repeat_byte(0x52)), ..local.clone() };
    assert_eq!(other.deployment(dir.path()).unwrap().block, None, "the file is about another contract");
    let no_file = NetworkProfile { deployments: None, ..direct };
    assert_eq!(no_file.deployment(dir.path()).unwrap().block, None);
    assert_eq!(local.deploy_output(dir.path()), dir.path().join("d.json"));
    assert_eq!(no_file.deploy_output(dir.path()), dir.path().join("deployments/31337.json"));
}

#[test]
fn log_range_and_ws_url_come_from_the_file_or_the_environment() {
    assert_eq!(resolve_profile(None, Some("monad"), no_env).unwrap().max_log_range, 100);
    let text = "[networks.local]\nmax-log-range = 5\nws-url = \"ws://127.0.0.1:8545\"\n";
    let p = resolve_profile(Some((Path::new("g.toml"), text)), None, no_env).unwrap();
    assert_eq!((p.max_log_range, p.ws_url.as_deref()), (5, Some("ws://127.0.0.1:8545")));
    let env = |k: &str| (k == "GRADPAY_MAX_LOG_RANGE").then(|| "9".to_owned());
    assert_eq!(resolve_profile(Some((Path::new("g.toml"), text)), None, env).unwrap().max_log_range, 9);
    let zero = "[networks.local]\nmax-log-range = 0\n";
    let err = resolve_profile(Some((Path::new("g.toml"), zero)), None, no_env).unwrap_err();
    assert!(err.to_string().contains("max-log-range must be at least 1"), "{err}");
    let http = "[networks.local]\nws-url = \"http://x\"\n";
    let err = resolve_profile(Some((Path::new("g.toml"), http)), None, no_env).unwrap_err();
    assert!(err.to_string().contains("must start with ws://"), "{err}");
}

#[test]
fn monad_profiles_quote_monad_fees_within_the_reserve_balance_and_local_does_not() {
    use crate::fees::{COIN, FeeQuote, GWEI};
    for name in ["monad-testnet", "monad"] {
        let p = resolve_profile(None, Some(name), no_env).unwrap();
        assert_eq!(
            (p.fee_quote, p.min_base_fee_wei, p.max_fee_per_gas, p.fee_budget_wei, p.reserve_blocks),
            (FeeQuote::Monad, 100 * GWEI, None, Some(10 * COIN), 3),
            "{name}"
        );
    }
    let local = resolve_profile(None, Some("local"), no_env).unwrap();
    assert_eq!(
        (
            local.fee_quote,
            local.min_base_fee_wei,
            local.max_fee_per_gas,
            local.fee_budget_wei,
            local.reserve_blocks
        ),
        (FeeQuote::Ethereum, 0, None, None, 0)
    );
}

#[test]
fn fee_settings_come_from_the_file_or_the_environment() {
    use crate::fees::{COIN, FeeQuote, GWEI};
    let text = "[networks.monad]\nfee-quote = \"ethereum\"\nmin-base-fee-gwei = 50\nmax-fee-gwei = 300\n\
                fee-budget = \"0.5\"\nreserve-blocks = 5\n";
    let path = Path::new("g.toml");
    let p = resolve_profile(Some((path, text)), Some("monad"), no_env).unwrap();
    assert_eq!(
        (p.fee_quote, p.min_base_fee_wei, p.max_fee_per_gas, p.fee_budget_wei, p.reserve_blocks),
        (FeeQuote::Ethereum, 50 * GWEI, Some(300 * GWEI), Some(COIN / 2), 5)
    );
    let whole = "[networks.local]\nfee-budget = 2\n";
    assert_eq!(resolve_profile(Some((path, whole)), None, no_env).unwrap().fee_budget_wei, Some(2 * COIN));
    let unbounded = "[networks.monad]\nfee-budget = \"unbounded\"\n";
    assert_eq!(resolve_profile(Some((path, unbounded)), Some("monad"), no_env).unwrap().fee_budget_wei, None);
    let env = |k: &str| match k {
        "GRADPAY_FEE_QUOTE" => Some("monad".to_owned()),
        "GRADPAY_MIN_BASE_FEE_GWEI" => Some("7".to_owned()),
        "GRADPAY_MAX_FEE_GWEI" => Some("9".to_owned()),
        "GRADPAY_FEE_BUDGET" => Some("1.25".to_owned()),
        "GRADPAY_RESERVE_BLOCKS" => Some("2".to_owned()),
        _ => None,
    };
    let p = resolve_profile(Some((path, text)), Some("monad"), env).unwrap();
    assert_eq!(
        (p.fee_quote, p.min_base_fee_wei, p.max_fee_per_gas, p.fee_budget_wei, p.reserve_blocks),
        (FeeQuote::Monad, 7 * GWEI, Some(9 * GWEI), Some(COIN + COIN / 4), 2)
    );
}

#[test]
fn bad_fee_settings_are_rejected_with_their_origin() {
    let path = Path::new("g.toml");
    let cases = [
        ("fee-quote = \"solana\"", "fee-quote"),
        ("fee-budget = \"0\"", "fee-budget `0` is zero"),
        ("fee-budget = 0", "fee-budget `0` is zero"),
        ("fee-budget = \"lots\"", "fee-budget `lots` must be an amount"),
        ("fee-budget = -1", "fee-budget"),
        ("max-fee-gwei = 0", "max-fee-gwei must be at least 1"),
        ("max-fee-gwei = 99", "max-fee-gwei is below min-base-fee-gwei"),
        ("reserve-blocks = -1", "reserve-blocks"),
    ];
    for (line, expected) in cases {
        let text = format!("[networks.monad]\n{line}\n");
        let err = resolve_profile(Some((path, &text)), Some("monad"), no_env).unwrap_err().to_string();
        assert!(err.contains(expected) && err.contains("g.toml"), "{line}: {err}");
    }
    for (var, value) in [
        ("GRADPAY_FEE_QUOTE", "solana"),
        ("GRADPAY_FEE_BUDGET", "0.0"),
        ("GRADPAY_MAX_FEE_GWEI", "a lot"),
        ("GRADPAY_RESERVE_BLOCKS", "three"),
        ("GRADPAY_MIN_BASE_FEE_GWEI", "-5"),
    ] {
        let env = |k: &str| (k == var).then(|| value.to_owned());
        let err = resolve_profile(None, Some("monad"), env).unwrap_err().to_string();
        assert!(err.contains(var), "{var}: {err}");
    }
}

#[test]
fn sender_keys_come_from_the_file_or_the_environment_within_bounds() {
    assert_eq!(resolve_profile(None, Some("monad"), no_env).unwrap().sender_keys, 1);
    let text = "[networks.local]\nsender-keys = 4\n";
    assert_eq!(resolve_profile(Some((Path::new("g.toml"), text)), None, no_env).unwrap().sender_keys, 4);
    let env = |k: &str| (k == "GRADPAY_KEYS").then(|| "2".to_owned());
    assert_eq!(resolve_profile(Some((Path::new("g.toml"), text)), None, env).unwrap().sender_keys, 2);
    for bad in ["0", "65"] {
        let text = format!("[networks.local]\nsender-keys = {bad}\n");
        let err = resolve_profile(Some((Path::new("g.toml"), &text)), None, no_env).unwrap_err();
        assert!(err.to_string().contains("sender-keys must be 1 to 64"), "{err}");
    }
}
