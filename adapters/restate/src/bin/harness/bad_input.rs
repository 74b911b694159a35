//! Test 5: bad input through the ingress gets the stable error code, a
//! message naming the field, and changes nothing; tokens show in no error
//! message and no log.

use std::sync::Arc;

use chatlife::{encode_token, SECRET_BYTES};
use serde_json::{json, Value};

use crate::client::Ingress;
use crate::env::Env;

const CHAT: &str = "bad-chat";
const AGENT: &str = "bad-agent";

/// Everything a refused command must leave as it was.
async fn observe(env: &Env, ingress: &Ingress) -> Result<Value, String> {
    Ok(json!({
        "meta": ingress.read(&format!("Conversation/{CHAT}/peek")).await?,
        "history": ingress.read(&format!("Conversation/{CHAT}/history")).await?,
        "ledger": ingress.read(&format!("Agent/{AGENT}/ledger")).await?,
        "events": env.events_of("bad").iter().map(|n| n.line()).collect::<Vec<_>>(),
    }))
}

async fn ok(ingress: &Ingress, path: &str, body: Value) -> Result<Value, String> {
    let (_, reply) = ingress.post_json(path, body.to_string().as_bytes()).await?;
    if !reply["error"].is_null() {
        return Err(format!("{body} was refused: {reply}"));
    }
    Ok(reply)
}

