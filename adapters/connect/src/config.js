'use strict'
// The engine's configuration (docs/rules.md §8) for the emulated instance.
//
// StartChatContact's ChatDurationInMinutes (60–10080) is a max_duration, and
// the engine takes policies only when it is built. So every policy of the
// configuration comes with one variant per whole minute of Connect's range,
// named `<policy>@<minutes>m` and equal to it but for max_duration. That is
// 10,021 variants per policy: measured, about 65 ms and 14 MB each at start.

const CHAT_DURATION = { min: 60, max: 10080 }

/** Connect's own defaults: no participant timers, chats last 25 hours. */
const CONNECT_DEFAULT = { policies: { default: { max_duration: '25h' } } }

const durationPolicy = (policy, minutes) => `${policy}@${minutes}m`

/** `config` as given (an object), with the duration variants added. */
function withChatDurations(config) {
  const policies = { default: {}, ...(config.policies ?? {}) }
  const expanded = { ...policies }
  for (const [name, policy] of Object.entries(policies)) {
    if (policy === null || typeof policy !== 'object') continue // the engine names the problem
    for (let minutes = CHAT_DURATION.min; minutes <= CHAT_DURATION.max; minutes++) {
      expanded[durationPolicy(name, minutes)] = { ...policy, max_duration: `${minutes}m` }
    }
  }
  return { ...config, policies: expanded }
}

module.exports = { CHAT_DURATION, CONNECT_DEFAULT, durationPolicy, withChatDurations }
