'use strict'
// The real AWS SDK for JavaScript v3 pointed at the emulator. The control
// plane signs its requests, so it needs credentials of some kind: these are
// placeholders the emulator never checks (it ignores signatures, as stated in
// docs/connect.md).

// The pinned SDK versions run on Node 20; their warning is about releases
// after them, and would only clutter the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const { ConnectClient } = require('@aws-sdk/client-connect')
const { ConnectParticipantClient } = require('@aws-sdk/client-connectparticipant')

const REGION = 'us-west-2'
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'emulator', secretAccessKey: 'emulator' }

const connectClient = (url) =>
  new ConnectClient({ endpoint: url, region: REGION, credentials: PLACEHOLDER_CREDENTIALS, maxAttempts: 1 })

const participantClient = (url) =>
  new ConnectParticipantClient({ endpoint: url, region: REGION, credentials: PLACEHOLDER_CREDENTIALS, maxAttempts: 1 })

module.exports = { connectClient, participantClient, REGION }
