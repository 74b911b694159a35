'use strict'
// The command line, and the real clock: engine timers fire from
// nextDeadline() by themselves, stamped with their exact deadline.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { startEmulator } = require('./helpers/emulator')
const { ParticipantClient, chatlifeType, isType } = require('./helpers/participant')

const SERVER = path.join(__dirname, '..', 'server.js')
const run = (...args) => spawnSync(process.execPath, [SERVER, ...args], { encoding: 'utf8', timeout: 10_000 })

test('bad arguments and configurations exit 2 and say what is wrong', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlife-connect-'))
  const bad = path.join(dir, 'bad.json')
  fs.writeFileSync(bad, JSON.stringify({ policies: { default: { timers: { customer_idle: 481 } } } }))
  const notJson = path.join(dir, 'not.json')
  fs.writeFileSync(notJson, '{')
  const cases = [
    [[], '--port is required'],
    [['--port', 'eighty'], '--port: eighty is not a port number'],
    [['--port', '0', '--clock', 'sundial'], '--clock: sundial is not real or manual'],
    [['--port', '0', '--verbose'], 'unknown argument --verbose'],
    [['--port', '0', '--config', path.join(dir, 'absent.json')], 'cannot read'],
    [['--port', '0', '--config', notJson], 'is not JSON'],
    [['--port', '0', '--config', bad], '--config: policies.default.timers.customer_idle: 481 is above 480'],
  ]
  for (const [args, message] of cases) {
    const result = run(...args)
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.ok(result.stderr.includes(message), `${args.join(' ')}: ${result.stderr}`)
  }
})

test('on the real clock the grace runs out by itself, at its exact deadline', { timeout: 30_000 }, async () => {
  const emulator = await startEmulator({ clock: 'real', config: { policies: { default: { disconnect_grace: '10s' } } } })
  const clients = []
  try {
    const refused = await emulator.call('POST', '/emulator/clock/advance', { ms: 1 })
    assert.equal(refused.status, 400)
    assert.equal(refused.headers.get('x-amzn-errortype'), 'InvalidRequestException')

    const start = await emulator.ok('PUT', '/contact/chat', { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'Ana' } })
    const customer = new ParticipantClient(emulator.url, start.ParticipantToken)
    const { ParticipantToken } = await emulator.addAgent(start.ContactId)
    const agent = new ParticipantClient(emulator.url, ParticipantToken)
    clients.push(customer, agent)
    await customer.connect()
    await agent.connect()

    const droppedAt = Date.now()
    customer.drop()
    const lost = await agent.waitItem(isType(chatlifeType('connection.lost')))
    const system = await agent.waitItem((item) => item.ParticipantRole === 'SYSTEM' && item.Type === 'MESSAGE', 15_000)
    assert.equal(Date.parse(system.AbsoluteTime) - Date.parse(lost.AbsoluteTime), 10_000)
    assert.ok(Date.now() - droppedAt >= 9_900, 'the grace ran out early')
    assert.equal(system.Content, 'Ana has disconnected.')
  } finally {
    for (const client of clients) client.close()
    await emulator.stop()
  }
})
