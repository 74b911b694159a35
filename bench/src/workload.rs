//! The generated workloads, and chatlife running them.

use chatlife::{Command, Engine, Role, TimedCommand};

use crate::timed;

/// A small xorshift generator: the same input for every implementation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Virtual time step of the host's loop (issue 6: 100 ms).
pub const STEP_MS: u64 = 100;
/// Virtual length of a churn run: long enough that quiet chats go idle.
pub const SPAN_MS: u64 = 6 * 60_000;
/// Idle and auto-disconnect minutes for both roles.
pub const IDLE_MIN: u64 = 5;
pub const AUTO_DISCONNECT_MIN: u64 = 10;

/// `n` conversations (a customer and an agent each, all four timers), and
/// messages arriving as a Poisson process, Zipf-distributed over conversations.
pub struct Churn {
    pub conversations: Vec<String>,
    pub customers: Vec<String>,
    pub agents: Vec<String>,
    /// (step, conversation, sender is the agent), in time order.
    pub messages: Vec<(u32, u32, bool)>,
}

impl Churn {
    pub fn generate(n: usize, seed: u64) -> Churn {
        let mut rng = Rng::new(seed);
        // Ids of 12–16 bytes, as in the issue.
        let conversations = (0..n).map(|i| format!("conv-{i:08}")).collect();
        let customers = (0..n).map(|i| format!("cust-{i:08}")).collect();
        let agents = (0..n).map(|i| format!("agent-{:07}", i / 4)).collect();
        let total = 4 * n;
        let mean_gap = SPAN_MS as f64 / total as f64;
        let mut t = 0.0f64;
        let mut messages = Vec::with_capacity(total);
        // Scatter ranks over conversations so popular ones are not neighbours.
        let scatter = |rank: u64| (rank.wrapping_mul(0x9E37_79B9_7F4A_7C15) % n as u64) as u32;
        while messages.len() < total {
            t += -mean_gap * (1.0 - rng.unit()).ln();
            let step = (t / STEP_MS as f64).ceil().max(1.0) as u32;
            if step as u64 * STEP_MS > SPAN_MS {
                break;
            }
            // Zipf(s = 1) by inverse transform: rank = n^u.
            let rank = (n as f64).powf(rng.unit()) as u64 - 1;
            messages.push((step, scatter(rank), rng.next() & 1 == 1));
        }
        Churn { conversations, customers, agents, messages }
    }

    pub fn config() -> String {
        format!(
            r#"{{"policies": {{"default": {{"timers": {{"customer_idle": {IDLE_MIN}, "customer_auto_disconnect": {AUTO_DISCONNECT_MIN}, "agent_idle": {IDLE_MIN}, "agent_auto_disconnect": {AUTO_DISCONNECT_MIN}}}}}}}}}"#
        )
    }

    pub fn engine(&self) -> Engine {
        let mut engine = Engine::from_json(&Churn::config()).unwrap();
        for i in 0..self.conversations.len() {
            engine.start_conversation(0, &self.conversations[i], &self.customers[i], Default::default()).unwrap();
            engine.join(0, &self.conversations[i], &self.agents[i], Role::Agent, None).unwrap();
        }
        let mut sink = Vec::new();
        engine.drain_events(&mut sink);
        engine
    }

    fn sender(&self, conv: u32, agent: bool) -> &str {
        if agent {
            &self.agents[conv as usize]
        } else {
            &self.customers[conv as usize]
        }
    }

    /// The timed part: every step advances, then delivers that step's messages,
    /// one call each or as one batch; events are drained every step.
    pub fn run_chatlife(&self, batch: bool) -> f64 {
        let mut engine = self.engine();
        let mut events = Vec::with_capacity(1 << 16);
        let mut elapsed = 0.0;
        let mut i = 0;
        let mut commands = Vec::new();
        for step in 1..=(SPAN_MS / STEP_MS) as u32 {
            let now = step as u64 * STEP_MS;
            let start = i;
            while i < self.messages.len() && self.messages[i].0 == step {
                i += 1;
            }
            if batch {
                // Building the batch is the caller's work, outside the timing.
                commands.clear();
                commands.push(TimedCommand { at: now, command: Command::Advance {} });
                for &(_, conv, agent) in &self.messages[start..i] {
                    commands.push(TimedCommand {
                        at: now,
                        command: Command::Message {
                            conversation: self.conversations[conv as usize].clone().into(),
                            participant: self.sender(conv, agent).to_owned().into(),
                        },
                    });
                }
                elapsed += timed(|| {
                    for r in engine.apply_many(&commands) {
                        r.unwrap();
                    }
                    events.clear();
                    engine.drain_events(&mut events);
                });
            } else {
                elapsed += timed(|| {
                    engine.advance(now).unwrap();
                    for &(_, conv, agent) in &self.messages[start..i] {
                        let _ = engine.message(now, &self.conversations[conv as usize], self.sender(conv, agent));
                    }
                    events.clear();
                    engine.drain_events(&mut events);
                });
            }
        }
        elapsed
    }
}

/// What a host's loop asks after every call: `next_deadline`, each after one
/// message of the churn (the first step's worth, at most 100k); ns per call,
/// the clock read around each call included.
pub fn next_deadline(churn: &Churn) -> f64 {
    let mut engine = churn.engine();
    let mut elapsed = 0.0;
    let mut calls = 0;
    let mut deadlines = 0u64;
    for &(step, conv, agent) in churn.messages.iter().take(100_000) {
        let now = step as u64 * STEP_MS;
        let _ = engine.message(now, &churn.conversations[conv as usize], churn.sender(conv, agent));
        elapsed += timed(|| deadlines = deadlines.wrapping_add(engine.next_deadline().unwrap_or(0)));
        calls += 1;
    }
    std::hint::black_box(deadlines);
    elapsed / calls as f64
}

