//! The measurements behind `GAS.md` and the `measure` binary: gas per operation under both rule
//! sets, where the gas goes, the 100k-node scale run, sessions per second, revm against anvil.

pub mod bench;
pub mod breakdown;
pub mod gas;
pub mod operators;
pub mod report;
pub mod rpc;
pub mod scale;
pub mod sessions;
pub mod throughput;
