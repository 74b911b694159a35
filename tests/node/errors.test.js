// Refusals through the Node API: every docs/rules.md E1 code is thrown as an Error
// with `.code` and a message naming the field; a refused call changes nothing;
// no argument of any type crashes the process.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { chatlife, CODES, thrown, reference, nodeCli } = require('./helpers.js')

const { Engine } = chatlife

/** An engine with c1 active: customer cu, agent ag (capacity 1). */
function engineWithChat() {
  const engine = new Engine({ seed: 3, agents: { default_capacity: 1 } })
  engine.startConversation(0, 'c1', 'cu')
  engine.join(1000, 'c1', 'ag', 'agent')
  engine.pollEvents()
  return engine
}

/** Asserts the action is refused with `code`, a message starting with `field`, and no change. */
function assertRefused(engine, action, code, field) {
  const before = Buffer.from(engine.snapshot())
  const error = thrown(action)
  assert.ok(error instanceof Error, `${code}: throws an Error`)
  assert.equal(error.code, code, error.message)
  assert.ok(error.message.startsWith(field), `"${error.message}" names ${field}`)
  assert.deepEqual(engine.pollEvents(), [], 'a refused call emits nothing')
  assert.ok(Buffer.from(engine.snapshot()).equals(before), 'a refused call changes nothing')
}

test('every docs/rules.md E1 code is thrown with its field', () => {
  const seen = new Set()
  const refuse = (engine, action, code, field) => {
    assertRefused(engine, action, code, field)
    seen.add(code)
  }
  const e = engineWithChat()
  refuse(e, () => e.join(2000, 'c1', 'x', 'boss'), 'invalid_argument', 'role')
  refuse(e, () => e.startConversation(2000, 'c2', 'cu2', { policy: 'nope' }), 'invalid_config', 'policy')
  refuse(e, () => e.message(2000, 'zz', 'cu'), 'unknown_conversation', 'conversation')
  refuse(e, () => e.startConversation(2000, 'c1', 'cu'), 'duplicate_conversation', 'conversation')
  refuse(e, () => e.message(2000, 'c1', 'nobody'), 'unknown_participant', 'participant')
  refuse(e, () => e.join(2000, 'c1', 'ag', 'agent'), 'duplicate_participant', 'participant')
  e.startConversation(2000, 'c2', 'cu2')
  e.pollEvents()
  refuse(e, () => e.join(3000, 'c2', 'ag', 'agent'), 'capacity_exceeded', 'participant')
  refuse(e, () => e.message(500, 'c1', 'cu'), 'time_went_backwards', 'now')
  refuse(e, () => e.message(4000, 'c1', 'x'.repeat(300)), 'limit_exceeded', 'participant')
  e.end(5000, 'c2', 'cu2')
  e.pollEvents()
  refuse(e, () => e.message(6000, 'c2', 'cu2'), 'invalid_state', 'conversation')
  assert.deepEqual([...seen].sort(), [...CODES].sort())
})

test('a bad configuration is invalid_config naming its JSON path', () => {
  for (const [config, field] of [
    [{ policies: { default: { timers: { customer_idle: 481 } } } }, 'policies.default.timers.customer_idle'],
    ['{"policies": {"default": {"disconnect_grace": "3"}}}', 'policies.default.disconnect_grace'],
    ['{not json', 'configuration'],
    [[], 'configuration'],
    [42, 'configuration'],
    [Symbol('config'), 'config'],
    [{ get seed() { throw new Error('no seed for you') } }, 'config'],
  ]) {
    const error = thrown(() => new Engine(config))
    assert.ok(error instanceof Error)
    assert.equal(error.code, 'invalid_config', error.message)
    assert.ok(error.message.startsWith(field), `"${error.message}" names ${field}`)
  }
})

