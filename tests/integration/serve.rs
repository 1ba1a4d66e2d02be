//! `cutover serve`: pages from memory, live reload, a broken edit shown over the last good
//! site, recovery, one rebuild for a burst of changes, and a clean stop on Ctrl-C. Every
//! wait is on an event (a log line, a reload), bounded by a timeout.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

use crate::{TODAY, site_copy};

/// Generous: CI machines are slow, and nothing waits this long when things work.
const WAIT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    address: String,
    log: Receiver<String>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cutover"))
            .args([
                "serve",
                "--root",
                root.to_str().unwrap(),
                "--port",
                "0",
                "--today",
                TODAY,
            ])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("cutover serve starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, log) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            address: String::new(),
            log,
        };
        let line = server.wait_for("serving ");
        let start = line.find("http://").expect("the address is printed") + "http://".len();
        server.address = line[start..].split('/').next().unwrap().to_string();
        server
    }

    /// The next log line containing `needle`.
    fn wait_for(&self, needle: &str) -> String {
        loop {
            let line = self
                .log
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no log line with `{needle}`"));
            if line.contains(needle) {
                return line;
            }
        }
    }

    fn get(&self, path: &str) -> String {
        let mut response = ureq::get(format!("http://{}{path}", self.address))
            .call()
            .expect("the page is served");
        response.body_mut().read_to_string().unwrap()
    }

    /// Listens for reload events; returns once the subscription is open.
    fn reloads(&self) -> Receiver<()> {
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready) = mpsc::channel();
        let url = format!("http://{}/__cutover/events", self.address);
        thread::spawn(move || {
            let response = ureq::get(url).call().expect("the event stream opens");
            let _ = ready_tx.send(());
            let reader = BufReader::new(response.into_body().into_reader());
            for line in reader.lines().map_while(Result::ok) {
                if line == "event: reload" && tx.send(()).is_err() {
                    break;
                }
            }
        });
        ready.recv_timeout(WAIT).expect("the event stream opens");
        rx
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    // As editors save: write a temporary file, then rename it over the old one.
    let temp = path.with_extension("yaml.swp");
    fs::write(&temp, text.replace(from, to)).unwrap();
    fs::rename(&temp, path).unwrap();
}

#[test]
fn serves_reloads_survives_a_broken_edit_and_stops_cleanly() {
    let site = site_copy("small");
    let server = Server::start(site.path());
    let page = "/coordinators/units/physics/";
    let html = server.get(page);
    assert!(html.contains("<h1>Department of Physics</h1>"));
    assert!(
        html.contains("/__cutover/events"),
        "the reload script is injected"
    );
    assert!(
        !site.path().join("public").exists(),
        "serve writes nothing into the root"
    );

    let reloads = server.reloads();
    let unit = site.path().join("data/units/physics.yaml");
    edit(
        &unit,
        "name: Department of Physics",
        "name: Department of Physics and Astronomy",
    );
    reloads.recv_timeout(WAIT).expect("a reload after the edit");
    assert!(
        server
            .get(page)
            .contains("<h1>Department of Physics and Astronomy</h1>")
    );

    // A broken edit: the error over the last good page, and the server goes on.
    edit(&unit, "    decision: stay\n", "    decision: maybe\n");
    reloads
        .recv_timeout(WAIT)
        .expect("a reload after the broken edit");
    server.wait_for("still serving the last good site");
    let html = server.get(page);
    assert!(html.contains("<h1>Department of Physics and Astronomy</h1>"));
    assert!(html.contains("The last change does not build"));
    assert!(
        html.contains("data/units/physics.yaml:21: `decision: maybe` is not allowed"),
        "{html}"
    );
    assert!(
        server
            .get("/staying/")
            .contains("The last change does not build"),
        "on every page"
    );

    // The next good save recovers.
    edit(&unit, "    decision: maybe\n", "    decision: stay\n");
    reloads.recv_timeout(WAIT).expect("a reload after the fix");
    assert!(!server.get(page).contains("The last change does not build"));

    // A burst of 200 files (as a `git checkout` makes) is one rebuild, two at most.
    let burst = site.path().join("content/burst");
    fs::create_dir_all(&burst).unwrap();
    for i in 0..200 {
        fs::write(
            burst.join(format!("page-{i}.md")),
            format!("---\ntitle: Page {i}\ndraft: true\n---\nText.\n"),
        )
        .unwrap();
    }
    reloads
        .recv_timeout(WAIT)
        .expect("a reload after the burst");
    let mut more = 0;
    while reloads.recv_timeout(Duration::from_secs(2)).is_ok() {
        more += 1;
    }
    assert!(more <= 1, "{} rebuilds for one burst", more + 1);

    // An input folder moved away and back (as a branch switch does) is watched again.
    let content = site.path().join("content");
    let aside = site.path().join("content-aside");
    fs::rename(&content, &aside).unwrap();
    fs::rename(&aside, &content).unwrap();
    reloads
        .recv_timeout(WAIT)
        .expect("a reload after the folder came back");
    while reloads.recv_timeout(Duration::from_millis(500)).is_ok() {}
    let deciding = content.join("deciding.md");
    fs::write(
        &deciding,
        fs::read_to_string(&deciding)
            .unwrap()
            .replace("Hunt groups move whole.", "Hunt groups move as one."),
    )
    .unwrap();
    reloads
        .recv_timeout(WAIT)
        .expect("a reload after editing in the folder that came back");
    assert!(
        server
            .get("/coordinators/deciding/")
            .contains("Hunt groups move as one.")
    );

    // Ctrl-C stops it, cleanly.
    let mut server = server;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    server.wait_for("stopped");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
