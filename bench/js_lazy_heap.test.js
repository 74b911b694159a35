'use strict'
// The plain-JavaScript peer must do the lifecycle the churn measures, or its
// row means nothing: run by `make test-bench` (no addon needed). The bench
// itself also checks it saw the same participants go idle and return as
// chatlife did.

const test = require('node:test')
const assert = require('node:assert/strict')
const { lazyHeapLifecycle, DeadlineHeap } = require('./js_lazy_heap')

const TIMERS = { idleMs: 300_000, autoDisconnectMs: 600_000 }

function churnOf (n) {
  const ids = (prefix) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
  return { n, conversations: ids('conv'), customers: ids('cust'), agents: ids('agent') }
}

test('the heap pops every entry in deadline order, past its first capacity', () => {
  const heap = new DeadlineHeap(4)
  let seed = 7
  const pushed = []
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    const at = seed % 1000
    heap.push(at, i, i * 3)
    pushed.push([at, i, i * 3])
  }
  const popped = []
  while (heap.size > 0) {
    popped.push([heap.at[0], heap.slot[0], heap.gen[0]])
    heap.pop()
  }
  assert.deepEqual(popped.map(([at]) => at), pushed.map(([at]) => at).sort((a, b) => a - b))
  assert.deepEqual(new Set(popped.map(String)), new Set(pushed.map(String)))
})

test('quiet participants go idle after 5 minutes with the event chatlife hands over', () => {
  const life = lazyHeapLifecycle(churnOf(2), TIMERS)
  const events = []
  life.expire(299_999, events)
  assert.deepEqual(events, [])
  life.expire(300_000, events)
  assert.equal(events.length, 4)
  assert.deepEqual(events.find((e) => e.participant === 'agent-1'),
    { at: 300_000, type: 'participant_idle', conversation: 'conv-1', participant: 'agent-1', role: 'agent', transcript: false })
})

test('a message postpones its sender only, and a return is an event', () => {
  const life = lazyHeapLifecycle(churnOf(1), TIMERS)
  const events = []
  assert.equal(life.message(100_000, 'conv-0', 'cust-0', events), true)
  life.expire(300_000, events)
  assert.deepEqual(events.map((e) => [e.participant, e.type]), [['agent-0', 'participant_idle']])
  life.expire(399_900, events)
  assert.equal(events.length, 1, 'the stale 5-minute entry of the customer fired nothing')
  life.expire(400_000, events)
  assert.deepEqual(events.map((e) => [e.at, e.participant]), [[300_000, 'agent-0'], [400_000, 'cust-0']])
  events.length = 0
  assert.equal(life.message(450_000, 'conv-0', 'agent-0', events), true)
  assert.deepEqual(events, [{ at: 450_000, type: 'participant_returned', conversation: 'conv-0', participant: 'agent-0', role: 'agent', transcript: false }])
  events.length = 0
  life.expire(750_000, events)
  assert.deepEqual(events.map((e) => [e.at, e.participant, e.type]), [[750_000, 'agent-0', 'participant_idle']])
})

test('unknown conversations and strangers change nothing', () => {
  const life = lazyHeapLifecycle(churnOf(1), TIMERS)
  const events = []
  assert.equal(life.message(1000, 'conv-9', 'cust-0', events), false)
  assert.equal(life.message(1000, 'conv-0', 'cust-9', events), false)
  life.expire(300_000, events)
  assert.equal(events.length, 2)
})

test('auto-disconnect 10 minutes after idle removes the agent; then nothing runs', () => {
  const life = lazyHeapLifecycle(churnOf(1), TIMERS)
  const events = []
  life.message(1000, 'conv-0', 'agent-0', events)
  life.expire(900_000, events)
  assert.deepEqual(events.map((e) => [e.at, e.type, e.participant]), [
    [300_000, 'participant_idle', 'cust-0'],
    [301_000, 'participant_idle', 'agent-0'],
    [900_000, 'auto_disconnected', 'cust-0'],
    [900_000, 'participant_left', 'agent-0'],
  ])
  assert.deepEqual(events[2].disconnected, ['agent-0'])
  events.length = 0
  assert.equal(life.message(900_100, 'conv-0', 'cust-0', events), false)
  life.expire(10_000_000, events)
  assert.deepEqual(events, [])
})
