'use strict'
// js_lazy_heap (issue 17): what a Node engineer writes instead of chatlife for
// the churn's idle and auto-disconnect timers, in plain JavaScript on the
// benchmark's virtual clock, so unlike setTimeout it fires every expiry the
// 6 virtual minutes hold and hands the host an event object for each, with
// the fields chatlife's `pollEvents()` gives (SPEC §10), in the same order
// (the step's expiries, then its messages' `participant_returned`).
//
// The chats are a Map from conversation id to a record; the deadlines a lazy
// binary min-heap: a message pushes a new entry and bumps its participant's
// generation, and entries whose generation is stale are dropped when they
// reach the top (the textbook way, and what the Rust and Python peers do).
// The heap is three parallel typed arrays, and each participant's phase and
// generation sit in typed arrays by slot: nothing is allocated per message
// but the events. An array of entry objects measured the same within this
// machine's noise; the peer should be the careful plain JavaScript a Node
// engineer would write, not the first draft.

// Per participant (customer 0, agent 1): waiting to go idle, idle (its
// auto-disconnect pending), or off (the chat was auto-disconnected).
const ACTIVE = 0
const IDLE = 1
const OFF = 2
const ROLES = ['customer', 'agent']

/** A min-heap of (deadline, slot, generation); slot = 2 × chat index + who. */
class DeadlineHeap {
  constructor (capacity) {
    this.at = new Float64Array(capacity)
    this.slot = new Int32Array(capacity)
    this.gen = new Uint32Array(capacity)
    this.size = 0
  }

  grow () {
    const grown = (array) => {
      const bigger = new array.constructor(array.length * 2)
      bigger.set(array)
      return bigger
    }
    this.at = grown(this.at)
    this.slot = grown(this.slot)
    this.gen = grown(this.gen)
  }

  // Small enough for V8 to inline into the loops below.
  put (i, at, slot, gen) {
    this.at[i] = at
    this.slot[i] = slot
    this.gen[i] = gen
  }

  push (at, slot, gen) {
    if (this.size === this.at.length) this.grow()
    const heapAt = this.at
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heapAt[parent] <= at) break
      this.put(i, heapAt[parent], this.slot[parent], this.gen[parent])
      i = parent
    }
    this.put(i, at, slot, gen)
  }

  /** Removes the top entry (the caller read it from index 0 first). */
  pop () {
    const heapAt = this.at
    const last = --this.size
    const at = heapAt[last]
    const slot = this.slot[last]
    const gen = this.gen[last]
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= last) break
      if (child + 1 < last && heapAt[child + 1] < heapAt[child]) child++
      if (heapAt[child] >= at) break
      this.put(i, heapAt[child], this.slot[child], this.gen[child])
      i = child
    }
    this.put(i, at, slot, gen)
  }
}

function participantEvent (at, type, chat, who) {
  const participant = who === 0 ? chat.customer : chat.agent
  return { at, type, conversation: chat.id, participant, role: ROLES[who], transcript: false }
}

/**
 * The lifecycle: `chats` by id, their timers on one heap. `expire(now,
 * events)` fires what is due; `message(now, conversation, sender, events)`
 * resets the sender's idle timer. Both push events onto `events`.
 */
function lazyHeapLifecycle (churn, { idleMs, autoDisconnectMs }) {
  const records = []
  const chats = new Map()
  for (let i = 0; i < churn.n; i++) {
    const chat = { slot: 2 * i, id: churn.conversations[i], customer: churn.customers[i], agent: churn.agents[i] }
    records.push(chat)
    chats.set(chat.id, chat)
  }
  // Per participant slot: its phase and its timer's generation.
  const phase = new Uint8Array(2 * churn.n)
  const generation = new Uint32Array(2 * churn.n)
  const heap = new DeadlineHeap(2 * churn.n)
  for (let slot = 0; slot < 2 * churn.n; slot++) heap.push(idleMs, slot, 0)

  function arm (slot, at) {
    heap.push(at, slot, ++generation[slot])
  }

  function fire (chat, who, at, events) {
    const slot = chat.slot + who
    if (phase[slot] === ACTIVE) {
      phase[slot] = IDLE
      events.push(participantEvent(at, 'participant_idle', chat, who))
      arm(slot, at + autoDisconnectMs)
      return
    }
    // Auto-disconnect (R-T8): everyone but the customer leaves, and no timer
    // of the chat runs any more. Past the churn's 6 minutes, but written out
    // so the peer is the whole lifecycle the workload configures.
    const participant = who === 0 ? chat.customer : chat.agent
    events.push({ at, type: 'auto_disconnected', conversation: chat.id, participant, role: ROLES[who], disconnected: [chat.agent], transcript: false })
    events.push({ at, type: 'participant_left', conversation: chat.id, participant: chat.agent, role: 'agent', reason: 'auto_disconnected' })
    phase[chat.slot] = phase[chat.slot + 1] = OFF
    generation[chat.slot]++
    generation[chat.slot + 1]++
  }

  function expire (now, events) {
    while (heap.size > 0 && heap.at[0] <= now) {
      const at = heap.at[0]
      const slot = heap.slot[0]
      const gen = heap.gen[0]
      heap.pop()
      if (generation[slot] === gen) fire(records[slot >> 1], slot & 1, at, events)
    }
  }

  function message (now, conversation, sender, events) {
    const chat = chats.get(conversation)
    if (chat === undefined) return false
    const who = sender === chat.customer ? 0 : sender === chat.agent ? 1 : -1
    if (who < 0) return false
    const slot = chat.slot + who
    if (phase[slot] === OFF) return false
    if (phase[slot] === IDLE) {
      phase[slot] = ACTIVE
      events.push(participantEvent(now, 'participant_returned', chat, who))
    }
    arm(slot, now + idleMs)
    return true
  }

  return { expire, message, heap }
}

module.exports = { lazyHeapLifecycle, DeadlineHeap }
