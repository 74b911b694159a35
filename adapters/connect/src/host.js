'use strict'
// The engine's host: every command runs at the clock's `now` after the timers
// due by then; every event the engine emits is turned into Connect items
// (items.js) and sent to the sockets of the participants who receive them.
// With the real clock one setTimeout is armed for nextDeadline(); with the
// manual clock time moves only through advanceBy().

const { MAPPINGS, AUDIENCE, toItem } = require('./items')

const MAX_TIMEOUT = 2 ** 31 - 1

class Host {
  constructor({ engine, clock, registry, log }) {
    this.engine = engine
    this.clock = clock
    this.registry = registry
    this.log = log
    this.timer = null
    this.unmapped = new Set()
  }

  /**
   * Runs `command(now)` (one engine call). Timers due by `now` fire first,
   * even when the command is then refused: the time has passed either way.
   * `onAccepted(now)` runs between the command and its events, so a message
   * goes out before what it caused (a participant returning, …).
   * Returns {now, events, error}: the command's events, or the engine's refusal.
   */
  run(command, { onAccepted } = {}) {
    const now = this.clock.now()
    this.engine.advance(now)
    this.pump()
    let error = null
    try {
      command(now)
      onAccepted?.(now)
    } catch (thrown) {
      if (typeof thrown?.code !== 'string') throw thrown
      error = thrown
    }
    return { now, events: this.pump(), error }
  }

  /** The manual clock moved: fire what is due. */
  advanceBy(ms) {
    const now = this.clock.advance(ms)
    this.engine.advance(now)
    this.pump()
    return now
  }

  pump() {
    const events = this.engine.pollEvents()
    for (const event of events) this.dispatch(event)
    this.arm()
    return events
  }

  dispatch(event) {
    if (typeof event.conversation !== 'string') return
    this.registry.observe(event)
    const contact = this.registry.contact(event.conversation)
    const mapping = MAPPINGS[event.type]
    if (!mapping) {
      if (!this.unmapped.has(event.type)) this.log(`no Connect mapping for engine event ${event.type}; nothing sent`)
      this.unmapped.add(event.type)
    } else if (contact) {
      for (const spec of mapping(event, contact)) {
        this.deliver(contact, toItem(contact, spec, event.at), spec)
      }
    }
    this.registry.settle(event)
  }

  /** Sends an item to its audience's subscribed sockets (not to `except`)
   * and keeps it for GetTranscript when it is a transcript entry. */
  deliver(contact, item, { audience, transcript }, except = null) {
    if (transcript) contact.transcript.push({ item, audience })
    const frame = JSON.stringify({ topic: 'aws/chat', contentType: 'application/json', content: JSON.stringify(item) })
    for (const participant of contact.present()) {
      if (participant === except || !AUDIENCE[audience](participant)) continue
      for (const connection of participant.connections) {
        for (const socket of connection.sockets) if (socket.subscribed) socket.send(frame)
      }
    }
  }

  arm() {
    if (this.clock.manual) return
    clearTimeout(this.timer)
    this.timer = null
    const deadline = this.engine.nextDeadline()
    if (deadline === null) return
    const delay = Math.min(MAX_TIMEOUT, Math.max(0, deadline - this.clock.now()))
    // A timer may wake a little early; advance() then fires nothing and pump() re-arms.
    this.timer = setTimeout(() => {
      try {
        this.engine.advance(this.clock.now())
        this.pump()
      } catch (error) {
        this.log(`timers failed: ${error.stack ?? error}`)
      }
    }, delay)
  }

  stop() {
    clearTimeout(this.timer)
    this.timer = null
  }
}

module.exports = { Host }
