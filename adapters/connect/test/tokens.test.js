'use strict'
// Tokens are unguessable, and a token past its wall-clock expiry is refused
// like an unknown one (the 24-hour connection lifetime is too long to wait for
// end to end).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { newToken, TokenTable } = require('../src/tokens')

test('tokens carry 32 random bytes', () => {
  const tokens = new Set(Array.from({ length: 1000 }, () => newToken('cct')))
  assert.equal(tokens.size, 1000)
  for (const token of tokens) assert.match(token, /^cct_[A-Za-z0-9_-]{43}$/)
})

test('an expired, deleted or non-string token finds nothing', () => {
  const table = new TokenTable()
  table.add('live', 'a', Date.now() + 60_000)
  table.add('expired', 'b', Date.now() - 1)
  table.add('deleted', 'c')
  table.delete('deleted')
  assert.equal(table.get('live'), 'a')
  assert.equal(table.get('expired'), undefined)
  assert.equal(table.get('deleted'), undefined)
  for (const value of [undefined, null, 7, ['live'], { live: true }]) assert.equal(table.get(value), undefined)
})
