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

const { Engine, errorCodes, loadScenario, parseAt } = require('./index.js')

const CODES = new Set(errorCodes())
/** A refusal of the engine, as opposed to a bug in this script. */
const refused = (error) => CODES.has(error?.code)

// Positional arguments of each method after `now`, as the field names of docs/rules.md §9. A
// step's other fields (start options, the reconnect request) go in the last
// argument as one object, for the core to check.
const POSITIONAL = {
  start_conversation: ['conversation', 'customer'],
  join: ['conversation', 'participant', 'role', 'display_name'],
  leave: ['conversation', 'participant'],
  message: ['conversation', 'participant'],
  connection_lost: ['conversation', 'participant'],
  connection_restored: ['conversation', 'participant'],
  end: ['conversation', 'participant'],
  close_session: ['conversation', 'participant'],
  issue_reconnect_link: ['conversation'],
  reconnect: [],
  returning_customer: ['authenticated_as'],
  decline_reconnect: ['conversation', 'authenticated_as'],
  set_participant_timers: ['conversation', 'timers'],
  update_participant_role_config: ['conversation', 'request'],
  set_wait: ['conversation', 'for'],
  set_agent_capacity: ['agent', 'capacity'],
  advance: [],
  hold: ['conversation', 'participant'],
  resume: ['conversation', 'participant'],
}
const TAKES_OPTIONS = new Set(['start_conversation', 'reconnect'])

const camelCase = (op) => op.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())

/** Applies one command step through its method; throws what the method throws. */
function applyStep(engine, step) {
  const { at, op, error, ...fields } = step
  const positional = POSITIONAL[op]
  if (positional === undefined) throw new Error(`op: ${JSON.stringify(op)} has no method`)
  const args = positional.map((name) => {
    const value = fields[name]
    delete fields[name]
    return value
  })
  if (TAKES_OPTIONS.has(op)) args.push(fields)
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
