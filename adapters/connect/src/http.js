'use strict'
// The HTTP side: a router over node:http, JSON bodies, and replies shaped as
// Connect's. Bodies are read in full (at most MAX_BODY bytes) before a handler
// runs, so a handler is one synchronous step against the engine.

const { randomUUID } = require('node:crypto')
const { ConnectError, CONTROL, failure, isEngineError, fromEngine } = require('./errors')

const MAX_BODY = 1 << 20

// Browsers run ChatJS from the team's own origin: the participant service
// must answer cross-origin requests as Connect's does.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-amz-bearer, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, ' +
    'x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request',
  'access-control-expose-headers': 'x-amzn-errortype, x-amzn-requestid',
}

function reply(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...CORS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  })
  res.end(text)
}

function replyError(res, error) {
  reply(res, error.status, { message: error.message, ...error.extra }, { 'x-amzn-errortype': error.type })
}

function readBody(req, service) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(failure(service, 'validation', `body: larger than ${MAX_BODY} bytes`))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') return resolve({})
      let body
      try {
        body = JSON.parse(text)
      } catch {
        return reject(failure(service, 'validation', 'body: not valid JSON'))
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return reject(failure(service, 'validation', 'body: must be a JSON object'))
      }
      resolve(body)
    })
    req.on('error', reject)
  })
}

/**
 * A router: `route(method, pattern, service, handler)` where pattern is a
 * path with `{Name}` parts; the handler gets ({body, params, headers, url})
 * and returns the reply body (or a Promise of it), or throws a ConnectError.
 * Engine refusals that escape a handler are mapped with the route's service.
 */
class Router {
  constructor(log) {
    this.routes = []
    this.log = log
  }

  route(method, pattern, service, handler) {
    const names = []
    const source = pattern.replace(/\{(\w+)\}/g, (_, name) => {
      names.push(name)
      return '([^/]+)'
    })
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, service, handler })
  }

  async handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1')
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS)
      return res.end()
    }
    let service = CONTROL
    try {
      const match = this.match(req.method, url.pathname)
      if (!match) throw new ConnectError(404, 'UnknownOperationException', `no operation ${req.method} ${url.pathname}`)
      service = match.route.service
      const body = req.method === 'GET' ? {} : await readBody(req, service)
      const result = await match.route.handler({ body, params: match.params, headers: req.headers, url })
      reply(res, 200, result ?? {})
    } catch (error) {
      if (error instanceof ConnectError) return replyError(res, error)
      if (isEngineError(error)) return replyError(res, fromEngine(service, error))
      this.log(`internal error on ${req.method} ${url.pathname}: ${error.stack ?? error}`)
      replyError(res, failure(service, 'internal', 'internal error'))
    }
  }

  match(method, path) {
    for (const route of this.routes) {
      if (route.method !== method) continue
      const found = route.regex.exec(path)
      if (!found) continue
      const params = {}
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])))
      } catch {
        continue
      }
      return { route, params }
    }
    return null
  }
}

module.exports = { Router, reply, replyError, CORS }
