//! `warnings` (§12): for each timer that ends something, 1–3 distinct lead
//! times of 10s–1h before its deadline.

use serde::Deserialize;

use super::durations::WarningLead;
use crate::time::{format_duration, Millis};
use crate::vocab::Warned;

/// Most leads one timer may have.
pub const MAX_LEADS: usize = 3;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWarnings {
    customer_auto_disconnect: Option<Vec<WarningLead>>,
    agent_auto_disconnect: Option<Vec<WarningLead>>,
    inactivity: Option<Vec<WarningLead>>,
    hold: Option<Vec<WarningLead>>,
    auto_close: Option<Vec<WarningLead>>,
    max_duration: Option<Vec<WarningLead>>,
    reconnect_window: Option<Vec<WarningLead>>,
}

/// Leads per warned timer, longest first (W2 arms them in that order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings {
    leads: [Vec<Millis>; Warned::ALL.len()],
    /// Whether any timer warns: asked on every arm and every message.
    any: bool,
}

impl Warnings {
    /// The leads of one timer, longest first; empty when it gives no warning.
    pub fn leads(&self, timer: Warned) -> &[Millis] {
        &self.leads[timer as usize]
    }

    pub fn is_empty(&self) -> bool {
        !self.any
    }

    /// `path` is the JSON path of `warnings`, for the messages.
    pub(crate) fn resolve(raw: RawWarnings, path: &str) -> Result<Warnings, String> {
        let given = [
            raw.customer_auto_disconnect,
            raw.agent_auto_disconnect,
            raw.inactivity,
            raw.hold,
            raw.auto_close,
            raw.max_duration,
            raw.reconnect_window,
        ];
        let mut out = Warnings::default();
        for (timer, list) in Warned::ALL.into_iter().zip(given) {
            let Some(list) = list else { continue };
            let at = format!("{path}.{}", timer.as_str());
            if list.is_empty() || list.len() > MAX_LEADS {
                return Err(format!("{at}: must hold 1 to {MAX_LEADS} lead times, not {}", list.len()));
            }
            let mut leads: Vec<Millis> = list.into_iter().map(|b| b.0).collect();
            leads.sort_unstable_by(|a, b| b.cmp(a));
            if let Some(w) = leads.windows(2).find(|w| w[0] == w[1]) {
                return Err(format!("{at}: the lead {} appears twice", format_duration(w[0])));
            }
            out.leads[timer as usize] = leads;
            out.any = true;
        }
        Ok(out)
    }

    /// The JSON shape, for `Config::to_value`.
    pub(crate) fn to_value(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for timer in Warned::ALL {
            let leads = self.leads(timer);
            if !leads.is_empty() {
                map.insert(timer.as_str().into(), leads.iter().map(|&l| format_duration(l)).collect());
            }
        }
        serde_json::Value::Object(map)
    }
}