pub async fn run(env: Arc<Env>) -> Result<String, String> {
    let ingress = env.cluster.ingress();
    let base = (chatlife_restate::app::wall_ms() / 1000 + 30 * 86_400) * 1000;
    let conv = format!("Conversation/{CHAT}/apply");
    let agent_path = format!("Agent/{AGENT}/apply");
    ok(&ingress, &conv, json!({"at": base, "op": "start_conversation", "conversation": CHAT, "customer": "cu"}))
        .await?;
    ok(
        &ingress,
        &conv,
        json!({"at": base + 1, "op": "join", "conversation": CHAT, "participant": AGENT, "role": "agent"}),
    )
    .await?;
    let issued =
        ok(&ingress, &conv, json!({"at": base + 2, "op": "issue_reconnect_link", "conversation": CHAT})).await?;
    let token = issued["events"][0]["event"]["token"].as_str().ok_or("no token issued")?.to_owned();
    let forged = encode_token(CHAT, &[9u8; SECRET_BYTES]);
    let elsewhere = encode_token("bad-nobody", &[9u8; SECRET_BYTES]);
    let long = "x".repeat(300);
    let at = base + 10;
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (&conv, json!({"at": at, "op": "fly"}).to_string(), "invalid_argument", "op: "),
        ("Chatlife/apply", json!({"op": "fly", "conversation": CHAT}).to_string(), "invalid_argument", "op: "),
        (
            &conv,
            json!({"at": at, "op": "message", "conversation": 7, "participant": "cu"}).to_string(),
            "invalid_argument",
            "conversation: ",
        ),
        (
            &conv,
            json!({"at": at, "op": "join", "conversation": CHAT, "participant": "x", "role": "boss"}).to_string(),
            "invalid_argument",
            "role: ",
        ),
        (
            &conv,
            json!({"at": "soon", "op": "message", "conversation": CHAT, "participant": "cu"}).to_string(),
            "invalid_argument",
            "at: ",
        ),
        (
            &conv,
            json!({"at": -5, "op": "message", "conversation": CHAT, "participant": "cu"}).to_string(),
            "invalid_argument",
            "at: ",
        ),
        (&conv, "{not json".into(), "invalid_argument", "command: not JSON"),
        (&conv, "[1, 2]".into(), "invalid_argument", "command: must be a JSON object"),
        (
            &conv,
            json!({"at": at, "op": "message", "conversation": "bad-other", "participant": "cu"}).to_string(),
            "invalid_argument",
            "conversation: ",
        ),
        (
            &conv,
            json!({"at": at, "op": "message", "conversation": CHAT, "participant": "cu", "extra": 1}).to_string(),
            "invalid_argument",
            "extra: ",
        ),
        (
            &conv,
            json!({"at": at, "op": "set_agent_capacity", "agent": AGENT, "capacity": 1}).to_string(),
            "invalid_argument",
            "op: ",
        ),
        ("Chatlife/apply", json!({"at": at, "op": "advance"}).to_string(), "invalid_argument", "op: "),
        (
            &conv,
            json!({"at": at, "op": "message", "conversation": CHAT, "participant": "nobody"}).to_string(),
            "unknown_participant",
            "participant: ",
        ),
        (
            &conv,
            json!({"at": at, "op": "message", "conversation": CHAT, "participant": long}).to_string(),
            "limit_exceeded",
            "participant: ",
        ),
        (
            &conv,
            json!({"at": base - 1, "op": "message", "conversation": CHAT, "participant": "cu"}).to_string(),
            "time_went_backwards",
            "now: ",
        ),
        (
            &conv,
            json!({"at": at, "op": "join", "conversation": CHAT, "participant": "other-agent", "role": "agent"})
                .to_string(),
            "invalid_state",
            "participant: ",
        ),
        (
            &agent_path,
            json!({"at": at, "op": "set_agent_capacity", "agent": "someone", "capacity": 1}).to_string(),
            "invalid_argument",
            "agent: ",
        ),
        (
            &agent_path,
            json!({"at": at, "op": "set_agent_capacity", "agent": AGENT, "capacity": -1}).to_string(),
            "invalid_argument",
            "capacity: ",
        ),
        (
            "Chatlife/apply",
            json!({"at": at, "op": "returning_customer", "authenticated_as": ""}).to_string(),
            "invalid_argument",
            "authenticated_as: ",
        ),
    ];
    let before = observe(&env, &ingress).await?;
    for (path, body, code, field) in &cases {
        let (status, reply) = ingress.post_json(path, body.as_bytes()).await?;
        let error = &reply["error"];
        if status != 200 || error["code"] != *code || !error["message"].as_str().unwrap_or_default().starts_with(field)
        {
            return Err(format!("{path} {body}: expected {code} naming {field:?}, got {status} {reply}"));
        }
        if !reply["events"].as_array().is_some_and(|e| e.is_empty()) {
            return Err(format!("{path} {body}: a refusal came with events: {reply}"));
        }
        let message = error["message"].as_str().unwrap_or_default();
        if message.contains(&token) || message.contains(&forged[5..]) || message.contains(&elsewhere[20..]) {
            return Err(format!("{path}: an error message shows a token"));
        }
    }
    let after = observe(&env, &ingress).await?;
    if before != after {
        return Err(format!("refused commands changed something:\n  before: {before}\n  after: {after}"));
    }
    // No forged token is an error (R-RC10): a wrong secret for a real chat,
    // a token that does not parse and one naming no chat all get the one
    // answer, naming no conversation, and the genuine link still works.
    let answer = json!({"type": "reconnect_refused", "conversation": null, "reason": "invalid",
                        "redirect_url": null, "start_new": true});
    for (i, forgery) in [forged.clone(), "crl1_not-a-token".to_owned(), elsewhere.clone()].iter().enumerate() {
        let at = base + 20 + i as u64;
        let refused = ok(&ingress, "Chatlife/apply", json!({"at": at, "op": "reconnect", "token": forgery})).await?;
        let events: Vec<Value> = refused["events"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| {
                let mut e = n["event"].clone();
                e.as_object_mut().map(|o| o.remove("at"));
                e
            })
            .collect();
        if events != [answer.clone()] {
            return Err(format!("forged token {i} got {refused}, not the one answer {answer}"));
        }
    }
    let back = ok(&ingress, "Chatlife/apply", json!({"at": base + 30, "op": "reconnect", "token": token})).await?;
    if back["events"][0]["event"]["type"] != "customer_reconnected" {
        return Err(format!("the genuine token after a forged one got {back}"));
    }
    let logs = env.cluster.logs();
    if logs.contains(&token[6..]) || logs.contains(&forged[6..]) {
        return Err("a token shows in the service's or restate-server's log".into());
    }
    Ok(format!(
        "{} kinds of bad input through the ingress got their stable code and changed nothing; three forged \
         tokens got R-RC10's one answer and left the genuine link working; no token in errors or logs",
        cases.len()
    ))
}