test('integers stay integers: a seed above 2^32 and a now above 2^32', () => {
  const engine = new Engine({ seed: 2 ** 40, policies: { default: { reconnect: { enabled: true, portal_url: 'https://p' } } } })
  const now = 2 ** 33
  engine.startConversation(now, 'c1', 'cu')
  engine.issueReconnectLink(now, 'c1')
  const events = engine.pollEvents()
  assert.equal(events.at(-1).type, 'reconnect_link_issued')
  assert.equal(events.at(-1).at, now)
  assert.equal(engine.now, now)
  // The same seed as JSON text gives the same token: the object form lost nothing.
  const fromText = new Engine(`{"seed": ${2 ** 40}, "policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://p"}}}}`)
  fromText.startConversation(now, 'c1', 'cu')
  fromText.issueReconnectLink(now, 'c1')
  assert.equal(fromText.pollEvents().at(-1).token, events.at(-1).token)
})

test('now must be a whole, non-negative number of milliseconds', () => {
  const e = engineWithChat()
  for (const now of [-1, 1.5, NaN, Infinity, '5000', null, undefined, 5000n, {}]) {
    assertRefused(e, () => e.advance(now), 'invalid_argument', 'now')
  }
  assertRefused(e, () => e.advance(2 ** 53), 'limit_exceeded', 'now')
  assertRefused(e, () => e.advance(1e300), 'limit_exceeded', 'now')
})

test('a negative now is refused in the words Python uses', () => {
  const e = engineWithChat()
  const error = thrown(() => e.advance(-1))
  assert.equal(error.code, 'invalid_argument')
  assert.equal(error.message, "now: -1 is negative; time is milliseconds since the host's epoch")
})

// napi turns a lone surrogate into U+FFFD, so '\ud800' and '\udc00' were one id.
test('strings holding a lone surrogate are refused, on every path, as Python refuses them', () => {
  const lone = ['\ud800', '\udc00', 'a\ud800b', '\udfff\ud800']
  for (const id of lone) {
    const e = engineWithChat()
    const problem = 'is not valid Unicode text (it holds a lone surrogate)'
    for (const [action, field] of [
      [() => e.startConversation(2000, id, 'cu2'), 'conversation'],
      [() => e.startConversation(2000, 'c2', id), 'customer'],
      [() => e.message(2000, id, 'cu'), 'conversation'],
      [() => e.message(2000, 'c1', id), 'participant'],
      [() => e.state(id), 'conversation'],
    ]) {
      assertRefused(e, action, 'invalid_argument', field)
      assert.equal(thrown(action).message, `${field}: ${problem}`)
    }
    const [outcome] = e.messages(2000, [id], ['cu'])
    assert.equal(outcome?.code, 'invalid_argument', 'messages() refuses it in its slot')
    const [batched] = e.applyMany([{ at: 2000, op: 'message', conversation: 'c1', participant: id }])
    assert.equal(batched?.code, 'invalid_argument', 'applyMany() refuses it in its slot')
  }
  // A real U+FFFD is text like any other.
  const e = engineWithChat()
  e.startConversation(2000, '\ufffd', 'cu2')
  assert.equal(e.state('\ufffd'), 'open')
})

