//! Writes a synthetic institution for measuring cutover.
//!
//! ```sh
//! cargo run --release --example synthetic -- /tmp/big --units 300 --lines 60
//! cargo run --release -- build --root /tmp/big --today 2022-04-20
//! ```

use std::path::Path;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str, default: usize| {
        args.windows(2)
            .find(|w| w[0] == flag)
            .and_then(|w| w[1].parse().ok())
            .unwrap_or(default)
    };
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: synthetic DIR [--units 300] [--lines 60]");
        std::process::exit(2);
    };
    let (units, lines) = (value("--units", 300), value("--lines", 60));
    let guide = Path::new(env!("CARGO_MANIFEST_DIR"));
    cutover::synthetic::write_site(Path::new(dir), guide, units, lines)?;
    eprintln!("wrote {units} units of {lines} lines into {dir}");
    Ok(())
}
