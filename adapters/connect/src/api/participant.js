'use strict'
// The participant service (Connect Participant API) that ChatJS and the
// SDKs' ConnectParticipant clients call. CreateParticipantConnection takes
// the ParticipantToken in X-Amz-Bearer; every other call the ConnectionToken.
// Engine refusals thrown here are mapped by the router (errors.js PARTICIPANT).

const { PARTICIPANT, failure } = require('../errors')
const { Fields } = require('../fields')
const { toItem, connectEvent } = require('../items')
const { deliverMessage, MESSAGE_CONTENT_TYPES } = require('./messages')
const { transcriptPage } = require('../transcript')

const RELAYED_EVENTS = [connectEvent('typing')]
// Accepted but not relayed: receipts reach ChatJS as message metadata, which
// the emulator does not produce (docs/connect.md).
const ACCEPTED_EVENTS = [
  ...RELAYED_EVENTS,
  connectEvent('message.read'),
  connectEvent('message.delivered'),
  connectEvent('connection.acknowledged'),
]
const REPLIES_KEPT = 64

const denied = () => failure(PARTICIPANT, 'denied', 'X-Amz-Bearer: not a valid token for this participant')

function install(router, ctx) {
  const { host, registry, engine } = ctx

  const byParticipantToken = (headers) => registry.participantTokens.get(headers['x-amz-bearer']) ?? throwDenied()
  const byConnectionToken = (headers) => registry.connectionTokens.get(headers['x-amz-bearer'])?.participant ?? throwDenied()

  router.route('POST', '/participant/connection', PARTICIPANT, ({ body, headers }) => {
    const participant = byParticipantToken(headers)
    const fields = new Fields(PARTICIPANT, body)
    const types = fields.list('Type', { oneOf: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], required: false }) ?? []
    const connectParticipant = fields.boolean('ConnectParticipant')
    if (types.length === 0 && !connectParticipant) throw fields.fail('Type', 'is required')
    const { connection, connectionExpiry, credentialsExpiry } = registry.openConnection(participant)
    const reply = {}
    if (types.includes('WEBSOCKET')) reply.Websocket = { Url: ctx.websocketUrl(connection.socketKey), ConnectionExpiry: connectionExpiry }
    if (types.includes('CONNECTION_CREDENTIALS')) {
      reply.ConnectionCredentials = { ConnectionToken: connection.token, Expiry: credentialsExpiry }
    }
    return reply
  })

  router.route('POST', '/participant/message', PARTICIPANT, ({ body, headers }) => {
    const participant = byConnectionToken(headers)
    const fields = new Fields(PARTICIPANT, body)
    const contentType = fields.string('ContentType', { max: 100, oneOf: MESSAGE_CONTENT_TYPES })
    const content = fields.string('Content', { max: 16384 })
    return once(participant, fields.string('ClientToken', { required: false, max: 500 }), () => {
      const item = deliverMessage(ctx, participant, { contentType, content })
      return { Id: item.Id, AbsoluteTime: item.AbsoluteTime }
    })
  })

  router.route('POST', '/participant/event', PARTICIPANT, ({ body, headers }) => {
    const participant = byConnectionToken(headers)
    const fields = new Fields(PARTICIPANT, body)
    const contentType = fields.string('ContentType', { max: 100, oneOf: ACCEPTED_EVENTS })
    const content = fields.string('Content', { required: false, max: 16384 })
    return once(participant, fields.string('ClientToken', { required: false, max: 500 }), () => {
      const contact = participant.contact
      const spec = { Type: 'EVENT', ContentType: contentType, Content: content, from: participant, audience: 'all', transcript: false }
      const item = toItem(contact, spec, host.clock.now())
      if (RELAYED_EVENTS.includes(contentType)) host.deliver(contact, item, spec, participant)
      return { Id: item.Id, AbsoluteTime: item.AbsoluteTime }
    })
  })

  router.route('POST', '/participant/transcript', PARTICIPANT, ({ body, headers }) => {
    const participant = byConnectionToken(headers)
    return transcriptPage(participant, new Fields(PARTICIPANT, body))
  })

  // The customer's and the agent's disconnect is their End button (the
  // agent's second one, in wrap-up, closes the contact); a supervisor or a
  // bot leaves.
  router.route('POST', '/participant/disconnect', PARTICIPANT, ({ headers }) => {
    const participant = byConnectionToken(headers)
    const { id, contact, role } = participant
    const command = role === 'customer' || role === 'agent' ? engine.end : engine.leave
    const { error } = host.run((now) => command.call(engine, now, contact.id, id))
    if (error) throw error
    return {}
  })
}

function throwDenied() {
  throw denied()
}

/** The reply to a ClientToken seen before from this participant, else `make()`'s. */
function once(participant, clientToken, make) {
  if (clientToken === undefined) return make()
  participant.replies ??= new Map()
  if (participant.replies.has(clientToken)) return participant.replies.get(clientToken)
  const reply = make()
  if (participant.replies.size >= REPLIES_KEPT) participant.replies.delete(participant.replies.keys().next().value)
  participant.replies.set(clientToken, reply)
  return reply
}

module.exports = { install }
