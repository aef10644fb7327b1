use leptos::prelude::*;

/// What-if estimates. Not built yet: the core's scenario engine comes first.
#[component]
pub fn WhatIfPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="whatif-title">
            <h1 id="whatif-title">"What-if"</h1>
            <p class="empty" data-testid="not-built">
                "Not built yet. What-if estimates (scaling usage, changing prices, adding nodes) will live here. "
                "Until then, load a price book on the Data view to reprice usage."
            </p>
        </section>
    }
}
