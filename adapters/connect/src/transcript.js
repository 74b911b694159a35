'use strict'
// GetTranscript: the contact's transcript items this participant may see,
// paged as Connect pages them (MaxResults ≤ 100, ScanDirection, SortOrder,
// StartPosition, NextToken). Like botocore's item shape, the items carry no
// InitialContactId; the response does.

const { AUDIENCE } = require('./items')

function transcriptPage(participant, fields) {
  const contact = participant.contact
  const contactId = fields.string('ContactId', { required: false, max: 256 })
  if (contactId !== undefined && contactId !== contact.id) throw fields.fail('ContactId', 'is not this participant\'s contact')
  const max = fields.integer('MaxResults', { required: false, min: 0, max: 100 }) ?? 15
  const direction = fields.string('ScanDirection', { required: false, oneOf: ['FORWARD', 'BACKWARD'] }) ?? 'BACKWARD'
  const order = fields.string('SortOrder', { required: false, oneOf: ['DESCENDING', 'ASCENDING'] }) ?? 'ASCENDING'
  const next = fields.string('NextToken', { required: false, max: 1000 })
  const start = fields.object('StartPosition', { required: false })

  const items = contact.transcript.filter((entry) => AUDIENCE[entry.audience](participant)).map((entry) => entry.item)
  // `from` is where the scan starts and `step` which way it goes.
  const step = direction === 'FORWARD' ? 1 : -1
  let from = step === 1 ? 0 : items.length - 1
  if (next !== undefined) {
    from = Number.parseInt(next, 10)
    if (!(String(from) === next && from >= -1 && from <= items.length)) throw fields.fail('NextToken', 'is not a token this service gave')
  } else if (start) {
    from = startIndex(items, start, step)
  }
  // The scan picks the items; the page lists them in transcript order
  // (items of one millisecond keep the order they happened in).
  const picked = []
  let i = from
  for (; i >= 0 && i < items.length && picked.length < max; i += step) picked.push(i)
  picked.sort((a, b) => a - b)
  if (order === 'DESCENDING') picked.reverse()
  const page = picked.map((index) => items[index])
  const reply = {
    InitialContactId: contact.initialContactId,
    Transcript: page.map(({ InitialContactId, ...item }) => item),
  }
  if (i >= 0 && i < items.length) reply.NextToken = String(i)
  return reply
}

function startIndex(items, start, step) {
  const id = start.string('Id', { required: false, max: 256 })
  const at = start.string('AbsoluteTime', { required: false, max: 100 })
  const mostRecent = start.integer('MostRecent', { required: false, min: 0, max: 100 })
  if (id !== undefined) {
    const index = items.findIndex((item) => item.Id === id)
    if (index < 0) throw start.fail('Id', 'is not an item of this transcript')
    return index
  }
  if (at !== undefined) {
    const index = step === 1 ? items.findIndex((item) => item.AbsoluteTime >= at) : items.findLastIndex((item) => item.AbsoluteTime <= at)
    return index < 0 ? (step === 1 ? items.length : -1) : index
  }
  if (mostRecent !== undefined) return step === 1 ? Math.max(0, items.length - mostRecent) : items.length - 1
  return step === 1 ? 0 : items.length - 1
}

module.exports = { transcriptPage }
