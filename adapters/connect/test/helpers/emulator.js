'use strict'
// Starts the emulator as its own process (as a team would run it) and gives
// the test plain HTTP calls against it.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const SERVER = path.join(__dirname, '..', '..', 'server.js')

/** Resolves once the server printed its URL. `output()` is everything it wrote. */
async function startEmulator({ config = null, clock = 'manual' } = {}) {
  const args = [SERVER, '--port', '0', '--clock', clock]
  if (config !== null) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chatlife-connect-')), 'config.json')
    fs.writeFileSync(file, JSON.stringify(config))
    args.push('--config', file)
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (d) => (output += d))
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (found) resolve(found[1])
    })
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${output}`)))
  })

  async function call(method, route, body, headers = {}) {
    const res = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
  }

  /** A call that must succeed: its body. */
  async function ok(method, route, body, headers) {
    const res = await call(method, route, body, headers)
    if (res.status !== 200) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  return {
    url,
    call,
    ok,
    output: () => output,
    advance: (ms) => ok('POST', '/emulator/clock/advance', { ms }),
    now: async () => (await ok('GET', '/emulator/clock')).NowMs,
    addAgent: (contactId, displayName = 'Bo') => ok('POST', `/emulator/contact/${contactId}/agent`, { DisplayName: displayName }),
    drop: (contactId, participantId) => ok('POST', `/emulator/contact/${contactId}/participant/${participantId}/drop`),
    contact: (contactId) => ok('GET', `/emulator/contact/${contactId}`),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', resolve)
        child.kill('SIGTERM')
      }),
  }
}

module.exports = { startEmulator }
