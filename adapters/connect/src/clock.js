'use strict'
// Engine time is Unix milliseconds. The real clock follows Date.now() (never
// backwards); the manual clock starts at a fixed instant and moves only when
// told, so a test sees a ten-minute timer fire at once, at an exact time.

const MANUAL_START = Date.parse('2026-01-01T00:00:00.000Z')

class RealClock {
  constructor() {
    this.last = 0
  }

  get manual() {
    return false
  }

  now() {
    this.last = Math.max(this.last, Date.now())
    return this.last
  }
}

class ManualClock {
  constructor(start = MANUAL_START) {
    this.ms = start
  }

  get manual() {
    return true
  }

  now() {
    return this.ms
  }

  advance(ms) {
    this.ms += ms
    return this.ms
  }
}

/** ISO-8601 with milliseconds, as Connect writes AbsoluteTime. */
const iso = (ms) => new Date(ms).toISOString()

module.exports = { RealClock, ManualClock, MANUAL_START, iso }
