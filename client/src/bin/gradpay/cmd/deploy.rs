//! `gradpay deploy`: deploys GradPay from the artifact bytecode and writes the deployments file.

use std::path::PathBuf;

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Result,
    deploy::{Roles, deploy},
};

use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// Deploy GradPay.
#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    /// Admin: admits coordinators, pauses, rescues funds sent by mistake [default: the deployer].
    /// Pass a multisig such as a Safe's address to need several signatures for each of these and
    /// for handing the role over (two steps, 3 days apart); the deployer keeps no right.
    #[arg(long)]
    admin: Option<Address>,
    /// First coordinator: may create sessions, each then owned by its creator [default: the deployer].
    #[arg(long)]
    coordinator: Option<Address>,
    /// Where to write the addresses [default: the profile's deployments file].
    #[arg(long)]
    out: Option<PathBuf>,
}

impl DeployArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let (profile, base_dir) = super::profile(g)?;
        let signer = super::signer(g)?;
        let me = signer.address();
        let roles = Roles { admin: self.admin.unwrap_or(me), coordinator: self.coordinator.unwrap_or(me) };
        let out = self.out.unwrap_or_else(|| profile.deploy_output(&base_dir));
        let (deployments, coordinator) = deploy(profile, signer, roles).await?;
        deployments.write(&out)?;
        let gas = coordinator.gas_records();
        let used: u64 = gas.iter().map(|r| r.gas_used).sum();
        let limit: u64 = gas.iter().map(|r| r.gas_limit).sum();
        let value = json!({
            "chainId": deployments.chain_id.to_string(), "gradpay": deployments.gradpay,
            "block": deployments.block.map(|b| b.to_string()), "deployments": out,
            "admin": roles.admin, "coordinator": roles.coordinator,
            "gasUsed": used.to_string(), "gasLimit": limit.to_string(),
        });
        emit(g.json, &value, || {
            format!(
                "GradPay deployed at {} on chain {} (gas {used} of limit {limit}); wrote {}",
                deployments.gradpay,
                deployments.chain_id,
                out.display()
            )
        });
        Ok(())
    }
}
