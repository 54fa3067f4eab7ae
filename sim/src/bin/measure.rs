//! Prints the measurements of issue #6 as markdown: `measure gas`, `measure scale [nodes]`,
//! `measure throughput [sessions]`. Run in release: `cargo run --release -p gradpay-sim --bin measure -- gas`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match gradpay_sim::measure::report::run(&args) {
        Ok(markdown) => {
            println!("{markdown}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("measure: {error}");
            ExitCode::FAILURE
        }
    }
}
