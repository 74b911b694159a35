//! The words of the SPEC that every layer shares: conversation states (§3),
//! participant roles (§2), the reasons of `state_changed`, `participant_left`
//! and `hold_changed` (§10), what a conversation waits for (R-T9) and the
//! timers a warning names (§12). Each has
//! one spelling, `as_str`, pinned to its canonical JSON by a test.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// Conversation states of the Dynamics 365 model (docs/rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Active,
    Waiting,
    WrapUp,
    Closed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Active => "active",
            State::Waiting => "waiting",
            State::WrapUp => "wrap_up",
            State::Closed => "closed",
        }
    }

    /// Open, active or waiting: the chat has not ended yet.
    pub fn is_live(self) -> bool {
        matches!(self, State::Open | State::Active | State::Waiting)
    }
}

/// Participant roles (docs/rules.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    Supervisor,
    Bot,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Bot => "bot",
        }
    }

    /// Agents and bots are the "other side" whose presence runs the timers (R-T3).
    pub fn serves(self) -> bool {
        matches!(self, Role::Agent | Role::Bot)
    }
}

/// Why a state changed (docs/rules.md §3 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    AgentJoined,
    CustomerEnded,
    CustomerDisconnected,
    AutoClose,
    MaxDuration,
    AgentEnded,
    ReconnectWindowExpired,
    CustomerDeclinedReconnect,
    AutoDisconnected,
    AgentLeft,
    AgentDisconnected,
    DisconnectFlow,
    AgentClosedSession,
    CustomerReturned,
    Inactivity,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AgentJoined => "agent_joined",
            Reason::CustomerEnded => "customer_ended",
            Reason::CustomerDisconnected => "customer_disconnected",
            Reason::AutoClose => "auto_close",
            Reason::MaxDuration => "max_duration",
            Reason::AgentEnded => "agent_ended",
            Reason::ReconnectWindowExpired => "reconnect_window_expired",
            Reason::CustomerDeclinedReconnect => "customer_declined_reconnect",
            Reason::AutoDisconnected => "auto_disconnected",
            Reason::AgentLeft => "agent_left",
            Reason::AgentDisconnected => "agent_disconnected",
            Reason::DisconnectFlow => "disconnect_flow",
            Reason::AgentClosedSession => "agent_closed_session",
            Reason::CustomerReturned => "customer_returned",
            Reason::Inactivity => "inactivity",
        }
    }
}

/// Why a participant left (docs/rules.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    Left,
    Ended,
    Disconnected,
    AutoDisconnected,
    Inactivity,
}

impl LeftReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftReason::Left => "left",
            LeftReason::Ended => "ended",
            LeftReason::Disconnected => "disconnected",
            LeftReason::AutoDisconnected => "auto_disconnected",
            LeftReason::Inactivity => "inactivity",
        }
    }
}

/// Why a hold began or ended (H1, H2, H4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    Agent,
    CustomerMessage,
    CustomerReturned,
    CustomerInactive,
}

impl HoldReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldReason::Agent => "agent",
            HoldReason::CustomerMessage => "customer_message",
            HoldReason::CustomerReturned => "customer_returned",
            HoldReason::CustomerInactive => "customer_inactive",
        }
    }

    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [HoldReason; 4] =
        [HoldReason::Agent, HoldReason::CustomerMessage, HoldReason::CustomerReturned, HoldReason::CustomerInactive];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(HoldReason) = |v| match v {
    HoldReason::Agent | HoldReason::CustomerMessage | HoldReason::CustomerReturned | HoldReason::CustomerInactive => (),
};

/// A timer that ends something, which a policy may warn about (§12); its
/// spelling is the key of `warnings` and the `timer` of `expiry_warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warned {
    CustomerAutoDisconnect,
    AgentAutoDisconnect,
    Inactivity,
    Hold,
    AutoClose,
    MaxDuration,
    ReconnectWindow,
}

