// Shared by the Node suite: where things are, and the reference CLI's output.
'use strict'

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..')
const PACKAGE = path.join(ROOT, 'bindings', 'node')
const CLI_JS = path.join(PACKAGE, 'cli.js')
const CONFORMANCE = path.join(ROOT, 'tests', 'conformance')
// `make test-node` passes the reference CLI it just built.
const CHATLIFE = path.resolve(ROOT, process.env.CHATLIFE_CLI ?? 'target/release/chatlife')

const chatlife = require(PACKAGE)
const CODES = new Set(chatlife.errorCodes())

function scenarioFiles() {
  const files = fs
    .readdirSync(CONFORMANCE)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(CONFORMANCE, name))
  if (files.length === 0) throw new Error(`no scenario files in ${CONFORMANCE}`)
  return files
}

/** stdout (bytes), stderr (text) and exit status of a process. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { maxBuffer: 64 << 20, ...options })
  if (result.error) throw result.error
  return { stdout: result.stdout, stderr: String(result.stderr), status: result.status }
}

/** `chatlife run FILE` of the reference CLI. */
function reference(file) {
  if (!fs.existsSync(CHATLIFE)) throw new Error(`the reference CLI ${CHATLIFE} is missing: run \`make cli\``)
  return run(CHATLIFE, ['run', file])
}

/** `node cli.js run ...ARGS`. */
function nodeCli(...args) {
  return run(process.execPath, [CLI_JS, 'run', ...args])
}

/** The error an action throws; fails when it throws nothing. */
function thrown(action) {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error(`expected a throw from ${action}`)
}

module.exports = { ROOT, PACKAGE, CONFORMANCE, chatlife, CODES, scenarioFiles, run, reference, nodeCli, thrown }
