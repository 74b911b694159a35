//! The peers: what a host would write instead of chatlife, doing the same
//! work on the same input: find the conversation by id, find the sender, reset
//! their idle timer (or return them from idle), arm auto-disconnect on idle.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio_util::time::{delay_queue::Key, DelayQueue};

use crate::workload::{Churn, AUTO_DISCONNECT_MIN, IDLE_MIN, SPAN_MS, STEP_MS};

const IDLE: u64 = IDLE_MIN * 60_000;
const AUTO_DISCONNECT: u64 = AUTO_DISCONNECT_MIN * 60_000;

/// One participant's timer: which phase it is in.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    AutoDisconnect,
    Off,
}

struct Chat<K> {
    customer: String,
    agent: String,
    /// [customer, agent]
    keys: [Option<K>; 2],
    phase: [Phase; 2],
}

fn chats<K>(churn: &Churn) -> (HashMap<String, u32>, Vec<Chat<K>>) {
    let mut index = HashMap::with_capacity(churn.conversations.len());
    let mut chats = Vec::with_capacity(churn.conversations.len());
    for (i, id) in churn.conversations.iter().enumerate() {
        index.insert(id.clone(), i as u32);
        chats.push(Chat {
            customer: churn.customers[i].clone(),
            agent: churn.agents[i].clone(),
            keys: [None, None],
            phase: [Phase::Idle, Phase::Idle],
        });
    }
    (index, chats)
}

fn who<K>(chat: &Chat<K>, sender: &str) -> Option<usize> {
    if chat.customer == sender {
        Some(0)
    } else if chat.agent == sender {
        Some(1)
    } else {
        None
    }
}

impl Churn {
    /// tokio-util's DelayQueue, one key per timer, `reset` on every message,
    /// virtual time through tokio's paused clock.
    pub fn run_delay_queue(&self) -> f64 {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        rt.block_on(async {
            let (index, mut chats) = chats::<Key>(self);
            let mut queue: DelayQueue<(u32, u8)> = DelayQueue::with_capacity(2 * chats.len());
            for (i, chat) in chats.iter_mut().enumerate() {
                for w in 0..2 {
                    chat.keys[w] = Some(queue.insert((i as u32, w as u8), Duration::from_millis(IDLE)));
                }
            }
            let mut cx = Context::from_waker(Waker::noop());
            let mut fired = 0usize;
            let mut i = 0;
            let start = std::time::Instant::now();
            for step in 1..=(SPAN_MS / STEP_MS) as u32 {
                tokio::time::advance(Duration::from_millis(STEP_MS)).await;
                while let Poll::Ready(Some(expired)) = queue.poll_expired(&mut cx) {
                    let (c, w) = expired.into_inner();
                    let chat = &mut chats[c as usize];
                    fired += 1;
                    chat.keys[w as usize] = None;
                    if chat.phase[w as usize] == Phase::Idle {
                        chat.phase[w as usize] = Phase::AutoDisconnect;
                        chat.keys[w as usize] = Some(queue.insert((c, w), Duration::from_millis(AUTO_DISCONNECT)));
                    } else {
                        chat.phase = [Phase::Off, Phase::Off];
                        for key in chat.keys.iter_mut().filter_map(Option::take) {
                            queue.remove(&key);
                        }
                    }
                }
                while i < self.messages.len() && self.messages[i].0 == step {
                    let (_, conv, agent) = self.messages[i];
                    i += 1;
                    let sender = if agent { &self.agents[conv as usize] } else { &self.customers[conv as usize] };
                    let Some(&c) = index.get(&self.conversations[conv as usize]) else { continue };
                    let chat = &mut chats[c as usize];
                    let Some(w) = who(chat, sender) else { continue };
                    match (chat.phase[w], chat.keys[w]) {
                        (Phase::Idle, Some(key)) => queue.reset(&key, Duration::from_millis(IDLE)),
                        (Phase::AutoDisconnect, Some(key)) => {
                            queue.remove(&key);
                            chat.phase[w] = Phase::Idle;
                            chat.keys[w] = Some(queue.insert((c, w as u8), Duration::from_millis(IDLE)));
                        }
                        _ => {}
                    }
                }
            }
            std::hint::black_box(fired);
            start.elapsed().as_nanos() as f64
        })
    }

    /// A binary heap with lazy deletion: a reset pushes a new entry and bumps
    /// the timer's generation; stale entries are skipped when they surface.
    pub fn run_binary_heap(&self) -> f64 {
        let (index, mut chats) = chats::<u64>(self);
        let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::with_capacity(4 * chats.len());
        let mut generation = vec![0u64; 2 * chats.len()];
        let mut seq = 0u64;
        let mut push = |heap: &mut BinaryHeap<Reverse<(u64, u64, u32)>>, generation: &mut [u64], at: u64, slot: u32| {
            seq += 1;
            generation[slot as usize] = seq;
            heap.push(Reverse((at, seq, slot)));
        };
        for slot in 0..2 * chats.len() as u32 {
            push(&mut heap, &mut generation, IDLE, slot);
        }
        let mut fired = 0usize;
        let mut i = 0;
        let start = std::time::Instant::now();
        for step in 1..=(SPAN_MS / STEP_MS) as u32 {
            let now = step as u64 * STEP_MS;
            while let Some(&Reverse((at, s, slot))) = heap.peek() {
                if at > now {
                    break;
                }
                heap.pop();
                if generation[slot as usize] != s {
                    continue;
                }
                fired += 1;
                let (c, w) = ((slot / 2) as usize, (slot % 2) as usize);
                if chats[c].phase[w] == Phase::Idle {
                    chats[c].phase[w] = Phase::AutoDisconnect;
                    push(&mut heap, &mut generation, at + AUTO_DISCONNECT, slot);
                } else {
                    chats[c].phase = [Phase::Off, Phase::Off];
                    generation[2 * c] = 0;
                    generation[2 * c + 1] = 0;
                }
            }
            while i < self.messages.len() && self.messages[i].0 == step {
                let (_, conv, agent) = self.messages[i];
                i += 1;
                let sender = if agent { &self.agents[conv as usize] } else { &self.customers[conv as usize] };
                let Some(&c) = index.get(&self.conversations[conv as usize]) else { continue };
                let Some(w) = who(&chats[c as usize], sender) else { continue };
                if chats[c as usize].phase[w] != Phase::Off {
                    chats[c as usize].phase[w] = Phase::Idle;
                    push(&mut heap, &mut generation, now + IDLE, c * 2 + w as u32);
                }
            }
        }
        std::hint::black_box(fired);
        start.elapsed().as_nanos() as f64
    }
}
