'use strict'
// What Connect has no public API for, under /emulator/: an agent (or a
// supervisor, a bot) joining a contact, D365-style reconnect links on
// Connect's shapes, the network dropping, the manual clock, and a look at a
// contact. Errors are shaped as the control plane's.

const { randomUUID } = require('node:crypto')
const { CONTROL, failure } = require('../errors')
const { Fields } = require('../fields')
const { iso } = require('../clock')
const { ROLES } = require('../items')

const JOIN_ROLES = { AGENT: 'agent', SUPERVISOR: 'supervisor', CUSTOM_BOT: 'bot' }

/** One answer for every refused reconnect: the reason is for the audit log,
 * the customer is told the same whatever it is (R-RC9, R-RC10). */
function refusedReconnect({ reason, redirect_url: redirectUrl, start_new: startNew }) {
  return failure(CONTROL, 'request', 'the reconnect link cannot be used', {
    Reason: reason,
    RedirectUrl: redirectUrl,
    StartNew: startNew,
  })
}

function install(router, ctx) {
  const { host, registry, engine, clock } = ctx
  const contactOr404 = (id) =>
    registry.contact(id) ?? (() => { throw failure(CONTROL, 'notFound', `ContactId: no contact ${id}`) })()

  router.route('POST', '/emulator/contact/{ContactId}/agent', CONTROL, ({ body, params }) => {
    const contact = contactOr404(params.ContactId)
    const fields = new Fields(CONTROL, body)
    const displayName = fields.string('DisplayName')
    const role = JOIN_ROLES[fields.string('ParticipantRole', { required: false, oneOf: Object.keys(JOIN_ROLES) }) ?? 'AGENT']
    const participantId = randomUUID()
    registry.expect(contact.id, participantId, { displayName })
    const { error } = host.run((now) => engine.join(now, contact.id, participantId, role, displayName))
    registry.unexpect(contact.id, participantId)
    if (error) throw error
    const participant = contact.member(participantId)
    return { ParticipantId: participantId, ParticipantToken: registry.issueParticipantToken(participant) }
  })

  router.route('POST', '/emulator/contact/{ContactId}/reconnect-link', CONTROL, ({ params }) => {
    const contact = contactOr404(params.ContactId)
    const { events, error } = host.run((now) => engine.issueReconnectLink(now, contact.id))
    if (error) throw error
    const issued = events.find((e) => e.type === 'reconnect_link_issued')
    return { Url: issued.url, Token: issued.token }
  })

  router.route('POST', '/emulator/reconnect', CONTROL, ({ body }) => {
    const fields = new Fields(CONTROL, body)
    const token = fields.string('Token', { max: 1024 })
    const authenticatedAs = fields.string('AuthenticatedAs', { required: false })
    const { events, error } = host.run((now) => engine.reconnect(now, { token, authenticated_as: authenticatedAs ?? null }))
    // A token the engine cannot even read is refused like any other fake one.
    if (error) throw refusedReconnect({ reason: 'invalid', redirect_url: null, start_new: true })
    const refused = events.find((e) => e.type === 'reconnect_refused')
    if (refused) throw refusedReconnect(refused)
    const back = events.find((e) => e.type === 'customer_reconnected')
    const participant = registry.contact(back.conversation).member(back.participant)
    return { ContactId: back.conversation, ParticipantId: back.participant, ParticipantToken: registry.issueParticipantToken(participant) }
  })

  // The assigned agent parks the chat or takes it back (docs/rules.md §14): the
  // engine's hold and resume, refused as the engine refuses them.
  for (const command of ['hold', 'resume']) {
    router.route('POST', `/emulator/contact/{ContactId}/${command}`, CONTROL, ({ body, params }) => {
      const contact = contactOr404(params.ContactId)
      const participantId = new Fields(CONTROL, body).string('ParticipantId')
      const { error } = host.run((now) => engine[command](now, contact.id, participantId))
      if (error) throw error
      return {}
    })
  }

  // The network drops under a participant: its sockets end without a close
  // handshake, as a lost connection does. Replies once the emulator saw them go.
  router.route('POST', '/emulator/contact/{ContactId}/participant/{ParticipantId}/drop', CONTROL, async ({ params }) => {
    const contact = contactOr404(params.ContactId)
    const participant = contact.participants.get(params.ParticipantId)
    if (!participant) throw failure(CONTROL, 'notFound', `ParticipantId: no participant ${params.ParticipantId} in this contact`)
    const sockets = participant.connections.flatMap((c) => [...c.sockets])
    await Promise.all(sockets.map((socket) => new Promise((resolve) => {
      socket.once('close', resolve)
      socket.terminate()
    })))
    return { Dropped: sockets.length }
  })

  router.route('GET', '/emulator/contact/{ContactId}', CONTROL, ({ params }) => {
    const contact = contactOr404(params.ContactId)
    return {
      ContactId: contact.id,
      State: engine.state(contact.id),
      Participants: [...contact.participants.values()].map((p) => ({
        ParticipantId: p.id,
        DisplayName: p.displayName,
        ParticipantRole: ROLES[p.role],
        Present: !p.left,
        Sockets: p.openSockets(),
        ConnectionLost: p.lost,
      })),
    }
  })

  const clockReply = () => ({ Clock: clock.manual ? 'manual' : 'real', Now: iso(clock.now()), NowMs: clock.now() })

  router.route('GET', '/emulator/clock', CONTROL, clockReply)

  router.route('POST', '/emulator/clock/advance', CONTROL, ({ body }) => {
    if (!clock.manual) throw failure(CONTROL, 'request', 'the clock is real: start the emulator with --clock manual')
    // The engine's time stays an exact JavaScript integer (SPEC: at most 2^53 − 1).
    const ms = new Fields(CONTROL, body).integer('ms', { min: 0, max: Number.MAX_SAFE_INTEGER - clock.now() })
    host.advanceBy(ms)
    return clockReply()
  })
}

module.exports = { install }
