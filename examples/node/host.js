// A real host of the chatlife engine: engine time follows the wall clock, every
// input is fed the moment it arrives, and one setTimeout is armed for
// nextDeadline() so timers fire without any polling. The inputs come from a
// short script here; a contact center would take them from its chat transport.
//
//   node examples/node/host.js          (CHATLIFE_SPEED=600 to run it faster)
'use strict'

const { Engine } = require('chatlife')

// Engine time runs SPEED times faster than the wall clock, so the two-minute
// idle timer of the story fires after two seconds instead of two minutes.
const SPEED = Number(process.env.CHATLIFE_SPEED ?? 60)
const started = performance.now()
/** Engine time: milliseconds since the host started, scaled; never goes back. */
const clock = () => Math.floor((performance.now() - started) * SPEED)

const engine = new Engine({
  policies: {
    default: {
      timers: { customer_idle: 2 },
      disconnect_grace: '30s',
      auto_close: { wrap_up: '1m' },
    },
  },
})

// The story, in engine milliseconds: what the chat transport would deliver.
const SCRIPT = [
  [0, (now) => engine.startConversation(now, 'c1', 'cu-1', { display_name: 'Dana' })],
  [10_000, (now) => engine.join(now, 'c1', 'ag-7', 'agent', 'Ana')],
  [60_000, (now) => engine.message(now, 'c1', 'cu-1')],
  [90_000, (now) => engine.message(now, 'c1', 'ag-7')],
  // Nothing from the customer for two minutes: the engine says they are idle
  // at about 3:00; their next message brings them back.
  [200_000, (now) => engine.message(now, 'c1', 'cu-1')],
  // The customer's browser drops; after the 30 s grace the chat goes to wrap-up
  // and the wrap-up auto-close ends it a minute later.
  [240_000, (now) => engine.connectionLost(now, 'c1', 'cu-1')],
]

let deadlineTimer
let closed = false

/** After every call: hand the events on, then re-arm the one deadline timer. */
function pump() {
  for (const event of engine.pollEvents()) {
    console.log(JSON.stringify(event))
    if (event.type === 'state_changed' && event.to === 'closed') closed = true
  }
  clearTimeout(deadlineTimer)
  deadlineTimer = undefined
  const deadline = engine.nextDeadline()
  // A closed chat keeps only the timer that forgets it an hour later (S1);
  // this demo stops there instead of waiting for it.
  if (deadline === null || closed) return
  deadlineTimer = setTimeout(onDeadline, Math.max(0, (deadline - clock()) / SPEED))
}

function onDeadline() {
  // A timer may wake us a little early; advance() then fires nothing and
  // pump() arms the timer again.
  engine.advance(clock())
  pump()
}

function feed(command) {
  try {
    command(clock())
  } catch (error) {
    console.log(`# refused (${error.code}): ${error.message}`)
  }
  pump()
}

for (const [at, command] of SCRIPT) setTimeout(() => feed(command), at / SPEED)
