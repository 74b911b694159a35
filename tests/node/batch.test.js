// Batches through the Node API: `applyMany` and `messages` give, command by
// command, what the single calls give (outcome, code, message, events, state);
// a command that does not parse is refused in its slot and the batch goes on,
// as in Python's `apply_many` and C's `chatlife_apply_many`; and the commands
// `applyMany` reads in place get exactly what the core's own parser gives them.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')

const { chatlife, CODES, thrown: thrownBy } = require('./helpers.js')
const { applyStep } = require('../../bindings/node/cli.js')

const { Engine } = chatlife

const CONFIG = {
  seed: 3,
  agents: { default_capacity: 2 },
  policies: { default: { hold: { enabled: true } }, vip: { timers: { customer_idle: 2 } } },
}

/** An engine with c1 active: customer cu, agent ag. */
function engineWithChat() {
  const engine = new Engine(CONFIG)
  engine.startConversation(0, 'c1', 'cu')
  engine.join(1000, 'c1', 'ag', 'agent')
  engine.pollEvents()
  return engine
}

/** What an engine holds, to compare two engines. */
function state(engine) {
  return Buffer.from(engine.snapshot()).toString('utf8')
}

function outcome(error) {
  if (error === null) return null
  assert.ok(error instanceof Error, 'a refusal is an Error')
  assert.ok(CODES.has(error.code), `${error.code}: ${error.message}`)
  return { code: error.code, message: error.message }
}

// Commands with every kind of outcome, each valid as a single call (no field
// the method would not take). `parse`: refused by the command parser, whose
// message the batch prefixes with the command's place.
const CASES = [
  [{ op: 'message', conversation: 'c1', participant: 'cu' }],
  [{ op: 'message', conversation: 'zz', participant: 'cu' }],
  [{ op: 'message', conversation: 'c1', participant: 'nobody' }],
  [{ op: 'message', conversation: 5, participant: 'cu' }, 'parse'],
  [{ op: 'message', conversation: 'c1' }, 'parse'],
  [{ op: 'message', conversation: null, participant: 'cu' }, 'parse'],
  [{ op: 'message', conversation: 'x'.repeat(300), participant: 'cu' }],
  [{ op: 'message', conversation: 'c\u0001', participant: 'cu' }],
  [{ op: 'message', conversation: 'c"\\é😀\u2028', participant: 'cu' }],
  [{ op: 'join', conversation: 'c1', participant: 'sup', role: 'supervisor', display_name: 'Sam' }],
  [{ op: 'join', conversation: 'c1', participant: 'x', role: 'boss' }, 'parse'],
  [{ op: 'join', conversation: 'c1', participant: 'x', role: 'Agent' }, 'parse'],
  [{ op: 'join', conversation: 'c1', participant: 'x', role: 'bot', display_name: 5 }, 'parse'],
  [{ op: 'join', conversation: 'c1', participant: 'bot1', role: 'bot', display_name: null }],
  [{ op: 'join', conversation: 'c1', participant: 'ag', role: 'agent' }],
  [{ op: 'leave', conversation: 'c1', participant: 'sup' }],
  [{ op: 'start_conversation', conversation: 'c2', customer: 'cu2' }],
  [{ op: 'start_conversation', conversation: 'c3', customer: 'cu3', policy: 'nope' }],
  [{ op: 'start_conversation', conversation: 'c3', customer: 'cu3', policy: 'vip', authenticated_as: 'u-3', display_name: 'Dee' }],
  [{ op: 'start_conversation', conversation: 'c4', customer: 'cu4', policy: null, display_name: null }],
  [{ op: 'start_conversation', conversation: 'c4', customer: 7 }, 'parse'],
  [{ op: 'start_conversation', conversation: 'c1', customer: 'cu' }],
  [{ op: 'join', conversation: 'c2', participant: 'ag', role: 'agent' }],
  [{ op: 'join', conversation: 'c3', participant: 'ag', role: 'agent' }],
  [{ op: 'connection_lost', conversation: 'c1', participant: 'cu' }],
  [{ op: 'connection_restored', conversation: 'c1', participant: 'cu' }],
  [{ op: 'connection_restored', conversation: 'c1', participant: 'cu' }],
  [{ op: 'hold', conversation: 'c1', participant: 'cu' }],
  [{ op: 'hold', conversation: 'c1', participant: 'ag' }],
  [{ op: 'hold', conversation: 'c1', participant: 'ag' }],
  [{ op: 'resume', conversation: 'c1', participant: 5 }, 'parse'],
  [{ op: 'resume', conversation: 'c1', participant: 'ag' }],
  [{ op: 'hold', conversation: 'c3', participant: 'ag' }],
  [{ op: 'end', conversation: 'c2', participant: 'cu2' }],
  [{ op: 'message', conversation: 'c2', participant: 'cu2' }],
  [{ op: 'close_session', conversation: 'c2', participant: 'ag' }],
  [{ op: 'set_wait', conversation: 'c1', for: 'bot' }],
  [{ op: 'set_wait', conversation: 'c1', for: 'everyone' }, 'parse'],
  [{ op: 'set_agent_capacity', agent: 'ag', capacity: 1 }],
  [{ op: 'issue_reconnect_link', conversation: 'c1' }],
  [{ op: 'advance' }],
]

