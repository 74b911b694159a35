'use strict'
// Wires one emulated Connect instance: the engine and its host, the contact
// registry, the HTTP APIs and the chat WebSocket, on one 127.0.0.1 port.

const http = require('node:http')
const { Engine } = require('chatlife')
const { RealClock, ManualClock } = require('./clock')
const { Registry } = require('./contacts')
const { Host } = require('./host')
const { Router } = require('./http')
const { withChatDurations, CONNECT_DEFAULT } = require('./config')
const websocket = require('./websocket')

/**
 * `config`: the chatlife configuration (docs/rules.md §8) as an object, or null for
 * Connect's defaults; `clock`: 'real' or 'manual'. Throws the engine's
 * `invalid_config` error when the configuration is bad.
 */
function createEmulator({ config = null, clock = 'real', log = (line) => console.error(line) } = {}) {
  const base = config ?? CONNECT_DEFAULT
  const engine = new Engine(withChatDurations(base))
  const ctx = {
    engine,
    log,
    clock: clock === 'manual' ? new ManualClock() : new RealClock(),
    registry: new Registry(),
    policies: new Set(['default', ...Object.keys(base.policies ?? {})]),
    websocketUrl: null,
  }
  ctx.host = new Host(ctx)
  const router = new Router(log)
  for (const api of ['connect', 'participant', 'emulator']) require(`./api/${api}`).install(router, ctx)

  const server = http.createServer((req, res) => {
    router.handle(req, res).catch((error) => {
      log(`request failed: ${error.stack ?? error}`)
      res.destroy()
    })
  })
  server.on('clientError', (_, socket) => socket.destroy())
  const wss = websocket.attach(server, ctx)

  return {
    ctx,
    /** Resolves to the base URL once listening on 127.0.0.1 (port 0: a free one). */
    listen(port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          const bound = server.address().port
          ctx.websocketUrl = websocket.websocketUrl(bound)
          resolve(`http://127.0.0.1:${bound}`)
        })
      })
    },
    close() {
      ctx.host.stop()
      for (const socket of wss.clients) socket.terminate()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

module.exports = { createEmulator }
