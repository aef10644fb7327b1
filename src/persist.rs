//! What the What-if view keeps on this device (localStorage): the scenario and the price book being
//! edited. Never credentials (see `credentials`).

const SCENARIO: &str = "tally.scenario";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved scenario JSON, if any.
pub fn load_scenario() -> Option<String> {
    storage()?.get_item(SCENARIO).ok()?
}

/// Saves the scenario JSON.
pub fn save_scenario(json: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(SCENARIO, json);
    }
}

/// The scenario in the page's URL fragment (`#s=...`), if a shared link was opened.
pub fn scenario_from_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let encoded = hash.strip_prefix("#s=")?;
    String::from_utf8(tally_core::share::decode(encoded)?).ok()
}

/// A link to this page that carries the scenario in its fragment (never sent to a server).
pub fn share_link(json: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let href = location.href().ok()?;
    let base = href.split('#').next().unwrap_or(&href);
    Some(format!("{base}#s={}", tally_core::share::encode(json.as_bytes())))
}
