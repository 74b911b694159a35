'use strict'
// The contacts and participants the engine told us about, with the tokens
// and sockets Connect's wire needs for them. Records are created and revoked
// only from engine events (`observe` before an event's items go out,
// `settle` after), so who may still talk is always what the engine said.

const { randomUUID } = require('node:crypto')
const { newToken, TokenTable } = require('./tokens')
const { endsChat } = require('./items')

// Wall-clock lifetimes, even on the manual clock: ChatJS refreshes its
// connection token at Expiry − Date.now() − 60 s, so a short or past expiry
// would have it call CreateParticipantConnection in a loop.
const CONNECTION_TTL_MS = 24 * 3600_000
const WEBSOCKET_TTL_MS = 3600_000
/** Connections without a socket kept per participant: the most recent ones
 * stay valid (a client may use only the credentials); older ones are revoked,
 * so a client calling CreateParticipantConnection in a loop holds bounded memory. */
const IDLE_CONNECTIONS_KEPT = 32

class Participant {
  constructor(contact, id, role, displayName) {
    this.contact = contact
    this.id = id
    this.role = role
    this.displayName = displayName ?? id
    this.participantToken = null
    this.connections = []
    /** The engine said the transport dropped and has not said it came back. */
    this.lost = false
    /** The engine said this participant left (the record stays for its name). */
    this.left = false
  }

  openSockets() {
    return this.connections.reduce((n, c) => n + c.sockets.size, 0)
  }
}

class Connection {
  constructor(participant, token, socketKey) {
    this.participant = participant
    this.token = token
    this.socketKey = socketKey
    this.sockets = new Set()
  }
}

class Contact {
  constructor(id, instanceId) {
    this.id = id
    this.instanceId = instanceId
    this.initialContactId = id
    this.participants = new Map()
    /** GetTranscript's items, each with its audience. */
    this.transcript = []
    this.system = { id: randomUUID(), role: 'system', displayName: 'SYSTEM_MESSAGE' }
    /** The assigned agent, as the engine's join/leave events said. */
    this.agent = null
    this.closed = false
  }

  member(id) {
    return this.participants.get(id) ?? { id, role: 'system', displayName: id }
  }

  get customer() {
    for (const p of this.participants.values()) if (p.role === 'customer') return p
    return null
  }

  /** Participants still in the chat, as the engine last said. */
  *present() {
    for (const p of this.participants.values()) if (!p.left) yield p
  }
}

class Registry {
  constructor() {
    this.contacts = new Map()
    this.participantTokens = new TokenTable()
    this.connectionTokens = new TokenTable()
    this.socketKeys = new TokenTable()
    /** What a command's events need but do not carry (display names, the instance). */
    this.pending = new Map()
  }

  /** Before a start or join: what to record if the engine accepts it. */
  expect(contactId, participantId, info) {
    this.pending.set(`${contactId}\n${participantId}`, info)
  }

  unexpect(contactId, participantId) {
    this.pending.delete(`${contactId}\n${participantId}`)
  }

  contact(id) {
    return this.contacts.get(id)
  }

  issueParticipantToken(participant) {
    if (participant.participantToken) this.participantTokens.delete(participant.participantToken)
    participant.participantToken = newToken('cpt')
    this.participantTokens.add(participant.participantToken, participant)
    return participant.participantToken
  }

  openConnection(participant) {
    const connection = new Connection(participant, newToken('cct'), newToken('cws'))
    const now = Date.now()
    this.connectionTokens.add(connection.token, connection, now + CONNECTION_TTL_MS)
    this.socketKeys.add(connection.socketKey, connection, now + WEBSOCKET_TTL_MS)
    participant.connections.push(connection)
    const idle = participant.connections.filter((c) => c.sockets.size === 0 && c !== connection)
    for (const old of idle.slice(0, Math.max(0, idle.length - IDLE_CONNECTIONS_KEPT))) this.dropConnection(old)
    return {
      connection,
      connectionExpiry: new Date(now + WEBSOCKET_TTL_MS).toISOString(),
      credentialsExpiry: new Date(now + CONNECTION_TTL_MS).toISOString(),
    }
  }

  dropConnection(connection) {
    this.connectionTokens.delete(connection.token)
    this.socketKeys.delete(connection.socketKey)
    const list = connection.participant.connections
    list.splice(list.indexOf(connection), 1)
  }

  /** The participant may no longer use the participant service: its tokens
   * go, its sockets close (as the server's doing, so no connection_lost). */
  revoke(participant) {
    if (participant.participantToken) this.participantTokens.delete(participant.participantToken)
    participant.participantToken = null
    for (const connection of [...participant.connections]) {
      for (const socket of connection.sockets) {
        socket.closedByServer = true
        socket.close(1000, 'participant left the chat')
      }
      this.dropConnection(connection)
    }
  }

  /** Records that an event's items need: run before they are built. */
  observe(event) {
    const contact = this.contacts.get(event.conversation)
    switch (event.type) {
      case 'conversation_started': {
        const info = this.take(event.conversation, event.customer)
        const created = new Contact(event.conversation, info.instanceId)
        created.participants.set(event.customer, new Participant(created, event.customer, 'customer', info.displayName))
        this.contacts.set(event.conversation, created)
        break
      }
      case 'participant_joined': {
        const info = this.take(event.conversation, event.participant)
        contact.participants.set(event.participant, new Participant(contact, event.participant, event.role, info.displayName))
        if (event.role === 'agent') contact.agent = event.participant
        break
      }
      case 'connection_lost':
        contact.member(event.participant).lost = true
        break
      case 'connection_restored':
      case 'customer_reconnected':
        contact.member(event.participant).lost = false
        break
    }
  }

  /** Revocations an event implies: run after its items went out, so the
   * departing participant still receives them. */
  settle(event) {
    const contact = this.contacts.get(event.conversation)
    if (!contact) return
    switch (event.type) {
      case 'participant_left': {
        const participant = contact.participants.get(event.participant)
        if (participant) {
          this.revoke(participant)
          participant.left = true
        }
        if (contact.agent === event.participant) contact.agent = null
        break
      }
      // The customer is away: only a reconnect (a new token) brings them back.
      case 'customer_disconnected':
        this.revoke(contact.member(event.participant))
        break
      case 'state_changed':
        if (endsChat(event) && contact.customer) this.revoke(contact.customer)
        if (event.to === 'closed') {
          contact.closed = true
          for (const participant of contact.participants.values()) this.revoke(participant)
        }
        break
    }
  }

  take(contactId, participantId) {
    const key = `${contactId}\n${participantId}`
    const info = this.pending.get(key) ?? {}
    this.pending.delete(key)
    return info
  }
}

module.exports = { Registry, Contact, Participant }
