'use strict'
// Bearer tokens and WebSocket keys: 32 bytes from the OS CSPRNG each. The
// prefix says what a token is for (in a test's assertion, never in a log).

const { randomBytes } = require('node:crypto')

const newToken = (prefix) => `${prefix}_${randomBytes(32).toString('base64url')}`

/** A token → record table whose entries can carry a wall-clock expiry. */
class TokenTable {
  constructor() {
    this.entries = new Map()
  }

  add(token, record, expiresAt = Infinity) {
    this.entries.set(token, { record, expiresAt })
  }

  /** The record, or undefined when the token is unknown, revoked or expired. */
  get(token) {
    if (typeof token !== 'string') return undefined
    const entry = this.entries.get(token)
    if (!entry) return undefined
    if (Date.now() >= entry.expiresAt) {
      this.entries.delete(token)
      return undefined
    }
    return entry.record
  }

  delete(token) {
    this.entries.delete(token)
  }
}

module.exports = { newToken, TokenTable }
