// The generated index.d.ts: a TypeScript host's file type-checks against it,
// and it describes the addon that is actually loaded (event types, error
// codes, Engine methods).
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { PACKAGE, chatlife, run } = require('./helpers.js')

const ts = require(path.join(PACKAGE, 'node_modules', 'typescript'))
const DTS = path.join(PACKAGE, 'index.d.ts')

test('a TypeScript host type-checks with tsc --noEmit', () => {
  const tsc = path.join(PACKAGE, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = run(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')])
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`)
})

/** The checker's view of index.d.ts. */
function declarations() {
  const program = ts.createProgram([DTS], { strict: true, noEmit: true, types: [] })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(DTS)
  const exports = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(source)).map((s) => [s.name, s]))
  const literals = (name) => {
    const symbol = exports.get(name)
    assert.ok(symbol, `index.d.ts exports ${name}`)
    const type = checker.getDeclaredTypeOfSymbol(symbol)
    return (type.isUnion() ? type.types : [type]).map((member) => member.value).sort()
  }
  const members = (name) => {
    const type = checker.getDeclaredTypeOfSymbol(exports.get(name))
    return checker.getPropertiesOfType(type).map((p) => p.name).sort()
  }
  return { literals, members }
}

test('index.d.ts names exactly the event types and error codes of the addon', () => {
  const { literals } = declarations()
  assert.deepEqual(literals('EventType'), [...chatlife.eventTypes()].sort())
  assert.deepEqual(literals('ErrorCode'), [...chatlife.errorCodes()].sort())
})

test('index.d.ts declares exactly the methods and exports the addon has', () => {
  const { members } = declarations()
  const runtime = Object.getOwnPropertyNames(chatlife.Engine.prototype).filter((name) => name !== 'constructor')
  assert.deepEqual(members('Engine'), runtime.sort())
  const program = ts.createProgram([DTS], { types: [] })
  const checker = program.getTypeChecker()
  const values = checker
    .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(DTS)))
    .filter((symbol) => symbol.flags & ts.SymbolFlags.Value)
    .map((symbol) => symbol.name)
    .sort()
  assert.deepEqual(values, Object.keys(chatlife).sort())
})

test('every method of docs/rules.md §9 is there, camelCase', () => {
  const ops = [
    'start_conversation', 'join', 'leave', 'message', 'connection_lost', 'connection_restored', 'end',
    'close_session', 'issue_reconnect_link', 'reconnect', 'returning_customer', 'decline_reconnect',
    'set_participant_timers', 'update_participant_role_config', 'set_wait', 'set_agent_capacity', 'advance',
    'hold', 'resume',
  ]
  for (const op of ops) {
    const method = op.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())
    assert.equal(typeof chatlife.Engine.prototype[method], 'function', method)
  }
})