impl Warned {
    pub fn as_str(self) -> &'static str {
        match self {
            Warned::CustomerAutoDisconnect => "customer_auto_disconnect",
            Warned::AgentAutoDisconnect => "agent_auto_disconnect",
            Warned::Inactivity => "inactivity",
            Warned::Hold => "hold",
            Warned::AutoClose => "auto_close",
            Warned::MaxDuration => "max_duration",
            Warned::ReconnectWindow => "reconnect_window",
        }
    }

    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [Warned; 7] = [
        Warned::CustomerAutoDisconnect,
        Warned::AgentAutoDisconnect,
        Warned::Inactivity,
        Warned::Hold,
        Warned::AutoClose,
        Warned::MaxDuration,
        Warned::ReconnectWindow,
    ];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(Warned) = |v| match v {
    Warned::CustomerAutoDisconnect
    | Warned::AgentAutoDisconnect
    | Warned::Inactivity
    | Warned::Hold
    | Warned::AutoClose
    | Warned::MaxDuration
    | Warned::ReconnectWindow => (),
};

/// What a flow's Wait block waits for (R-T9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitFor {
    #[default]
    None,
    Customer,
    Bot,
}

impl State {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [State; 5] = [State::Open, State::Active, State::Waiting, State::WrapUp, State::Closed];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(State) = |v| match v {
    State::Open | State::Active | State::Waiting | State::WrapUp | State::Closed => (),
};

impl Role {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [Role; 4] = [Role::Customer, Role::Agent, Role::Supervisor, Role::Bot];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(Role) = |v| match v {
    Role::Customer | Role::Agent | Role::Supervisor | Role::Bot => (),
};

impl Reason {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [Reason; 15] = [
        Reason::AgentJoined,
        Reason::CustomerEnded,
        Reason::CustomerDisconnected,
        Reason::AutoClose,
        Reason::MaxDuration,
        Reason::AgentEnded,
        Reason::ReconnectWindowExpired,
        Reason::CustomerDeclinedReconnect,
        Reason::AutoDisconnected,
        Reason::AgentLeft,
        Reason::AgentDisconnected,
        Reason::DisconnectFlow,
        Reason::AgentClosedSession,
        Reason::CustomerReturned,
        Reason::Inactivity,
    ];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(Reason) = |v| match v {
    Reason::AgentJoined
    | Reason::CustomerEnded
    | Reason::CustomerDisconnected
    | Reason::AutoClose
    | Reason::MaxDuration
    | Reason::AgentEnded
    | Reason::ReconnectWindowExpired
    | Reason::CustomerDeclinedReconnect
    | Reason::AutoDisconnected
    | Reason::AgentLeft
    | Reason::AgentDisconnected
    | Reason::DisconnectFlow
    | Reason::AgentClosedSession
    | Reason::CustomerReturned
    | Reason::Inactivity => (),
};

impl LeftReason {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [LeftReason; 5] = [
        LeftReason::Left,
        LeftReason::Ended,
        LeftReason::Disconnected,
        LeftReason::AutoDisconnected,
        LeftReason::Inactivity,
    ];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(LeftReason) = |v| match v {
    LeftReason::Left
    | LeftReason::Ended
    | LeftReason::Disconnected
    | LeftReason::AutoDisconnected
    | LeftReason::Inactivity => (),
};

impl WaitFor {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [WaitFor; 3] = [WaitFor::None, WaitFor::Customer, WaitFor::Bot];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(WaitFor) = |v| match v {
    WaitFor::None | WaitFor::Customer | WaitFor::Bot => (),
};

/// Reads a word of the vocabulary by its name. Anything but a string is refused
/// with the names a caller may give, as an unknown name is.
fn by_name<'de, D: Deserializer<'de>, T: Copy>(d: D, all: &[T], name: fn(T) -> &'static str) -> Result<T, D::Error> {
    // Only a refusal lists the names: a `join` in a batch reads a role per command.
    let expected =
        || format!("one of {}", all.iter().map(|&v| format!("`{}`", name(v))).collect::<Vec<_>>().join(", "));
    let value = serde_json::Value::deserialize(d)?;
    let given =
        value.as_str().ok_or_else(|| de::Error::custom(format!("{value} is not a string; expected {}", expected())))?;
    all.iter()
        .copied()
        .find(|&v| name(v) == given)
        .ok_or_else(|| de::Error::custom(format!("unknown value `{given}`, expected {}", expected())))
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        by_name(d, &Role::ALL, Role::as_str)
    }
}

impl WaitFor {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitFor::None => "none",
            WaitFor::Customer => "customer",
            WaitFor::Bot => "bot",
        }
    }
}

impl<'de> Deserialize<'de> for WaitFor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        by_name(d, &WaitFor::ALL, WaitFor::as_str)
    }
}
