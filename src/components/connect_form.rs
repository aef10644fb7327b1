use leptos::prelude::*;
use tally_core::{default_base_url, FetchPlan, PlanField, Source};

use crate::credentials;
use crate::fetcher::{fetch_all, CancelHandle};
use crate::engine::Origin;
use crate::state::{Adding, AppState, View};


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

/// What the provider calls its credential, as the form's label and messages say it.
fn credential_name(source: Source) -> &'static str {
    match source {
        Source::Hyperstack | Source::Elastic => "API key",
        Source::Aether | Source::Cu => "token",
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

/// Why the page's own Content-Security-Policy would refuse a fetch of `base`, if it would: the
/// browser reports such a refusal as a bare network error, so the form checks first.
fn refused_by_policy(base: &str) -> Option<String> {
    let policy = document()
        .query_selector("meta[http-equiv='Content-Security-Policy']")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))?;
    let origin = web_sys::window()?.location().origin().ok()?;
    tally_core::ConnectPolicy::parse(&policy).refusal(base.trim(), &origin)
}

/// A field of the form that can be wrong, in the form's order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Base,
    Org,
    Credential,
    To,
}

impl Field {
    fn of(field: PlanField) -> Field {
        match field {
            PlanField::BaseUrl => Field::Base,
            PlanField::Organization => Field::Org,
            PlanField::PeriodEnd => Field::To,
        }
    }

    /// The id of the message under the field, for `aria-describedby` (and the tests).
    fn error_id(self) -> &'static str {
        match self {
            Field::Base => "connect-base-error",
            Field::Org => "connect-org-error",
            Field::Credential => "connect-credential-error",
            Field::To => "connect-to-error",
        }
    }
}

/// What the form says is wrong, field by field; empty when the last submit was fine.
#[derive(Clone, Copy)]
struct Problems(RwSignal<Vec<(Field, String)>>);

impl Problems {
    fn of(self, field: Field) -> Option<String> {
        self.0.with(|all| all.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    }

    /// Editing a field takes its message away; the others stay until the next submit.
    fn clear(self, field: Field) {
        if self.0.with_untracked(|all| all.iter().any(|(f, _)| *f == field)) {
            self.0.update(|all| all.retain(|(f, _)| *f != field));
        }
    }

    fn invalid(self, field: Field) -> impl Fn() -> Option<&'static str> + Copy {
        move || self.of(field).map(|_| "true")
    }

    fn described_by(self, field: Field) -> impl Fn() -> Option<&'static str> + Copy {
        move || self.of(field).map(|_| field.error_id())
    }
}

