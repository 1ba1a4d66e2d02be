//! The HTTP side: files from memory, the reload event stream, and the error overlay.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::State;
use super::hosts::Hosts;
use crate::escape::escape;

/// Where open pages listen for rebuilds.
pub const EVENTS: &str = "/__cutover/events";

/// Event streams open at once: one per open page, each holding its connection for as long
/// as the page is open, so they must leave room among [`super::listen::CONNECTIONS`]. A
/// page beyond them is served but does not reload itself.
pub const EVENT_STREAMS: usize = 50;

/// What a path must have encoded to be a `Location`: `/` stays, between segments.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub fn router(state: Arc<State>, hosts: Arc<Hosts>) -> Router {
    Router::new()
        .route(EVENTS, get(events))
        .fallback(get(file))
        .with_state(state)
        .layer(middleware::from_fn_with_state(hosts, own_names_only))
}

/// Refuses a request that calls the server by a name not its own (see [`Hosts`]). One
/// without a `Host` is answered: every browser sends one, and only a browser can be led
/// by a web page.
async fn own_names_only(
    Extract(hosts): Extract<Arc<Hosts>>,
    request: Request,
    next: Next,
) -> Response {
    let target = request.uri().authority().map(|a| a.as_str());
    let headers = request.headers().get_all(header::HOST).iter();
    let mut named = target
        .into_iter()
        .chain(headers.map(|h| h.to_str().unwrap_or("")));
    if let Some(wrong) = named.find(|host| !hosts.allows(host)) {
        let mut response = (StatusCode::MISDIRECTED_REQUEST, hosts.refusal(wrong)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    next.run(request).await
}

/// One `reload` event per build.
async fn events(Extract(state): Extract<Arc<State>>) -> Response {
    let Ok(stream) = state.streams.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many pages are open to reload them all: close some and reload the others.\n",
        )
            .into_response();
    };
    let builds = BroadcastStream::new(state.builds.subscribe()).map(move |_| {
        // Held while the stream is open.
        let _ = &stream;
        Ok::<_, Infallible>(Event::default().event("reload").data("build"))
    });
    Sse::new(builds)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The page or file at `uri`, from the last good build.
async fn file(Extract(state): Extract<Arc<State>>, uri: Uri) -> Response {
    let (files, error) = {
        let current = state
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (current.files.clone(), current.error.clone())
    };
    // `/Guide%202027.txt` is the file `Guide 2027.txt`.
    let decoded = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    let path = decoded.trim_start_matches('/');
    let wanted = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    if let Some(bytes) = files.get(&wanted) {
        return page(&wanted, bytes, error.as_deref(), StatusCode::OK);
    }
    // A folder asked for without its slash: relative links need the slash.
    if files.contains_key(&format!("{path}/index.html")) {
        // One slash before the path, however many came: to a browser, `//name/` is the
        // host `name`. Encoded, since a header holds only plain characters.
        let location = format!("/{}/", utf8_percent_encode(path, PATH));
        return Redirect::permanent(&location).into_response();
    }
    let body = match (&error, files.is_empty()) {
        (Some(_), true) => "<!DOCTYPE html><html lang=\"en\"><head><meta \
            charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site does not \
                build yet</h1><p>Correct the error and save: this page \
                    reloads.</p></main></body></html>"
            .to_string(),
        _ => format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not \
            found</title></head><body><main><h1>Not found</h1><p>No page at /{}. <a \
                href=\"/\">Start again</a>.</p></main></body></html>",
            escape(path)
        ),
    };
    page(
        "404.html",
        body.as_bytes(),
        error.as_deref(),
        StatusCode::NOT_FOUND,
    )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn page(path: &str, bytes: &[u8], error: Option<&str>, status: StatusCode) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        inject(&String::from_utf8_lossy(bytes), error).into_bytes()
    } else {
        bytes.to_vec()
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // Always the latest build.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the reload script, and the error overlay when the last build failed. Only the
/// server does this: built files never carry either.
pub fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::new();
    if let Some(error) = error {
        extra.push_str(
            "<div id=\"cutover-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 \
                0;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff;color:#0b0c0c;border-top:6px solid #d4351c;padding:1rem 1.5rem;font:16px/1.4 system-ui,sans-serif;box-shadow:0 -4px 12px rgba(0,0,0,.3)\">\
             <h2 style=\"margin:0 0 .5rem;font-size:1.2rem;color:#0b0c0c\">The last change does \
                 not build</h2>\
             <p style=\"margin:0 0 .5rem\">This is the last good version. Correct the file and \
                 save: the page reloads.</p>\
             <pre style=\"white-space:pre-wrap;margin:0;font:14px/1.4 ui-monospace,monospace\">",
        );
        extra.push_str(&escape(error));
        extra.push_str("</pre></div>");
    }
    extra.push_str(&format!(
        "<script>new EventSource(\"{EVENTS}\").addEventListener(\"reload\", () => \
            location.reload());</script>"
    ));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_is_escaped_and_before_the_body_ends() {
        let html = inject(
            "<html><body><p>x</p></body></html>",
            Some("error[x]: a.yaml:3: <b>bad</b>"),
        );
        assert!(html.ends_with("</script></body></html>"));
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;"));
        assert!(html.contains("role=\"alert\""));
        assert!(!inject("<body></body>", None).contains("cutover-error"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("a/timeline.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            content_type("a/units/x/checklist.csv"),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            content_type("a/units/x/checklist.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(content_type("a/blob"), "application/octet-stream");
    }
}
