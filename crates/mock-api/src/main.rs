//! `tally-mock-api`: a local stand-in for the four provider APIs (SPEC section 1), so the app's
//! "Connect" works out of the box and its tests use real HTTP. Std-only HTTP/1.1, one thread per
//! connection, CORS for the app's origin.
//!
//! Credentials: any non-empty token works, except these, which ask for a failure on purpose:
//! `fail-400`, `fail-401`, `fail-403`, `fail-404`, `fail-429`, `fail-500` (that status with the
//! provider's own error body), `flaky-429` / `flaky-500` (fails, then succeeds, in turn), `slow-<ms>`
//! (answers after that delay), `not-json` (an HTML page with status 200). The organization
//! `00000000-0000-0000-0000-000000000000` does not exist (404).

mod http;
mod providers;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let mut port = 8081u16;
    let mut latency = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).unwrap_or(port),
            "--latency-ms" => latency = args.next().and_then(|p| p.parse().ok()).unwrap_or(0),
            "--help" | "-h" => {
                println!("tally-mock-api [--port 8081] [--latency-ms 0]\nServes /aether, /hyperstack, /elastic and /cu on 127.0.0.1.");
                return;
            }
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tally-mock-api: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("tally-mock-api: listening on http://127.0.0.1:{port}");
    let state = Arc::new(providers::State::default());
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            if latency > 0 {
                std::thread::sleep(Duration::from_millis(latency));
            }
            http::serve(stream, |req| providers::route(&state, req));
        });
    }
}
