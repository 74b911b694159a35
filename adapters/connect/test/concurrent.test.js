'use strict'
// 200 chats at once on the manual clock, each with a seeded random story: a
// customer who goes idle and comes back, one whose connection drops and comes
// back within the grace, one who drops for good. Every timer item must arrive
// at the millisecond the rules give, worked out here from each story.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { StartChatContactCommand } = require('@aws-sdk/client-connect')
const { startEmulator } = require('./helpers/emulator')
const { ParticipantClient, connectType, chatlifeType, isType, brief } = require('./helpers/participant')
const { connectClient, participantClient } = require('./helpers/sdk')

const CHATS = 200
const IDLE = 2 * 60_000
const AUTO_DISCONNECT = 3 * 60_000
const GRACE = 30_000
const CONFIG = {
  policies: { default: { timers: { customer_idle: 2, customer_auto_disconnect: 3 }, disconnect_grace: '30s' } },
}

/** mulberry32: the same stories on every run. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NINE_FIELDS = ['AbsoluteTime', 'ContentType', 'Id', 'Type', 'ParticipantId', 'DisplayName', 'ParticipantRole', 'ContactId', 'InitialContactId']
const TIMED = [
  connectType('participant.idle'),
  connectType('participant.returned'),
  connectType('participant.autodisconnection'),
  connectType('participant.left'),
  connectType('chat.ended'),
  chatlifeType('connection.lost'),
  chatlifeType('connection.restored'),
  chatlifeType('customer.disconnected'),
  'text/plain',
]

/**
 * A story's actions (offsets from the start, in ms) and its timed items as
 * [content type, offset, audience]. Timers start at the agent's join; a
 * message resets them; idle comes IDLE later, the auto-disconnect
 * AUTO_DISCONNECT after that: it removes the agent (who gets its own
 * participant.left, then nothing) and ends the chat. A drop not restored
 * within GRACE disconnects the customer, writes the SYSTEM message for the
 * agent and ends the chat (reconnection is off).
 */
function story(kind, rand) {
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1))
  const join = between(1, 60_000)
  const autoDisconnect = (at) => [
    [connectType('participant.autodisconnection'), at, 'all'],
    [connectType('participant.left'), at, 'all'],
    [connectType('chat.ended'), at, 'customer'],
  ]
  if (kind === 'returns') {
    const message = join + IDLE + between(1, 60_000)
    return {
      kind,
      actions: [[join, 'join'], [message, 'message']],
      offline: [],
      items: [
        [connectType('participant.idle'), join + IDLE, 'all'],
        ['text/plain', message, 'all'],
        [connectType('participant.returned'), message, 'all'],
        [connectType('participant.idle'), message + IDLE, 'all'],
        ...autoDisconnect(message + IDLE + AUTO_DISCONNECT),
      ],
    }
  }
  if (kind === 'restores') {
    const drop = join + between(1_000, 100_000)
    const restore = drop + between(1, GRACE - 1)
    return {
      kind,
      actions: [[join, 'join'], [drop, 'drop'], [restore, 'restore']],
      // Timers due at `restore` fire before the customer's new socket opens.
      offline: [[drop, restore]],
      items: [
        [chatlifeType('connection.lost'), drop, 'agents'],
        [chatlifeType('connection.restored'), restore, 'agents'],
        [connectType('participant.idle'), join + IDLE, 'all'],
        ...autoDisconnect(join + IDLE + AUTO_DISCONNECT),
      ].sort((a, b) => a[1] - b[1]),
    }
  }
  const drop = join + between(1_000, 80_000) // the grace runs out before the idle timer
  return {
    kind,
    actions: [[join, 'join'], [drop, 'drop']],
    offline: [[drop, Infinity]],
    items: [
      [chatlifeType('connection.lost'), drop, 'agents'],
      [chatlifeType('customer.disconnected'), drop + GRACE, 'agents'],
      ['text/plain', drop + GRACE, 'agents'],
      [connectType('chat.ended'), drop + GRACE, 'all'],
    ],
  }
}

