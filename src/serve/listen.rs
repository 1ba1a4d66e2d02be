//! Accepting connections: a bounded number at once, each closed when a request's headers
//! do not arrive in time, so that half-sent requests cannot lock everyone out.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Connections served at once, event streams included (at most [`super::http::EVENT_STREAMS`]).
/// Well under the 256 files a process may have open by default on macOS.
pub const CONNECTIONS: usize = 200;

/// How long a request's headers may take to arrive, from the opening of the connection or
/// the end of the last response on it: so also how long an idle connection is kept.
/// Browsers send headers at once; a response, such as the event stream, has no limit.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `app` on `listener`, for ever.
pub async fn serve(listener: TcpListener, app: Router) {
    let connections = Arc::new(Semaphore::new(CONNECTIONS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        // Waiting rather than refusing: a connection beyond the bound stays in the
        // system's queue until one closes, which the header timeout makes soon.
        let Ok(permit) = connections.clone().acquire_owned().await else {
            return;
        };
        let stream = accept(&listener).await;
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A client that went away, or sent nonsense, is nobody's error to print.
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// The next connection. A client's failure is passed over; the server's (too many open
/// files) is waited out, as connections close.
async fn accept(listener: &TcpListener) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return stream,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionAborted
                        | ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionRefused
                ) => {}
            Err(e) => {
                eprintln!("accepting a connection: {e}; trying again in a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
