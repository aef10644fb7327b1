//! Getting bodies into the app: bundled samples over HTTP, files, pasted text.

use std::sync::Arc;

use gloo_net::http::Request;
use leptos::prelude::*;
use tally_core::{read_usage, PriceBook};

use crate::state::AppState;

/// A bundled sample: a provider body shipped with the app (and its price book, for Aether).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Identifier (`aether`).
    pub id: &'static str,
    /// What the user sees.
    pub label: &'static str,
    /// Path of the body under the app.
    pub usage: &'static str,
    /// Path of its price book, if it needs one.
    pub prices: Option<&'static str>,
}

/// The four bundled samples.
pub const SAMPLES: [Sample; 4] = [
    Sample { id: "aether", label: "Aether: November usage and subscriptions", usage: "fixtures/aether/usage.json", prices: Some("fixtures/aether/prices.json") },
    Sample { id: "hyperstack", label: "Hyperstack: VMs and volumes", usage: "fixtures/hyperstack/usage.json", prices: None },
    Sample { id: "elastic", label: "Elastic Cloud: deployment costs", usage: "fixtures/elastic/usage.json", prices: None },
    Sample { id: "cu", label: "CU credits: workflow usage", usage: "fixtures/cu/usage.json", prices: None },
];

/// Fetches a same-origin file as bytes.
async fn get_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = Request::get(url).send().await.map_err(|e| format!("could not fetch {url}: {e}"))?;
    if !response.ok() {
        return Err(format!("could not fetch {url}: HTTP {}", response.status()));
    }
    response.binary().await.map_err(|e| format!("could not read {url}: {e}"))
}

/// Loads a bundled sample (replacing what is loaded), with its price book.
pub async fn load_sample(state: AppState, sample: Sample) {
    load_sample_from(state, sample, String::new()).await;
}

/// Loads a bundled sample from under `base` (the widget's asset URL; empty = this page's).
pub async fn load_sample_from(state: AppState, sample: Sample, base: String) {
    state.busy.set(Some(format!("Loading {}…", sample.label)));
    let result = async {
        let bytes = get_bytes(&format!("{base}{}", sample.usage)).await?;
        let usage = read_usage(&bytes, None).map_err(|e| e.in_file(sample.usage).to_string())?;
        let book = match sample.prices {
            Some(path) => {
                let bytes = get_bytes(&format!("{base}{path}")).await?;
                Some(PriceBook::parse(&bytes).map_err(|e| e.in_file(path).to_string())?)
            }
            None => None,
        };
        Ok::<_, String>((usage, book))
    }
    .await;
    state.busy.set(None);
    match result {
        Ok((usage, book)) => {
            state.book.set(book.map(|b| (format!("{} sample prices", usage.source.display_name()), Arc::new(b))));
            state.add("bundled sample".to_string(), usage, true);
            state.notice.set(None);
        }
        Err(e) => state.error(e),
    }
}

/// Parses a body the user gave (file or paste) and adds it to what is loaded. On failure nothing
/// loaded before is touched, and the message names the field.
pub fn load_bytes(state: AppState, label: &str, bytes: &[u8]) -> bool {
    match read_usage(bytes, None) {
        Ok(usage) => {
            state.add(label.to_string(), usage, false);
            state.info(format!("Loaded {label}."));
            true
        }
        Err(e) => {
            state.error(e.in_file(label).to_string());
            false
        }
    }
}

/// Parses a price book the user gave.
pub fn load_book(state: AppState, label: &str, bytes: &[u8]) -> bool {
    match PriceBook::parse(bytes) {
        Ok(book) => {
            state.book.set(Some((label.to_string(), Arc::new(book))));
            state.info(format!("Price book {label} applied."));
            true
        }
        Err(e) => {
            state.error(e.in_file(label).to_string());
            false
        }
    }
}

/// Reads a browser `File` into bytes.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let promise = file.array_buffer();
    let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| format!("could not read {}", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
