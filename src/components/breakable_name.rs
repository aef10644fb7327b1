use leptos::prelude::*;

/// A resource name or type in a narrow table cell, which may wrap after its separators
/// (`node.gpu-l40s-1` as `node.` `gpu-` `l40s-1`) rather than inside a word. The text is the
/// same: only `<wbr>` elements are added.
#[component]
pub fn BreakableName(
    /// The name.
    text: String,
) -> impl IntoView {
    name_pieces(&text).into_iter().map(|piece| view! { {piece}<wbr/> }).collect_view()
}

/// `text` cut after each `.`, `_`, `-`, `/` and `:` (one piece, maybe empty, when it has none).
pub fn name_pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if matches!(c, '.' | '_' | '-' | '/' | ':') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}
