// SPEC v2 through the Node API: `hold` and `resume` (§14), and the events v2
// added (`expiry_warning`, `conversation_inactive`, `hold_changed`) as plain
// objects whose keys are in canonical order.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')

const { chatlife, thrown } = require('./helpers.js')

const { Engine } = chatlife
const MIN = 60_000

const CONFIG = {
  agents: { default_capacity: 1 },
  policies: {
    default: {
      timers: { customer_auto_disconnect: 20 },
      warnings: { customer_auto_disconnect: ['15m'], inactivity: ['2m'] },
      inactivity: { after: '10m' },
      hold: { enabled: true },
    },
  },
}

function activeChat() {
  const engine = new Engine(CONFIG)
  engine.startConversation(0, 'c1', 'cu')
  engine.join(0, 'c1', 'ag', 'agent')
  engine.pollEvents()
  return engine
}

test('warnings, a hold and inactivity come out as canonical objects', () => {
  const engine = activeChat()
  engine.advance(9 * MIN)
  assert.deepEqual(engine.pollEvents(), [
    { at: 5 * MIN, type: 'expiry_warning', conversation: 'c1', timer: 'customer_auto_disconnect', participant: 'cu', deadline: 20 * MIN, transcript: false },
    { at: 8 * MIN, type: 'expiry_warning', conversation: 'c1', timer: 'inactivity', participant: null, deadline: 10 * MIN, transcript: false },
  ])
  engine.hold(9 * MIN, 'c1', 'ag')
  const [held, freed] = engine.pollEvents()
  assert.equal(JSON.stringify(held), '{"at":540000,"type":"hold_changed","conversation":"c1","on_hold":true,"reason":"agent"}')
  assert.deepEqual([freed.type, freed.used], ['capacity_changed', 0])
  assert.equal(engine.state('c1'), 'active')
  engine.resume(9 * MIN + 1, 'c1', 'ag')
  assert.deepEqual(engine.pollEvents()[0], { at: 9 * MIN + 1, type: 'hold_changed', conversation: 'c1', on_hold: false, reason: 'agent' })
  engine.advance(60 * MIN)
  const events = engine.pollEvents()
  const inactive = events.find((e) => e.type === 'conversation_inactive')
  assert.deepEqual(Object.keys(inactive), ['at', 'type', 'conversation', 'since'])
  assert.deepEqual([inactive.at, inactive.since], [19 * MIN + 1, 9 * MIN + 1])
  assert.deepEqual(events.find((e) => e.type === 'state_changed'), {
    at: 19 * MIN + 1, type: 'state_changed', conversation: 'c1', from: 'active', to: 'wrap_up', reason: 'inactivity',
  })
})

test('hold and resume refusals carry their code and field, and change nothing', () => {
  const engine = activeChat()
  const before = Buffer.from(engine.snapshot())
  for (const [action, code, field] of [
    [() => engine.hold(MIN, 'c1', 'cu'), 'invalid_state', 'participant: '],
    [() => engine.resume(MIN, 'c1', 'ag'), 'invalid_state', 'conversation: '],
    [() => engine.hold(MIN, 'zz', 'ag'), 'unknown_conversation', 'conversation: '],
    [() => engine.hold(MIN, 'c1', 'nobody'), 'unknown_participant', 'participant: '],
    [() => engine.hold(MIN, 'c1', 5), 'invalid_argument', 'participant: '],
    [() => engine.resume(MIN, 'c1'), 'invalid_argument', 'participant: '],
  ]) {
    const error = thrown(action)
    assert.equal(error.code, code, error.message)
    assert.ok(error.message.startsWith(field), error.message)
  }
  assert.deepEqual(engine.pollEvents(), [])
  assert.ok(Buffer.from(engine.snapshot()).equals(before))
})

test('resume above capacity is refused; the customer resumes it anyway', () => {
  const engine = activeChat()
  engine.hold(MIN, 'c1', 'ag')
  engine.startConversation(MIN, 'c2', 'cu2')
  engine.join(MIN, 'c2', 'ag', 'agent')
  engine.pollEvents()
  const error = thrown(() => engine.resume(2 * MIN, 'c1', 'ag'))
  assert.equal(error.code, 'capacity_exceeded')
  assert.ok(error.message.startsWith('participant: '), error.message)
  engine.message(3 * MIN, 'c1', 'cu')
  const [resumed, capacity] = engine.pollEvents()
  assert.deepEqual([resumed.on_hold, resumed.reason], [false, 'customer_message'])
  assert.deepEqual([capacity.used, capacity.capacity], [2, 1])
})

test('hold and resume in applyMany equal the single calls', () => {
  const steps = [['hold', MIN, 'ag'], ['hold', MIN, 'ag'], ['resume', 2 * MIN, 'cu'], ['resume', 2 * MIN, 'ag']]
  const batch = activeChat()
  const single = activeChat()
  const results = batch.applyMany(steps.map(([op, at, participant]) => ({ at, op, conversation: 'c1', participant })))
  const expected = steps.map(([op, at, participant]) => {
    try {
      single[op](at, 'c1', participant)
      return null
    } catch (error) {
      return error.message
    }
  })
  assert.deepEqual(results.map((r) => r?.message ?? null), expected)
  assert.ok(expected[0] === null && expected[3] === null && expected[1] && expected[2])
  assert.deepEqual(batch.pollEvents(), single.pollEvents())
})

test('a token that is not genuine is answered with conversation null (R-RC10)', () => {
  const engine = new Engine({ policies: { default: { reconnect: { enabled: true, portal_url: 'https://x/chat' } } } })
  engine.startConversation(0, 'c1', 'cu')
  engine.pollEvents()
  engine.reconnect(MIN, { token: 'not-a-token' })
  const [refused] = engine.pollEvents()
  assert.deepEqual([refused.type, refused.conversation, refused.reason], ['reconnect_refused', null, 'invalid'])
})
