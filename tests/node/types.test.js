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

test('every command of the core has its method, camelCase', () => {
  const ops = chatlife.commands().map(({ op }) => op)
  assert.ok(ops.includes('start_conversation') && ops.includes('hold'), ops.join())
  for (const op of ops) {
    const method = op.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())
    assert.equal(typeof chatlife.Engine.prototype[method], 'function', method)
  }
})

// dts-header.d.ts writes the `Command` union by hand: it must name every op
// of the core's table with exactly its JSON keys, and may not make optional
// a key the core requires.
test('the Command type of index.d.ts has every command with the keys the core reads', () => {
  const program = ts.createProgram([DTS], { strict: true, noEmit: true, types: [] })
  const checker = program.getTypeChecker()
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(DTS)))
  const union = checker.getDeclaredTypeOfSymbol(exported.find((symbol) => symbol.name === 'Command'))
  const declared = new Map()
  for (const member of union.types) {
    const properties = checker.getPropertiesOfType(member)
    const opType = checker.getTypeOfSymbol(properties.find((p) => p.name === 'op'))
    for (const op of (opType.isUnion() ? opType.types : [opType]).map((type) => type.value)) {
      const seen = declared.get(op) ?? { keys: new Set(), optional: new Set() }
      for (const { name, flags } of properties.filter((p) => p.name !== 'op')) {
        seen.keys.add(name)
        if (flags & ts.SymbolFlags.Optional) seen.optional.add(name)
      }
      declared.set(op, seen)
    }
  }
  const table = chatlife.commands()
  assert.deepEqual([...declared.keys()].sort(), table.map(({ op }) => op).sort())
  for (const { op, keys, required } of table) {
    const { keys: have, optional } = declared.get(op)
    assert.deepEqual([...have].sort(), [...keys].sort(), op)
    for (const key of required) assert.ok(!optional.has(key), `${op}.${key}: optional in index.d.ts, required by the core`)
  }
})
