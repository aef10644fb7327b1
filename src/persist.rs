//! What the app keeps on this device (localStorage): the What-if scenario and the price book being
//! edited, and the theme chosen. Never credentials (see `credentials`).

const SCENARIO: &str = "tally.scenario";
const THEME: &str = "tally.theme";

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

/// Whether the page starts dark: the theme the user chose last, else the system's preference.
pub fn starts_dark() -> bool {
    match storage().and_then(|s| s.get_item(THEME).ok().flatten()).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Keeps the theme the user chose for their next visit.
pub fn save_theme(dark: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(THEME, if dark { "dark" } else { "light" });
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
