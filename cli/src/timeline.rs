//! A timeline for people: one line per event, time as `mm:ss`, the
//! conversation, what happened and why.

use chatlife::format_clock;
use chatlife::scenario::{Output, Scenario};
use chatlife::State;
use chatlife::{Event, EventKind};

fn what(e: &Event) -> String {
    use EventKind::*;
    match &e.kind {
        ConversationStarted { policy, customer } => {
            format!("chat starts: customer {customer} (policy {policy})")
        }
        StateChanged { from, to, reason } => {
            format!("{} → {}   because {}", from.as_str(), to.as_str(), reason.as_str().replace('_', " "))
        }
        ParticipantJoined { participant, role } => format!("{} {participant} joins", role.as_str()),
        ParticipantLeft { participant, role, reason } => {
            format!("{} {participant} leaves ({})", role.as_str(), reason.as_str())
        }
        ParticipantIdle { participant, role } => {
            format!("{} {participant} is idle (notice, not in transcript)", role.as_str())
        }
        ParticipantReturned { participant, role } => {
            format!("{} {participant} is back from idle", role.as_str())
        }
        AutoDisconnected { participant, role, disconnected } => {
            let gone: Vec<&str> = disconnected.iter().map(|d| &**d).collect();
            format!("auto-disconnect on {} {participant}'s timer: {} removed", role.as_str(), gone.join(", "))
        }
        RoutedToDisconnectFlow => "routed to the disconnect flow".into(),
        BotDisconnectedBranch { participant } => {
            format!("flow takes the bot-disconnected branch ({participant})")
        }
        ConnectionLost { participant, role } => {
            format!("{} {participant} lost the connection; grace starts", role.as_str())
        }
        ConnectionRestored { participant, role } => {
            format!("{} {participant} is connected again", role.as_str())
        }
        CustomerDisconnected { participant } => {
            format!("customer {participant} is disconnected (grace ran out)")
        }
        TranscriptMessage { text, visible_to, .. } => {
            format!("transcript to {}: \"{text}\"", visible_to.as_str())
        }
        TimerConfigStored { timers } => {
            format!("timers stored for the next join: {}", serde_json::to_string(timers).unwrap())
        }
        ReconnectLinkIssued { .. } => "reconnect link issued (token withheld here)".into(),
        ReconnectOffered { customer } => {
            format!("customer {customer} is offered to continue this chat")
        }
        NoReconnectOffer { redirect_url } => match redirect_url {
            Some(url) => format!("nothing to continue; redirect to {url}"),
            None => "nothing to continue; a new chat starts".into(),
        },
        CustomerReconnected { participant, method, same_agent } => format!(
            "customer {participant} reconnects by {} ({})",
            method.as_str(),
            if *same_agent { "same agent" } else { "to be routed again" }
        ),
        ReconnectRefused { reason, redirect_url, .. } => format!(
            "reconnect refused: {}{}",
            reason.as_str(),
            redirect_url.as_ref().map_or(String::new(), |u| format!("; redirect to {u}"))
        ),
        ReconnectWindowExpired { .. } => "the reconnect window ran out".into(),
        CapacityChanged { agent, used, capacity } => format!(
            "agent {agent} now uses {used} of {} units",
            capacity.map_or("unbounded".to_string(), |c| c.to_string())
        ),
        ExpiryWarning { timer, participant, deadline } => format!(
            "warning: {}{} runs out at {} (notice, not in transcript)",
            timer.as_str().replace('_', " "),
            participant.as_ref().map_or(String::new(), |p| format!(" of {p}")),
            format_clock(*deadline).trim()
        ),
        ConversationInactive { since } => {
            format!("nobody has written since {}: the chat is inactive", format_clock(*since).trim())
        }
        HoldChanged { on_hold: true, reason } => format!("on hold ({})", reason.as_str().replace('_', " ")),
        HoldChanged { on_hold: false, reason } => format!("off hold ({})", reason.as_str().replace('_', " ")),
    }
}

/// Longer conversation ids overflow their column rather than widen every line.
const MAX_LANE_WIDTH: usize = 24;

