'use strict'
// A participant's message: the engine hears of it (it resets timers, brings
// an idle participant back, R-T6) and, once accepted, every participant gets
// it as a MESSAGE item, before the events it caused.

const { toItem } = require('../items')

const MESSAGE_CONTENT_TYPES = [
  'text/plain',
  'text/markdown',
  'application/json',
  'application/vnd.amazonaws.connect.message.interactive',
  'application/vnd.amazonaws.connect.message.interactive.response',
]

/** Returns the item, or throws the engine's refusal (nothing was sent). */
function deliverMessage({ host, engine }, participant, { contentType, content }) {
  const contact = participant.contact
  let item = null
  const { error } = host.run((now) => engine.message(now, contact.id, participant.id), {
    onAccepted: (now) => {
      const spec = { Type: 'MESSAGE', ContentType: contentType, Content: content, from: participant, audience: 'all', transcript: true }
      item = toItem(contact, spec, now)
      host.deliver(contact, item, spec)
    },
  })
  if (error) throw error
  return item
}

module.exports = { deliverMessage, MESSAGE_CONTENT_TYPES }
