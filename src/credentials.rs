//! Where a credential lives: in memory by default; in localStorage only when the user ticks
//! "remember on this device", and removed the moment they untick it.

use tally_core::Source;

fn key(source: Source) -> String {
    format!("tally.credential.{}", source.id())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The remembered credential for a provider, if the user chose to keep one.
pub fn remembered(source: Source) -> Option<String> {
    storage()?.get_item(&key(source)).ok()?
}

/// Keeps a credential on this device (the user opted in).
pub fn remember(source: Source, credential: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&key(source), credential);
    }
}

/// Forgets a provider's credential.
pub fn forget(source: Source) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(source));
    }
}
