//! Test 4: 50 chats ask one agent of capacity 3 at once; exactly 3 get it.

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::env::Env;

const CHATS: usize = 50;

pub async fn run(env: Arc<Env>) -> Result<String, String> {
    let ingress = env.cluster.ingress();
    let agent = "cap-agent";
    let post = |path: String, body: Value| {
        let ingress = ingress.clone();
        async move { ingress.post_json(&path, body.to_string().as_bytes()).await }
    };
    // Restate's durable clock: no `at` anywhere.
    let (_, set) =
        post("Chatlife/apply".into(), json!({"op": "set_agent_capacity", "agent": agent, "capacity": 3})).await?;
    if !set["error"].is_null() {
        return Err(format!("set_agent_capacity refused: {set}"));
    }
    let mut starts = JoinSet::new();
    for i in 0..CHATS {
        let conversation = format!("cap-chat-{i}");
        let body = json!({"op": "start_conversation", "conversation": conversation, "customer": format!("cu{i}")});
        starts.spawn(post(format!("Conversation/{conversation}/apply"), body));
    }
    while let Some(r) = starts.join_next().await {
        let (_, reply) = r.map_err(|e| e.to_string())??;
        if !reply["error"].is_null() {
            return Err(format!("a start was refused: {reply}"));
        }
    }
    let mut joins = JoinSet::new();
    for i in 0..CHATS {
        let conversation = format!("cap-chat-{i}");
        let body = json!({"op": "join", "conversation": conversation, "participant": agent, "role": "agent"});
        joins.spawn(post(format!("Conversation/{conversation}/apply"), body));
    }
    let (mut joined, mut refused) = (0, 0);
    let expected = format!("participant: agent \"{agent}\" uses 3 of 3 units; this conversation needs 1");
    while let Some(r) = joins.join_next().await {
        let (_, reply) = r.map_err(|e| e.to_string())??;
        match reply["error"].as_object() {
            None => joined += 1,
            Some(e) if e["code"] == "capacity_exceeded" && e["message"] == expected.as_str() => refused += 1,
            Some(e) => return Err(format!("a join got another answer than capacity_exceeded: {e:?}")),
        }
    }
    if (joined, refused) != (3, CHATS - 3) {
        return Err(format!("{joined} joins succeeded and {refused} were refused; 3 and {} expected", CHATS - 3));
    }
    let ledger = ingress.read(&format!("Agent/{agent}/ledger")).await?;
    let holders = ledger["holders"].as_object().map_or(0, |h| h.len());
    if holders != 3 {
        return Err(format!("the agent's ledger lists {holders} chats holding units: {ledger}"));
    }
    let used: Vec<u64> = env
        .events_of("cap")
        .iter()
        .filter(|n| n.event["type"] == "capacity_changed" && n.event["agent"] == agent)
        .filter_map(|n| n.event["used"].as_u64())
        .collect();
    let mut sorted = used.clone();
    sorted.sort_unstable();
    if sorted != [0, 1, 2, 3] {
        return Err(format!("capacity_changed carried used = {used:?}; 0 (the capacity set), 1, 2 and 3 expected"));
    }
    Ok(format!(
        "{CHATS} concurrent joins to one agent of capacity 3: 3 joined, {refused} refused with capacity_exceeded"
    ))
}
