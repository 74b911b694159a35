'use strict'
// Reading request fields: each check names the field (its JSON path) in the
// error, with the service's validation exception.

const { failure } = require('./errors')

class Fields {
  constructor(service, body, prefix = '') {
    this.service = service
    this.body = body
    this.prefix = prefix
  }

  fail(name, problem) {
    return failure(this.service, 'validation', `${this.prefix}${name}: ${problem}`)
  }

  /** A string of min..max characters; `undefined` when optional and absent. */
  string(name, { required = true, min = 1, max = 256, oneOf } = {}) {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (required) throw this.fail(name, 'is required')
      return undefined
    }
    if (typeof value !== 'string') throw this.fail(name, 'must be a string')
    if (value.length < min) throw this.fail(name, `must be at least ${min} characters`)
    if (value.length > max) throw this.fail(name, `must be at most ${max} characters`)
    if (oneOf && !oneOf.includes(value)) throw this.fail(name, `must be one of ${oneOf.join(', ')}`)
    return value
  }

  integer(name, { required = true, min, max } = {}) {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (required) throw this.fail(name, 'is required')
      return undefined
    }
    if (!Number.isSafeInteger(value)) throw this.fail(name, 'must be an integer')
    if (min !== undefined && value < min) throw this.fail(name, `${value} is below ${min}`)
    if (max !== undefined && value > max) throw this.fail(name, `${value} is above ${max}`)
    return value
  }

  boolean(name) {
    const value = this.body[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'boolean') throw this.fail(name, 'must be true or false')
    return value
  }

  /** A nested object, read with the same rules under `name.`. */
  object(name, { required = true } = {}) {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (required) throw this.fail(name, 'is required')
      return undefined
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw this.fail(name, 'must be an object')
    return new Fields(this.service, value, `${this.prefix}${name}.`)
  }

  /** A list of strings from `oneOf`. */
  list(name, { oneOf, required = true }) {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (required) throw this.fail(name, 'is required')
      return undefined
    }
    if (!Array.isArray(value)) throw this.fail(name, 'must be a list')
    value.forEach((v, i) => {
      if (!oneOf.includes(v)) throw this.fail(`${name}[${i}]`, `must be one of ${oneOf.join(', ')}`)
    })
    return value
  }
}

module.exports = { Fields }
