#!/usr/bin/env node
'use strict'
// A local Amazon Connect chat over the chatlife engine.
//
//   node adapters/connect/server.js --port PORT [--config FILE] [--clock manual]
//
// Prints `chatlife-connect listening on http://127.0.0.1:PORT` when ready.
// docs/connect.md says how to point ChatJS or an AWS SDK at it.

const fs = require('node:fs')
const { createEmulator } = require('./src/app')

const USAGE = 'usage: server.js --port PORT [--config FILE] [--clock real|manual]'

function parseArgs(argv) {
  const options = { port: null, config: null, clock: 'real' }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2)
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`)
    if (flag === '--port') options.port = value()
    else if (flag === '--config') options.config = value()
    else if (flag === '--clock') options.clock = value()
    else if (flag === '--help' || flag === '-h') return console.log(USAGE), process.exit(0)
    else fail(`unknown argument ${argv[i]}`)
  }
  if (options.port === null) fail('--port is required (0 picks a free one)')
  if (!/^\d+$/.test(options.port) || Number(options.port) > 65535) fail(`--port: ${options.port} is not a port number`)
  if (!['real', 'manual'].includes(options.clock)) fail(`--clock: ${options.clock} is not real or manual`)
  return { ...options, port: Number(options.port) }
}

function fail(message) {
  console.error(`server.js: ${message}\n${USAGE}`)
  process.exit(2)
}

function readConfig(file) {
  if (file === null) return null
  let text
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    fail(`--config: cannot read ${file}: ${error.code ?? error.message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    fail(`--config: ${file} is not JSON: ${error.message}`)
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  let emulator
  try {
    emulator = createEmulator({ config: readConfig(options.config), clock: options.clock })
  } catch (error) {
    if (error.code === 'invalid_config') fail(`--config: ${error.message}`)
    throw error
  }
  const url = await emulator.listen(options.port)
  console.log(`chatlife-connect listening on ${url} (clock: ${options.clock})`)
  const stop = () => emulator.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error) => {
  console.error(`server.js: ${error.message}`)
  process.exit(1)
})
