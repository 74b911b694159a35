'use strict'
// The real amazon-connect-chatjs as the customer, the real AWS SDK as the
// backend and the agent, the emulator on the manual clock: every timer is
// seen firing at its exact millisecond.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { StartChatContactCommand, StopContactCommand } = require('@aws-sdk/client-connect')
const { startEmulator } = require('./helpers/emulator')
const { chatjsCustomer, navigator } = require('./helpers/chatjs')
const { ParticipantClient, connectType, chatlifeType, isType } = require('./helpers/participant')
const { connectClient } = require('./helpers/sdk')

const CONFIG = {
  policies: {
    default: {
      timers: { customer_idle: 2, customer_auto_disconnect: 3 },
      warnings: { customer_auto_disconnect: ['1m'] },
      disconnect_grace: '30s',
      reconnect: { enabled: true, portal_url: 'https://example.com/chat', time_limit: '10m' },
    },
  },
}
const INSTANCE = 'instance-1'
const iso = (ms) => new Date(ms).toISOString()
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

let emulator
let control
const open = []

before(async () => {
  emulator = await startEmulator({ config: CONFIG })
  control = connectClient(emulator.url)
})

after(async () => {
  for (const participant of open) participant.close()
  control.destroy()
  await emulator.stop()
})

/** A contact with a ChatJS customer and a connected agent; `joinedAt` is the agent's join. */
async function chat() {
  const start = await control.send(
    new StartChatContactCommand({ InstanceId: INSTANCE, ContactFlowId: 'flow-1', ParticipantDetails: { DisplayName: 'Ana' } }),
  )
  const customer = await chatjsCustomer(emulator.url, start)
  const joinedAt = await emulator.now()
  const { ParticipantToken } = await emulator.addAgent(start.ContactId, 'Bo')
  const agent = new ParticipantClient(emulator.url, ParticipantToken)
  open.push(agent)
  await agent.connect()
  return { start, customer, agent, joinedAt }
}

/** Ends the contact so its ChatJS session stops. */
async function stop({ start, customer }) {
  const ended = customer.next('onEnded')
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: start.ContactId }))
  await ended
}

test('customer idle at the exact millisecond, back with a message, warned, then auto-disconnected', async () => {
  const c = await chat()
  await emulator.advance(119_999)
  await pause(200)
  assert.equal(c.customer.events.filter((e) => e.name === 'onParticipantIdle').length, 0, 'idle before its time')

  await emulator.advance(1)
  const idle = await c.customer.next('onParticipantIdle')
  assert.equal(idle.AbsoluteTime, iso(c.joinedAt + 120_000))
  assert.equal(idle.ParticipantId, c.start.ParticipantId)
  assert.equal(idle.ParticipantRole, 'CUSTOMER')
  assert.equal(idle.ContactId, c.start.ContactId)
  assert.equal(idle.InitialContactId, c.start.ContactId)

  await emulator.advance(30_000)
  const sentAt = await emulator.now()
  await c.customer.session.sendMessage({ contentType: 'text/plain', message: 'still here' })
  const returned = await c.customer.next('onParticipantReturned')
  assert.equal(returned.AbsoluteTime, iso(sentAt))
  const message = await c.agent.waitItem((item) => item.Content === 'still here')
  assert.deepEqual(
    [message.Type, message.ParticipantRole, message.DisplayName, message.AbsoluteTime],
    ['MESSAGE', 'CUSTOMER', 'Ana', iso(sentAt)],
  )

  // Idle again two minutes after the message, auto-disconnected three after
  // that; ChatJS hands the warning a minute before to onMessage (SPEC §12).
  await emulator.advance(120_000 + 180_000)
  const warning = await c.customer.next('onMessage', (data) => data.ContentType === chatlifeType('expiry_warning'))
  assert.equal(warning.AbsoluteTime, iso(sentAt + 240_000))
  assert.deepEqual(JSON.parse(warning.Content), {
    timer: 'customer_auto_disconnect', participant: c.start.ParticipantId, deadline: sentAt + 300_000, transcript: false,
  })
  const auto = await c.customer.next('onAutoDisconnection')
  assert.equal(auto.AbsoluteTime, iso(sentAt + 300_000))
  const left = await c.agent.waitItem(isType(connectType('participant.left')))
  assert.equal(left.ParticipantRole, 'AGENT')
  assert.equal(left.AbsoluteTime, iso(sentAt + 300_000))
  await c.customer.next('onEnded')
})

test('a drop within the grace: ChatJS reconnects by itself and the chat goes on', async () => {
  const c = await chat()
  const droppedAt = await emulator.now()
  await emulator.drop(c.start.ContactId, c.start.ParticipantId)
  const lost = await c.agent.waitItem(isType(chatlifeType('connection.lost')))
  assert.equal(lost.AbsoluteTime, iso(droppedAt))
  assert.equal(lost.ParticipantId, c.start.ParticipantId)
  await c.customer.next('onConnectionLost')

  // ChatJS comes back about a second later, still inside the 30 s grace.
  const restored = await c.agent.waitItem(isType(chatlifeType('connection.restored')))
  assert.equal(restored.AbsoluteTime, iso(droppedAt))
  await emulator.advance(60_000)
  const state = await emulator.contact(c.start.ContactId)
  assert.equal(state.State, 'active')
  assert.equal(state.Participants[0].ConnectionLost, false)
  assert.ok(!c.agent.items.some(isType(chatlifeType('customer.disconnected'))), 'the grace ran out after a restore')

  await c.customer.session.sendMessage({ contentType: 'text/plain', message: 'after the drop' })
  await c.agent.waitItem((item) => item.Content === 'after the drop')
  await stop(c)
})

