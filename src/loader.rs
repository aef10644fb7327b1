//! Getting bodies into the app: bundled samples over HTTP, files, pasted text.

use std::sync::Arc;

use gloo_net::http::Request;
use leptos::prelude::*;
use tally_core::PriceBook;
use wasm_bindgen::JsCast;

use crate::state::{Adding, AppState};

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

/// Fetches a same-origin file.
async fn get(url: &str) -> Result<gloo_net::http::Response, String> {
    let response = Request::get(url).send().await.map_err(|e| format!("could not fetch {url}: {e}"))?;
    if !response.ok() {
        return Err(format!("could not fetch {url}: HTTP {}", response.status()));
    }
    Ok(response)
}

/// Fetches a same-origin file as bytes.
async fn get_bytes(url: &str) -> Result<Vec<u8>, String> {
    get(url).await?.binary().await.map_err(|e| format!("could not read {url}: {e}"))
}

/// Fetches a same-origin file as a `Blob`, which goes to the engine without a copy in the page.
async fn get_blob(url: &str) -> Result<web_sys::Blob, String> {
    let response: web_sys::Response = get(url).await?.into();
    let promise = response.blob().map_err(|_| format!("could not read {url}"))?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| format!("could not read {url}"))?;
    blob.dyn_into().map_err(|_| format!("could not read {url}"))
}

/// Loads a bundled sample (replacing what is loaded), with its price book.
pub async fn load_sample(state: AppState, sample: Sample) {
    load_sample_from(state, sample, String::new()).await;
}

/// Loads a bundled sample from under `base` (the widget's asset URL; empty = this page's).
pub async fn load_sample_from(state: AppState, sample: Sample, base: String) {
    state.busy.set(Some(format!("Loading {}…", sample.label)));
    let fetched = async {
        let body = get_blob(&format!("{base}{}", sample.usage)).await?;
        let book = match sample.prices {
            Some(path) => {
                let bytes = get_bytes(&format!("{base}{path}")).await?;
                Some(PriceBook::parse(&bytes).map_err(|e| e.in_file(path).to_string())?)
            }
            None => None,
        };
        Ok::<_, String>((body, book))
    }
    .await;
    state.busy.set(None);
    let result = match fetched {
        Ok((body, book)) => state.load("bundled sample".to_string(), body, Adding::Sample).await.map(|()| book),
        Err(e) => Err(e),
    };
    match result {
        Ok(book) => {
            let source = state.datasets.get_untracked().last().map(|d| d.meta.source.display_name());
            let book = book.map(Arc::new);
            state.sample_book.set_value(book.clone());
            state.book.set(book.map(|b| (format!("{} sample prices", source.unwrap_or("sample")), b)));
            state.notice.set(None);
        }
        Err(e) if e == "cancelled" => {}
        Err(e) => state.error(format!("{}: {e}", sample.usage)),
    }
}

/// Reads a body the user gave (file or paste) in the engine and adds it to what is loaded (in
/// place of a sample, see [`Adding`]): `Ok(true)` when loaded, `Ok(false)` when the user cancelled.
/// On failure nothing loaded before is touched, and the message (also shown) names the file and
/// field.
pub async fn load_body(state: AppState, label: &str, body: web_sys::Blob) -> Result<bool, String> {
    let had_sample = state.datasets.with_untracked(|list| list.iter().any(|d| d.sample));
    match state.load(label.to_string(), body, Adding::OwnData).await {
        Ok(()) => {
            state.info(if had_sample { format!("Loaded {label}, in place of the sample.") } else { format!("Loaded {label}.") });
            Ok(true)
        }
        Err(e) if e == "cancelled" => Ok(false),
        Err(e) => {
            let message = format!("{label}: {e}");
            state.error(message.clone());
            Err(message)
        }
    }
}

/// A `Blob` holding `text` (a paste, a body from the embedding page).
pub fn text_blob(text: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser could not hold the text".to_string())
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