test('every batch slot holds what the single call throws, and the engines end alike', () => {
  const single = engineWithChat()
  const batched = engineWithChat()
  const commands = CASES.map(([command], i) => ({ at: 2000 + 1000 * i, ...command }))
  const expected = []
  const singleEvents = []
  for (const command of commands) {
    let error = null
    try {
      applyStep(single, command)
    } catch (thrown) {
      error = thrown
    }
    expected.push(outcome(error))
    singleEvents.push(...single.pollEvents())
  }
  const results = batched.applyMany(commands)
  assert.equal(results.length, commands.length)
  results.forEach((result, i) => {
    const [command, parse] = CASES[i]
    const want = expected[i] && { ...expected[i], message: parse ? `commands[${i}].${expected[i].message}` : expected[i].message }
    assert.deepEqual(outcome(result), want, `${i}: ${JSON.stringify(command)}`)
  })
  assert.ok(expected.filter((e) => e !== null).length > 15, 'most kinds of refusal are covered')
  assert.ok(new Set(expected.map((e) => e?.code)).size >= 9, 'most codes are covered')
  assert.deepEqual(batched.pollEvents(), singleEvents)
  assert.equal(state(batched), state(single))
})

test('a command that does not parse is refused in its slot; the batch goes on', () => {
  const engine = engineWithChat()
  const sparse = [, ,] // eslint-disable-line no-sparse-arrays
  const results = engine.applyMany([
    { at: 2000, op: 'start_conversation', conversation: 'c2', customer: 'cu2' },
    { at: 'soon', op: 'advance' },
    { op: 'advance' },
    'not a command',
    null,
    sparse[0],
    { at: 2000, op: 'fly' },
    { at: 2000, op: 'message', conversation: 'c1', participant: 'cu', colour: 'red' },
    { at: 2000.5, op: 'advance' },
    { at: -1, op: 'advance' },
    { at: 2 ** 53, op: 'advance' },
    { at: 2000, op: 'message', conversation: 'c2', participant: '\ud800' },
    { at: '3s', op: 'message', conversation: 'c2', participant: 'cu2' },
  ])
  const refused = results.map((result) => result && [result.code, result.message])
  assert.equal(results[0], null)
  assert.equal(results[12], null)
  assert.deepEqual(refused.slice(1, 12).map((r) => r[0]), Array(11).fill('invalid_argument'))
  const messages = refused.slice(1, 12).map((r) => r[1])
  assert.match(messages[0], /^commands\[1\]\.at: /)
  assert.equal(messages[1], 'commands[2].at: missing')
  assert.match(messages[2], /^commands\[3\]/)
  assert.match(messages[3], /^commands\[4\]/)
  assert.match(messages[4], /^commands\[5\]/)
  assert.match(messages[5], /^commands\[6\]\.op: "fly" is not a command/)
  assert.equal(messages[6], 'commands[7].colour: not a field of message; expected one of `conversation`, `participant`')
  assert.match(messages[7], /^commands\[8\]\.at: 2000\.5 is not a whole number/)
  assert.match(messages[8], /^commands\[9\]\.at: /)
  assert.match(messages[9], /^commands\[10\]\.at: 9007199254740992 is above/)
  // JSON.stringify escapes a lone surrogate; it is refused as a single call refuses it.
  assert.equal(messages[10], 'commands[11].participant: is not valid Unicode text (it holds a lone surrogate)')
  assert.equal(engine.now, 3000)
  assert.deepEqual(engine.pollEvents().map((event) => event.type), ['conversation_started'])
})

