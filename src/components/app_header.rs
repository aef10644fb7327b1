use leptos::prelude::*;

use crate::state::{AppState, View};

/// The header: product name, the view tabs and the theme switch.
#[component]
pub fn AppHeader() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The theme chosen on an earlier visit, else the system's (`prefers-color-scheme`).
    let dark = RwSignal::new(crate::persist::starts_dark());
    Effect::new(move |_| {
        let theme = if dark.get() { "dark" } else { "light" };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme);
        }
    });
    view! {
        <header class="header">
            <a class="skip" href="#main">"Skip to content"</a>
            <span class="brand" aria-label="Tally">"Tally"</span>
            <nav class="tabs" aria-label="Views">
                {View::ALL
                    .into_iter()
                    .map(|v| {
                        // Links, so a view opens in a new tab too; a plain click switches here.
                        view! {
                            <a
                                class="tab"
                                href=crate::route::href(v)
                                data-testid=format!("nav-{}", v.id())
                                aria-current=move || (state.view.get() == v).then_some("page")
                                on:click=move |ev: leptos::ev::MouseEvent| {
                                    if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                                        ev.prevent_default();
                                        state.view.set(v);
                                    }
                                }
                            >
                                {v.label()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <button
                class="theme-toggle"
                data-testid="theme-toggle"
                aria-pressed=move || dark.get().to_string()
                on:click=move |_| {
                    dark.update(|d| *d = !*d);
                    crate::persist::save_theme(dark.get_untracked());
                }
            >
                // One name, its state in `aria-pressed` (a name that flipped too would read "Light
                // theme, pressed" while the dark one is on).
                "Dark theme"
            </button>
        </header>
    }
}
