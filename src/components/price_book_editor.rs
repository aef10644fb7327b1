use leptos::prelude::*;

use crate::book_draft::{BookDraft, EntryDraft, FxDraft, TierDraft};

/// The currencies an exchange rate can be given for: the providers' own and the usual books'.
const FX_CURRENCIES: [&str; 5] = ["USD", "EUR", "ECU", "CU", "GBP"];

const MODELS: [(&str, &str); 4] = [("per_unit", "Per unit"), ("graduated", "Graduated tiers"), ("volume", "Volume tiers"), ("package", "Package")];
const SOURCES: [(&str, &str); 5] = [("", "Any provider"), ("aether", "Aether"), ("hyperstack", "Hyperstack"), ("elastic", "Elastic Cloud"), ("cu", "CU usage")];

/// One editable text field of the book, marked invalid (with the message beside it) when the
/// validation error points at its path.
#[component]
fn BookField(
    /// Label shown to the user.
    label: &'static str,
    /// JSON path of the field (`prices[0].tiers[1].up_to`), matched against the error.
    path: String,
    /// Current text.
    value: Signal<String>,
    /// Called with the new text.
    on_input: Callback<String>,
    /// The current validation error (path, message).
    error: Signal<Option<(String, String)>>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    let p = path.clone();
    let message = Memo::new(move |_| error.get().filter(|(ep, _)| *ep == p).map(|(_, m)| m));
    let id = format!("book-{}", path.replace(['[', ']', '.'], "-"));
    let label_for = id.clone();
    view! {
        <label class="book-field" for=label_for>
            <span>{label}</span>
            <input id=id type="text" inputmode="decimal" data-path=path placeholder=placeholder
                class:invalid=move || message.get().is_some()
                aria-invalid=move || message.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))/>
            {move || message.get().map(|m| view! { <span class="field-error" role="alert" data-testid="field-error">{m}</span> })}
        </label>
    }
}

