#!/usr/bin/env node
// `node cli.js run [--snapshot-every N] FILE`: runs a scenario file (docs/rules.md §11)
// through the Node API and prints exactly what `chatlife run` prints, so the
// two can be compared byte for byte. The file is checked by the core
// (`loadScenario`); each command step then goes through the camelCase method
// of its `op`. With `--snapshot-every N`, after every N command steps the
// engine is replaced by `Engine.fromSnapshot(engine.snapshot())`, which must
// not change a byte.
'use strict'

const { parseArgs } = require('node:util')

const { Engine, commands, errorCodes, loadScenario, parseAt } = require('./index.js')

const CODES = new Set(errorCodes())
/** A refusal of the engine, as opposed to a bug in this script. */
const refused = (error) => CODES.has(error?.code)

// Each method's arguments after `now`, as the addon declares them from the
// core's table: the required fields in order, then either the optional ones
// each in turn or, for a method that takes options, the step's other fields
// (start options, the reconnect request) as one object, for the core to check.
const COMMANDS = new Map(commands().map((command) => [command.op, command]))

const camelCase = (op) => op.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())

/** Applies one command step through its method; throws what the method throws. */
function applyStep(engine, step) {
  const { at, op, error, ...fields } = step
  const command = COMMANDS.get(op)
  if (command === undefined) throw new Error(`op: ${JSON.stringify(op)} has no method`)
  const args = (command.options ? command.required : command.keys).map((name) => {
    const value = fields[name]
    delete fields[name]
    return value
  })
  if (command.options) args.push(fields)
  engine[camelCase(op)](parseAt(at), ...args)
}

/** Same line as the core's `scenario::error_line`, key order included. */
function errorLine(at, step, error) {
  return JSON.stringify({ at, type: 'error', step, code: error.code, message: error.message })
}

/** The lines `chatlife run` prints for a scenario file's text. */
function runLines(text, { snapshotEvery = 0 } = {}) {
  const scenario = loadScenario(text)
  let engine = new Engine(scenario.config)
  const lines = []
  let commands = 0
  scenario.steps.forEach((step, index) => {
    if ('expect' in step) return
    try {
      applyStep(engine, step)
    } catch (error) {
      if (!refused(error)) throw error
      lines.push(errorLine(parseAt(step.at), index, error))
    }
    for (const event of engine.pollEvents()) lines.push(JSON.stringify(event))
    commands += 1
    if (snapshotEvery > 0 && commands % snapshotEvery === 0) engine = Engine.fromSnapshot(engine.snapshot())
  })
  return lines
}

/** Reads a file the way the CLI does: UTF-8 or nothing, a BOM kept as text. */
function readText(path) {
  const bytes = require('node:fs').readFileSync(path)
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
}

// Exit status of the CLI for a file that is not a valid scenario (SC2).
const INVALID_FILE = 2

const USAGE = 'usage: node cli.js run [--snapshot-every N] FILE\n'

function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'snapshot-every': { type: 'string' } },
    allowPositionals: true,
    strict: false,
  })
  const every = values['snapshot-every'] ?? '0'
  if (positionals.length !== 2 || positionals[0] !== 'run' || !/^\d+$/.test(every)) {
    process.stderr.write(USAGE)
    return INVALID_FILE
  }
  const path = positionals[1]
  let text
  try {
    text = readText(path)
  } catch (error) {
    process.stderr.write(`${path}: cannot read: ${error.message}\n`)
    return INVALID_FILE
  }
  let lines
  try {
    lines = runLines(text, { snapshotEvery: Number(every) })
  } catch (error) {
    if (!refused(error)) throw error
    process.stderr.write(`${path}: ${error.message}\n`)
    return INVALID_FILE
  }
  process.stdout.write(lines.map((line) => `${line}\n`).join(''))
  return 0
}

module.exports = { applyStep, runLines, readText }

if (require.main === module) process.exitCode = main(process.argv.slice(2))
