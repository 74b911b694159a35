'use strict'
// A participant driven by the real ConnectParticipant SDK client and a `ws`
// socket: what an agent desktop (or a custom customer widget) does. Every
// aws/chat item that arrives is kept in `items`.

const WebSocket = require('ws')
const {
  CreateParticipantConnectionCommand,
  SendMessageCommand,
  GetTranscriptCommand,
  DisconnectParticipantCommand,
} = require('@aws-sdk/client-connectparticipant')
const { participantClient } = require('./sdk')

class ParticipantClient {
  /** `client`: a ConnectParticipantClient to share (it holds no token), else a new one. */
  constructor(url, participantToken, client = null) {
    this.ownClient = client === null
    this.client = client ?? participantClient(url)
    this.participantToken = participantToken
    this.items = []
    this.waiters = []
    this.socket = null
  }

  /** CreateParticipantConnection, then the socket, subscribed to aws/chat. */
  async connect() {
    const reply = await this.client.send(
      new CreateParticipantConnectionCommand({
        ParticipantToken: this.participantToken,
        Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'],
      }),
    )
    this.connectionToken = reply.ConnectionCredentials.ConnectionToken
    this.reply = reply
    await this.openSocket(reply.Websocket.Url)
    return reply
  }

  openSocket(url) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url)
      this.socket = socket
      socket.on('error', reject)
      socket.on('open', () => socket.send(JSON.stringify({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } })))
      socket.on('message', (data) => {
        const message = JSON.parse(data)
        if (message.topic === 'aws/subscribe') return resolve()
        if (message.topic !== 'aws/chat') return
        const item = JSON.parse(message.content)
        this.items.push(item)
        this.waiters = this.waiters.filter((w) => !(w.match(item) && (w.resolve(item), true)))
      })
    })
  }

  /** The network drops: the socket ends without a close handshake. */
  drop() {
    this.socket.terminate()
  }

  /** The first item (already here or still to come) for which `match` holds. */
  waitItem(match, timeoutMs = 5000) {
    const found = this.items.find(match)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching item; got ${JSON.stringify(this.items.map(brief))}`)), timeoutMs)
      this.waiters.push({ match, resolve: (item) => (clearTimeout(timer), resolve(item)) })
    })
  }

  send(content) {
    return this.client.send(new SendMessageCommand({ ConnectionToken: this.connectionToken, ContentType: 'text/plain', Content: content }))
  }

  transcript(input = {}) {
    return this.client.send(new GetTranscriptCommand({ ConnectionToken: this.connectionToken, ...input }))
  }

  disconnect() {
    return this.client.send(new DisconnectParticipantCommand({ ConnectionToken: this.connectionToken }))
  }

  close() {
    this.socket?.terminate()
    if (this.ownClient) this.client.destroy()
  }
}

const brief = (item) => `${item.AbsoluteTime} ${item.ParticipantRole} ${item.ContentType}${item.Content ? ` ${item.Content}` : ''}`

/** Item matchers by content type. */
const connectType = (name) => `application/vnd.amazonaws.connect.event.${name}`
const chatlifeType = (name) => `application/vnd.chatlife.event.${name}`
const isType = (contentType, extra = () => true) => (item) => item.ContentType === contentType && extra(item)

module.exports = { ParticipantClient, connectType, chatlifeType, isType, brief }
