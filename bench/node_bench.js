'use strict'
// Node side of the benchmarks (issue 6): the churn of bench/src/workload.rs,
// read from the dump `chatlife-bench --dump-churn DIR` writes, run by chatlife
// and by what a Node host would write instead, one after the other:
//
// - chatlife_apply_many: one `engine.applyMany` per 100 ms step (the step's
//   advance and its messages), then `pollEvents()`.
// - chatlife_messages: `advance`, then one `engine.messages(now,
//   conversations, participants)` per step (the column-shaped batch of the
//   step's messages), then `pollEvents()`.
// - chatlife_call: `advance`, then one `engine.message` per message, then
//   `pollEvents()`.
// - set_timeout_refresh: one `setTimeout` per participant; a message calls
//   its `refresh()`.
// - clear_then_set: a message `clearTimeout`s the participant's timer and
//   `setTimeout`s a new one.
// - js_lazy_heap (issue 17): the same lifecycle in plain JavaScript, a Map of
//   chats and a lazy binary heap of deadlines on the virtual clock
//   (bench/js_lazy_heap.js). Like for like: it fires every expiry and hands
//   the host an event object for each, as chatlife does.
//
// The setTimeout peers measure less, and the report says so: Node's timers
// run on the real clock only, so they cannot follow the virtual 6 minutes.
// Their timers are due 5 minutes after the run starts and never fire during
// it: their rows are the cost of resetting a timer per message (with the same
// id lookups), expiries NOT included. chatlife's rows and js_lazy_heap's run
// the virtual clock and include every expiry (participants going idle, and
// returning when they write again).
//
// Every implementation gets the same messages as (conversation id, sender id)
// strings; the peers look the conversation up in a Map and compare the sender
// with the customer's and the agent's ids, as chatlife does inside. Only the
// step loop is timed; building each batch's command objects is timed too (a
// host has to build them). With --expose-gc, a collection runs before each.
// Each implementation runs BENCH_REPEAT times (default 3), round after
// round; its fastest run counts.
//
// Prints JSON lines {"workload", "impl", "n", "ns_per_op", "bytes_per_conversation"}
// with ns_per_op per message: workload node_churn for all six, and the
// chatlife runs again as workload ffi (node_batch, node_messages, node_call),
// next to C's; and the peers' bytes per chat as workload memory
// (node_js_lazy_heap, node_set_timeout), next to chatlife's (Rust).
//
// Usage: node --expose-gc bench/node_bench.js DUMP_DIR N [N...]

const fs = require('node:fs')
const path = require('node:path')
// Loaded when first used: bench/node_ab.js brings builds of its own.
const packageEngine = () => require(path.join(__dirname, '..', 'bindings', 'node')).Engine
const { lazyHeapLifecycle } = require('./js_lazy_heap')

// Must match bench/src/workload.rs (STEP_MS, SPAN_MS, Churn::config()).
const STEP_MS = 100
const SPAN_MS = 6 * 60_000
const IDLE_MS = 5 * 60_000
const AUTO_DISCONNECT_MS = 10 * 60_000
const CONFIG = {
  policies: {
    default: {
      timers: {
        customer_idle: IDLE_MS / 60_000,
        customer_auto_disconnect: AUTO_DISCONNECT_MS / 60_000,
        agent_idle: IDLE_MS / 60_000,
        agent_auto_disconnect: AUTO_DISCONNECT_MS / 60_000,
      },
    },
  },
}

const pad = (i, width) => String(i).padStart(width, '0')

/** The dump's messages, grouped by step, as id strings. */
function loadChurn (directory, n) {
  const conversations = Array.from({ length: n }, (_, i) => `conv-${pad(i, 8)}`)
  const customers = Array.from({ length: n }, (_, i) => `cust-${pad(i, 8)}`)
  const agents = Array.from({ length: n }, (_, i) => `agent-${pad(Math.floor(i / 4), 7)}`)
  const steps = Array.from({ length: SPAN_MS / STEP_MS + 1 }, () => [])
  let messages = 0
  for (const line of fs.readFileSync(path.join(directory, `churn-${n}.txt`), 'utf8').split('\n')) {
    if (!line) continue
    const [step, conv, agent] = line.split(' ').map(Number)
    steps[step].push([conversations[conv], agent ? agents[conv] : customers[conv]])
    messages++
  }
  return { n, conversations, customers, agents, steps, messages }
}

/**
 * Lets the engines of the runs so far go. Node frees an engine's native
 * memory in a finalizer that runs on a turn of the event loop, not in the
 * collection itself: without the turn, every run's engine stays until the
 * script ends, and each run sets up on fresh pages.
 */
async function settle () {
  if (global.gc) global.gc()
  await new Promise(setImmediate)
}

function timed (loop) {
  if (global.gc) global.gc()
  const start = process.hrtime.bigint()
  loop()
  return Number(process.hrtime.bigint() - start)
}

