// examples/node/quickstart.js; run it with `make node && node examples/node/quickstart.js`
const { Engine } = require('chatlife')

const engine = new Engine({ policies: { default: { timers: { customer_idle: 2 } } } })
engine.startConversation(0, 'c1', 'cu-1')
engine.join(5_000, 'c1', 'ag-7', 'agent', 'Ana')

// Sleep until the next deadline (here: the customer idle 2 minutes after the join).
engine.advance(engine.nextDeadline())
for (const event of engine.pollEvents()) console.log(JSON.stringify(event))

try {
  engine.message(60_000, 'c1', 'cu-1') // now never goes back
} catch (error) {
  console.log(error.code, '-', error.message)
}
