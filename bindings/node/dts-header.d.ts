/* chatlife: types of the JSON the engine reads and writes (docs/rules.md §8–§11).
 * This header is written by hand; `napi build` appends the declarations it
 * generates from src/lib.rs. Keep it in step with the core: the test suite
 * checks the event types and error codes against the addon. */

/** A stable error code of docs/rules.md E1; thrown errors carry it as `.code`. */
export type ErrorCode =
  | 'invalid_argument'
  | 'invalid_config'
  | 'unknown_conversation'
  | 'duplicate_conversation'
  | 'unknown_participant'
  | 'duplicate_participant'
  | 'invalid_state'
  | 'capacity_exceeded'
  | 'time_went_backwards'
  | 'limit_exceeded'

/** What the engine throws (and `applyMany` and `messages` return) for a refused call. */
export interface ChatlifeError extends Error {
  readonly code: ErrorCode
}

export type Role = 'customer' | 'agent' | 'supervisor' | 'bot'
export type State = 'open' | 'active' | 'waiting' | 'wrap_up' | 'closed'
export type WaitFor = 'customer' | 'bot' | 'none'
/** A timer that ends something, which a policy may warn about (§12). */
export type WarnedTimer =
  | 'customer_auto_disconnect'
  | 'agent_auto_disconnect'
  | 'inactivity'
  | 'hold'
  | 'auto_close'
  | 'max_duration'
  | 'reconnect_window'
/** Why a hold began or ended (§14). */
export type HoldReason = 'agent' | 'customer_message' | 'customer_returned' | 'customer_inactive'
/** A duration string: `"500ms"`, `"90s"`, `"3m"`, `"1h30m"`, `"2d"`. */
export type Duration = string

/** Participant timers in whole minutes, 2–480; `null` or absent is off (R-T1). */
export interface TimerSettings {
  customer_idle?: number | null
  customer_auto_disconnect?: number | null
  agent_idle?: number | null
  agent_auto_disconnect?: number | null
}

export interface Policy {
  timers?: TimerSettings
  disconnect_grace?: Duration
  agent_disconnect_grace?: Duration
  reconnect?: {
    enabled?: boolean
    time_limit?: Duration
    portal_url?: string
    redirect_url?: string | null
    prompt?: boolean
    link_style?: 'fragment' | 'query'
  }
  wrap_up?: { block_capacity?: 'always' | 'never' | Duration }
  auto_close?: { open?: Duration; waiting?: Duration; wrap_up?: Duration }
  max_duration?: Duration
  capacity_units?: number
  disconnect_flow?: boolean
  messages?: {
    customer_disconnected?: string
    customer_reconnected?: string
    agent_disconnected?: string
  }
  /** 1–3 distinct lead times (10s–1h) per timer (§12). */
  warnings?: { [timer in WarnedTimer]?: Duration[] }
  /** Off when absent (§13). */
  inactivity?: {
    after: Duration
    action?: 'wrap_up' | 'requeue'
    while?: 'silent' | 'customer_owes_reply'
  }
  hold?: {
    enabled?: boolean
    release_capacity?: boolean
    auto_close?: Duration
    on_customer_inactive?: boolean
  }
}

/** The engine configuration of docs/rules.md §8; `{}` is valid. */
export interface Config {
  /** Makes reconnect tokens reproducible: tests and scenarios only (R-RC8). */
  seed?: number
  agents?: { default_capacity?: number | null }
  retain_closed?: Duration
  policies?: Record<string, Policy>
}

export interface StartOptions {
  policy?: string | null
  authenticated_as?: string | null
  display_name?: string | null
}

/** A reconnect by link (`token`) or by the prompt (`conversation`). */
export type ReconnectRequest =
  | { token: string; authenticated_as?: string | null }
  | { conversation: string; authenticated_as: string }

/** Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4). */
export interface ParticipantRoleConfigRequest {
  ChannelConfiguration: {
    Chat: {
      ParticipantTimerConfigList: Array<{
        ParticipantRole: 'CUSTOMER' | 'AGENT'
        TimerType: 'IDLE' | 'DISCONNECT_NONCUSTOMER'
        TimerValue:
          | { ParticipantTimerAction: 'Unset' }
          | { ParticipantTimerDurationInMinutes: number }
      }>
    }
  }
}

