use leptos::prelude::*;

use crate::state::AppState;

/// The latest error or notice, and a busy indicator. Errors are announced to screen readers.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || state.busy.get().map(|text| view! {
            <div class="busy" role="status" data-testid="busy"><span class="spinner" aria-hidden="true"></span>{text}</div>
        })}
        {move || state.notice.get().map(|n| {
            let class = if n.is_error { "notice error" } else { "notice info" };
            let role = if n.is_error { "alert" } else { "status" };
            view! {
                <div class=class role=role data-testid=if n.is_error { "error" } else { "info" }>
                    <span class="notice-text">{n.text}</span>
                    <button class="dismiss" aria-label="Dismiss message" on:click=move |_| state.notice.set(None)>"×"</button>
                </div>
            }
        })}
    }
}
