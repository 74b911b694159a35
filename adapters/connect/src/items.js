'use strict'
// What each engine event is on Connect's wire: the transcript items it
// becomes, who receives them, and whether GetTranscript keeps them. This file
// decides nothing about the chat's lifecycle; it only names what the engine
// decided in Connect's terms.

const { randomUUID } = require('node:crypto')
const { iso } = require('./clock')

const connectEvent = (name) => `application/vnd.amazonaws.connect.event.${name}`
const chatlifeEvent = (name) => `application/vnd.chatlife.event.${name}`

const ROLES = { customer: 'CUSTOMER', agent: 'AGENT', supervisor: 'SUPERVISOR', bot: 'CUSTOM_BOT', system: 'SYSTEM' }

/** Who receives an item: every participant, the agent side, or the customer. */
const AUDIENCE = {
  all: () => true,
  agents: (participant) => participant.role !== 'customer',
  customer: (participant) => participant.role === 'customer',
}
const VISIBLE_TO = { all: 'all', agent: 'agents', customer: 'customer' }

const LIVE = new Set(['open', 'active', 'waiting'])
/** The chat is over for the customer: Connect's chat.ended. */
const endsChat = (event) => LIVE.has(event.from) && (event.to === 'wrap_up' || event.to === 'closed')

// Builders of item specs. `from` is the participant the item is about (or
// the contact's SYSTEM participant); `transcript` follows the engine's own
// `transcript` flag where the event has one (R-T10).
const connectNotice = (name, from, event, audience = 'all') => ({
  Type: 'EVENT',
  ContentType: connectEvent(name),
  from,
  audience,
  transcript: event.transcript ?? true,
})

/** A chatlife-only event: for the agent side, never in the transcript, with
 * the engine event's own fields as its Content. */
const chatlifeNotice = (name, from, event) => {
  const { at, type, conversation, ...fields } = event
  return {
    Type: 'EVENT',
    ContentType: chatlifeEvent(name),
    Content: JSON.stringify(fields),
    from,
    audience: 'agents',
    transcript: false,
  }
}

/**
 * Engine event type → (event, contact) → item specs. `contact.member(id)`
 * is the participant record (its id, role and display name).
 * Events that are not on the wire map to [] and say why.
 */
const EVENT_ITEMS = {
  conversation_started: (e, c) => [connectNotice('participant.joined', c.member(e.customer), e)],
  participant_joined: (e, c) => [connectNotice('participant.joined', c.member(e.participant), e)],
  participant_left: (e, c) => [connectNotice('participant.left', c.member(e.participant), e)],
  participant_idle: (e, c) => [connectNotice('participant.idle', c.member(e.participant), e)],
  participant_returned: (e, c) => [connectNotice('participant.returned', c.member(e.participant), e)],
  auto_disconnected: (e, c) => [connectNotice('participant.autodisconnection', c.member(e.participant), e)],
  state_changed: (e, c) => [
    ...(endsChat(e) ? [connectNotice('chat.ended', c.system, e)] : []),
    chatlifeNotice('state.changed', c.system, e),
  ],
  // R-M1: automated messages are transcript MESSAGEs from SYSTEM, shown only
  // to the side the engine addresses.
  transcript_message: (e, c) => [
    {
      Type: 'MESSAGE',
      ContentType: 'text/plain',
      Content: e.text,
      from: c.system,
      audience: VISIBLE_TO[e.visible_to],
      transcript: true,
    },
  ],
  connection_lost: (e, c) => [chatlifeNotice('connection.lost', c.member(e.participant), e)],
  connection_restored: (e, c) => [chatlifeNotice('connection.restored', c.member(e.participant), e)],
  customer_disconnected: (e, c) => [chatlifeNotice('customer.disconnected', c.member(e.participant), e)],
  customer_reconnected: (e, c) => [chatlifeNotice('customer.reconnected', c.member(e.participant), e)],
  reconnect_window_expired: (e, c) => [chatlifeNotice('reconnect_window.expired', c.system, e)],
  routed_to_disconnect_flow: (e, c) => [chatlifeNotice('disconnect_flow.routed', c.system, e)],
  bot_disconnected_branch: (e, c) => [chatlifeNotice('bot.disconnected_branch', c.member(e.participant), e)],
  // Configuration, not conversation: nothing a participant sees.
  timer_config_stored: () => [],
  // Secrets and answers: the /emulator/ call that caused them replies with them.
  reconnect_link_issued: () => [],
  reconnect_refused: () => [],
  // The reconnect prompt is not emulated on the wire (docs/connect.md).
  reconnect_offered: () => [],
  no_reconnect_offer: () => [],
  // Agent capacity belongs to no contact.
  capacity_changed: () => [],
}

/**
 * The events SPEC v2 added (§12–§14), under the content types docs/connect.md
 * reserved for them. A warning is the one chatlife item every participant
 * receives: it is what a chat window shows ("this chat closes in 1 minute").
 * It comes from the participant whose timer it is, or SYSTEM for the
 * conversation's own timers. Inactivity and holds are for the agent side.
 */
const SPEC_V2_EVENT_ITEMS = {
  expiry_warning: (e, c) => [
    { ...chatlifeNotice('expiry_warning', e.participant === null ? c.system : c.member(e.participant), e), audience: 'all' },
  ],
  conversation_inactive: (e, c) => [chatlifeNotice('conversation.inactive', c.system, e)],
  hold_changed: (e, c) => [chatlifeNotice('hold.changed', c.system, e)],
}

const MAPPINGS = { ...EVENT_ITEMS, ...SPEC_V2_EVENT_ITEMS }

/** The item of a spec, with Connect's nine fields (and Content when it has one). */
function toItem(contact, spec, at) {
  const item = {
    AbsoluteTime: iso(at),
    ContentType: spec.ContentType,
    Id: randomUUID(),
    Type: spec.Type,
    ParticipantId: spec.from.id,
    DisplayName: spec.from.displayName,
    ParticipantRole: ROLES[spec.from.role],
    ContactId: contact.id,
    InitialContactId: contact.initialContactId,
  }
  if (spec.Content !== undefined) item.Content = spec.Content
  return item
}

module.exports = { MAPPINGS, EVENT_ITEMS, SPEC_V2_EVENT_ITEMS, AUDIENCE, ROLES, toItem, endsChat, connectEvent }
