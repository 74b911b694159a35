// The Node examples run as a user runs them: `require('chatlife')` resolved
// through the npm link `make node` puts in examples/node/node_modules.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { ROOT, run } = require('./helpers.js')

const EXAMPLES = path.join(ROOT, 'examples', 'node')

function runExample(name, env = {}) {
  const result = run(process.execPath, [path.join(EXAMPLES, name)], {
    cwd: EXAMPLES,
    env: { ...process.env, ...env },
    timeout: 60_000,
  })
  assert.equal(result.status, 0, result.stderr)
  return result.stdout.toString('utf8').split('\n').filter(Boolean)
}

test('quickstart.js (the README example) prints the idle event and the refusal', () => {
  const lines = runExample('quickstart.js')
  const events = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
  assert.deepEqual(
    events.map((event) => event.type),
    ['conversation_started', 'participant_joined', 'state_changed', 'capacity_changed', 'participant_idle'],
  )
  // Idle two minutes after the agent joined at 5 s (R-T3, R-T7).
  assert.equal(events.at(-1).at, 5_000 + 2 * 60_000)
  assert.match(lines.at(-1), /^time_went_backwards - now: 60000 /)
})

test('the README shows quickstart.js as it is', (t) => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => /^Node\b/.test(part))
  if (section === undefined) return t.skip('README.md has no "## Node" section yet')
  const block = section.match(/```(?:js|javascript)\n([\s\S]*?)```/)
  assert.ok(block, 'the Node section has a js code block')
  assert.equal(block[1], fs.readFileSync(path.join(EXAMPLES, 'quickstart.js'), 'utf8'))
})

test('host.js drives the engine from one deadline timer on the wall clock', () => {
  // 200x: the five and a half minutes of the story take under two seconds.
  const events = runExample('host.js', { CHATLIFE_SPEED: '200' }).map((line) => JSON.parse(line))
  assert.deepEqual(
    events.map((event) => (event.type === 'state_changed' ? `${event.type}:${event.to}` : event.type)),
    [
      'conversation_started',
      'participant_joined',
      'state_changed:active',
      'capacity_changed',
      'participant_idle',
      'participant_returned',
      'connection_lost',
      'customer_disconnected',
      'transcript_message',
      'state_changed:wrap_up',
      'state_changed:closed',
      'capacity_changed',
    ],
  )
  const at = (type, to) => events.find((e) => e.type === type && (to === undefined || e.to === to)).at
  // Timer events carry their deadline, however late the host woke (T4).
  assert.equal(at('customer_disconnected'), at('connection_lost') + 30_000)
  assert.equal(at('state_changed', 'closed'), at('state_changed', 'wrap_up') + 60_000)
  // The customer's message at ~1:00 restarted the idle timer: idle at ~3:00,
  // not ~2:10 (two minutes after the join). Wall-clock timers jitter a little.
  const idle = at('participant_idle')
  assert.ok(idle > 170_000 && idle < 195_000, `idle at ${idle}`)
  assert.ok(events.every((event, i) => i === 0 || event.at >= events[i - 1].at), 'events in time order')
})
