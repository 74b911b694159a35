'use strict'
// Errors as Connect returns them: an HTTP status, the x-amzn-ErrorType header
// (what botocore and the JS SDK read the error code from) and {"message"}.
// The two services name their exceptions differently, so each has a table.

class ConnectError extends Error {
  /** `extra` adds fields to the body (the reconnect refusal's Reason, …). */
  constructor(status, type, message, extra = {}) {
    super(message)
    this.status = status
    this.type = type
    this.extra = extra
  }
}

/** Engine refusal (docs/rules.md E1 code) → the kind of exception, in either service. */
const ENGINE_KINDS = {
  invalid_argument: 'validation',
  limit_exceeded: 'validation',
  unknown_conversation: 'notFound',
  unknown_participant: 'notFound',
  invalid_state: 'request',
  capacity_exceeded: 'request',
  duplicate_conversation: 'request',
  duplicate_participant: 'request',
}

/** The Connect control plane (StartChatContact, …) and the /emulator/ API. */
const CONTROL = {
  validation: [400, 'InvalidParameterException'],
  request: [400, 'InvalidRequestException'],
  notFound: [404, 'ResourceNotFoundException'],
  denied: [403, 'AccessDeniedException'],
  internal: [500, 'InternalServiceException'],
  engine: ENGINE_KINDS,
}

/** The participant service (/participant/…). A participant the engine no
 * longer counts in the chat is denied, as Connect denies a departed one. */
const PARTICIPANT = {
  validation: [400, 'ValidationException'],
  request: [409, 'ConflictException'],
  notFound: [403, 'AccessDeniedException'],
  denied: [403, 'AccessDeniedException'],
  internal: [500, 'InternalServerException'],
  engine: { ...ENGINE_KINDS, invalid_state: 'denied' },
}

function failure(service, kind, message, extra) {
  const [status, type] = service[kind]
  return new ConnectError(status, type, message, extra)
}

/** A refusal of the engine (an Error with a SPEC E1 `.code`) as this
 * service's exception. Engine messages name the field and never hold a token. */
function fromEngine(service, error) {
  const kind = service.engine[error.code] ?? 'internal'
  // Commands that take a request body report its fields under `request.`.
  return failure(service, kind, error.message.replace(/^request\./, ''))
}

const isEngineError = (error) => error instanceof Error && typeof error.code === 'string'

module.exports = { ConnectError, CONTROL, PARTICIPANT, failure, fromEngine, isEngineError }