test('a drop past the grace: the agent gets the SYSTEM message, ChatJS shows the chat ended', async () => {
  const c = await chat()
  navigator.onLine = false // ChatJS does not try to reconnect while offline
  try {
    await pause(300)
    const droppedAt = await emulator.now()
    await emulator.drop(c.start.ContactId, c.start.ParticipantId)
    await c.agent.waitItem(isType(chatlifeType('connection.lost')))
    await emulator.advance(29_999)
    await pause(100)
    assert.ok(!c.agent.items.some((item) => item.Type === 'MESSAGE' && item.ParticipantRole === 'SYSTEM'), 'SYSTEM message before the grace ran out')

    await emulator.advance(1)
    const system = await c.agent.waitItem((item) => item.Type === 'MESSAGE' && item.ParticipantRole === 'SYSTEM')
    assert.deepEqual(
      [system.Content, system.DisplayName, system.ContentType, system.AbsoluteTime],
      ['Ana has disconnected.', 'SYSTEM_MESSAGE', 'text/plain', iso(droppedAt + 30_000)],
    )
    const transcript = await c.agent.transcript({ MaxResults: 100, SortOrder: 'ASCENDING' })
    assert.equal(transcript.Transcript.at(-1).Content, 'Ana has disconnected.')
  } finally {
    navigator.onLine = true
  }
  // Back online, ChatJS's reconnect is refused (403): it ends the session.
  await c.customer.next('onEnded')
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: c.start.ContactId }))
})

test('a reconnect link brings the customer back once; reusing it is refused', async () => {
  const c = await chat()
  const link = await emulator.ok('POST', `/emulator/contact/${c.start.ContactId}/reconnect-link`)
  assert.match(link.Url, /^https:\/\/example\.com\/chat#reconnect=crl1_/)
  assert.ok(link.Url.endsWith(link.Token))

  navigator.onLine = false
  try {
    await pause(300)
    await emulator.drop(c.start.ContactId, c.start.ParticipantId)
    await c.agent.waitItem(isType(chatlifeType('connection.lost')))
    await emulator.advance(30_000)
    await c.agent.waitItem((item) => item.Content === 'Ana has disconnected.')
  } finally {
    navigator.onLine = true
  }
  await c.customer.next('onEnded')

  await emulator.advance(60_000)
  const back = await emulator.ok('POST', '/emulator/reconnect', { Token: link.Token })
  assert.equal(back.ContactId, c.start.ContactId)
  assert.equal(back.ParticipantId, c.start.ParticipantId)
  assert.notEqual(back.ParticipantToken, c.start.ParticipantToken)
  await c.agent.waitItem((item) => item.Content === 'Ana is back.')

  const again = await chatjsCustomer(emulator.url, { ...c.start, ParticipantToken: back.ParticipantToken })
  await again.session.sendMessage({ contentType: 'text/plain', message: 'I am back' })
  await c.agent.waitItem((item) => item.Content === 'I am back')

  const reused = await emulator.call('POST', '/emulator/reconnect', { Token: link.Token })
  assert.equal(reused.status, 400)
  assert.equal(reused.headers.get('x-amzn-errortype'), 'InvalidRequestException')
  assert.deepEqual(reused.body, { message: 'the reconnect link cannot be used', Reason: 'reused', RedirectUrl: null, StartNew: true })
  // A made-up token gets the same answer, but for the reason in the audit field.
  const fake = await emulator.call('POST', '/emulator/reconnect', { Token: 'crl1_bm9wZQ_AAAA' })
  assert.equal(fake.status, 400)
  assert.equal(fake.body.message, reused.body.message)
  assert.equal(fake.body.Reason, 'invalid')

  await stop({ start: c.start, customer: again })
})

test('StopContact through the SDK ends the ChatJS session', async () => {
  const c = await chat()
  const stoppedAt = await emulator.now()
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: c.start.ContactId }))
  await c.customer.next('onEnded')
  const ended = await c.agent.waitItem(isType(connectType('chat.ended')))
  assert.equal(ended.AbsoluteTime, iso(stoppedAt))
  assert.equal(ended.ParticipantRole, 'SYSTEM')
  const state = await emulator.contact(c.start.ContactId)
  assert.equal(state.State, 'wrap_up')
  // The customer's token went with the chat.
  const late = await emulator.call('POST', '/participant/connection', { Type: ['WEBSOCKET'] }, { 'x-amz-bearer': c.start.ParticipantToken })
  assert.equal(late.status, 403)
})
