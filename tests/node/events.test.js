// Events through the Node API: plain objects whose keys are in docs/rules.md §10
// order, so `JSON.stringify(event)` is the canonical line, however many
// events wait and whatever text they hold.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')

const { chatlife } = require('./helpers.js')

const { Engine } = chatlife

test('pollEvents hands over plain objects whose JSON is the canonical line', () => {
  const engine = new Engine({ seed: 1, policies: { 'pö"l': { reconnect: { enabled: true, portal_url: 'https://p/é' } } } })
  assert.deepEqual(engine.pollEvents(), [])
  engine.startConversation(0, 'c\u2028é😀', 'cu', { policy: 'pö"l' })
  engine.issueReconnectLink(1, 'c\u2028é😀')
  const events = engine.pollEvents()
  assert.deepEqual(events.map((e) => e.type), ['conversation_started', 'reconnect_link_issued'])
  for (const event of events) assert.equal(Object.getPrototypeOf(event), Object.prototype)
  assert.equal(
    JSON.stringify(events[0]),
    '{"at":0,"type":"conversation_started","conversation":"c\u2028é😀","policy":"pö\\"l","customer":"cu"}',
  )
  assert.deepEqual(Object.keys(events[1]), ['at', 'type', 'conversation', 'url', 'token'])
  assert.deepEqual(engine.pollEvents(), [])
})

test('more events than one JSON text holds come in order, every one', () => {
  const engine = new Engine({})
  const n = 400_000 // about 40 MB of canonical lines: more than one parse takes
  for (let i = 0; i < n; i++) engine.startConversation(i, `conversation-${i}`, `customer-${i}`)
  const events = engine.pollEvents()
  assert.equal(events.length, n)
  for (const i of [0, 1, 123_456, 333_333, n - 1]) {
    assert.equal(
      JSON.stringify(events[i]),
      `{"at":${i},"type":"conversation_started","conversation":"conversation-${i}","policy":"default","customer":"customer-${i}"}`,
    )
  }
  assert.ok(events.every((event, i) => event.at === i))
})