/// Edits a price book: per-unit, graduated, volume and package prices with tiers, validated as you
/// type with the message at the field.
#[component]
pub fn PriceBookEditor(
    /// The book being edited.
    draft: RwSignal<BookDraft>,
) -> impl IntoView {
    let error = Memo::new(move |_| draft.with(|d| d.validate().err()));
    let error_signal = Signal::derive(move || error.get());
    let next_id = move || draft.with_untracked(|d| d.entries.iter().map(|e| e.id).max().unwrap_or(0) + 1);
    let edit = move |id: u32, f: Box<dyn Fn(&mut EntryDraft) + Send + Sync>| {
        draft.update(|d| {
            if let Some(e) = d.entries.iter_mut().find(|e| e.id == id) {
                f(e);
            }
        });
    };
    let top_field = move |label: &'static str, key: &'static str| {
        let get = move || draft.with(|d| match key { "currency" => d.currency.clone(), "discount_percent" => d.discount_percent.clone(), "minimum_monthly" => d.minimum_monthly.clone(), _ => d.tax_percent.clone() });
        view! {
            <BookField label=label path=key.to_string() value=Signal::derive(get) error=error_signal
                on_input=Callback::new(move |v: String| draft.update(|d| match key {
                    "currency" => d.currency = v,
                    "discount_percent" => d.discount_percent = v,
                    "minimum_monthly" => d.minimum_monthly = v,
                    _ => d.tax_percent = v,
                }))/>
        }
    };
    view! {
        <div class="book-editor" data-testid="book-editor">
            <div class="book-top">
                {top_field("Currency", "currency")}
                {top_field("Discount %", "discount_percent")}
                {top_field("Minimum per month", "minimum_monthly")}
                {top_field("Tax %", "tax_percent")}
            </div>
            {move || error.get().filter(|(p, _)| p.is_empty()).map(|(_, m)| view! { <p class="field-error" role="alert">{m}</p> })}
            // Amounts in two currencies are never added without a rate (SPEC 3): here the user
            // gives one, e.g. Hyperstack's USD beside Aether's EUR.
            <fieldset class="book-fx" data-testid="book-fx">
                <legend>"Exchange rates"</legend>
                <p class="muted">"1 unit of a currency = this many units of the book's currency. Needed to add amounts in another currency."</p>
                <For each=move || draft.with(|d| d.fx.iter().map(|r| (r.id, r.currency.clone())).collect::<Vec<_>>())
                    key=|row| row.clone()
                    children=move |(id, currency)| {
                        let rate = Signal::derive(move || draft.with(|d| d.fx.iter().find(|r| r.id == id).map(|r| r.rate.clone()).unwrap_or_default()));
                        let set = move |f: Box<dyn Fn(&mut FxDraft) + Send + Sync>| draft.update(|d| { if let Some(r) = d.fx.iter_mut().find(|r| r.id == id) { f(r) } });
                        view! {
                            <div class="book-row" data-testid="fx-row">
                                <label class="book-field"><span>"Currency"</span>
                                    <select data-testid="fx-currency" on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |r| r.currency = v.clone())) }>
                                        // A loaded book's rate for a currency not listed keeps it as its option.
                                        {(!FX_CURRENCIES.contains(&currency.as_str())).then(|| view! { <option value=currency.clone() selected>{currency.clone()}</option> })}
                                        {FX_CURRENCIES.iter().map(|c| view! { <option value=*c selected=currency == *c>{*c}</option> }).collect_view()}
                                    </select>
                                </label>
                                <BookField label="Rate" path=format!("fx.{currency}") value=rate error=error_signal
                                    on_input=Callback::new(move |v: String| set(Box::new(move |r| r.rate = v.clone())))/>
                                <button type="button" class="link" aria-label=format!("Remove the {currency} rate")
                                    on:click=move |_| draft.update(|d| d.fx.retain(|r| r.id != id))>"Remove"</button>
                            </div>
                        }
                    }/>
                <button type="button" class="link" data-testid="add-fx" on:click=move |_| draft.update(|d| {
                    let id = d.fx.iter().map(|r| r.id).max().unwrap_or(0) + 1;
                    let unused = FX_CURRENCIES.iter().find(|c| !d.fx.iter().any(|r| r.currency == **c)).unwrap_or(&"USD");
                    d.fx.push(FxDraft { id, currency: (*unused).to_string(), rate: String::new() });
                })>"Add an exchange rate"</button>
            </fieldset>
            <For each=move || draft.with(|d| d.entries.iter().enumerate().map(|(i, e)| (i, e.id, e.model.clone(), e.tiers.len())).collect::<Vec<_>>())
                key=|(i, id, model, tiers)| (*i, *id, model.clone(), *tiers)
                children=move |(i, id, model, tier_count)| {
                    let at = move |f: &str| format!("prices[{i}].{f}");
                    let get = move |f: fn(&EntryDraft) -> String| Signal::derive(move || draft.with(|d| d.entries.iter().find(|e| e.id == id).map(f).unwrap_or_default()));
                    let set = move |f: fn(&mut EntryDraft, String)| Callback::new(move |v: String| edit(id, Box::new(move |e| f(e, v.clone()))));
                    let model_fields = match model.as_str() {
                        "graduated" | "volume" => view! {
                            <div class="tiers" data-testid="tiers">
                                {(0..tier_count).map(|t| {
                                    let up = Signal::derive(move || draft.with(|d| d.entries.iter().find(|e| e.id == id).and_then(|e| e.tiers.get(t)).map(|x| x.up_to.clone()).unwrap_or_default()));
                                    let pr = Signal::derive(move || draft.with(|d| d.entries.iter().find(|e| e.id == id).and_then(|e| e.tiers.get(t)).map(|x| x.unit_price.clone()).unwrap_or_default()));
                                    view! {
                                        <div class="tier">
                                            <BookField label="Up to (empty = no limit)" path=format!("prices[{i}].tiers[{t}].up_to") value=up error=error_signal
                                                on_input=Callback::new(move |v: String| edit(id, Box::new(move |e| if let Some(x) = e.tiers.get_mut(t) { x.up_to = v.clone() })))/>
                                            <BookField label="Unit price" path=format!("prices[{i}].tiers[{t}].unit_price") value=pr error=error_signal
                                                on_input=Callback::new(move |v: String| edit(id, Box::new(move |e| if let Some(x) = e.tiers.get_mut(t) { x.unit_price = v.clone() })))/>
                                            <button type="button" class="link" aria-label=format!("Remove tier {}", t + 1)
                                                on:click=move |_| edit(id, Box::new(move |e| { if e.tiers.len() > 1 { e.tiers.remove(t); } }))>"Remove tier"</button>
                                        </div>
                                    }
                                }).collect_view()}
                                <button type="button" class="link" data-testid="add-tier" on:click=move |_| edit(id, Box::new(|e| {
                                    let at = e.tiers.len().saturating_sub(1);
                                    e.tiers.insert(at, TierDraft::default());
                                }))>"Add a tier"</button>
                            </div>
                        }.into_any(),
                        "package" => view! {
                            <BookField label="Package size" path=at("package_size") value=get(|e| e.package_size.clone()) error=error_signal on_input=set(|e, v| e.package_size = v)/>
                            <BookField label="Package price" path=at("package_price") value=get(|e| e.package_price.clone()) error=error_signal on_input=set(|e, v| e.package_price = v)/>
                        }.into_any(),
                        _ => view! {
                            <BookField label="Unit price" path=at("unit_price") value=get(|e| e.unit_price.clone()) error=error_signal on_input=set(|e, v| e.unit_price = v)/>
                        }.into_any(),
                    };
                    view! {
                        <fieldset class="book-entry" data-testid="book-entry">
                            <legend>{format!("Price {}", i + 1)}</legend>
                            <div class="book-row">
                                <label class="book-field"><span>"Provider"</span>
                                    <select on:change=move |ev| { let v = event_target_value(&ev); edit(id, Box::new(move |e| e.source = v.clone())) }>
                                        {SOURCES.iter().map(|(v, l)| { let v = *v; view! { <option value=v selected=move || get(|e| e.source.clone()).get() == v>{*l}</option> } }).collect_view()}
                                    </select>
                                </label>
                                <BookField label="Resource type" path=at("resource_type") value=get(|e| e.resource_type.clone()) error=error_signal on_input=set(|e, v| e.resource_type = v) placeholder="any"/>
                                <BookField label="Unit" path=at("unit") value=get(|e| e.unit.clone()) error=error_signal on_input=set(|e, v| e.unit = v) placeholder="any"/>
                                <label class="book-field"><span>"Model"</span>
                                    <select data-testid="book-model" on:change=move |ev| { let v = event_target_value(&ev); edit(id, Box::new(move |e| e.model = v.clone())) }>
                                        {MODELS.iter().map(|(v, l)| { let v = *v; view! { <option value=v selected=model == v>{*l}</option> } }).collect_view()}
                                    </select>
                                </label>
                                <BookField label="Monthly flat fee" path=at("flat_fee") value=get(|e| e.flat_fee.clone()) error=error_signal on_input=set(|e, v| e.flat_fee = v) placeholder="none"/>
                            </div>
                            <div class="book-row">{model_fields}</div>
                            <button type="button" class="link" on:click=move |_| draft.update(|d| d.entries.retain(|e| e.id != id))>"Remove this price"</button>
                        </fieldset>
                    }
                }/>
            <button type="button" data-testid="add-price" on:click=move |_| { let id = next_id(); draft.update(|d| d.entries.push(EntryDraft::new(id))) }>"Add a price"</button>
        </div>
    }
}