/** A set-up engine: this package's `Engine`, or the build `churn.Engine` names (bench/node_ab.js). */
function chatlifeEngine (churn) {
  const engine = new (churn.Engine ?? packageEngine())(CONFIG)
  for (let i = 0; i < churn.n; i++) {
    engine.startConversation(0, churn.conversations[i], churn.customers[i])
    engine.join(0, churn.conversations[i], churn.agents[i], 'agent')
  }
  engine.pollEvents()
  return engine
}

/**
 * A host reads every event; counting who went idle and who came back checks
 * that every run did the same lifecycle.
 */
function idleEvents (events) {
  let idle = 0
  for (const event of events) {
    if (event.type === 'participant_idle' || event.type === 'participant_returned') idle++
  }
  return idle
}

/**
 * chatlife through the churn: `send(engine, now, messages)` per step, then the
 * step's events. `pollNs` is the part of `ns` spent in `pollEvents`; `texts`,
 * when given, collects each step's events as JSON text.
 */
function runChatlife (churn, send, texts) {
  const engine = chatlifeEngine(churn)
  let idle = 0
  let pollNs = 0
  const ns = timed(() => {
    for (let step = 1; step < churn.steps.length; step++) {
      send(engine, step * STEP_MS, churn.steps[step])
      const start = process.hrtime.bigint()
      const events = engine.pollEvents()
      pollNs += Number(process.hrtime.bigint() - start)
      idle += idleEvents(events)
      if (texts) texts.push(JSON.stringify(events))
    }
  })
  return { ns, idle, pollNs }
}

/**
 * The floor under `pollEvents`: V8's own JSON.parse of the very events the
 * messages run produced, step by step (what `pollEvents` does after the core
 * wrote the text). Returns ns for all steps.
 */
function parseFloor (churn) {
  const texts = []
  runMessages(churn, texts)
  return timed(() => {
    for (const text of texts) JSON.parse(text)
  })
}

function runApplyMany (churn) {
  return runChatlife(churn, (engine, now, messages) => {
    const batch = [{ at: now, op: 'advance' }]
    for (const [conversation, participant] of messages) {
      batch.push({ at: now, op: 'message', conversation, participant })
    }
    engine.applyMany(batch)
  })
}

function runMessages (churn, texts) {
  return runChatlife(churn, (engine, now, messages) => {
    const conversations = []
    const participants = []
    for (const [conversation, participant] of messages) {
      conversations.push(conversation)
      participants.push(participant)
    }
    engine.advance(now)
    engine.messages(now, conversations, participants)
  }, texts)
}

function runCalls (churn) {
  return runChatlife(churn, (engine, now, messages) => {
    engine.advance(now)
    for (const [conversation, participant] of messages) engine.message(now, conversation, participant)
  })
}

/** A peer's record of one conversation; timers: [customer, agent]. */
function peerChats (churn, expired) {
  const chats = new Map()
  for (let i = 0; i < churn.n; i++) {
    const chat = { customer: churn.customers[i], agent: churn.agents[i], timers: [null, null] }
    chat.timers[0] = setTimeout(expired, IDLE_MS, chat, 0)
    chat.timers[1] = setTimeout(expired, IDLE_MS, chat, 1)
    chats.set(churn.conversations[i], chat)
  }
  return chats
}

function clearAll (chats) {
  for (const chat of chats.values()) for (const timer of chat.timers) clearTimeout(timer)
}

// Never runs: the loops below are synchronous and the timers are minutes away.
function expired () {
  throw new Error('a peer timer fired during the run; the measurement is void')
}

function whoSent (chat, sender) {
  return sender === chat.customer ? 0 : sender === chat.agent ? 1 : -1
}

/** Resets the sender's timer with `reset(chat, who)` for every message. */
function runPeer (churn, reset) {
  const chats = peerChats(churn, expired)
  let resets = 0
  const ns = timed(() => {
    for (let step = 1; step < churn.steps.length; step++) {
      for (const [conversation, sender] of churn.steps[step]) {
        const chat = chats.get(conversation)
        if (chat === undefined) continue
        const who = whoSent(chat, sender)
        if (who < 0) continue
        reset(chat, who)
        resets++
      }
    }
  })
  clearAll(chats)
  return { ns, resets }
}

function runRefresh (churn) {
  return runPeer(churn, (chat, who) => chat.timers[who].refresh())
}

function runClearThenSet (churn) {
  return runPeer(churn, (chat, who) => {
    clearTimeout(chat.timers[who])
    chat.timers[who] = setTimeout(expired, IDLE_MS, chat, who)
  })
}

