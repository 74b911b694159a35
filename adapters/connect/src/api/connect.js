'use strict'
// Connect's control plane, the subset a chat backend calls: StartChatContact,
// UpdateParticipantRoleConfig and StopContact, with the REST-JSON paths and
// shapes of the AWS SDK service model. Request signatures and fields the
// emulator has no use for (ClientToken aside, Attributes, …) are ignored, as
// the SDKs send them.

const { randomUUID } = require('node:crypto')
const { CONTROL, failure } = require('../errors')
const { Fields } = require('../fields')
const { CHAT_DURATION, durationPolicy } = require('../config')
const { deliverMessage, MESSAGE_CONTENT_TYPES } = require('./messages')

/** Replies by ClientToken, so an SDK retry does not start a second chat. */
const IDEMPOTENCY_KEPT = 10_000

function install(router, ctx) {
  const { host, registry, engine } = ctx
  const started = new Map()

  router.route('PUT', '/contact/chat', CONTROL, ({ body }) => {
    const fields = new Fields(CONTROL, body)
    const instanceId = fields.string('InstanceId', { max: 100 })
    const flowId = fields.string('ContactFlowId', { max: 500 })
    const displayName = fields.object('ParticipantDetails').string('DisplayName')
    const initial = fields.object('InitialMessage', { required: false })
    const initialMessage = initial && {
      contentType: initial.string('ContentType', { max: 100, oneOf: MESSAGE_CONTENT_TYPES }),
      content: initial.string('Content', { max: 16384 }),
    }
    const minutes = fields.integer('ChatDurationInMinutes', { required: false, ...CHAT_DURATION })
    const clientToken = fields.string('ClientToken', { required: false, max: 500 })
    if (clientToken !== undefined && started.has(clientToken)) return started.get(clientToken)

    // The contact flow picks the policy when the configuration has one of its
    // id; the duration picks that policy's variant (config.js).
    const base = ctx.policies.has(flowId) ? flowId : 'default'
    const policy = minutes === undefined ? base : durationPolicy(base, minutes)
    const contactId = randomUUID()
    const participantId = randomUUID()
    registry.expect(contactId, participantId, { displayName, instanceId })
    const { error } = host.run((now) =>
      engine.startConversation(now, contactId, participantId, { policy, display_name: displayName }),
    )
    registry.unexpect(contactId, participantId)
    if (error) throw error

    const customer = registry.contact(contactId).member(participantId)
    if (initialMessage) deliverMessage(ctx, customer, initialMessage)
    const reply = { ContactId: contactId, ParticipantId: participantId, ParticipantToken: registry.issueParticipantToken(customer) }
    if (clientToken !== undefined) {
      if (started.size >= IDEMPOTENCY_KEPT) started.delete(started.keys().next().value)
      started.set(clientToken, reply)
    }
    return reply
  })

  router.route('PUT', '/contact/participant-role-config/{InstanceId}/{ContactId}', CONTROL, ({ body, params }) => {
    const contact = findContact(registry, params.InstanceId, params.ContactId)
    // The engine validates the request exactly as Connect does (docs/rules.md CFG4);
    // only the field it reads is passed, so a signed SDK request's extras
    // are not refused as unknown fields.
    const request = { ChannelConfiguration: body.ChannelConfiguration }
    const { error } = host.run((now) => engine.updateParticipantRoleConfig(now, contact.id, request))
    if (error) throw error
    return {}
  })

  router.route('POST', '/contact/stop', CONTROL, ({ body }) => {
    const fields = new Fields(CONTROL, body)
    const contactId = fields.string('ContactId', { max: 256 })
    const instanceId = fields.string('InstanceId', { max: 100 })
    const contact = findContact(registry, instanceId, contactId)
    // Stopping the contact is the End button of whoever holds the chat: the
    // assigned agent, or the customer while no agent does.
    const by = contact.agent ?? contact.customer?.id
    const { error } = host.run((now) => engine.end(now, contact.id, by))
    if (error) throw error
    return {}
  })
}

function findContact(registry, instanceId, contactId) {
  const contact = registry.contact(contactId)
  if (!contact || contact.instanceId !== instanceId) {
    throw failure(CONTROL, 'notFound', `ContactId: no contact ${contactId} in instance ${instanceId}`)
  }
  return contact
}

module.exports = { install, findContact }