/// The message under a field, when it has one.
#[component]
fn FieldMessage(problems: Problems, field: Field) -> impl IntoView {
    move || problems.of(field).map(|m| view! { <span class="field-error" id=field.error_id() data-testid=field.error_id()>{m}</span> })
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
    let problems = Problems(RwSignal::new(Vec::new()));
    let submit = NodeRef::<leptos::html::Button>::new();
    let (base_input, org_input, credential_input, to_input) = (NodeRef::new(), NodeRef::new(), NodeRef::new(), NodeRef::new());
    let focus = move |field: Field| {
        let input: Option<web_sys::HtmlInputElement> = match field {
            Field::Base => base_input.get_untracked(),
            Field::Org => org_input.get_untracked(),
            Field::Credential => credential_input.get_untracked(),
            Field::To => to_input.get_untracked(),
        };
        if let Some(input) = input {
            let _ = input.focus();
        }
    };

    let on_source = move |ev: leptos::ev::Event| {
        let Some(s) = Source::from_id(&event_target_value(&ev)) else { return };
        source.set(s);
        base.set(suggested_base(s));
        let kept = credentials::remembered(s);
        remember.set(kept.is_some());
        credential.set(kept.unwrap_or_default());
        from.set(String::new());
        to.set(String::new());
        problems.0.set(Vec::new());
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
        // "This month so far" is the month of the page's `as_of` (now, unless the address fixes
        // it), as the Summary's forecast is: not the machine's clock, which can disagree.
        let today = state.as_of.get_untracked().date_naive();
        let (f, t) = match s {
            Source::Cu => (parse_month_start(&from.get_untracked()), parse_month_end(&to.get_untracked())),
            _ => (parse_day(&from.get_untracked()), parse_day(&to.get_untracked())),
        };
        let plan = FetchPlan { source: s, base_url: base.get_untracked(), org_id: org.get_untracked(), from: f, to: t };
        let token = credential.get_untracked();
        let mut found: Vec<(Field, String)> = plan.problems(today).into_iter().map(|p| (Field::of(p.field), p.message.to_string())).collect();
        if !found.iter().any(|(field, _)| *field == Field::Base) {
            if let Some(refusal) = refused_by_policy(&plan.base_url) {
                found.insert(0, (Field::Base, refusal));
            }
        }
        if token.trim().is_empty() {
            // In the form's order: the credential comes before the period.
            let at = found.iter().position(|(field, _)| *field == Field::To).unwrap_or(found.len());
            found.insert(at, (Field::Credential, format!("Enter the {}.", credential_name(s))));
        }
        if let Some((first, _)) = found.first() {
            let first = *first;
            problems.0.set(found);
            focus(first);
            return;
        }
        problems.0.set(Vec::new());
        let Ok(requests) = plan.requests(today) else { return };
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
                    // The form (and the focused button) is gone: the focus goes to the view shown.
                    crate::dom::focus_view_after_redraw();
                }
                // The last good data stays loaded; only the message changes. The button was
                // disabled while fetching (and Cancel is gone), which took the focus: the button
                // gets it back.
                Err(e) => {
                    if e != "cancelled" {
                        state.error(e);
                    }
                    request_animation_frame(move || {
                        if let Some(button) = submit.get_untracked() {
                            let _ = button.focus();
                        }
                    });
                }
            }
        });
    };

    view! {
        <form class="connect" data-testid="connect-form" on:submit=connect novalidate>
            <div class="form-grid">
                <div class="field">
                    <label for="connect-provider">"Provider"</label>
                    <select id="connect-provider" data-testid="connect-provider" on:change=on_source>
                        {Source::ALL.iter().map(|s| { let s = *s; view! { <option value=s.id() selected=move || source.get() == s>{s.display_name()}</option> } }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="connect-base">"API base URL"</label>
                    <input type="url" id="connect-base" data-testid="connect-base" node_ref=base_input
                        aria-invalid=problems.invalid(Field::Base) aria-describedby=problems.described_by(Field::Base)
                        prop:value=move || base.get() on:input=move |ev| { problems.clear(Field::Base); base.set(event_target_value(&ev)) }/>
                    <FieldMessage problems field=Field::Base/>
                </div>
                <Show when=move || source.get() != Source::Hyperstack>
                    <div class="field">
                        <label for="connect-org">"Organization ID"</label>
                        <input type="text" id="connect-org" data-testid="connect-org" autocomplete="off" spellcheck="false" node_ref=org_input
                            placeholder=move || if source.get() == Source::Aether { "the organization's UUID" } else { "your organization id" }
                            aria-invalid=problems.invalid(Field::Org) aria-describedby=problems.described_by(Field::Org)
                            prop:value=move || org.get() on:input=move |ev| { problems.clear(Field::Org); org.set(event_target_value(&ev)) }/>
                        <FieldMessage problems field=Field::Org/>
                    </div>
                </Show>
                <div class="field">
                    <label for="connect-credential">{move || match source.get() {
                        Source::Hyperstack => "API key (sent as the api_key header)",
                        Source::Elastic => "API key (sent as Authorization: ApiKey)",
                        _ => "Token (sent as Authorization: Bearer)",
                    }}</label>
                    <input type="password" id="connect-credential" data-testid="connect-credential" autocomplete="off" node_ref=credential_input
                        aria-invalid=problems.invalid(Field::Credential) aria-describedby=problems.described_by(Field::Credential)
                        prop:value=move || credential.get() on:input=move |ev| { problems.clear(Field::Credential); credential.set(event_target_value(&ev)) }/>
                    <FieldMessage problems field=Field::Credential/>
                </div>
                <Show when=move || matches!(source.get(), Source::Elastic | Source::Cu)>
                    <div class="field">
                        <label for="connect-from">"From"</label>
                        <input type=move || if source.get() == Source::Cu { "month" } else { "date" } id="connect-from" data-testid="connect-from"
                            prop:value=move || from.get() on:input=move |ev| { problems.clear(Field::To); from.set(event_target_value(&ev)) }/>
                    </div>
                    <div class="field">
                        <label for="connect-to">"To"</label>
                        <input type=move || if source.get() == Source::Cu { "month" } else { "date" } id="connect-to" data-testid="connect-to" node_ref=to_input
                            aria-invalid=problems.invalid(Field::To) aria-describedby=problems.described_by(Field::To)
                            prop:value=move || to.get() on:input=move |ev| { problems.clear(Field::To); to.set(event_target_value(&ev)) }/>
                        <FieldMessage problems field=Field::To/>
                    </div>
                </Show>
            </div>
            <label class="check">
                <input type="checkbox" data-testid="connect-remember" prop:checked=move || remember.get() on:change=on_remember/>
                <span>"Remember the credential on this device (stored in this browser's localStorage)"</span>
            </label>
            <p class="field-error" role="alert" data-testid="connect-field-error">{move || match problems.0.with(Vec::len) {
                0 => String::new(),
                1 => "One field needs attention.".to_string(),
                n => format!("{n} fields need attention."),
            }}</p>
            <p class="muted">{move || match source.get() {
                Source::Elastic => "One request per calendar month of the period (Elastic refuses ranges over three months). Empty dates mean this month so far.",
                Source::Cu => "One request per month of the period. Empty months mean this month.",
                Source::Aether => "Month-to-date usage and subscriptions.",
                Source::Hyperstack => "Every VM and volume with its billing history.",
            }}</p>
            <div class="button-row">
                <button type="submit" class="primary" data-testid="connect-submit" node_ref=submit disabled=move || running.get()>
                    {move || if running.get() { "Fetching…" } else { "Connect and fetch" }}
                </button>
                <Show when=move || running.get()>
                    <button type="button" data-testid="connect-cancel" on:click=move |_| cancel.with_value(CancelHandle::cancel)>"Cancel"</button>
                </Show>
            </div>
        </form>
    }
}
