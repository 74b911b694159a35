'use strict'
// SPEC v2 on Connect's wire: /emulator/ hold and resume, and the chatlife
// items of holds, warnings and inactivity (docs/connect.md): who receives
// them, from whom, with what Content, and that GetTranscript keeps none.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { StartChatContactCommand } = require('@aws-sdk/client-connect')
const { startEmulator } = require('./helpers/emulator')
const { ParticipantClient, connectType, chatlifeType, isType } = require('./helpers/participant')
const { connectClient } = require('./helpers/sdk')

const MIN = 60_000
const CONFIG = {
  policies: {
    default: {
      timers: { customer_auto_disconnect: 10 },
      warnings: { customer_auto_disconnect: ['8m'], inactivity: ['1m'] },
      inactivity: { after: '5m' },
      hold: { enabled: true },
    },
  },
}
const iso = (ms) => new Date(ms).toISOString()

let emulator
let control
const open = []

before(async () => {
  emulator = await startEmulator({ config: CONFIG })
  control = connectClient(emulator.url)
})

after(async () => {
  for (const p of open) p.close()
  control.destroy()
  await emulator.stop()
})

async function participant(token) {
  const client = new ParticipantClient(emulator.url, token)
  open.push(client)
  await client.connect()
  return client
}

/** A contact with a connected customer and agent. */
async function chat() {
  const start = await control.send(
    new StartChatContactCommand({ InstanceId: 'instance-1', ContactFlowId: 'flow-1', ParticipantDetails: { DisplayName: 'Ana' } }),
  )
  const customer = await participant(start.ParticipantToken)
  const joined = await emulator.addAgent(start.ContactId)
  const agent = await participant(joined.ParticipantToken)
  return { contactId: start.ContactId, customerId: start.ParticipantId, agentId: joined.ParticipantId, customer, agent }
}

const hold = (contactId, body) => emulator.call('POST', `/emulator/contact/${contactId}/hold`, body)
const resume = (contactId, body) => emulator.call('POST', `/emulator/contact/${contactId}/resume`, body)
const chatlifeItems = (client) => client.items.filter((item) => item.ContentType.startsWith('application/vnd.chatlife.'))

test('hold and resume: hold.changed items for the agent side, refusals as Connect shapes them', async () => {
  const { contactId, customerId, agentId, customer, agent } = await chat()
  const heldAt = await emulator.now()
  const held = await hold(contactId, { ParticipantId: agentId })
  assert.equal(held.status, 200)
  assert.deepEqual(held.body, {})
  const item = await agent.waitItem(isType(chatlifeType('hold.changed')))
  assert.equal(item.AbsoluteTime, iso(heldAt))
  assert.equal(item.Type, 'EVENT')
  assert.equal(item.ParticipantRole, 'SYSTEM')
  assert.deepEqual(JSON.parse(item.Content), { on_hold: true, reason: 'agent' })

  const refusals = [
    [hold, { ParticipantId: agentId }, 400, 'InvalidRequestException', 'conversation: '], // already on hold
    [resume, { ParticipantId: customerId }, 400, 'InvalidRequestException', 'participant: '], // not the agent
    [resume, { ParticipantId: 'nobody' }, 404, 'ResourceNotFoundException', 'participant: '],
    [resume, {}, 400, 'InvalidParameterException', 'ParticipantId: is required'],
    [resume, { ParticipantId: 7 }, 400, 'InvalidParameterException', 'ParticipantId: must be a string'],
  ]
  for (const [call, body, status, type, message] of refusals) {
    const res = await call(contactId, body)
    assert.equal(res.status, status, JSON.stringify(body))
    assert.equal(res.headers.get('x-amzn-errortype'), type)
    assert.ok(res.body.message.startsWith(message), res.body.message)
  }
  const unknown = await hold('no-such-contact', { ParticipantId: agentId })
  assert.equal(unknown.status, 404)

  assert.equal((await resume(contactId, { ParticipantId: agentId })).status, 200)
  const back = await agent.waitItem(isType(chatlifeType('hold.changed'), (i) => JSON.parse(i.Content).on_hold === false))
  assert.deepEqual(JSON.parse(back.Content), { on_hold: false, reason: 'agent' })
  // Two holds changed, nothing else: the refusals sent nothing, and the customer saw none of it.
  assert.equal(chatlifeItems(agent).length, 2)
  assert.deepEqual(chatlifeItems(customer), [])
})

test('warnings reach every participant, inactivity the agent side; GetTranscript keeps neither', async () => {
  const { contactId, customerId, customer, agent } = await chat()
  const joinedAt = await emulator.now()
  await emulator.advance(5 * MIN)
  // The customer's auto-disconnect warns 8m ahead, from the customer; inactivity 1m ahead, from SYSTEM.
  for (const client of [customer, agent]) {
    const [first, second] = await Promise.all([
      client.waitItem(isType(chatlifeType('expiry_warning'), (i) => JSON.parse(i.Content).timer === 'customer_auto_disconnect')),
      client.waitItem(isType(chatlifeType('expiry_warning'), (i) => JSON.parse(i.Content).timer === 'inactivity')),
    ])
    assert.equal(first.AbsoluteTime, iso(joinedAt + 2 * MIN))
    assert.equal(first.ParticipantId, customerId)
    assert.equal(first.ParticipantRole, 'CUSTOMER')
    assert.deepEqual(JSON.parse(first.Content), {
      timer: 'customer_auto_disconnect', participant: customerId, deadline: joinedAt + 10 * MIN, transcript: false,
    })
    assert.equal(second.AbsoluteTime, iso(joinedAt + 4 * MIN))
    assert.equal(second.ParticipantRole, 'SYSTEM')
    assert.deepEqual(JSON.parse(second.Content), { timer: 'inactivity', participant: null, deadline: joinedAt + 5 * MIN, transcript: false })
  }
  const inactive = await agent.waitItem(isType(chatlifeType('conversation.inactive')))
  assert.equal(inactive.AbsoluteTime, iso(joinedAt + 5 * MIN))
  assert.deepEqual(JSON.parse(inactive.Content), { since: joinedAt })
  const ended = await customer.waitItem(isType(connectType('chat.ended')))
  assert.equal(ended.AbsoluteTime, iso(joinedAt + 5 * MIN))
  assert.ok(!customer.items.some(isType(chatlifeType('conversation.inactive'))), 'inactivity is for the agent side')
  const { Transcript } = await agent.transcript({ SortOrder: 'ASCENDING' })
  assert.deepEqual(Transcript.filter((i) => i.ContentType.startsWith('application/vnd.chatlife.')), [])
  assert.equal((await emulator.contact(contactId)).State, 'wrap_up')
})
