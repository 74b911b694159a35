'use strict'
// Hostile input never crashes the emulator: every field of every route gets
// values of every JSON kind, the WebSocket gets frames that are not Connect's,
// and each answer is a Connect-shaped error (or a success) from a live server.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const WebSocket = require('ws')
const { startEmulator } = require('./helpers/emulator')

const VALUES = [null, true, 0, -1, 1.5, 2 ** 60, '', 'x'.repeat(20_000), '\u0000\uffff', [], [null], {}, { a: { b: [] } }]

test('every field of every route, with values of every kind', async () => {
  const emulator = await startEmulator({ config: { policies: { default: { reconnect: { enabled: true, portal_url: 'https://example.com/c' } } } } })
  try {
    const start = await emulator.ok('PUT', '/contact/chat', { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'Ana' } })
    const connection = await emulator.ok('POST', '/participant/connection', { Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'] }, { 'x-amz-bearer': start.ParticipantToken })
    const customer = { 'x-amz-bearer': connection.ConnectionCredentials.ConnectionToken }
    const c = start.ContactId
    const routes = [
      ['PUT', '/contact/chat', { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'B' }, InitialMessage: { ContentType: 'text/plain', Content: 'x' }, ChatDurationInMinutes: 60, ClientToken: 't' }, {}],
      ['PUT', `/contact/participant-role-config/i/${c}`, { ChannelConfiguration: { Chat: { ParticipantTimerConfigList: [{ ParticipantRole: 'CUSTOMER', TimerType: 'IDLE', TimerValue: { ParticipantTimerDurationInMinutes: 3 } }] } } }, {}],
      ['POST', '/participant/connection', { Type: ['WEBSOCKET'], ConnectParticipant: true }, { 'x-amz-bearer': start.ParticipantToken }],
      ['POST', '/participant/message', { ContentType: 'text/plain', Content: 'hi', ClientToken: 'm' }, customer],
      ['POST', '/participant/event', { ContentType: 'application/vnd.amazonaws.connect.event.typing', Content: '{}' }, customer],
      ['POST', '/participant/transcript', { MaxResults: 5, ScanDirection: 'FORWARD', SortOrder: 'DESCENDING', NextToken: '0', StartPosition: { MostRecent: 1 }, ContactId: c }, customer],
      ['POST', `/emulator/contact/${c}/agent`, { DisplayName: 'Bo', ParticipantRole: 'SUPERVISOR' }, {}],
      ['POST', '/emulator/reconnect', { Token: 'crl1_x_y', AuthenticatedAs: 'a' }, {}],
      ['POST', '/emulator/clock/advance', { ms: 1 }, {}],
      ['POST', '/contact/stop', { ContactId: 'nope', InstanceId: 'i' }, {}],
    ]
    let calls = 0
    for (const [method, route, body, headers] of routes) {
      const variants = [body, ...Object.keys(body).flatMap((key) => VALUES.map((value) => ({ ...body, [key]: value })))]
      for (const variant of variants) {
        const res = await emulator.call(method, route, variant, headers)
        calls++
        const what = `${method} ${route} ${JSON.stringify(variant).slice(0, 200)}`
        assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${what}: ${res.status} ${JSON.stringify(res.body)}`)
        if (res.status !== 200) {
          assert.match(res.headers.get('x-amzn-errortype'), /Exception$/, what)
          assert.equal(typeof res.body.message, 'string', what)
        }
      }
    }
    for (const raw of ['', 'null', '"text"', '7', '{"a":', '\u0000']) {
      const res = await emulator.call('PUT', '/contact/chat', raw)
      assert.equal(res.status, 400, raw) // an empty body reads as {}, which lacks InstanceId
      calls++
    }

    const fresh = await emulator.ok('POST', '/participant/connection', { Type: ['WEBSOCKET'] }, { 'x-amz-bearer': start.ParticipantToken })
    const socket = new WebSocket(fresh.Websocket.Url)
    await new Promise((resolve) => socket.on('open', resolve))
    const frames = ['not json', '[]', 'null', '{"topic":5}', '{"topic":"aws/subscribe","content":null}', '{"topic":"aws/subscribe","content":{"topics":"aws/chat"}}', '{"topic":"aws/subscribe","content":{"topics":["other"]}}', Buffer.from([0xff, 0xfe])]
    for (const frame of frames) socket.send(frame)
    socket.send('{"topic":"aws/ping"}')
    const answers = []
    await new Promise((resolve) => socket.on('message', (data) => {
      answers.push(JSON.parse(data))
      if (answers.at(-1).topic === 'aws/ping') resolve()
    }))
    assert.deepEqual(answers.map((a) => a.content?.status ?? a.statusCode), ['failure', 'failure', 'failure', 200])
    socket.terminate()

    assert.equal((await emulator.call('GET', '/emulator/clock')).status, 200, `the emulator is still up after ${calls} calls`)
    assert.doesNotMatch(emulator.output(), /internal error|request failed|failed:/)
  } finally {
    await emulator.stop()
  }
})
