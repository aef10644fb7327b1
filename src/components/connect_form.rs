use leptos::prelude::*;
use tally_core::{default_base_url, FetchPlan, Source};

use crate::credentials;
use crate::fetcher::{fetch_all, CancelHandle};
use crate::engine::Origin;
use crate::state::{Adding, AppState, View};

fn today() -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default().date_naive()
}

/// The local mock's address when the app itself is served locally, else the provider's.
fn suggested_base(source: Source) -> String {
    let local = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost");
    if local {
        format!("http://127.0.0.1:8081/{}", source.id())
    } else {
        default_base_url(source).to_string()
    }
}

fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    tally_core::parse_date(text)
}

fn parse_month_start(text: &str) -> Option<chrono::NaiveDate> {
    tally_core::Month::parse(text).map(tally_core::Month::first_day)
}

fn parse_month_end(text: &str) -> Option<chrono::NaiveDate> {
    tally_core::Month::parse(text).and_then(|m| m.days().last())
}

/// Fetches live usage from a provider's API with its own credential header, a loading state, a
/// cancel button, a timeout and retries. The credential stays in memory unless the user ticks
/// "remember on this device"; it never goes into a URL, a log or a message.
#[component]
pub fn ConnectForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let d = state.drafts;
    let (source, base, org, credential, remember, from, to) = (d.source, d.base, d.org, d.credential, d.remember, d.from, d.to);
    if base.get_untracked().is_empty() {
        let s = source.get_untracked();
        base.set(suggested_base(s));
        if let Some(kept) = credentials::remembered(s) {
            credential.set(kept);
            remember.set(true);
        }
    }
    let running = RwSignal::new(false);
    let cancel = StoredValue::new_local(CancelHandle::default());
    let field_error = RwSignal::new(None::<String>);

    let on_source = move |ev: leptos::ev::Event| {
        let Some(s) = Source::from_id(&event_target_value(&ev)) else { return };
        source.set(s);
        base.set(suggested_base(s));
        let kept = credentials::remembered(s);
        remember.set(kept.is_some());
        credential.set(kept.unwrap_or_default());
        from.set(String::new());
        to.set(String::new());
        field_error.set(None);
    };
    let on_remember = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        remember.set(on);
        if !on {
            credentials::forget(source.get_untracked());
        }
    };
    let connect = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if running.get_untracked() {
            return;
        }
        let s = source.get_untracked();
        let (f, t) = match s {
            Source::Cu => (parse_month_start(&from.get_untracked()), parse_month_end(&to.get_untracked())),
            _ => (parse_day(&from.get_untracked()), parse_day(&to.get_untracked())),
        };
        let plan = FetchPlan { source: s, base_url: base.get_untracked(), org_id: org.get_untracked(), from: f, to: t };
        let requests = match plan.requests(today()) {
            Ok(r) => r,
            Err(e) => {
                field_error.set(Some(e.to_string()));
                return;
            }
        };
        let token = credential.get_untracked();
        if token.trim().is_empty() {
            field_error.set(Some("credential: required".into()));
            return;
        }
        field_error.set(None);
        if remember.get_untracked() {
            credentials::remember(s, &token);
        }
        let handle = CancelHandle::default();
        cancel.set_value(handle.clone());
        running.set(true);
        state.notice.set(None);
        leptos::task::spawn_local(async move {
            let progress = move |text: String| state.busy.set(Some(text));
            let result = fetch_all(s, &requests, token.trim(), &handle, &progress).await;
            state.busy.set(None);
            running.set(false);
            let label = match requests.as_slice() {
                [one] => format!("{} {}", s.display_name(), one.label),
                [first, .., last] => format!("{} {} to {}", s.display_name(), first.label, last.label),
                [] => s.display_name().to_string(),
            };
            let loaded = match result {
                Ok(bodies) if bodies.is_empty() => Err("Nothing was fetched.".to_string()),
                Ok(bodies) => {
                    let from = Origin::Fetched {
                        source: s,
                        ranges: requests.iter().map(|r| r.range.map(|(a, b)| (tally_core::rfc3339(a), tally_core::rfc3339(b)))).collect(),
                        labels: requests.iter().map(|r| r.label.clone()).collect(),
                    };
                    state.load_from(label.clone(), from, bodies, Adding::OwnData).await
                }
                Err(e) => Err(e),
            };
            match loaded {
                Ok(()) => {
                    state.info(format!("Fetched {label}."));
                    state.view.set(View::Summary);
                }
                Err(e) if e == "cancelled" => {}
                // The last good data stays loaded; only the message changes.
                Err(e) => state.error(e),
            }
        });
    };

    view! {
        <form class="connect" data-testid="connect-form" on:submit=connect novalidate>
            <div class="form-grid">
                <label>
                    <span>"Provider"</span>
                    <select data-testid="connect-provider" on:change=on_source>
                        {Source::ALL.iter().map(|s| { let s = *s; view! { <option value=s.id() selected=move || source.get() == s>{s.display_name()}</option> } }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>"API base URL"</span>
                    <input type="url" data-testid="connect-base" prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev))/>
                </label>
                <Show when=move || source.get() != Source::Hyperstack>
                    <label>
                        <span>"Organization ID"</span>
                        <input type="text" data-testid="connect-org" autocomplete="off" spellcheck="false"
                            placeholder=move || if source.get() == Source::Aether { "6513270e-269e-4d37-b2a7-4de452e6b438" } else { "your organization id" }
                            prop:value=move || org.get() on:input=move |ev| org.set(event_target_value(&ev))/>
                    </label>
                </Show>
                <label>
                    <span>{move || match source.get() {
                        Source::Hyperstack => "API key (sent as the api_key header)",
                        Source::Elastic => "API key (sent as Authorization: ApiKey)",
                        _ => "Token (sent as Authorization: Bearer)",
                    }}</span>
                    <input type="password" data-testid="connect-credential" autocomplete="off"
                        prop:value=move || credential.get() on:input=move |ev| credential.set(event_target_value(&ev))/>
                </label>
                <Show when=move || matches!(source.get(), Source::Elastic | Source::Cu)>
                    <label>
                        <span>"From"</span>
                        <input type=move || if source.get() == Source::Cu { "month" } else { "date" } data-testid="connect-from"
                            prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    </label>
                    <label>
                        <span>"To"</span>
                        <input type=move || if source.get() == Source::Cu { "month" } else { "date" } data-testid="connect-to"
                            prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    </label>
                </Show>
            </div>
            <label class="check">
                <input type="checkbox" data-testid="connect-remember" prop:checked=move || remember.get() on:change=on_remember/>
                <span>"Remember the credential on this device (stored in this browser's localStorage)"</span>
            </label>
            {move || field_error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="connect-field-error">{e}</p> })}
            <p class="muted">{move || match source.get() {
                Source::Elastic => "One request per calendar month of the period (Elastic refuses ranges over three months). Empty dates mean this month so far.",
                Source::Cu => "One request per month of the period. Empty months mean this month.",
                Source::Aether => "Month-to-date usage and subscriptions.",
                Source::Hyperstack => "Every VM and volume with its billing history.",
            }}</p>
            <div class="button-row">
                <button type="submit" class="primary" data-testid="connect-submit" disabled=move || running.get()>
                    {move || if running.get() { "Fetching…" } else { "Connect and fetch" }}
                </button>
                <Show when=move || running.get()>
                    <button type="button" data-testid="connect-cancel" on:click=move |_| cancel.with_value(CancelHandle::cancel)>"Cancel"</button>
                </Show>
            </div>
        </form>
    }
}
