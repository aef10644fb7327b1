//! Live fetches with gloo-net: the provider's own credential header, a timeout, a cancel, and
//! retries with back-off on 429 and 5xx (honouring `Retry-After`). The rules (URLs, delays, error
//! messages) come from `tally_core::connect`; this file only talks HTTP.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use tally_core::{http_error, is_retryable, retry_delay_ms, PlannedRequest, Source};
use wasm_bindgen::prelude::*;

/// How long one request may take.
pub const TIMEOUT_MS: i32 = 30_000;
/// Retries after the first attempt, for 429 and 5xx.
pub const MAX_RETRIES: u32 = 3;

/// Lets the user cancel a fetch in progress.
#[derive(Clone, Default)]
pub struct CancelHandle {
    cancelled: Rc<Cell<bool>>,
    controller: Rc<std::cell::RefCell<Option<web_sys::AbortController>>>,
}

impl CancelHandle {
    /// Stops the fetch: aborts the request under way and any retry.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(c) = self.controller.borrow().as_ref() {
            c.abort();
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn host(url: &str) -> &str {
    url.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or(url)
}

/// Fetches one planned request, retrying as the rules say. `progress` receives status lines.
async fn fetch_one(source: Source, req: &PlannedRequest, credential: &str, cancel: &CancelHandle, progress: &dyn Fn(String)) -> Result<web_sys::Blob, String> {
    let mut attempt = 0;
    loop {
        if cancel.is_cancelled() {
            return Err("Fetch cancelled.".into());
        }
        let controller = web_sys::AbortController::new().map_err(|_| "this browser cannot make cancellable requests".to_string())?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = Rc::clone(&timed_out);
            Closure::once(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let timer_id = web_sys::window()
            .and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(timer.as_ref().unchecked_ref(), TIMEOUT_MS).ok());
        *cancel.controller.borrow_mut() = Some(controller.clone());
        let value = format!("{}{}", req.scheme, credential);
        let sent = Request::get(&req.url).header(req.header, &value).abort_signal(Some(&controller.signal())).send().await;
        if let (Some(id), Some(w)) = (timer_id, web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
        drop(timer);
        let response = match sent {
            Ok(r) => r,
            Err(_) if cancel.is_cancelled() => return Err("Fetch cancelled.".into()),
            Err(_) if timed_out.get() => {
                return Err(format!("{}: no answer from {} within {} s; the service may be slow or down", req.label, host(&req.url), TIMEOUT_MS / 1000))
            }
            Err(_) => {
                return Err(format!(
                    "{}: could not reach {}: the network is down, the address is wrong, or the server does not allow requests from this page (CORS)",
                    req.label,
                    host(&req.url)
                ))
            }
        };
        let status = response.status();
        if (200..300).contains(&status) {
            // Kept as a Blob and read (and checked) by the engine, off the page's thread: a month
            // of hourly usage never passes through the page's memory.
            let raw: web_sys::Response = response.into();
            let blob = match raw.blob() {
                Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|b| b.dyn_into::<web_sys::Blob>().ok()),
                Err(_) => None,
            };
            return blob.ok_or_else(|| format!("{}: the answer from {} could not be read", req.label, host(&req.url)));
        }
        let body = response.binary().await.unwrap_or_default();
        if is_retryable(status) {
            let retry_after = response.headers().get("retry-after");
            if let Some(delay) = retry_delay_ms(attempt, retry_after.as_deref(), MAX_RETRIES) {
                attempt += 1;
                progress(format!("{}: HTTP {status}, retrying in {:.1} s (attempt {} of {})…", req.label, delay as f64 / 1000.0, attempt + 1, MAX_RETRIES + 1));
                sleep(i32::try_from(delay).unwrap_or(30_000)).await;
                continue;
            }
        }
        return Err(http_error(source, status, &body, &req.label).to_string());
    }
}

/// Fetches every planned request in order; all succeed or the first failure is returned.
pub async fn fetch_all(
    source: Source,
    requests: &[PlannedRequest],
    credential: &str,
    cancel: &CancelHandle,
    progress: &dyn Fn(String),
) -> Result<Vec<web_sys::Blob>, String> {
    let mut out = Vec::with_capacity(requests.len());
    for (i, req) in requests.iter().enumerate() {
        progress(format!("Fetching {} {} ({} of {})…", source.display_name(), req.label, i + 1, requests.len()));
        out.push(fetch_one(source, req, credential, cancel, progress).await?);
    }
    Ok(out)
}
