//! Random merged histories: several chats sharing agents, signed-in and
//! anonymous customers, reconnects by link and prompt, refusals of every kind.
//!
//! Times: every command of chat `i` falls on millisecond `10 + i` of its
//! second, an agent's `set_agent_capacity` on `500 + j`, an identity's
//! `returning_customer` on `700 + j`, an `advance` on 999; the configuration's
//! durations are whole seconds. So no two chats ever do anything in the same
//! millisecond, and the order between them is the one of their times.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{json, Map, Value};

use crate::story::{Link, Step, Story};

struct Rng(ChaCha8Rng);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }
    fn chance(&mut self, per_cent: u64) -> bool {
        self.below(100) < per_cent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

struct Chat {
    id: String,
    customer: String,
    identity: Option<String>,
    policy: String,
    started: bool,
    links: usize,
}

/// Shapes of a history: how many of each, and how long.
pub struct Shape {
    pub chats: (u64, u64),
    pub agents: (u64, u64),
    pub steps: (u64, u64),
    /// Seconds between steps: mostly short, now and then long enough for timers.
    pub gap: u64,
    pub policies: &'static [&'static str],
}

pub const RANDOM: Shape =
    Shape { chats: (3, 6), agents: (1, 3), steps: (18, 36), gap: 90, policies: &["default", "default", "vip"] };

fn op(name: &str, fields: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("op".into(), json!(name));
    if let Value::Object(f) = fields {
        map.extend(f);
    }
    map
}

/// History `n` of a run seeded `seed`, at times from `base` (a multiple of 1000).
pub fn history(seed: u64, n: u64, base: u64, shape: &Shape) -> Story {
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(n)));
    let prefix = format!("h{seed}-{n}");
    let spread = |rng: &mut Rng, (lo, hi): (u64, u64)| lo + rng.below(hi - lo + 1);
    let n_chats = spread(&mut rng, shape.chats);
    let n_agents = spread(&mut rng, shape.agents);
    let identities = [format!("{prefix}-id0"), format!("{prefix}-id1")];
    let agents: Vec<String> = (0..n_agents).map(|j| format!("{prefix}-ag{j}")).collect();
    let mut chats: Vec<Chat> = (0..n_chats)
        .map(|i| Chat {
            // One id per history with a space and a non-ASCII letter: keys travel in URLs.
            id: if i == 1 { format!("{prefix} chät {i}") } else { format!("{prefix}-c{i}") },
            customer: format!("cu{i}"),
            identity: rng.chance(60).then(|| rng.pick(&identities).clone()),
            policy: rng.pick(shape.policies).to_string(),
            started: false,
            links: 0,
        })
        .collect();
    let mut story =
        Story { name: prefix.clone(), steps: Vec::new(), conversations: chats.iter().map(|c| c.id.clone()).collect() };
    let mut second = 1u64;
    let n_steps = spread(&mut rng, shape.steps);
    for _ in 0..n_steps {
        second += if rng.chance(12) { 150 + rng.below(1200) } else { 1 + rng.below(shape.gap) };
        let ci = rng.below(chats.len() as u64) as usize;
        let at_chat = base + second * 1000 + 10 + ci as u64;
        let agent = rng.pick(&agents).clone();
        let chat = &mut chats[ci];
        let conv = chat.id.clone();
        let someone = match rng.below(10) {
            0..=4 => chat.customer.clone(),
            5..=8 => agent.clone(),
            _ => "supervisor-1".into(),
        };
        let (at, fields, link) = if !chat.started && rng.chance(70) {
            chat.started = true;
            let mut f = json!({"conversation": conv, "customer": chat.customer, "policy": chat.policy});
            if let Some(identity) = &chat.identity {
                f["authenticated_as"] = json!(identity);
            }
            (at_chat, op("start_conversation", f), None)
        } else {
            match rng.below(100) {
                0..=17 => {
                    (at_chat, op("join", json!({"conversation": conv, "participant": agent, "role": "agent"})), None)
                }
                18..=20 => {
                    let role = if rng.chance(50) { "supervisor" } else { "bot" };
                    (
                        at_chat,
                        op("join", json!({"conversation": conv, "participant": format!("{role}-1"), "role": role})),
                        None,
                    )
                }
                21..=40 => (at_chat, op("message", json!({"conversation": conv, "participant": someone})), None),
                41..=47 => {
                    (at_chat, op("connection_lost", json!({"conversation": conv, "participant": someone})), None)
                }
                48..=50 => {
                    (at_chat, op("connection_restored", json!({"conversation": conv, "participant": someone})), None)
                }
                51..=53 => (at_chat, op("leave", json!({"conversation": conv, "participant": someone})), None),
                54..=58 => (at_chat, op("end", json!({"conversation": conv, "participant": someone})), None),
                59..=61 => (at_chat, op("close_session", json!({"conversation": conv, "participant": agent})), None),
                62..=66 => {
                    chat.links += 1;
                    (at_chat, op("issue_reconnect_link", json!({"conversation": conv})), None)
                }
                67..=72 => {
                    let link = if chat.links > 0 && rng.chance(85) {
                        Link::Issued { conversation: conv.clone(), index: rng.below(chat.links as u64) as usize }
                    } else {
                        Link::Forged { conversation: conv.clone() }
                    };
                    let mut f = json!({});
                    if rng.chance(50) {
                        f["authenticated_as"] = json!(chat.identity.clone().unwrap_or_else(|| identities[0].clone()));
                    }
                    (at_chat, op("reconnect", f), Some(link))
                }
                73..=75 => {
                    let identity = chat.identity.clone().unwrap_or_else(|| identities[1].clone());
                    (at_chat, op("reconnect", json!({"conversation": conv, "authenticated_as": identity})), None)
                }
                76..=80 => {
                    let j = rng.below(2);
                    let at = base + second * 1000 + 700 + j;
                    (at, op("returning_customer", json!({"authenticated_as": identities[j as usize]})), None)
                }
                81..=82 => {
                    let identity = chat.identity.clone().unwrap_or_else(|| identities[0].clone());
                    (
                        at_chat,
                        op("decline_reconnect", json!({"conversation": conv, "authenticated_as": identity})),
                        None,
                    )
                }
                83..=87 => {
                    let j = agents.iter().position(|a| *a == agent).unwrap_or(0) as u64;
                    let capacity = if rng.chance(15) { Value::Null } else { json!(rng.below(4)) };
                    let at = base + second * 1000 + 500 + j;
                    (at, op("set_agent_capacity", json!({"agent": agent, "capacity": capacity})), None)
                }
                88..=89 => {
                    let timers = json!({"customer_idle": 2 + rng.below(5), "agent_auto_disconnect": 3 + rng.below(5)});
                    (at_chat, op("set_participant_timers", json!({"conversation": conv, "timers": timers})), None)
                }
                90..=91 => {
                    let wait = *rng.pick(&["customer", "bot", "none"]);
                    (at_chat, op("set_wait", json!({"conversation": conv, "for": wait})), None)
                }
                92..=95 => (base + second * 1000 + 999, op("advance", json!({})), None),
                _ => {
                    // Refused for a field: a participant nobody knows, or a second start.
                    let f = json!({"conversation": conv, "customer": chat.customer});
                    (at_chat, op("start_conversation", f), None)
                }
            }
        };
        story.steps.push(Step { at, fields, link });
    }
    // Long after the last step: every timer has fired, closed chats are forgotten.
    second += 4 * 3600;
    story.steps.push(Step { at: base + second * 1000 + 999, fields: op("advance", json!({})), link: None });
    story
}
