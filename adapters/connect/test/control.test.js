'use strict'
// The Connect control plane through the real AWS SDK (v3), and the answers
// to bad requests: Connect's status, x-amzn-ErrorType and {"message"} naming
// the field; a refused request changes nothing; tokens never appear in output.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const WebSocket = require('ws')
const {
  StartChatContactCommand,
  StopContactCommand,
  UpdateParticipantRoleConfigCommand,
} = require('@aws-sdk/client-connect')
const { CreateParticipantConnectionCommand, SendMessageCommand } = require('@aws-sdk/client-connectparticipant')
const { startEmulator } = require('./helpers/emulator')
const { ParticipantClient, connectType, isType } = require('./helpers/participant')
const { connectClient, participantClient } = require('./helpers/sdk')

const INSTANCE = 'instance-1'
const iso = (ms) => new Date(ms).toISOString()
const TIMERS_PATH = 'ChannelConfiguration.Chat.ParticipantTimerConfigList'

let emulator
let control
let participants
const open = []
const tokens = []

before(async () => {
  emulator = await startEmulator({ config: { policies: { default: { timers: { customer_idle: 2 } } } } })
  control = connectClient(emulator.url)
  participants = participantClient(emulator.url)
})

after(async () => {
  for (const p of open) p.close()
  control.destroy()
  participants.destroy()
  await emulator.stop()
  // Every token the emulator handed out stayed out of its output.
  const output = emulator.output()
  for (const token of tokens) assert.ok(!output.includes(token), 'a token appears in the emulator output')
  assert.doesNotMatch(output, /cpt_|cct_|cws_|crl1_/)
})

async function startChat(input = {}) {
  const start = await control.send(
    new StartChatContactCommand({
      InstanceId: INSTANCE,
      ContactFlowId: 'flow-1',
      ParticipantDetails: { DisplayName: 'Ana' },
      ...input,
    }),
  )
  tokens.push(start.ParticipantToken)
  return start
}

async function joinAgent(contactId) {
  const joinedAt = await emulator.now()
  const { ParticipantToken } = await emulator.addAgent(contactId)
  tokens.push(ParticipantToken)
  const agent = new ParticipantClient(emulator.url, ParticipantToken)
  open.push(agent)
  await agent.connect()
  tokens.push(agent.connectionToken)
  return { agent, joinedAt }
}

/** The SDK's error of `promise`, which must fail. */
async function sdkError(promise) {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('the call succeeded')
}

const timer = (role, type, value) => ({ ParticipantRole: role, TimerType: type, TimerValue: value })
const minutes = (n) => ({ ParticipantTimerDurationInMinutes: n })
const updateTimers = (contactId, list) =>
  control.send(
    new UpdateParticipantRoleConfigCommand({
      InstanceId: INSTANCE,
      ContactId: contactId,
      ChannelConfiguration: { Chat: { ParticipantTimerConfigList: list } },
    }),
  )

test('UpdateParticipantRoleConfig: accepted, refused as Connect refuses, and a refusal changes nothing', async () => {
  const start = await startChat()
  await updateTimers(start.ContactId, [timer('CUSTOMER', 'IDLE', minutes(4))])

  const refusals = [
    [[timer('CUSTOMER', 'IDLE', minutes(481))], `${TIMERS_PATH}[0].TimerValue.ParticipantTimerDurationInMinutes: 481 is above 480`],
    [[timer('CUSTOMER', 'IDLE', minutes(1))], `${TIMERS_PATH}[0].TimerValue.ParticipantTimerDurationInMinutes: 1 is below 2`],
    [[timer('SYSTEM', 'IDLE', minutes(5))], `${TIMERS_PATH}[0].ParticipantRole`],
    [
      [timer('AGENT', 'IDLE', minutes(5)), timer('AGENT', 'IDLE', minutes(6))],
      `${TIMERS_PATH}[1]: repeats the ParticipantRole and TimerType of an earlier entry`,
    ],
    [Array.from({ length: 7 }, () => timer('AGENT', 'IDLE', minutes(5))), `${TIMERS_PATH}: must hold 1 to 6 entries, not 7`],
    [[], `${TIMERS_PATH}: must hold 1 to 6 entries, not 0`],
  ]
  for (const [list, field] of refusals) {
    const error = await sdkError(updateTimers(start.ContactId, list))
    assert.equal(error.name, 'InvalidParameterException', JSON.stringify(list))
    assert.equal(error.$metadata.httpStatusCode, 400)
    assert.ok(error.message.startsWith(field), `${error.message} does not start with ${field}`)
  }
  const unknown = await sdkError(updateTimers('no-such-contact', [timer('CUSTOMER', 'IDLE', minutes(4))]))
  assert.equal(unknown.name, 'ResourceNotFoundException')
  assert.equal(unknown.$metadata.httpStatusCode, 404)

  // The accepted 4 minutes apply from the next join (R-T4); nothing refused changed them.
  const { agent, joinedAt } = await joinAgent(start.ContactId)
  await emulator.advance(4 * 60_000)
  const idle = await agent.waitItem(isType(connectType('participant.idle')))
  assert.equal(idle.AbsoluteTime, iso(joinedAt + 4 * 60_000))
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: start.ContactId }))
})