/** js_lazy_heap through the churn: the step's expiries, then its messages. */
function runLazyHeap (churn) {
  const lifecycle = lazyHeapLifecycle(churn, { idleMs: IDLE_MS, autoDisconnectMs: AUTO_DISCONNECT_MS })
  let idle = 0
  let resets = 0
  const ns = timed(() => {
    for (let step = 1; step < churn.steps.length; step++) {
      const now = step * STEP_MS
      const events = []
      lifecycle.expire(now, events)
      for (const [conversation, sender] of churn.steps[step]) {
        if (lifecycle.message(now, conversation, sender, events)) resets++
      }
      idle += idleEvents(events)
    }
  })
  return { ns, idle, resets }
}

function emit (workload, impl, n, ns, messages, bytes = null) {
  const line = { workload, impl, n, ns_per_op: Math.round((ns / messages) * 10) / 10, bytes_per_conversation: bytes }
  console.log(JSON.stringify(line))
}

/** What V8 holds, typed arrays' buffers included, after a full collection. */
function usedBytes () {
  global.gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/**
 * A peer's bytes per chat at rest, as Rust's `memory` row counts chatlife's:
 * its records and timers once built, before any message (the lazy heap's
 * stale entries come later). The ids are the host's strings, shared, and not
 * counted. `build()` returns what to keep alive; `release` undoes it. The
 * bytes are what letting it go gives back, both ends measured after the
 * build: counted from before the build, the lazy heap's 100k row once read
 * -59 (144 when the 100k runs came alone, without the 10k runs before them),
 * as memory the earlier runs had left came back during the build.
 */
function peerBytes (impl, churn, build, release = () => {}) {
  let kept = build()
  const withPeer = usedBytes()
  release(kept)
  kept = null
  const bytes = Math.round((withPeer - usedBytes()) / churn.n)
  if (bytes <= 0) throw new Error(`${impl} measured ${bytes} bytes per chat at ${churn.n}: the measurement is void`)
  return bytes
}

function emitPeerBytes (churn) {
  if (!global.gc) return
  const peers = [
    ['node_js_lazy_heap', () => lazyHeapLifecycle(churn, { idleMs: IDLE_MS, autoDisconnectMs: AUTO_DISCONNECT_MS })],
    ['node_set_timeout', () => peerChats(churn, expired), clearAll],
  ]
  for (const [impl, build, release] of peers) emit('memory', impl, churn.n, 0, 1, peerBytes(impl, churn, build, release))
}

const RUNS = [
  ['chatlife_apply_many', runApplyMany],
  ['chatlife_messages', runMessages],
  ['chatlife_call', runCalls],
  ['set_timeout_refresh', runRefresh],
  ['clear_then_set', runClearThenSet],
  ['js_lazy_heap', runLazyHeap],
]

async function main (directory, sizes, repeat) {
  for (const n of sizes) {
    const churn = loadChurn(directory, n)
    const best = {}
    const last = {}
    let bestPoll = Infinity
    let bestParse = Infinity
    // Round after round, so a slow spell of the machine hits every
    // implementation alike; the fastest run of each is kept.
    for (let round = 0; round < repeat; round++) {
      for (const [impl, run] of RUNS) {
        last[impl] = run(churn)
        best[impl] = Math.min(best[impl] ?? Infinity, last[impl].ns)
        await settle()
      }
      bestPoll = Math.min(bestPoll, last.chatlife_messages.pollNs)
      bestParse = Math.min(bestParse, parseFloor(churn))
      await settle()
    }
    for (const impl of ['chatlife_apply_many', 'chatlife_messages', 'js_lazy_heap']) {
      if (last[impl].idle !== last.chatlife_call.idle) {
        throw new Error(`${impl} saw ${last[impl].idle} participants go idle or return ` +
          `but chatlife one call at a time ${last.chatlife_call.idle}`)
      }
    }
    if (['set_timeout_refresh', 'clear_then_set', 'js_lazy_heap'].some((impl) => last[impl].resets !== churn.messages)) {
      throw new Error('a peer skipped messages: every sender is in its conversation and no timer is off')
    }
    for (const [impl] of RUNS) emit('node_churn', impl, n, best[impl], churn.messages)
    // Where chatlife_messages' time goes: handing its events to JavaScript.
    emit('node_churn', 'chatlife_messages_poll_events_part', n, bestPoll, churn.messages)
    emit('node_churn', 'json_parse_of_those_events', n, bestParse, churn.messages)
    emit('ffi', 'node_batch', n, best.chatlife_apply_many, churn.messages)
    emit('ffi', 'node_messages', n, best.chatlife_messages, churn.messages)
    emit('ffi', 'node_call', n, best.chatlife_call, churn.messages)
    emitPeerBytes(churn)
  }
}

module.exports = { loadChurn, runApplyMany, runMessages, runCalls, settle }

if (require.main === module) {
  const [directory, ...sizes] = process.argv.slice(2)
  if (!directory || sizes.length === 0) {
    console.error('usage: node --expose-gc bench/node_bench.js DUMP_DIR N [N...]')
    process.exit(2)
  }
  main(directory, sizes.map(Number), Number(process.env.BENCH_REPEAT ?? 3)).catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
