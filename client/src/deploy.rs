//! Deploying GradPay from the creation bytecode in forge's artifact (embedded at build time), and
//! the deployments file that records where it went.

use std::path::Path;

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{Address, Bytes},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::SolConstructor,
};
use serde::{Deserialize, Serialize};

use crate::{
    Coordinator, Error, NetworkProfile, Result,
    bindings::creation,
    provider::{build_provider, check_chain},
};

/// Who holds which role in a new deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// DEFAULT_ADMIN_ROLE: admits coordinators, pauses (for at most 14 days), rescues what was sent
    /// by mistake; handed over in two steps, 3 days apart. May be a multisig (a Safe): nothing a
    /// session or a pool needs waits on it.
    pub admin: Address,
    /// COORDINATOR_ROLE: may create sessions (and then owns them).
    pub coordinator: Address,
}

/// Deploys GradPay with `signer` and returns the deployments record plus a connected coordinator.
pub async fn deploy(
    profile: NetworkProfile,
    signer: PrivateKeySigner,
    roles: Roles,
) -> Result<(Deployments, Coordinator)> {
    let sender = signer.address();
    let provider = build_provider(&profile.rpc_url, Some(signer.clone()))?;
    check_chain(&provider, &profile.rpc_url, profile.chain_id).await?;
    let chain_id = profile.chain_id;
    let deployer = Coordinator::from_parts(provider.clone(), profile.clone(), Address::ZERO, sender)
        .with_signer(signer.clone());
    let constructor =
        creation::GradPay::constructorCall { admin: roles.admin, coordinator: roles.coordinator };
    let code: Bytes = [creation::GradPay::BYTECODE.as_ref(), &constructor.abi_encode()].concat().into();
    let request = TransactionRequest::default().with_from(sender).with_deploy_code(code);
    let receipt = deployer.transact("deploy GradPay", request).await?;
    let address = receipt.contract_address().ok_or_else(|| Error::MissingReceiptData {
        action: "deploy GradPay".into(),
        missing: "contract address",
    })?;
    let coordinator = Coordinator::from_parts(provider, profile, address, sender)
        .with_signer(signer)
        .with_deployment_block(receipt.block_number);
    for record in deployer.gas_records() {
        coordinator.record_gas(&record.operation, record.gas_used, record.gas_limit);
    }
    Ok((Deployments { chain_id, gradpay: address, block: receipt.block_number }, coordinator))
}

/// What `gradpay deploy` (and `script/Deploy.s.sol`, in the same format) writes and the config
/// can point at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployments {
    /// The chain deployed on.
    #[serde(alias = "chainId")]
    pub chain_id: u64,
    /// The GradPay contract.
    #[serde(alias = "GradPay")]
    pub gradpay: Address,
    /// The block it was deployed in.
    #[serde(default)]
    pub block: Option<u64>,
}

impl Deployments {
    /// Reads a deployments file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Config {
            origin: path.display().to_string(),
            reason: format!("not a deployments file: {e}"),
        })
    }

    /// Writes the file, creating its directory.
    pub fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Encoding { what: "the deployments file", reason: e.to_string() })?;
        std::fs::write(path, text + "\n").map_err(|e| Error::io("writing", path, e))
    }
}