test('a command with no JSON text is refused in its slot; the others are applied', () => {
  const engine = engineWithChat()
  const cyclic = { at: 2000, op: 'advance' }
  cyclic.self = cyclic
  const results = engine.applyMany([
    { at: 2000, op: 'start_conversation', conversation: 'c2', customer: 'cu2' },
    { at: 2000, op: 'message', get conversation() { throw new Error('no conversation for you') }, participant: 'cu' },
    { at: 2000n, op: 'advance' },
    cyclic,
    { at: 2000, op: 'advance', toJSON() { throw new Error('toJSON says no') } },
    { at: 3000, op: 'start_conversation', conversation: 'c3', customer: 'cu3' },
  ])
  assert.equal(results[0], null)
  assert.equal(results[5], null)
  for (const i of [1, 2, 3, 4]) {
    assert.equal(results[i]?.code, 'invalid_argument', `${i}`)
    assert.ok(results[i].message.startsWith(`commands[${i}]: cannot be written as JSON: `), results[i].message)
  }
  assert.deepEqual(engine.pollEvents().map((event) => event.conversation), ['c2', 'c3'])
})

// The edges of what `applyMany` reads in place. A Proxy of the array is no
// array to napi, so the same batch through it goes wholly through the core's
// parser: the reference for every result, message and event.
const EDGES = [
  { at: 0, op: 'advance' },
  { op: 'advance', at: 2000 },
  { at: -0, op: 'advance' },
  { at: 2 ** 53, op: 'advance' },
  { at: 1e21, op: 'advance' },
  { at: 1.5, op: 'advance' },
  { at: '2s', op: 'advance' },
  { at: '2500ms', op: 'advance' },
  { at: 'soon', op: 'advance' },
  { at: null, op: 'advance' },
  { at: true, op: 'advance' },
  { at: [2000], op: 'advance' },
  { at: 2500, op: 'advance', extra: undefined },
  { at: 2000, op: 'advance', conversation: 'c1' },
  { at: 2000, op: 'Advance' },
  { at: 2000, op: 5 },
  { at: 2000, op: null },
  { at: 2000 },
  {},
  { participant: 'cu', conversation: 'c1', op: 'message', at: 3000 },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'cu', display_name: null },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'c"u' },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'c\\u' },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'c\nu' },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'cü😀\u2028' },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'x'.repeat(256) },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'x'.repeat(257) },
  { at: 3000, op: 'message', conversation: 'c1', participant: '' },
  { at: 3000, op: 'message', conversation: 'c1', participant: 5 },
  { at: 3000, op: 'message', conversation: 'c1', participant: { id: 'cu' } },
  { at: 3000, op: 'message', conversation: 'c1', participant: ['cu'] },
  { at: 3000, op: 'message', conversation: 'c1', participant: { toJSON: () => 'cu' } },
  { at: 3000, op: 'message', conversation: 'c1', participant: new String('cu') },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'cu', toJSON: () => ({ at: 3000, op: 'advance' }) },
  { at: 3000, op: 'message', conversation: 'c1', participant: 'cu', [Symbol('s')]: 1 },
  { at: 3000, op: 'join', conversation: 'c1', participant: 'bot', role: 'bot', display_name: 'Bö"t' },
  { at: 3000, op: 'join', conversation: 'c1', participant: 'sv', role: 'supervisor', display_name: null },
  { at: 3000, op: 'join', conversation: 'c1', participant: 'sv2', role: 'supervisor', display_name: 7 },
  { at: 3000, op: 'join', conversation: 'c1', participant: 'sv3', role: null },
  { at: 3000, op: 'join', conversation: 'c1', participant: 'sv3', role: 'supervisor', policy: 'x' },
  { at: 3000, op: 'leave', conversation: 'c1', participant: 'sv' },
  { at: 3000, op: 'start_conversation', conversation: 'c2', customer: 'cu2', policy: 'vip', authenticated_as: 'u', display_name: 'D' },
  { at: 3000, op: 'start_conversation', conversation: 'c3', customer: 'cu3', policy: 'nope' },
  { at: 3000, op: 'start_conversation', conversation: 'c3', customer: 'cu3', policy: 5 },
  { at: 3000, op: 'start_conversation', conversation: 'c3', customer: 'cu3', participant: 'x' },
  { at: 3000, op: 'start_conversation', conversation: 'c3', customer: 'cu3', authenticated_as: null },
  { at: 3000, op: 'connection_lost', conversation: 'c3', participant: 'cu3' },
  { at: 3000, op: 'connection_restored', conversation: 'c3', participant: 'cu3' },
  { at: 4000, op: 'end', conversation: 'c3', participant: 'cu3' },
  { at: 4000, op: 'close_session', conversation: 'c3', participant: 'cu3' },
  { at: 4000, op: 'message', conversation: 'c3', participant: 'cu3' },
  { at: 3999, op: 'message', conversation: 'c1', participant: 'cu' },
  { at: 4000, op: 'hold', conversation: 'c1', participant: 'ag' },
  { at: 4000, op: 'hold', conversation: 'c1', participant: 'ag', for: 'none' },
  { at: 4000, op: 'resume', participant: 'ag' },
  { at: 4000, op: 'resume', conversation: 'c1', participant: 'ag' },
  { at: 4000, op: 'resume', conversation: 'c1', participant: 'ag' },
  { at: 4000, op: 'set_wait', conversation: 'c1', for: 'none' },
  { at: '10m', op: 'advance' },
  { at: '1h30m', op: 'advance' },
  { at: 2 ** 53 - 1, op: 'advance' },
]