/** What one side must have received, as "content-type time" lines. */
function expected(chat, side, iso) {
  const online = (at) => !chat.offline.some(([from, to]) => at > from && at <= to)
  return chat.items
    .filter(([, at, audience]) => (audience === 'all' || audience === side) && (side === 'agents' || online(at)))
    .map(([type, at]) => `${type} ${iso(at)}`)
}

const received = (client) =>
  client.items.filter((item) => TIMED.includes(item.ContentType)).map((item) => `${item.ContentType} ${item.AbsoluteTime}`)

test(`${CHATS} concurrent chats with random drops: every timer at its exact millisecond`, async () => {
  const emulator = await startEmulator({ config: CONFIG })
  const control = connectClient(emulator.url)
  const sdk = participantClient(emulator.url)
  const clients = []
  try {
    const rand = random(20260101)
    const kinds = ['returns', 'restores', 'drops']
    const chats = []
    const t0 = await emulator.now()
    await Promise.all(
      Array.from({ length: CHATS }, async (_, i) => {
        const chat = story(kinds[i % kinds.length], rand)
        chat.start = await control.send(
          new StartChatContactCommand({ InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: `customer ${i}` } }),
        )
        chat.customer = new ParticipantClient(emulator.url, chat.start.ParticipantToken, sdk)
        clients.push(chat.customer)
        await chat.customer.connect()
        chats.push(chat)
      }),
    )

    const act = {
      async join(chat) {
        const { ParticipantToken } = await emulator.addAgent(chat.start.ContactId, 'agent')
        chat.agent = new ParticipantClient(emulator.url, ParticipantToken, sdk)
        clients.push(chat.agent)
        await chat.agent.connect()
      },
      message: (chat) => chat.customer.send('back'),
      async drop(chat) {
        chat.customer.drop()
        await chat.agent.waitItem(isType(chatlifeType('connection.lost'))) // the emulator saw it
      },
      restore: (chat) => chat.customer.connect(),
    }
    const steps = new Map()
    for (const chat of chats) {
      for (const [at, what] of chat.actions) {
        if (!steps.has(at)) steps.set(at, [])
        steps.get(at).push([chat, what])
      }
    }
    let now = 0
    for (const at of [...steps.keys()].sort((a, b) => a - b)) {
      await emulator.advance(at - now)
      now = at
      await Promise.all(steps.get(at).map(([chat, what]) => act[what](chat)))
    }
    const horizon = 10 * 60_000
    await emulator.advance(horizon - now)

    const iso = (offset) => new Date(t0 + offset).toISOString()
    let checked = 0
    for (const chat of chats) {
      const last = chat.items.filter(([, , audience]) => audience !== 'customer').at(-1)
      await chat.agent.waitItem((item) => item.ContentType === last[0] && item.AbsoluteTime === iso(last[1]), 10_000)
      for (const [side, client] of [['agents', chat.agent], ['customer', chat.customer]]) {
        const want = expected(chat, side, iso)
        assert.deepEqual(received(client), want, `${chat.kind} chat, ${side}: ${client.items.map(brief).join('\n')}`)
        checked += want.length
      }
      const state = await emulator.contact(chat.start.ContactId)
      assert.equal(state.State, 'wrap_up')
      for (const item of [...chat.agent.items, ...chat.customer.items]) {
        assert.deepEqual(Object.keys(item).filter((key) => NINE_FIELDS.includes(key)).sort(), [...NINE_FIELDS].sort())
        assert.equal(item.ContactId, chat.start.ContactId)
        assert.equal(item.InitialContactId, chat.start.ContactId)
      }
    }
    assert.ok(checked > CHATS * 8, `only ${checked} timed items checked`)
    assert.doesNotMatch(emulator.output(), /error|refused/i)
  } finally {
    for (const client of clients) client.close()
    control.destroy()
    sdk.destroy()
    await emulator.stop()
  }
})
