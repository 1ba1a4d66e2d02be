//! The command line: clap derive, validated once into plain options.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use cutover::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "cutover",
    version,
    about = "Builds migration guidance sites: one per audience, with a checklist for every unit"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every audience's site into OUT (default ROOT/public)
    Build {
        /// The site root, holding data/ (and content/, themes/, static/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site
        #[arg(long)]
        out: Option<PathBuf>,
        /// The date deadlines are counted from, YYYY-MM-DD (default: today)
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// Also write what changed since the previous build, as JSON, to FILE
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
        /// Build just this audience (repeat for more), e.g. the ones without personal data
        /// for a public web site
        #[arg(long = "audience", value_name = "ID")]
        audiences: Vec<String>,
    },
    /// Check the data and print the findings; writes nothing
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// How to print the findings
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
    },
    /// Serve the site on a local address, rebuilding and reloading pages as files change
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// The address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on (0: any free port)
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Write a small working site to start from
    New {
        /// The folder to create (it must not exist, or be empty)
        dir: PathBuf,
    },
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    cutover::load::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD, like 2022-04-20"))
}
