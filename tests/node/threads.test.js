'use strict'
// Misuse from another thread: an Engine's native state never leaves the thread
// that made it. Posting it to a worker clones only a plain, empty object, so a
// worker cannot call into (and race on) the original engine.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')
const { Engine } = require('../../bindings/node')

test('an engine posted to a worker arrives as an inert plain object', async () => {
  const engine = new Engine({})
  engine.startConversation(0, 'c1', 'cu')
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads')
     parentPort.once('message', (received) => {
       parentPort.postMessage({ message: typeof received.message, keys: Object.keys(received) })
     })`,
    { eval: true },
  )
  const answer = new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  worker.postMessage(engine)
  assert.deepEqual(await answer, { message: 'undefined', keys: [] })
  await worker.terminate()
  // The original is untouched and still works on its own thread.
  assert.equal(engine.state('c1'), 'open')
})
