'use strict'
// The real, unmodified amazon-connect-chatjs under plain Node. It was written
// for browsers, so it gets what a browser would have given it: `self` and
// `window` as the global object, a `navigator` whose onLine the test can turn
// off, and `ws` as WebSocket.

globalThis.self = globalThis
globalThis.window = globalThis
const navigator = { onLine: true, userAgent: `Node.js/${process.version}` }
Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true })
globalThis.WebSocket = require('ws')
require('amazon-connect-chatjs')

const { connect } = globalThis
const { REGION } = require('./sdk')

const EVENTS = [
  'onMessage',
  'onConnectionEstablished',
  'onConnectionLost',
  'onConnectionBroken',
  'onEnded',
  'onParticipantIdle',
  'onParticipantReturned',
  'onAutoDisconnection',
]

let configuredFor = null

/** A ChatJS customer session on a StartChatContact reply; every callback it
 * makes is recorded in `events` as {name, data}. */
async function chatjsCustomer(url, start) {
  if (configuredFor !== url) {
    connect.ChatSession.setGlobalConfig({
      region: REGION,
      endpoint: url,
      loggerConfig: { level: connect.LogLevel.ERROR },
    })
    configuredFor = url
  }
  const session = connect.ChatSession.create({
    chatDetails: { ContactId: start.ContactId, ParticipantId: start.ParticipantId, ParticipantToken: start.ParticipantToken },
    options: { region: REGION },
    type: connect.ChatSession.SessionTypes.CUSTOMER,
    disableCSM: true,
  })
  const events = []
  const waiters = []
  for (const name of EVENTS) {
    session[name]((event) => {
      const entry = { name, data: event?.data ?? null }
      events.push(entry)
      for (const w of waiters.splice(0)) if (!w(entry)) waiters.push(w)
    })
  }
  /** The first `name` callback for which `match(data)` holds, already made or to come. */
  function next(name, match = () => true, timeoutMs = 8000) {
    const found = events.find((e) => e.name === name && match(e.data))
    if (found) return Promise.resolve(found.data)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ChatJS never called ${name}; it called ${events.map((e) => e.name)}`)), timeoutMs)
      waiters.push((e) => {
        if (e.name !== name || !match(e.data)) return false
        clearTimeout(timer)
        resolve(e.data)
        return true
      })
    })
  }
  const connected = next('onConnectionEstablished')
  await session.connect()
  await connected
  return { session, events, next }
}

module.exports = { chatjsCustomer, navigator }