test('commands read in place get exactly what the core parser gives them', () => {
  const inPlace = engineWithChat()
  const parsed = engineWithChat()
  // The Proxy really takes the other path: it has no limit on its length.
  const huge = new Array(2 ** 32 - 1)
  assert.equal(thrownBy(() => parsed.applyMany(huge)).code, 'limit_exceeded')
  assert.match(thrownBy(() => parsed.applyMany(new Proxy(huge, {}))).message, /^commands: cannot be written as JSON/)
  const fromArray = inPlace.applyMany(EDGES).map(outcome)
  const fromParser = parsed.applyMany(new Proxy(EDGES, {})).map(outcome)
  assert.equal(fromArray.length, EDGES.length)
  fromArray.forEach((result, i) => assert.deepEqual(result, fromParser[i], `${i}: ${JSON.stringify(EDGES[i])}`))
  assert.ok(fromArray.filter((r) => r === null).length > 15, 'many are accepted')
  assert.ok(fromArray.filter((r) => r !== null).length > 25, 'many are refused')
  assert.deepEqual(inPlace.pollEvents(), parsed.pollEvents())
  assert.equal(state(inPlace), state(parsed))
})

test('a holey array is a batch of refusals; one far longer than it holds is refused whole', () => {
  const engine = engineWithChat()
  const results = engine.applyMany(new Array(1000))
  assert.equal(results.length, 1000)
  assert.ok(results.every((r, i) => r.code === 'invalid_argument' && r.message.startsWith(`commands[${i}]`)))
  const before = state(engine)
  assert.equal(thrownBy(() => engine.applyMany(new Array(2 ** 32 - 1))).code, 'limit_exceeded')
  assert.equal(thrownBy(() => engine.messages(5000, new Array(2 ** 20 + 1), new Array(2 ** 20 + 1))).code, 'limit_exceeded')
  assert.equal(state(engine), before)
})

/** Ids of every kind a host might pass, hostile ones included. */
const IDS = [
  'c1', 'cu', 'ag', 'zz', 'nobody', '', 'x'.repeat(300), 'c"1', 'c\\1', 'c\u0001', 'é😀', '\ud800',
  5, null, undefined, {}, ['c1'], new String('c1'), { toJSON: () => 'c1' }, 7n, Symbol('s'),
]

test('messages gives each message what message() gives it', () => {
  const calls = engineWithChat()
  const batched = engineWithChat()
  const conversations = []
  const participants = []
  for (const conversation of IDS) {
    for (const participant of IDS) {
      conversations.push(conversation)
      participants.push(participant)
    }
  }
  const expected = conversations.map((conversation, i) => {
    try {
      calls.message(5000, conversation, participants[i])
      return null
    } catch (error) {
      return outcome(error)
    }
  })
  const results = batched.messages(5000, conversations, participants).map(outcome)
  assert.deepEqual(results, expected)
  assert.ok(expected.some((e) => e === null) && expected.some((e) => e !== null))
  assert.deepEqual(batched.pollEvents(), calls.pollEvents())
  assert.equal(state(batched), state(calls))

  const sparse = new Array(3)
  const holes = engineWithChat()
  assert.deepEqual(holes.messages(6000, sparse, ['cu', 'cu', 'cu']).map((e) => e?.code), Array(3).fill('invalid_argument'))
  const withToJSON = Object.assign(['zz'], { toJSON: () => ['c1'] })
  assert.equal(holes.messages(6000, withToJSON, ['cu'])[0]?.code, 'unknown_conversation')
})

/** A small churn: messages at random, a step at a time, with timers firing. */
function churn(seed) {
  let state = seed
  const next = (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state % n
  }
  const n = 200
  const config = { policies: { default: { timers: { customer_idle: 2, customer_auto_disconnect: 4, agent_idle: 2, agent_auto_disconnect: 4 } } } }
  const steps = []
  for (let step = 1; step <= 600; step++) {
    const messages = Array.from({ length: next(6) }, () => {
      const i = next(n)
      return [`conv-${i}`, next(2) ? `agent-${i >> 2}` : `cust-${i}`]
    })
    steps.push({ now: step * 1000, messages })
  }
  const start = () => {
    const engine = new Engine(config)
    for (let i = 0; i < n; i++) {
      engine.startConversation(0, `conv-${i}`, `cust-${i}`)
      engine.join(0, `conv-${i}`, `agent-${i >> 2}`, 'agent')
    }
    return engine
  }
  return { steps, start }
}