test('options and requests are checked by the core, field by field', () => {
  const e = engineWithChat()
  assertRefused(e, () => e.startConversation(2000, 'c2', 'cu2', { colour: 'red' }), 'invalid_argument', 'colour')
  assertRefused(e, () => e.startConversation(2000, 'c2', 'cu2', { customer: 'other' }), 'invalid_argument', 'options.customer')
  assertRefused(e, () => e.startConversation(2000, 'c2', 'cu2', 'default'), 'invalid_argument', 'options')
  assertRefused(e, () => e.setParticipantTimers(2000, 'c1', { agent_idle: 1 }), 'invalid_argument', 'timers.agent_idle')
  assertRefused(e, () => e.setWait(2000, 'c1', 'everyone'), 'invalid_argument', 'for')
  assertRefused(e, () => e.reconnect(2000, { token: 'x', conversation: 'c1' }), 'invalid_argument', 'token')
  assertRefused(e, () => e.reconnect(2000, { conversation: 'c1' }), 'invalid_argument', 'authenticated_as')
  assertRefused(
    e,
    () => e.updateParticipantRoleConfig(2000, 'c1', { ChannelConfiguration: { Chat: { ParticipantTimerConfigList: [] } } }),
    'invalid_argument',
    'request.ChannelConfiguration.Chat.ParticipantTimerConfigList',
  )
  assertRefused(e, () => e.applyMany({ at: 2000, op: 'advance' }), 'invalid_argument', 'commands')
  assertRefused(e, () => e.applyMany(new Array(2 ** 20 + 1)), 'limit_exceeded', 'commands')
  assertRefused(e, () => e.messages(2000, ['c1'], 'cu'), 'invalid_argument', 'participants')
  assertRefused(e, () => e.messages(2000, ['c1'], ['cu', 'ag']), 'invalid_argument', 'participants')
  assertRefused(e, () => e.messages(-1, ['c1'], ['cu']), 'invalid_argument', 'now')
})

test('snapshots and exported conversations are input like any other', () => {
  const e = engineWithChat()
  assertRefused(e, () => e.restore('{"schema_version": 1'), 'invalid_argument', 'snapshot')
  assertRefused(e, () => e.restore(new Uint16Array(4)), 'invalid_argument', 'snapshot')
  assertRefused(e, () => e.restore(42), 'invalid_argument', 'snapshot')
  assertRefused(e, () => e.importConversation(2000, new Uint8Array([1, 2, 3])), 'invalid_argument', 'conversation_bytes')
  assert.equal(thrown(() => Engine.fromSnapshot('[]')).code, 'invalid_argument')
})

test('snapshot, restore and moving a conversation between engines', () => {
  const a = engineWithChat()
  const snapshot = a.snapshot()
  assert.ok(snapshot instanceof Uint8Array)
  a.message(2000, 'c1', 'cu')
  // A Buffer, a Uint8Array and the JSON text all restore.
  for (const saved of [snapshot, Buffer.from(snapshot), Buffer.from(snapshot).toString('utf8')]) {
    const b = Engine.fromSnapshot(saved)
    assert.equal(b.now, 1000)
    b.restore(a.snapshot())
    assert.equal(b.now, 2000)
  }
  const target = new Engine({ seed: 3 })
  const exported = a.exportConversation(3000, 'c1')
  assert.equal(a.state('c1'), null)
  target.importConversation(3000, exported)
  assert.equal(target.state('c1'), 'active')
  target.message(4000, 'c1', 'cu')
})

// Every kind of value a caller can pass, hostile ones included.
function hostileValues() {
  const cyclic = {}
  cyclic.self = cyclic
  let deep = []
  for (let i = 0; i < 200_000; i += 1) deep = [deep]
  return [
    undefined, null, true, 0, -1, 1.5, NaN, Infinity, 2 ** 53, 2 ** 64, 7n, '', 'c1', 'cu', 'ag', 'agent',
    '\u0000', 'x'.repeat(300), '\ud800', Symbol('s'), () => {}, {}, [], { op: 'advance' }, cyclic, deep,
    { toJSON() { throw new Error('toJSON says no') } },
    new Proxy({}, { ownKeys() { throw new Error('proxy says no') } }),
    new Uint8Array(2), new Date(0), new Map([[1, 2]]),
  ]
}

