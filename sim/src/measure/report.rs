//! The `measure` binary's commands, each returning a markdown section.

use std::time::Instant;

use crate::error::SimError;
use crate::evm::Rules;
use crate::measure::gas;

/// Runs the command in `args` (`gas`, `scale [nodes]`, `throughput [sessions]`).
pub fn run(args: &[String]) -> Result<String, SimError> {
    let number = |default: u32| args.get(1).and_then(|v| v.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("gas") => gas_section(),
        Some("scale") => crate::measure::scale::run(number(100_000)),
        Some("throughput") => crate::measure::throughput::run(number(200)),
        Some("sessions") => crate::measure::sessions::run(number(1_000), 2_000),
        _ => Err(SimError::Unexpected(
            "usage: measure gas | scale [nodes] | throughput [sessions] | sessions [count]".into(),
        )),
    }
}

fn gas_section() -> Result<String, SimError> {
    let started = Instant::now();
    let ethereum = gas::measure_all(Rules::Ethereum)?;
    let monad = gas::measure_all(Rules::Monad)?;
    let breakdown = gas::breakdown_markdown()?;
    let code = alloy_primitives::keccak256(crate::bindings::creation::GradPay::BYTECODE.as_ref());
    Ok(format!(
        "GradPay creation code keccak256 `{code}` ({} bytes).\n\n{}\n{breakdown}\n_measured in {:.1} s_\n",
        crate::bindings::creation::GradPay::BYTECODE.len(),
        gas::markdown(&ethereum, &monad),
        started.elapsed().as_secs_f64()
    ))
}