pub fn render(scenario: &Scenario, lines: &[Output]) -> String {
    let mut out = String::new();
    if !scenario.name.is_empty() {
        out.push_str(&format!("# {}\n", scenario.name));
    }
    let width = lines
        .iter()
        .filter_map(|l| match l {
            Output::Event(e) => e.conversation.as_ref().map(|c| c.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, MAX_LANE_WIDTH);
    for line in lines {
        let (at, conv, text) = match line {
            Output::Event(e) => (e.at, e.conversation.as_deref().unwrap_or("·").to_string(), what(e)),
            Output::Rejected { step, at, error } => {
                (*at, "·".to_string(), format!("step {step} refused: {} ({})", error.message(), error.code()))
            }
        };
        out.push_str(&format!("{:>11}  {conv:<width$}  {text}\n", format_clock(at)));
    }
    out
}

/// One lane per conversation, coloured by state over time.
pub fn svg(lines: &[Output]) -> String {
    let events: Vec<&Event> =
        lines.iter().filter_map(|l| if let Output::Event(e) = l { Some(e) } else { None }).collect();
    let end = events.iter().map(|e| e.at).max().unwrap_or(0).max(1);
    let mut lanes: Vec<(String, Vec<(u64, State)>)> = Vec::new();
    // Per lane: when holds began and ended, and the moments of notices.
    let mut holds: Vec<Vec<(u64, Option<u64>)>> = Vec::new();
    let mut marks: Vec<Vec<(u64, &'static str, String)>> = Vec::new();
    for e in &events {
        let Some(conv) = e.conversation.as_deref() else {
            continue;
        };
        let lane = match lanes.iter().position(|(c, _)| c == conv) {
            Some(i) => i,
            None => {
                lanes.push((conv.to_string(), Vec::new()));
                holds.push(Vec::new());
                marks.push(Vec::new());
                lanes.len() - 1
            }
        };
        match &e.kind {
            EventKind::ConversationStarted { .. } => lanes[lane].1.push((e.at, State::Open)),
            EventKind::StateChanged { to, .. } => {
                lanes[lane].1.push((e.at, *to));
                // Leaving active ends a hold without a hold_changed (H3).
                if let Some(open) = holds[lane].last_mut().filter(|h| h.1.is_none()) {
                    open.1 = Some(e.at);
                }
            }
            EventKind::HoldChanged { on_hold: true, .. } => holds[lane].push((e.at, None)),
            EventKind::HoldChanged { on_hold: false, .. } => {
                if let Some(open) = holds[lane].last_mut().filter(|h| h.1.is_none()) {
                    open.1 = Some(e.at);
                }
            }
            EventKind::ExpiryWarning { timer, .. } => {
                marks[lane].push((e.at, "#e6550d", format!("warning: {}", timer.as_str())))
            }
            EventKind::ConversationInactive { .. } => marks[lane].push((e.at, "#636363", "inactive".into())),
            _ => {}
        }
    }
    let (left, width, row) = (120.0, 800.0, 30.0);
    let x = |t: u64| left + width * t as f64 / end as f64;
    let colour = |s: State| match s {
        State::Open => "#9ecae1",
        State::Active => "#31a354",
        State::Waiting => "#fdae6b",
        State::WrapUp => "#9e9ac8",
        State::Closed => "#d9d9d9",
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n",
        left + width + 20.0,
        row * (lanes.len() as f64 + 2.0)
    );
    for (i, (conv, spans)) in lanes.iter().enumerate() {
        let y = row * (i as f64 + 1.0);
        out.push_str(&format!("<text x=\"4\" y=\"{}\">{}</text>\n", y + 15.0, xml(conv)));
        for (j, (start, state)) in spans.iter().enumerate() {
            let stop = spans.get(j + 1).map_or(end, |s| s.0);
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"20\" fill=\"{}\"><title>{} from {}</title></rect>\n",
                x(*start),
                (x(stop) - x(*start)).max(1.0),
                colour(*state),
                state.as_str(),
                format_clock(*start)
            ));
        }
        for &(start, stop) in &holds[i] {
            let stop = stop.unwrap_or(end);
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"8\" fill=\"#fee391\" stroke=\"#cc4c02\"><title>on hold from {}</title></rect>\n",
                x(start),
                y + 6.0,
                (x(stop) - x(start)).max(1.0),
                format_clock(start)
            ));
        }
        for (at, colour, title) in &marks[i] {
            out.push_str(&format!(
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{colour}\" stroke-width=\"2\"><title>{title} at {3}</title></line>\n",
                x(*at),
                y - 2.0,
                y + 22.0,
                format_clock(*at)
            ));
        }
    }
    let y = row * (lanes.len() as f64 + 1.5);
    out.push_str(&format!(
        "<text x=\"{left}\" y=\"{y}\">00:00</text><text x=\"{}\" y=\"{y}\" text-anchor=\"end\">{}</text>\n",
        left + width,
        format_clock(end)
    ));
    out.push_str("</svg>\n");
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
