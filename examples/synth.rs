//! Writes a synthetic institution for measuring cutover.
//!
//! ```sh
//! cargo run --release --example synth -- --units 300 --lines-per-unit 60 --out /tmp/big
//! cargo run --release -- build --root /tmp/big --today 2022-04-20
//! ```
//!
//! The same arguments (and `--seed`, default 1) always write the same site. `--findings
//! few` writes a site nearly ready to move (every line decided, groups whole); the
//! default, `many`, one with lines and groups of every sort, decided or not.

use std::path::Path;

use cutover::synthetic::{self, Findings};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.windows(2).find(|w| w[0] == flag).map(|w| w[1].clone());
    let number =
        |flag: &str, default: u64| value(flag).and_then(|v| v.parse().ok()).unwrap_or(default);
    let Some(out) = value("--out") else {
        eprintln!(
            "usage: synth --out DIR [--units 300] [--lines-per-unit 60] [--seed 1] \
             [--findings many|few]"
        );
        std::process::exit(2);
    };
    let (units, lines, seed) = (
        number("--units", 300) as usize,
        number("--lines-per-unit", 60) as usize,
        number("--seed", 1),
    );
    let findings = match value("--findings").as_deref() {
        None | Some("many") => Findings::Many,
        Some("few") => Findings::Few,
        Some(other) => anyhow::bail!("--findings is `many` or `few`, not `{other}`"),
    };
    let guide = Path::new(env!("CARGO_MANIFEST_DIR"));
    synthetic::write_site_with(Path::new(&out), guide, units, lines, seed, findings)?;
    eprintln!("wrote {units} units of {lines} lines into {out}");
    Ok(())
}
