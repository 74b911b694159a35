// Type-checked with `tsc --noEmit` against the generated index.d.ts: the API a
// TypeScript host writes. The @ts-expect-error lines prove the types are
// precise, not `any`: each must be an error, or tsc fails.
import {
  Engine,
  type ChatlifeError,
  type Config,
  type ErrorCode,
  type Event,
  type State,
  type TimedCommand,
  errorCodes,
  eventTypes,
  loadScenario,
  parseAt,
  parseDuration,
  VERSION,
} from 'chatlife'

const config: Config = {
  seed: 7,
  agents: { default_capacity: 2 },
  policies: {
    default: {
      timers: { customer_idle: 5, agent_idle: 3 },
      reconnect: { enabled: true, portal_url: 'https://example.com/chat', link_style: 'query' },
      wrap_up: { block_capacity: '30s' },
      warnings: { inactivity: ['1m'], reconnect_window: ['30s', '10s'] },
      inactivity: { after: '10m', action: 'requeue', while: 'customer_owes_reply' },
      hold: { enabled: true, release_capacity: false, auto_close: '1h', on_customer_inactive: true },
    },
  },
}
const engine = new Engine(config)
const fromText: Engine = new Engine('{}')
const empty: Engine = new Engine()

engine.startConversation(0, 'c1', 'cu', { authenticated_as: 'user-1', display_name: 'Dana' })
engine.join(parseDuration('5s'), 'c1', 'ag', 'agent', null)
engine.setParticipantTimers(6000, 'c1', { customer_idle: null, agent_auto_disconnect: 10 })
engine.updateParticipantRoleConfig(6000, 'c1', {
  ChannelConfiguration: {
    Chat: {
      ParticipantTimerConfigList: [
        { ParticipantRole: 'AGENT', TimerType: 'IDLE', TimerValue: { ParticipantTimerAction: 'Unset' } },
      ],
    },
  },
})
engine.setWait(7000, 'c1', 'bot')
engine.setAgentCapacity(7000, 'ag', null)
engine.issueReconnectLink(8000, 'c1')
engine.reconnect(9000, { token: 'crl1_x_y' })
engine.reconnect(9000, { conversation: 'c1', authenticated_as: 'user-1' })
engine.hold(parseAt('1m'), 'c1', 'ag')
engine.resume(parseAt('1m'), 'c1', 'ag')
engine.advance(parseAt('1m'))

const deadline: number | null = engine.nextDeadline()
const now: number = engine.now
const state: State | null = engine.state('c1')

function describe(event: Event): string {
  // The union narrows on `type`: each branch sees its own fields.
  switch (event.type) {
    case 'state_changed':
      return `${event.from} -> ${event.to} (${event.reason})`
    case 'capacity_changed':
      return `${event.agent}: ${event.used}/${event.capacity ?? 'unbounded'}`
    case 'auto_disconnected':
      return event.disconnected.join(', ')
    case 'timer_config_stored':
      return String(event.timers.customer_idle ?? 'off')
    case 'no_reconnect_offer':
      return event.redirect_url ?? 'start a new chat'
    case 'expiry_warning':
      return `${event.timer} of ${event.participant ?? 'the conversation'} ends at ${event.deadline}`
    case 'conversation_inactive':
      return `silent since ${event.since}`
    case 'hold_changed':
      return `${event.on_hold ? 'on hold' : 'resumed'} (${event.reason})`
    case 'reconnect_refused':
      return `${event.reason} for ${event.conversation ?? 'a token that names no conversation'}`
    default:
      return `${event.at} ${event.type} ${event.conversation}`
  }
}
for (const event of engine.pollEvents()) describe(event)

const batch: TimedCommand[] = [
  { at: '2m', op: 'message', conversation: 'c1', participant: 'cu' },
  { at: 130_000, op: 'set_wait', conversation: 'c1', for: 'none' },
  { at: 140_000, op: 'hold', conversation: 'c1', participant: 'ag' },
  { at: 140_000, op: 'resume', conversation: 'c1', participant: 'ag' },
  { at: 140_000, op: 'advance' },
]
const results: Array<ChatlifeError | null> = engine.applyMany(batch)
const codes: Array<ErrorCode | undefined> = results.map((error) => error?.code)
const sent: Array<ChatlifeError | null> = engine.messages(150_000, ['c1', 'c1'], ['cu', 'ag'])

try {
  engine.message(0, 'c1', 'cu')
} catch (error) {
  const code: ErrorCode = (error as ChatlifeError).code
  void code
}

const snapshot: Uint8Array = engine.snapshot()
const restored: Engine = Engine.fromSnapshot(snapshot)
restored.restore(snapshot)
const moved: Uint8Array = restored.exportConversation(200_000, 'c1')
empty.importConversation(200_000, moved)

const scenario = loadScenario('{"steps": []}')
const steps = scenario.steps.map((step) => ('expect' in step ? step.expect.length : step.op))
const names: string[] = [...eventTypes(), ...errorCodes(), VERSION]

// @ts-expect-error: not a role
engine.join(0, 'c1', 'x', 'boss')
// @ts-expect-error: now is a number of milliseconds, not a duration string
engine.advance('5s')
// @ts-expect-error: a start option that does not exist
engine.startConversation(0, 'c2', 'cu', { colour: 'red' })
// @ts-expect-error: a reconnect needs a token or a conversation
engine.reconnect(0, { authenticated_as: 'user-1' })
// @ts-expect-error: participant timers are minutes, not duration strings
engine.setParticipantTimers(0, 'c1', { customer_idle: '5m' })
// @ts-expect-error: not a command
engine.applyMany([{ at: 0, op: 'fly' }])
// @ts-expect-error: ids, not commands
engine.messages(0, [{ op: 'message' }], ['cu'])
// @ts-expect-error: an unknown configuration field
const badConfig: Config = { policy: {} }
// @ts-expect-error: a timer that gives no warning
const badWarning: Config = { policies: { default: { warnings: { customer_idle: ['1m'] } } } }
function noSuchField(event: Event) {
  // @ts-expect-error: only state_changed events carry `from`
  if (event.type === 'capacity_changed') return event.from
}

export { fromText, deadline, now, state, codes, sent, steps, names, badConfig, noSuchField }
