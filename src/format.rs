//! Locale-aware display of exact amounts and dates, through the browser's `Intl`.
//!
//! Amounts go to `Intl.NumberFormat` as decimal *strings*, which it formats exactly (no `f64` on the
//! way), with the currency's minor-unit decimals.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_decimal::Decimal;
use tally_core::minor_unit;
use wasm_bindgen::JsValue;

/// The user's locale (`navigator.language`), or `en-US`.
pub fn locale() -> String {
    web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_else(|| "en-US".into())
}

/// What a number formatter is for: locale, decimals and currency (none for plain numbers).
type FormatterKey = (String, u32, Option<String>);

thread_local! {
    /// Formatters by (locale, decimals, currency): building an `Intl.NumberFormat` costs about a
    /// millisecond (the page's first currency one 70-80 ms, loading the browser's currency data),
    /// and a breakdown table formats hundreds of amounts.
    static FORMATTERS: RefCell<HashMap<FormatterKey, js_sys::Function>> = RefCell::default();
}

/// The bound `format` function of a number formatter.
fn number_format(decimals: u32, currency: Option<&str>) -> Option<js_sys::Function> {
    let key = (locale(), decimals, currency.map(str::to_string));
    if let Some(f) = FORMATTERS.with(|m| m.borrow().get(&key).cloned()) {
        return Some(f);
    }
    let options = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&options, &JsValue::from_str(k), &v).ok();
    if let Some(code) = currency {
        set("style", JsValue::from_str("currency"));
        set("currency", JsValue::from_str(code));
    }
    set("minimumFractionDigits", JsValue::from(decimals));
    set("maximumFractionDigits", JsValue::from(decimals));
    let locales = js_sys::Array::of1(&JsValue::from_str(&key.0));
    let f = js_sys::Intl::NumberFormat::new(&locales, &options).format();
    FORMATTERS.with(|m| m.borrow_mut().insert(key, f.clone()));
    Some(f)
}

fn format_with(f: Option<js_sys::Function>, text: &str) -> Option<String> {
    f?.call1(&JsValue::NULL, &JsValue::from_str(text)).ok()?.as_string()
}

/// `1234.5` in EUR -> `€1,234.50` (en-US) or `1.234,50 €` (de-DE). ECU and CU, which are not ISO
/// currencies, are written after the number.
pub fn money(amount: &Decimal, currency: &str) -> String {
    money_with(amount, currency, minor_unit(currency))
}

/// A difference, with a `+` when it is an increase (`+€3.87`; a decrease has its own minus sign).
pub fn difference(amount: &Decimal, currency: &str) -> String {
    let sign = if *amount > Decimal::ZERO { "+" } else { "" };
    format!("{sign}{}", money(amount, currency))
}

/// An axis label: only the decimals the (round) value needs, so "20,000 CU", not
/// "20,000.0000 CU", which the chart's margin cannot hold.
pub fn axis_money(amount: &Decimal, currency: &str) -> String {
    money_with(amount, currency, amount.normalize().scale().min(minor_unit(currency)))
}

fn money_with(amount: &Decimal, currency: &str, decimals: u32) -> String {
    let iso = currency.len() == 3 && currency != "ECU" && currency.chars().all(|c| c.is_ascii_uppercase());
    let text = amount.to_string();
    if iso {
        if let Some(s) = format_with(number_format(decimals, Some(currency)), &text) {
            return s;
        }
    }
    let number = format_with(number_format(decimals, None), &text).unwrap_or(text);
    format!("{number} {currency}")
}

/// A plain exact number, localized, with up to 4 decimals kept as given.
pub fn quantity(amount: &Decimal) -> String {
    let d = amount.normalize();
    format_with(number_format(d.scale().min(6), None), &d.to_string()).unwrap_or_else(|| d.to_string())
}

/// `2026-11` -> `November 2026` in the user's locale.
pub fn month_label(key: &str) -> String {
    let Some((y, m)) = key.split_once('-') else { return key.to_string() };
    let (Ok(y), Ok(m)) = (y.parse::<u32>(), m.parse::<u32>()) else { return key.to_string() };
    let date = js_sys::Date::new_with_year_month_day(y, m as i32 - 1, 15);
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"month".into(), &"long".into());
    let _ = js_sys::Reflect::set(&options, &"year".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    date.to_locale_date_string(&locale(), &options).as_string().unwrap_or_else(|| key.to_string())
}

/// A date (`2026-12-16`) in the user's locale.
pub fn date_label(key: &str) -> String {
    let parts: Vec<u32> = key.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, d] = parts[..] else { return key.to_string() };
    let date = js_sys::Date::new_with_year_month_day(y, m as i32 - 1, d as i32);
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string(&locale(), &options).as_string().unwrap_or_else(|| key.to_string())
}

/// An instant (RFC 3339, as the summary's `as_of`) as the user reads one: `Nov 30, 2026, 8:02 PM
/// UTC` in the user's locale, in UTC as every figure is; the text itself if it is not one.
pub fn instant_label(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    let text = date.to_locale_string(&locale(), &options).as_string().unwrap_or_else(|| rfc3339.to_string());
    format!("{text} UTC")
}

/// "1 hour", "3 hours": a count and its noun (English plural by `s`).
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A whole count with the locale's digit grouping ("1,000,000").
pub fn count(n: usize) -> String {
    number_format(0, None).and_then(|f| f.call1(&JsValue::NULL, &JsValue::from(n as f64)).ok()?.as_string()).unwrap_or_else(|| n.to_string())
}
