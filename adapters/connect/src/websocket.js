'use strict'
// The chat WebSocket at CreateParticipantConnection's Websocket.Url. It speaks
// Connect's topics (aws/subscribe, aws/heartbeat, aws/ping; items arrive on
// aws/chat) and is where the transport's lifecycle comes from: the last
// socket of a participant closing unasked is connection_lost, a socket opening
// while the engine counts the participant as lost is connection_restored.
// Whether that is within the grace is the engine's call, not this file's.

const { WebSocketServer } = require('ws')

const PATH = '/participant/websocket'
const CHAT_TOPIC = 'aws/chat'

function attach(server, ctx) {
  const { host, registry, engine, log } = ctx
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const connection = url.pathname === PATH ? registry.socketKeys.get(url.searchParams.get('key')) : undefined
    if (!connection) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, connection))
  })

  /** Tells the engine about the transport; a refusal is logged, never thrown
   * (there is no request to answer), and nothing else may end the server. */
  function tell(command, participant) {
    try {
      const { error } = host.run((now) => engine[command](now, participant.contact.id, participant.id))
      if (error) log(`${command} refused (${error.code}): ${error.message}`)
    } catch (error) {
      log(`${command} failed: ${error.stack ?? error}`)
    }
  }

  function open(ws, connection) {
    const participant = connection.participant
    connection.sockets.add(ws)
    ws.on('message', (data) => answer(ws, data))
    ws.on('error', () => {}) // a broken socket ends in 'close'
    ws.on('close', () => closed(ws, connection))
    if (participant.lost) tell('connectionRestored', participant)
  }

  function closed(ws, connection) {
    connection.sockets.delete(ws)
    const participant = connection.participant
    if (ws.closedByServer || participant.left || participant.lost || participant.openSockets() > 0) return
    if (!registry.connectionTokens.get(connection.token)) return // revoked: not a drop
    tell('connectionLost', participant)
  }

  return wss
}

/** Connect's answers to the client's topics; anything else is ignored. */
function answer(ws, data) {
  let message
  try {
    message = JSON.parse(data.toString('utf8'))
  } catch {
    return
  }
  switch (message?.topic) {
    case 'aws/subscribe': {
      const topics = Array.isArray(message.content?.topics) ? message.content.topics : []
      const known = topics.filter((t) => t === CHAT_TOPIC)
      if (known.length > 0) ws.subscribed = true
      const status = known.length === topics.length && known.length > 0 ? 'success' : 'failure'
      return send(ws, { topic: 'aws/subscribe', content: { status, topics: known } })
    }
    case 'aws/unsubscribe':
      ws.subscribed = false
      return send(ws, { topic: 'aws/unsubscribe', content: { status: 'success', topics: [CHAT_TOPIC] } })
    case 'aws/heartbeat':
      return send(ws, { topic: 'aws/heartbeat' })
    case 'aws/ping':
      return send(ws, { topic: 'aws/ping', statusCode: 200 })
  }
}

const send = (ws, message) => ws.send(JSON.stringify(message))

const websocketUrl = (port) => (key) => `ws://127.0.0.1:${port}${PATH}?key=${key}`

module.exports = { attach, websocketUrl }
