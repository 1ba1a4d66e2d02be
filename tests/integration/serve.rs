//! `cutover serve`: pages from memory, live reload, a broken edit shown over the last good
//! site, recovery, one rebuild for a burst of changes, and a clean stop on Ctrl-C; only its
//! own host names answered, redirects to paths, and half-sent requests that cannot lock
//! anyone out. Every wait is on an event (a log line, a reload, a closed connection),
//! bounded by a timeout. Every connection is to 127.0.0.1.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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

    /// Sends `request` as it is and returns the whole response: `request` asks the server
    /// to close the connection after it.
    fn raw(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).expect("the server accepts");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .unwrap_or_else(|e| panic!("no whole response to {request:?}: {e}"));
        String::from_utf8_lossy(&response).into_owned()
    }

    /// `GET path` with the header `Host: host`, or none: the whole response.
    fn get_as(&self, path: &str, host: Option<&str>) -> String {
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
        ))
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

/// The status line of a response.
fn status(response: &str) -> &str {
    response.lines().next().unwrap_or("")
}

/// The value of a response's header `name`.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

// A page on a name its attacker controls, resolved to 127.0.0.1 (DNS rebinding), would
// otherwise read the coordinators' checklists.
#[test]
fn answers_only_to_its_own_names() {
    let site = site_copy("small");
    let server = Server::start(site.path());
    let port = server.address.rsplit(':').next().unwrap().to_string();
    let page = "/coordinators/units/physics/";
    for host in [
        server.address.clone(),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        "LocalHost".to_string(),
        "localhost.".to_string(),
        format!("[::1]:{port}"),
        "192.168.1.20:8080".to_string(),
    ] {
        let response = server.get_as(page, Some(&host));
        assert!(
            status(&response).contains("200"),
            "Host: {host}\n{response}"
        );
    }
    // Only browsers are led by a web page, and every browser sends Host.
    let response = server.raw(&format!("GET {page} HTTP/1.0\r\n\r\n"));
    assert!(status(&response).contains("200"), "{response}");

    let refused = [
        format!(
            "GET {page} HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"
        ),
        format!("GET {page} HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"),
        format!(
            "GET {page} HTTP/1.1\r\nHost: 127.0.0.1.attacker.example\r\nConnection: close\r\n\r\n"
        ),
        format!(
            "GET {page} HTTP/1.1\r\nHost: localhost.attacker.example\r\nConnection: close\r\n\r\n"
        ),
        format!(
            "GET http://attacker.example{page} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \
                close\r\n\r\n"
        ),
        "GET /__cutover/events HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
            .to_string(),
        "GET /nothing-here HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
            .to_string(),
    ];
    for request in refused {
        let response = server.raw(&request);
        assert!(status(&response).contains("421"), "{request}\n{response}");
        assert!(!response.contains("Physics"), "{response}");
        assert!(
            response.contains(&format!("http://127.0.0.1:{port}/")),
            "says where to go instead: {response}"
        );
    }
}

#[test]
fn redirects_folders_to_a_path_and_answers_404() {
    let site = site_copy("small");
    let server = Server::start(site.path());
    for (asked, location) in [
        ("/coordinators", "/coordinators/"),
        (
            "/coordinators/units/physics",
            "/coordinators/units/physics/",
        ),
        // Not `//coordinators/`: a browser reads that as the host `coordinators`.
        ("//coordinators", "/coordinators/"),
        (
            "///coordinators/units/physics",
            "/coordinators/units/physics/",
        ),
        ("/%2Fcoordinators", "/coordinators/"),
    ] {
        let response = server.get_as(asked, Some("127.0.0.1"));
        assert!(status(&response).contains("308"), "{asked}\n{response}");
        assert_eq!(header(&response, "location"), Some(location), "{asked}");
    }
    let response = server.get_as("/coordinators/nothing-here", Some("127.0.0.1"));
    assert!(status(&response).contains("404"), "{response}");
    assert!(response.contains("No page at /coordinators/nothing-here"));
    assert!(
        response.contains("/__cutover/events"),
        "a 404 reloads too, for the page that is being written"
    );
}

/// The sockets the process `pid` has open (Linux: `/proc`), or `None` where it can't be told.
fn sockets(pid: u32) -> Option<usize> {
    let open = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(
        open.filter_map(Result::ok)
            .filter_map(|fd| fs::read_link(fd.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .count(),
    )
}

// Requests whose headers never end used to hold their connection for ever: enough of them
// and nobody else was answered.
#[test]
fn half_sent_requests_time_out_and_lock_nobody_out() {
    /// More than the server keeps open at once.
    const SLOW: usize = 260;
    let site = site_copy("small");
    let server = Server::start(site.path());
    // Opened first, it must outlive the header timeout: its request was whole.
    let reloads = server.reloads();

    // The listener's, the signal handler's and the event stream's.
    let before = sockets(server.child.id());
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut stream = TcpStream::connect(&server.address).expect("connects");
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Waiting: ")
                .unwrap();
            stream
        })
        .collect();
    // And one that says nothing at all.
    slow.push(TcpStream::connect(&server.address).expect("connects"));

    // The server holds a bounded number of them; the rest wait to be accepted.
    if let Some(before) = before {
        thread::sleep(Duration::from_secs(1));
        let held = sockets(server.child.id())
            .unwrap_or(0)
            .saturating_sub(before);
        assert!(held <= 200, "the server holds {held} more sockets");
    }

    // A whole request is answered, at worst once the first half-sent ones have timed out.
    let response = server.get_as("/coordinators/", Some("127.0.0.1"));
    assert!(status(&response).contains("200"), "{response}");

    // Every half-sent request is closed by the server, in time.
    for (i, stream) in slow.iter_mut().enumerate() {
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("half-sent request {i} still open: {e}"),
        }
    }

    // The reload stream is still open.
    let unit = site.path().join("data/units/physics.yaml");
    edit(
        &unit,
        "name: Department of Physics",
        "name: Department of Physics and Astronomy",
    );
    reloads
        .recv_timeout(WAIT)
        .expect("a reload, on the stream opened before the timeouts");
}

// Each open page keeps an event stream: enough of them must not take every connection.
#[test]
fn event_streams_are_bounded() {
    let site = site_copy("small");
    let server = Server::start(site.path());
    let request = "GET /__cutover/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let mut streams = Vec::new();
    let refused = loop {
        assert!(streams.len() <= 100, "100 event streams open at once");
        let mut stream = TcpStream::connect(&server.address).expect("connects");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        BufReader::new(&stream)
            .read_line(&mut line)
            .expect("a status line");
        if line.contains("200") {
            streams.push(stream);
            continue;
        }
        break line;
    };
    assert!(refused.contains("503"), "{refused}");
    // Pages are still served.
    assert!(server.get("/coordinators/").contains("Coordinators"));
}

#[test]
fn an_address_other_machines_reach_is_warned_of() {
    let site = site_copy("small");
    // An address of the documentation's, which this machine does not have: the warning
    // comes with the first build, and then nothing can listen.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["serve", "--root", site.path().to_str().unwrap()])
        .args(["--bind", "192.0.2.1", "--port", "0", "--today", TODAY])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("cutover serve starts");
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > WAIT {
            let _ = child.kill();
            panic!("cutover serve listened on 192.0.2.1");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains(
            "warning: serving on 192.0.2.1, which other machines can reach: anyone on the \
             network can read the names, emails and extensions of the audiences with personal \
             data (coordinators)"
        ),
        "{log}"
    );
    assert!(log.contains("listening on 192.0.2.1:0"), "{log}");
}