test('no argument of any type crashes the process; every refusal carries an error code of rule E1', () => {
  const values = hostileValues()
  const methods = Object.entries(Object.getOwnPropertyDescriptors(Engine.prototype))
    .filter(([name, descriptor]) => name !== 'constructor' && typeof descriptor.value === 'function')
    .map(([name]) => name)
  // A small deterministic generator: the same calls on every run.
  let state = 12345
  const next = (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state % n
  }
  let refusals = 0
  let engine
  for (let round = 0; round < 3000; round += 1) {
    // A fresh engine now and then, so calls also meet an early state.
    if (round % 50 === 0) engine = engineWithChat()
    const method = methods[next(methods.length)]
    const args = Array.from({ length: next(6) }, () => values[next(values.length)])
    try {
      engine[method](...args)
    } catch (error) {
      refusals += 1
      if (!(error instanceof Error) || !CODES.has(error.code)) {
        assert.fail(`${method}(${args.map((arg) => typeof arg)}) threw ${error?.code}: ${error?.message}`)
      }
    }
  }
  assert.ok(refusals > 1000, 'the hostile calls were refused')
  for (const value of values) {
    for (const make of [() => new Engine(value), () => Engine.fromSnapshot(value)]) {
      try {
        make()
      } catch (error) {
        assert.ok(CODES.has(error.code), `${error.code}: ${error.message}`)
      }
    }
  }
})

test('error lines escape text exactly as the CLI does', () => {
  // Raw control characters, quotes, backslashes, U+2028 and non-ASCII text,
  // echoed by the core in messages and by events in ids.
  const odd = 'é"\\\u2028\u00a0😀'
  const scenario = {
    config: { policies: { [`p${odd}`]: {} } },
    steps: [
      { at: 0, op: 'start_conversation', conversation: `c${odd}`, customer: `cu${odd}`, policy: `p${odd}` },
      {
        at: 1,
        op: 'update_participant_role_config',
        conversation: `c${odd}`,
        request: {
          ChannelConfiguration: {
            Chat: {
              ParticipantTimerConfigList: [
                {
                  ParticipantRole: `boss\u0001\u001f\u007f\b\t\n\f\r${odd}`,
                  TimerType: 'IDLE',
                  TimerValue: { ParticipantTimerDurationInMinutes: 5 },
                },
              ],
            },
          },
        },
      },
      { at: 2, op: 'start_conversation', conversation: 'c2', customer: 'cu', policy: `no\u0007${odd}` },
      { at: 3, op: 'message', conversation: `zz\u2029${odd}`, participant: 'cu' },
    ],
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlife-node-'))
  const file = path.join(dir, 'escapes.json')
  fs.writeFileSync(file, JSON.stringify(scenario))
  const expected = reference(file)
  const got = nodeCli(file)
  assert.equal(expected.status, 0, expected.stderr)
  assert.match(expected.stdout.toString('utf8'), /\\u0001/, 'the reference escapes a control character')
  assert.ok(got.stdout.equals(expected.stdout), `${got.stdout}\n!=\n${expected.stdout}`)
  fs.rmSync(dir, { recursive: true })
})

test('a file that is not a valid scenario fails as the CLI fails', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlife-node-'))
  const cases = {
    'not-json.json': '{"steps": [',
    'bom.json': '\ufeff{"steps": []}',
    'bad-op.json': '{"steps": [{"at": 0, "op": "fly"}]}',
    'bad-role.json': JSON.stringify({ steps: [{ at: 0, op: 'join', conversation: 'c', participant: 'p', role: 'x\u0001"\\é' }] }),
    'bad-config.json': '{"config": {"policies": {"default": {"timers": {"customer_idle": 481}}}}, "steps": []}',
  }
  for (const [name, text] of Object.entries(cases)) {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    const expected = reference(file)
    const got = nodeCli(file)
    assert.equal(expected.status, 2, name)
    assert.equal(got.status, expected.status, name)
    assert.equal(got.stdout.length, 0, name)
    assert.equal(got.stderr, expected.stderr, name)
  }
  const invalidUtf8 = path.join(dir, 'latin1.json')
  fs.writeFileSync(invalidUtf8, Buffer.from([0x7b, 0xe9, 0x7d]))
  assert.equal(nodeCli(invalidUtf8).status, 2)
  assert.equal(reference(invalidUtf8).status, 2)
  fs.rmSync(dir, { recursive: true })
})
