//! When to retry: the detail's retry line and the countdown the root's timer keeps current
//! (also shown in the list).

use wasm_bindgen::JsValue;
use web_sys::Element;

use super::dom::{Builder, R};
use crate::core::diagnosis::Retry;
use crate::decode::time::{human_duration, parse_rfc3339};

/// "Retry in 4 minutes (at 14:32:05 your time)", kept ticking by the root's timer.
pub(super) fn retry_line(b: &Builder, parent: &Element, retry: &Retry) -> R<()> {
    let p = b.el(parent, "p", "w-retry")?;
    p.set_attribute("data-testid", "retry")?;
    let at_secs = retry.at.as_deref().and_then(parse_rfc3339);
    match at_secs {
        Some(at) => {
            b.append(&p, "Retry ")?;
            let count = b.text(&p, "span", "w-countdown", &countdown(at))?;
            count.set_attribute("data-until", &at.to_string())?;
            let local = js_sys::Date::new(&JsValue::from_f64(at as f64 * 1000.0));
            let time = local.to_locale_time_string("default");
            let mut text = String::from(" (at ");
            text.push_str(&String::from(time));
            text.push_str(" your time), as the ");
            text.push_str(&retry.source);
            text.push_str(" header says.");
            b.append(&p, &text)?;
        }
        None => {
            let text = format!(
                "Retry after {}, as the {} header says.",
                human_duration(retry.after_seconds),
                retry.source
            );
            b.append(&p, &text)?;
        }
    }
    Ok(())
}

/// "in 4 min 20 s" until `at` (seconds since the epoch), or "now".
pub fn countdown(at: i64) -> String {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let left = at.saturating_sub(now);
    if left <= 0 {
        return "now".to_string();
    }
    let left = left as u64;
    if left < 120 {
        format!("in {left} s")
    } else if left < 3600 {
        format!("in {} min {} s", left / 60, left % 60)
    } else {
        format!("in {}", human_duration(left))
    }
}