/** A command of docs/rules.md §9 as JSON, the form of scenario steps and `applyMany`. */
export type Command =
  | ({ op: 'start_conversation'; conversation: string; customer: string } & StartOptions)
  | { op: 'join'; conversation: string; participant: string; role: Role; display_name?: string | null }
  | {
      op: 'leave' | 'message' | 'connection_lost' | 'connection_restored' | 'end' | 'close_session' | 'hold' | 'resume'
      conversation: string
      participant: string
    }
  | { op: 'issue_reconnect_link'; conversation: string }
  | ({ op: 'reconnect' } & ReconnectRequest)
  | { op: 'returning_customer'; authenticated_as: string }
  | { op: 'decline_reconnect'; conversation: string; authenticated_as: string }
  | { op: 'set_participant_timers'; conversation: string; timers: TimerSettings }
  | { op: 'update_participant_role_config'; conversation: string; request: ParticipantRoleConfigRequest }
  | { op: 'set_wait'; conversation: string; for: WaitFor }
  | { op: 'set_agent_capacity'; agent: string; capacity: number | null }
  | { op: 'advance' }

/** A command with its time: milliseconds, or a duration string from zero. */
export type TimedCommand = Command & { at: number | Duration }

/** A step of a scenario file (docs/rules.md §11). */
export type ScenarioStep = (TimedCommand & { error?: ErrorCode }) | { expect: Event[] }

interface EventOf<T extends string> {
  /** The deadline for a timer event, the command's `now` otherwise (T4). */
  at: number
  type: T
  conversation: string
}

/** Participant timer settings as stored: all four, `null` where unset. */
export interface StoredTimers {
  customer_idle: number | null
  customer_auto_disconnect: number | null
  agent_idle: number | null
  agent_auto_disconnect: number | null
}

/** One event of docs/rules.md §10. Keys come in canonical order, so
 * `JSON.stringify(event)` is the canonical line. */
export type Event =
  | (EventOf<'conversation_started'> & { policy: string; customer: string })
  | (EventOf<'state_changed'> & {
      from: State
      to: State
      reason:
        | 'agent_joined'
        | 'customer_ended'
        | 'customer_disconnected'
        | 'auto_close'
        | 'max_duration'
        | 'agent_ended'
        | 'reconnect_window_expired'
        | 'customer_declined_reconnect'
        | 'auto_disconnected'
        | 'agent_left'
        | 'agent_disconnected'
        | 'disconnect_flow'
        | 'agent_closed_session'
        | 'customer_returned'
        | 'inactivity'
    })
  | (EventOf<'participant_joined'> & { participant: string; role: Role })
  | (EventOf<'participant_left'> & {
      participant: string
      role: Role
      reason: 'left' | 'ended' | 'disconnected' | 'auto_disconnected' | 'inactivity'
    })
  | (EventOf<'participant_idle' | 'participant_returned'> & {
      participant: string
      role: Role
      transcript: false
    })
  | (EventOf<'auto_disconnected'> & {
      participant: string
      role: Role
      disconnected: string[]
      transcript: false
    })
  | EventOf<'routed_to_disconnect_flow'>
  | (EventOf<'bot_disconnected_branch' | 'customer_disconnected'> & { participant: string })
  | (EventOf<'connection_lost' | 'connection_restored'> & { participant: string; role: Role })
  | (EventOf<'transcript_message'> & {
      key: 'customer_disconnected' | 'customer_reconnected' | 'agent_disconnected'
      text: string
      visible_to: 'agent' | 'customer'
    })
  | (EventOf<'timer_config_stored'> & { timers: StoredTimers })
  /** `url` and `token` are secrets: never log them. */
  | (EventOf<'reconnect_link_issued'> & { url: string; token: string })
  | (EventOf<'reconnect_offered'> & { customer: string })
  | { at: number; type: 'no_reconnect_offer'; conversation: null; redirect_url: string | null }
  | (EventOf<'customer_reconnected'> & {
      participant: string
      method: 'link' | 'prompt'
      same_agent: boolean
    })
  /** `conversation` is `null` when the token was not genuine or the prompt
   * named no conversation of that identity: the answer must not say which (R-RC10). */
  | (Omit<EventOf<'reconnect_refused'>, 'conversation'> & {
      conversation: string | null
      reason: 'expired' | 'ended' | 'invalid' | 'reused' | 'identity_mismatch'
      redirect_url: string | null
      start_new: boolean
    })
  | (EventOf<'reconnect_window_expired'> & { redirect_url: string | null })
  | { at: number; type: 'capacity_changed'; agent: string; used: number; capacity: number | null }
  /** A notice before a timer ends something (§12); `participant` is `null`
   * for the conversation's own timers. Not a transcript entry. */
  | (EventOf<'expiry_warning'> & {
      timer: WarnedTimer
      participant: string | null
      deadline: number
      transcript: false
    })
  | (EventOf<'conversation_inactive'> & { since: number })
  | (EventOf<'hold_changed'> & { on_hold: boolean; reason: HoldReason })

export type EventType = Event['type']
