//! What the benchmark binaries share: a deployment to measure on, and publishing the markdown
//! table they produce.

use std::{path::Path, process::ExitCode};

/// Prints `table` and writes it to `out`; an error (of the run or of the write) is one line on
/// stderr and a failing exit code.
pub(crate) fn publish(out: &Path, table: gradpay::Result<String>) -> ExitCode {
    match table {
        Ok(table) => {
            print!("{table}");
            if let Err(e) = std::fs::write(out, &table) {
                eprintln!("error: writing {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// GradPay deployed on `anvil` by its first dev account (admin and coordinator), with a profile
/// for benchmarks: `batch_size` entries a batch, the journal in `journal_dir`, quick polling and
/// a long receipt timeout. Returns the profile and the coordinator.
pub(crate) async fn deploy_on(
    anvil: &gradpay::demo::anvil::Anvil,
    batch_size: usize,
    journal_dir: &Path,
) -> gradpay::Result<(gradpay::NetworkProfile, gradpay::Coordinator)> {
    let local = gradpay::NetworkProfile::builtin("local")
        .ok_or_else(|| gradpay::Error::Anvil("no local profile".into()))?;
    let profile = gradpay::NetworkProfile {
        rpc_url: anvil.url(),
        batch_size,
        journal_dir: journal_dir.to_path_buf(),
        poll_interval_ms: 20,
        receipt_timeout_secs: 600,
        ..local
    };
    let admin = gradpay::demo::anvil::dev_signer(0)?;
    let roles = gradpay::deploy::Roles { admin: admin.address(), coordinator: admin.address() };
    let (_, c) = gradpay::deploy::deploy(profile.clone(), admin, roles).await?;
    Ok((profile, c))
}