test('a churn gives the same events and state one call at a time, by applyMany and by messages', () => {
  const { steps, start } = churn(7)
  const runs = {
    calls(engine, { now, messages }) {
      engine.advance(now)
      return messages.map(([conversation, participant]) => {
        try {
          engine.message(now, conversation, participant)
          return null
        } catch (error) {
          return outcome(error)
        }
      })
    },
    applyMany(engine, { now, messages }) {
      const batch = [{ at: now, op: 'advance' }, ...messages.map(([conversation, participant]) => ({ at: now, op: 'message', conversation, participant }))]
      return engine.applyMany(batch).slice(1).map(outcome)
    },
    messages(engine, { now, messages }) {
      engine.advance(now)
      return engine.messages(now, messages.map((m) => m[0]), messages.map((m) => m[1])).map(outcome)
    },
  }
  const seen = {}
  for (const [name, run] of Object.entries(runs)) {
    const engine = start()
    const lines = []
    const outcomes = []
    for (const step of steps) {
      outcomes.push(...run(engine, step))
      for (const event of engine.pollEvents()) lines.push(JSON.stringify(event))
    }
    seen[name] = { lines, outcomes, state: state(engine) }
  }
  assert.ok(seen.calls.lines.some((line) => line.includes('"participant_idle"')), 'timers fired')
  assert.ok(seen.calls.outcomes.some((o) => o !== null), 'some messages were refused (auto-disconnected senders)')
  assert.deepEqual(seen.applyMany, seen.calls)
  assert.deepEqual(seen.messages, seen.calls)
})

test('an element whose getter throws is refused in its slot, not thrown', () => {
  const engine = engineWithChat()
  const commands = [{ at: 2000, op: 'message', conversation: 'c1', participant: 'cu' }, null, { at: 3000, op: 'advance' }]
  Object.defineProperty(commands, 1, { get() { throw new Error('element says no') } })
  const results = engine.applyMany(commands)
  assert.equal(results[0], null)
  assert.equal(results[1]?.code, 'invalid_argument')
  assert.equal(results[1].message, 'commands[1]: cannot be read: Error: element says no')
  assert.equal(results[2], null)
  assert.equal(engine.now, 3000)

  const conversations = ['c1', 'c1', 'c1']
  Object.defineProperty(conversations, 1, { get() { throw new Error('id says no') } })
  const sent = engine.messages(4000, conversations, ['cu', 'cu', 'ag'])
  assert.deepEqual(sent.map((r) => r?.code ?? null), [null, 'invalid_argument', null])
  assert.equal(sent[1].message, 'conversations[1]: cannot be read: Error: id says no')
})

test('each batch gets an array of its own, one slot per command, whatever the sizes before it', () => {
  const engine = engineWithChat()
  const advances = (count, from) => Array.from({ length: count }, (_, i) => ({ at: from + i, op: 'advance' }))
  assert.deepEqual(engine.applyMany([]), [])
  const small = engine.applyMany(advances(3, 2000))
  assert.deepEqual(small, [null, null, null])
  // The results of a batch are the caller's: changing them changes no later batch's.
  small[0] = 'mine'
  small.push('more')
  let at = 3000
  for (const count of [1, 200, 5, 1000, 64, 65]) {
    const outcomes = engine.applyMany([...advances(count - 1, at), { at: at + count, op: 'fly' }])
    assert.equal(outcomes.length, count)
    assert.ok(outcomes.slice(0, -1).every((outcome) => outcome === null), `batch of ${count}`)
    assert.equal(outcomes.at(-1).code, 'invalid_argument')
    at += count + 1
  }
  assert.deepEqual(engine.applyMany(advances(3, at)), [null, null, null])
})

test('a key holding a lone surrogate is named as a key, not as `?`', () => {
  const engine = new Engine(CONFIG)
  const [lone, fine] = engine.applyMany([{ at: 1, op: 'advance', '\ud800': 1 }, { at: 2, op: 'advance' }])
  assert.equal(lone.code, 'invalid_argument')
  assert.equal(lone.message, 'commands[0].command: a key is not valid Unicode text (it holds a lone surrogate)')
  assert.equal(fine, null)
})
