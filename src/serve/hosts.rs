//! The names `serve` answers to: its own, so that a web page elsewhere cannot read the
//! site through a name of its own resolved to this machine (DNS rebinding).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::uri::Authority;

/// The names a request may call the server by, and where to send one that used another.
pub struct Hosts {
    /// This machine's name, lower case, for other machines on the network.
    machine: Option<String>,
    /// The server's address as a browser on this machine opens it.
    home: String,
    /// Whether other machines can connect.
    shared: bool,
}

impl Hosts {
    /// For a server listening on `local`.
    pub fn new(local: SocketAddr) -> Hosts {
        let home = match local.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, local.port()).into(),
            IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, local.port()).into(),
            _ => local,
        };
        Hosts {
            machine: machine_name(),
            home: format!("http://{home}/"),
            shared: !local.ip().is_loopback(),
        }
    }

    /// Whether `host` (a `Host` header, or the authority of a request's target) names this
    /// server, on any port: an IP address, which no page can have resolved elsewhere;
    /// `localhost`; or this machine's name. Any port, so that a tunnel's works.
    pub fn allows(&self, host: &str) -> bool {
        // A browser never sends user information; `Authority` would take it.
        if host.contains('@') {
            return false;
        }
        let Ok(authority) = host.parse::<Authority>() else {
            return false;
        };
        let name = authority.host();
        // `Authority` leaves a port that is not a number for later.
        let Some(port) = host.strip_prefix(name) else {
            return false;
        };
        if !(port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| p.parse::<u16>().is_ok()))
        {
            return false;
        }
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        let bracketed = name.strip_prefix('[').and_then(|n| n.strip_suffix(']'));
        name.parse::<Ipv4Addr>().is_ok()
            || bracketed.is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok())
            || name == "localhost"
            || self
                .machine
                .as_ref()
                .is_some_and(|machine| name == *machine || name == format!("{machine}.local"))
    }

    /// What a browser that used the name `host` is told: where to go instead.
    pub fn refusal(&self, host: &str) -> String {
        let elsewhere = if self.shared {
            " on this machine, or this machine's IP address with the same port from another"
        } else {
            ""
        };
        format!(
            "This server answers only to localhost, an IP address or its machine's name, not to \
             {host:?}: otherwise a web page elsewhere could read it (DNS rebinding).\n\
             Open {}{elsewhere}.\n",
            self.home
        )
    }
}

/// The name the machine calls itself, if it has one other than `localhost`.
#[cfg(unix)]
fn machine_name() -> Option<String> {
    let uname = rustix::system::uname();
    let name = uname.nodename().to_str().ok()?;
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    (!name.is_empty() && name != "localhost").then_some(name)
}

#[cfg(not(unix))]
fn machine_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_names_only() {
        let hosts = Hosts {
            machine: Some("lab-7".to_string()),
            home: "http://127.0.0.1:1111/".to_string(),
            shared: false,
        };
        for (host, allowed) in [
            ("127.0.0.1:1111", true),
            ("127.0.0.1", true),
            ("10.0.0.5:8080", true),
            ("localhost", true),
            ("localhost:1111", true),
            ("LOCALHOST:1111", true),
            ("localhost.:1111", true),
            ("[::1]:1111", true),
            ("[::1]", true),
            ("[fe80::1]", true),
            ("lab-7:1111", true),
            ("Lab-7.local", true),
            ("attacker.example", false),
            ("attacker.example:1111", false),
            ("127.0.0.1.attacker.example", false),
            ("localhost.attacker.example", false),
            ("sub.localhost", false),
            ("lab-7.attacker.example", false),
            ("attacker.example@127.0.0.1", false),
            ("::1", false),
            ("[not-an-ip]", false),
            ("", false),
            ("localhost:port", false),
            ("localhost:99999", false),
            ("localhost:", false),
        ] {
            assert_eq!(hosts.allows(host), allowed, "{host:?}");
        }
        let nameless = Hosts {
            machine: None,
            ..hosts
        };
        assert!(!nameless.allows("lab-7"));
    }

    #[test]
    fn a_refusal_says_where_to_go() {
        let everywhere = Hosts::new("0.0.0.0:1111".parse().unwrap());
        let told = everywhere.refusal("attacker.example");
        assert!(told.contains("\"attacker.example\""), "{told}");
        assert!(
            told.contains("Open http://127.0.0.1:1111/ on this machine"),
            "{told}"
        );
        let here = Hosts::new("[::1]:2222".parse().unwrap());
        assert!(here.refusal("x").contains("Open http://[::1]:2222/.\n"));
        let there = Hosts::new("192.168.1.20:1111".parse().unwrap());
        assert!(
            there
                .refusal("x")
                .contains("Open http://192.168.1.20:1111/ on")
        );
    }
}