test('StartChatContact: fields checked as Connect does, ChatDurationInMinutes ends the chat, ClientToken is idempotent', async () => {
  const missing = await sdkError(control.send(new StartChatContactCommand({ InstanceId: INSTANCE, ContactFlowId: 'f', ParticipantDetails: {} })))
  assert.equal(missing.name, 'InvalidParameterException')
  assert.equal(missing.message, 'ParticipantDetails.DisplayName: is required')
  const short = await sdkError(startChat({ ChatDurationInMinutes: 59 }))
  assert.equal(short.name, 'InvalidParameterException')
  assert.equal(short.message, 'ChatDurationInMinutes: 59 is below 60')

  const first = await startChat({ ClientToken: 'retry-1' })
  const retried = await startChat({ ClientToken: 'retry-1' })
  assert.equal(retried.ContactId, first.ContactId)

  const startedAt = await emulator.now()
  const timed = await startChat({ ChatDurationInMinutes: 61, InitialMessage: { ContentType: 'text/plain', Content: 'hello' } })
  const { agent } = await joinAgent(timed.ContactId)
  const transcript = await agent.transcript({ SortOrder: 'ASCENDING' })
  assert.deepEqual(
    transcript.Transcript.map((item) => item.Content ?? item.ContentType),
    [connectType('participant.joined'), 'hello', connectType('participant.joined')],
  )
  await emulator.advance(61 * 60_000 - 1)
  await emulator.advance(1)
  const ended = await agent.waitItem(isType(connectType('chat.ended')))
  assert.equal(ended.AbsoluteTime, iso(startedAt + 61 * 60_000))
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: first.ContactId }))
})

test('StopContact: an unknown contact is ResourceNotFoundException, a closed one InvalidRequestException', async () => {
  const unknown = await sdkError(control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: 'nope' })))
  assert.equal(unknown.name, 'ResourceNotFoundException')
  const start = await startChat()
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: start.ContactId })) // open → closed
  const closed = await sdkError(control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: start.ContactId })))
  assert.equal(closed.name, 'InvalidRequestException')
  assert.match(closed.message, /closed/)
  const wrongInstance = await sdkError(control.send(new StopContactCommand({ InstanceId: 'other', ContactId: start.ContactId })))
  assert.equal(wrongInstance.name, 'ResourceNotFoundException')
})

