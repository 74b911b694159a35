'use strict'
// The mapping table covers every event the engine can emit: a new engine
// event (the SPEC v2 warnings and holds, say) fails here until it is given
// its Connect items in src/items.js (SPEC_V2_EVENT_ITEMS is the place).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { eventTypes } = require('chatlife')
const { MAPPINGS, EVENT_ITEMS, SPEC_V2_EVENT_ITEMS, toItem, endsChat } = require('../src/items')

test('every engine event type has a Connect mapping', () => {
  const missing = eventTypes().filter((type) => !(type in MAPPINGS))
  assert.deepEqual(missing, [], 'map these in src/items.js (SPEC_V2_EVENT_ITEMS for the v2 events)')
  for (const type of Object.keys(SPEC_V2_EVENT_ITEMS)) assert.ok(!(type in EVENT_ITEMS), `${type} is mapped twice`)
})

test('an item carries Connect\'s nine fields, Content only when it has one', () => {
  const contact = { id: 'c-1', initialContactId: 'c-1' }
  const from = { id: 'p-1', role: 'bot', displayName: 'Helper' }
  const item = toItem(contact, { Type: 'EVENT', ContentType: 'x/y', from }, Date.UTC(2026, 0, 1, 0, 0, 0, 7))
  assert.deepEqual(Object.keys(item), [
    'AbsoluteTime', 'ContentType', 'Id', 'Type', 'ParticipantId', 'DisplayName', 'ParticipantRole', 'ContactId', 'InitialContactId',
  ])
  assert.equal(item.AbsoluteTime, '2026-01-01T00:00:00.007Z')
  assert.equal(item.ParticipantRole, 'CUSTOM_BOT')
  assert.equal(toItem(contact, { Type: 'MESSAGE', ContentType: 'text/plain', Content: 'hi', from }, 0).Content, 'hi')
})

test('chat.ended only where the chat ends for the customer', () => {
  const ends = (from, to) => endsChat({ type: 'state_changed', from, to })
  assert.equal(ends('active', 'wrap_up'), true)
  assert.equal(ends('open', 'closed'), true)
  assert.equal(ends('waiting', 'closed'), true)
  assert.equal(ends('wrap_up', 'closed'), false, 'already ended at wrap-up')
  assert.equal(ends('active', 'open'), false)
  assert.equal(ends('active', 'waiting'), false)
})