/// The machine's floor: one load that must wait for the one before it, in a
/// buffer as large as `n` conversation records (a random cycle of cache
/// lines, so neither the caches nor the prefetchers help). At a million
/// conversations a message that cannot be overlapped with others costs at
/// least one of these for its record, plus its id index's.
pub fn dependent_load(n: usize) -> f64 {
    const LINE: usize = 64 / std::mem::size_of::<u64>();
    let lines = (n * chatlife::CONVERSATION_RECORD_BYTES).div_ceil(64).max(2);
    // Sattolo's shuffle: `next` is a single cycle through every line.
    let mut next: Vec<usize> = (0..lines).collect();
    let mut rng = Rng::new(11);
    for i in (1..lines).rev() {
        next.swap(i, (rng.next() % i as u64) as usize);
    }
    let mut memory = vec![0u64; lines * LINE];
    for (line, &to) in next.iter().enumerate() {
        memory[line * LINE] = to as u64;
    }
    drop(next);
    let steps = 2_000_000;
    let mut at = 0usize;
    let ns = timed(|| {
        for _ in 0..steps {
            at = memory[at * LINE] as usize;
        }
    });
    std::hint::black_box(at);
    ns / steps as f64
}

/// `n` customer idle timers due at the same millisecond; returns (ns, fired).
pub fn storm(n: usize) -> (f64, usize) {
    let mut engine = Engine::from_json(r#"{"policies": {"default": {"timers": {"customer_idle": 2}}}}"#).unwrap();
    for i in 0..n {
        let conv = format!("conv-{i:08}");
        engine.start_conversation(0, &conv, &format!("cust-{i:08}"), Default::default()).unwrap();
        engine.join(0, &conv, &format!("bot-{:08}", i), Role::Bot, None).unwrap();
    }
    let mut events = Vec::with_capacity(n + 16);
    engine.drain_events(&mut events);
    events.clear();
    let ns = timed(|| {
        engine.advance(120_000).unwrap();
        engine.drain_events(&mut events);
    });
    assert_eq!(events.len(), n, "every timer fired once");
    (ns, n)
}

/// One advance over 8 hours with `n` conversations pending (each with Amazon
/// Connect's default 25 h chat duration still to run); ns for the whole call.
pub fn jump(n: usize) -> f64 {
    let mut engine = Engine::from_json(r#"{"policies": {"default": {"max_duration": "25h"}}}"#).unwrap();
    for i in 0..n {
        engine
            .start_conversation(i as u64 / 1_000, &format!("conv-{i:08}"), &format!("cust-{i:08}"), Default::default())
            .unwrap();
    }
    while engine.poll_event().is_some() {}
    let from = engine.now();
    let ns = timed(|| engine.advance(from + 8 * 3_600_000).unwrap());
    assert_eq!(engine.pending_events(), 0, "nothing was due");
    ns
}

/// Live heap bytes per conversation: a customer and an agent, all four timers.
/// The ids are made one at a time, as the churn names them, so that at 10M
/// the process holds the engine and not also 30M strings of input.
pub fn memory(n: usize) -> f64 {
    let before = crate::alloc::live_bytes();
    let mut engine = Engine::from_json(&Churn::config()).unwrap();
    let (mut conversation, mut customer, mut agent) = (String::new(), String::new(), String::new());
    for i in 0..n {
        use std::fmt::Write;
        conversation.clear();
        customer.clear();
        agent.clear();
        write!(conversation, "conv-{i:08}").unwrap();
        write!(customer, "cust-{i:08}").unwrap();
        write!(agent, "agent-{:07}", i / 4).unwrap();
        engine.start_conversation(0, &conversation, &customer, Default::default()).unwrap();
        engine.join(0, &conversation, &agent, Role::Agent, None).unwrap();
        // A host drains events as it goes; the queue holds none at rest.
        while engine.poll_event().is_some() {}
    }
    let bytes = crate::alloc::live_bytes() - before;
    std::hint::black_box(&engine);
    bytes as f64 / n as f64
}

/// E1's cost when other conversations' timers are due (issue 12): `n`
/// conversations whose idle deadlines fall one per millisecond, and `n` quiet
/// ones; one message a millisecond to a quiet one. `command` sends it alone
/// (the engine fires the due idle first); otherwise the host calls `advance`
/// first, then sends it. Returns ns per message, the fired timers included.
pub fn e1(n: usize, command: bool) -> f64 {
    let mut engine = Engine::from_json(r#"{"policies": {"default": {"timers": {"customer_idle": 2}}}}"#).unwrap();
    let idle_ms = 120_000;
    let due: Vec<String> = (0..n).map(|i| format!("due-{i:08}")).collect();
    let quiet: Vec<String> = (0..n).map(|i| format!("quiet-{i:08}")).collect();
    for (i, conv) in due.iter().enumerate() {
        engine.start_conversation(i as u64, conv, "cu", Default::default()).unwrap();
        engine.join(i as u64, conv, "ag", Role::Bot, None).unwrap();
    }
    for conv in &quiet {
        engine.start_conversation(n as u64, conv, "cu", Default::default()).unwrap();
        engine.join(n as u64, conv, "ag", Role::Bot, None).unwrap();
    }
    let mut events = Vec::with_capacity(16);
    engine.drain_events(&mut events);
    let mut fired = 0;
    let ns = timed(|| {
        for (k, conv) in quiet.iter().enumerate() {
            let now = idle_ms + k as u64;
            if !command {
                engine.advance(now).unwrap();
            }
            engine.message(now, conv, "cu").unwrap();
            events.clear();
            fired += engine.drain_events(&mut events);
        }
    });
    assert_eq!(fired, n, "one idle timer fired per message");
    ns / n as f64
}