test('a bad bearer is 403 AccessDeniedException, for the SDK, plain HTTP and the WebSocket', async () => {
  const denied = await sdkError(
    participants.send(new CreateParticipantConnectionCommand({ ParticipantToken: 'cpt_made-up', Type: ['WEBSOCKET'] })),
  )
  assert.equal(denied.name, 'AccessDeniedException')
  assert.equal(denied.$metadata.httpStatusCode, 403)
  const wrongKind = await sdkError(
    participants.send(new SendMessageCommand({ ConnectionToken: (await startChat()).ParticipantToken, ContentType: 'text/plain', Content: 'x' })),
  )
  assert.equal(wrongKind.name, 'AccessDeniedException', 'a ParticipantToken is not a ConnectionToken')

  for (const route of ['/participant/message', '/participant/event', '/participant/transcript', '/participant/disconnect']) {
    const res = await emulator.call('POST', route, {}, { 'x-amz-bearer': 'cct_made-up' })
    assert.equal(res.status, 403, route)
    assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException')
    assert.deepEqual(res.body, { message: 'X-Amz-Bearer: not a valid token for this participant' })
  }
  const noBearer = await emulator.call('POST', '/participant/connection', { Type: ['WEBSOCKET'] })
  assert.equal(noBearer.status, 403)

  const status = await new Promise((resolve) => {
    const socket = new WebSocket(emulator.url.replace('http', 'ws') + '/participant/websocket?key=cws_made-up')
    socket.on('unexpected-response', (_, res) => resolve(res.statusCode))
    socket.on('open', () => resolve('opened'))
  })
  assert.equal(status, 403)
})

test('malformed or incomplete requests are 400 naming the field, and change nothing', async () => {
  const start = await startChat()
  const { agent } = await joinAgent(start.ContactId)
  const customer = new ParticipantClient(emulator.url, start.ParticipantToken)
  open.push(customer)
  await customer.connect()
  tokens.push(customer.connectionToken)
  const bearer = { 'x-amz-bearer': customer.connectionToken }

  const cases = [
    ['PUT', '/contact/chat', '{"InstanceId": ', {}, 400, 'InvalidParameterException', 'body: not valid JSON'],
    ['PUT', '/contact/chat', [], {}, 400, 'InvalidParameterException', 'body: must be a JSON object'],
    ['PUT', '/contact/chat', { ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'A' } }, {}, 400, 'InvalidParameterException', 'InstanceId: is required'],
    ['POST', '/participant/message', { ContentType: 'text/plain' }, bearer, 400, 'ValidationException', 'Content: is required'],
    ['POST', '/participant/message', { ContentType: 'image/gif', Content: 'x' }, bearer, 400, 'ValidationException', 'ContentType: must be one of'],
    ['POST', '/participant/message', { ContentType: 'text/plain', Content: 7 }, bearer, 400, 'ValidationException', 'Content: must be a string'],
    ['POST', '/participant/event', { ContentType: 'text/plain' }, bearer, 400, 'ValidationException', 'ContentType: must be one of'],
    ['POST', '/participant/transcript', { MaxResults: 101 }, bearer, 400, 'ValidationException', 'MaxResults: 101 is above 100'],
    ['POST', '/participant/connection', { Type: ['CARRIER_PIGEON'] }, { 'x-amz-bearer': start.ParticipantToken }, 400, 'ValidationException', 'Type[0]: must be one of'],
    ['POST', '/emulator/clock/advance', { ms: -1 }, {}, 400, 'InvalidParameterException', 'ms: -1 is below 0'],
    ['POST', '/emulator/contact/nope/agent', { DisplayName: 'A' }, {}, 404, 'ResourceNotFoundException', 'ContactId: no contact nope'],
    ['GET', '/contact/chat', undefined, {}, 404, 'UnknownOperationException', 'no operation GET /contact/chat'],
  ]
  for (const [method, route, body, headers, status, type, message] of cases) {
    const res = await emulator.call(method, route, body, headers)
    const what = `${method} ${route} ${JSON.stringify(body)}`
    assert.equal(res.status, status, what)
    assert.equal(res.headers.get('x-amzn-errortype'), type, what)
    assert.ok(res.body.message.startsWith(message), `${what}: ${res.body.message}`)
  }
  // None of them reached the engine: no item went out, the transcript is as it was.
  await customer.send('one real message')
  await agent.waitItem((item) => item.Content === 'one real message')
  assert.deepEqual(agent.items.map((item) => item.Content ?? item.ContentType), ['one real message'])

  // A departed customer's tokens are refused from then on.
  await customer.disconnect()
  await agent.waitItem(isType(connectType('participant.left')))
  const after = await emulator.call('POST', '/participant/message', { ContentType: 'text/plain', Content: 'x' }, bearer)
  assert.equal(after.status, 403)
  await control.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: start.ContactId }))
})
