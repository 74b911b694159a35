# Hand-written stub of the Rust extension module; `make test` checks it
# against the built module with `python -m mypy.stubtest chatlife._native`.

import enum
from typing import Any, Iterable, Literal, Mapping, TypedDict, final

from typing_extensions import Self, disjoint_base

__all__ = [
    "load_scenario",
    "parse_at",
    "parse_duration",
    "Engine",
    "__version__",
    "ERROR_CODES",
    "EVENT_TYPES",
    "OPS",
    "MAX_TIME",
    "ChatlifeError",
    "InvalidArgument",
    "InvalidConfig",
    "UnknownConversation",
    "DuplicateConversation",
    "UnknownParticipant",
    "DuplicateParticipant",
    "InvalidState",
    "CapacityExceeded",
    "TimeWentBackwards",
    "LimitExceeded",
    "ERROR_CLASSES",
    "State",
    "Role",
    "Reason",
    "LeftReason",
    "VisibleTo",
    "ReconnectMethod",
    "RefusedReason",
    "HoldReason",
    "Warned",
    "WaitFor",
    "Event",
    "ConversationStarted",
    "StateChanged",
    "ParticipantJoined",
    "ParticipantLeft",
    "ParticipantIdle",
    "ParticipantReturned",
    "AutoDisconnected",
    "RoutedToDisconnectFlow",
    "BotDisconnectedBranch",
    "ConnectionLost",
    "ConnectionRestored",
    "CustomerDisconnected",
    "TranscriptMessage",
    "TimerConfigStored",
    "ReconnectLinkIssued",
    "ReconnectOffered",
    "NoReconnectOffer",
    "CustomerReconnected",
    "ReconnectRefused",
    "ReconnectWindowExpired",
    "CapacityChanged",
    "ExpiryWarning",
    "ConversationInactive",
    "HoldChanged",
    "EVENT_CLASSES",
]

__version__: str
ERROR_CODES: tuple[str, ...]
EVENT_TYPES: tuple[str, ...]
OPS: tuple[str, ...]
MAX_TIME: int
ERROR_CLASSES: Mapping[str, type[ChatlifeError]]
EVENT_CLASSES: Mapping[str, type[Event]]

def parse_duration(text: str) -> int: ...
def parse_at(value: int | str) -> int: ...
def load_scenario(text: str) -> dict[str, Any]: ...

# ---- errors (docs/rules.md E1, E2) ------------------------------------------------------

class ChatlifeError(Exception):
    code: str
    """The stable code of rule E1 (docs/rules.md), e.g. ``"unknown_conversation"``."""
    message: str
    """The message, naming the offending field first (``field: problem``)."""

class InvalidArgument(ChatlifeError): ...
class InvalidConfig(ChatlifeError): ...
class UnknownConversation(ChatlifeError): ...
class DuplicateConversation(ChatlifeError): ...
class UnknownParticipant(ChatlifeError): ...
class DuplicateParticipant(ChatlifeError): ...
class InvalidState(ChatlifeError): ...
class CapacityExceeded(ChatlifeError): ...
class TimeWentBackwards(ChatlifeError): ...
class LimitExceeded(ChatlifeError): ...

# ---- vocabularies ---------------------------------------------------------------

# The runtime classes are `str` enums made with the functional Enum API; their
# constructor is Enum's, which takes one value, hence the `__new__` of each.

class State(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    OPEN = "open"
    ACTIVE = "active"
    WAITING = "waiting"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"

class Role(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    BOT = "bot"

class Reason(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    AGENT_JOINED = "agent_joined"
    CUSTOMER_ENDED = "customer_ended"
    CUSTOMER_DISCONNECTED = "customer_disconnected"
    AUTO_CLOSE = "auto_close"
    MAX_DURATION = "max_duration"
    AGENT_ENDED = "agent_ended"
    RECONNECT_WINDOW_EXPIRED = "reconnect_window_expired"
    CUSTOMER_DECLINED_RECONNECT = "customer_declined_reconnect"
    AUTO_DISCONNECTED = "auto_disconnected"
    AGENT_LEFT = "agent_left"
    AGENT_DISCONNECTED = "agent_disconnected"
    DISCONNECT_FLOW = "disconnect_flow"
    AGENT_CLOSED_SESSION = "agent_closed_session"
    CUSTOMER_RETURNED = "customer_returned"
    INACTIVITY = "inactivity"

class LeftReason(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    LEFT = "left"
    ENDED = "ended"
    DISCONNECTED = "disconnected"
    AUTO_DISCONNECTED = "auto_disconnected"
    INACTIVITY = "inactivity"

class VisibleTo(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    AGENT = "agent"
    CUSTOMER = "customer"

class ReconnectMethod(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    LINK = "link"
    PROMPT = "prompt"

class RefusedReason(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    EXPIRED = "expired"
    ENDED = "ended"
    INVALID = "invalid"
    REUSED = "reused"
    IDENTITY_MISMATCH = "identity_mismatch"

class HoldReason(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    AGENT = "agent"
    CUSTOMER_MESSAGE = "customer_message"
    CUSTOMER_RETURNED = "customer_returned"
    CUSTOMER_INACTIVE = "customer_inactive"

class Warned(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    CUSTOMER_AUTO_DISCONNECT = "customer_auto_disconnect"
    AGENT_AUTO_DISCONNECT = "agent_auto_disconnect"
    INACTIVITY = "inactivity"
    HOLD = "hold"
    AUTO_CLOSE = "auto_close"
    MAX_DURATION = "max_duration"
    RECONNECT_WINDOW = "reconnect_window"

class WaitFor(str, enum.Enum):
    def __new__(cls, value: str) -> Self: ...
    NONE = "none"
    CUSTOMER = "customer"
    BOT = "bot"

_RoleName = Literal["customer", "agent", "supervisor", "bot"]
_WaitForName = Literal["none", "customer", "bot"]

class _Timers(TypedDict):
    customer_idle: int | None
    customer_auto_disconnect: int | None
    agent_idle: int | None
    agent_auto_disconnect: int | None

class _TimerSettings(TypedDict, total=False):
    customer_idle: int | None
    customer_auto_disconnect: int | None
    agent_idle: int | None
    agent_auto_disconnect: int | None

# ---- events (docs/rules.md §10) -----------------------------------------------------------

@disjoint_base
class Event:
    @property
    def at(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def conversation(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ConversationStarted(Event):
    @property
    def type(self) -> Literal["conversation_started"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def policy(self) -> str: ...
    @property
    def customer(self) -> str: ...

@final
class StateChanged(Event):
    @property
    def type(self) -> Literal["state_changed"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def from_(self) -> State: ...
    @property
    def to(self) -> State: ...
    @property
    def reason(self) -> Reason: ...

@final
class ParticipantJoined(Event):
    @property
    def type(self) -> Literal["participant_joined"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...

@final
class ParticipantLeft(Event):
    @property
    def type(self) -> Literal["participant_left"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def reason(self) -> LeftReason: ...

@final
class ParticipantIdle(Event):
    @property
    def type(self) -> Literal["participant_idle"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def transcript(self) -> bool: ...

@final
class ParticipantReturned(Event):
    @property
    def type(self) -> Literal["participant_returned"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def transcript(self) -> bool: ...

@final
class AutoDisconnected(Event):
    @property
    def type(self) -> Literal["auto_disconnected"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def disconnected(self) -> tuple[str, ...]: ...
    @property
    def transcript(self) -> bool: ...

@final
class RoutedToDisconnectFlow(Event):
    @property
    def type(self) -> Literal["routed_to_disconnect_flow"]: ...
    @property
    def conversation(self) -> str: ...

@final
class BotDisconnectedBranch(Event):
    @property
    def type(self) -> Literal["bot_disconnected_branch"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...

@final
class ConnectionLost(Event):
    @property
    def type(self) -> Literal["connection_lost"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...

@final
class ConnectionRestored(Event):
    @property
    def type(self) -> Literal["connection_restored"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def role(self) -> Role: ...

@final
class CustomerDisconnected(Event):
    @property
    def type(self) -> Literal["customer_disconnected"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...

@final
class TranscriptMessage(Event):
    @property
    def type(self) -> Literal["transcript_message"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def visible_to(self) -> VisibleTo: ...

@final
class TimerConfigStored(Event):
    @property
    def type(self) -> Literal["timer_config_stored"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def timers(self) -> _Timers: ...

@final
class ReconnectLinkIssued(Event):
    """``url`` and ``token`` are secrets: ``repr()`` hides them."""

    @property
    def type(self) -> Literal["reconnect_link_issued"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def token(self) -> str: ...

@final
class ReconnectOffered(Event):
    @property
    def type(self) -> Literal["reconnect_offered"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def customer(self) -> str: ...

@final
class NoReconnectOffer(Event):
    @property
    def type(self) -> Literal["no_reconnect_offer"]: ...
    @property
    def conversation(self) -> None: ...
    @property
    def redirect_url(self) -> str | None: ...

@final
class CustomerReconnected(Event):
    @property
    def type(self) -> Literal["customer_reconnected"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def participant(self) -> str: ...
    @property
    def method(self) -> ReconnectMethod: ...
    @property
    def same_agent(self) -> bool: ...

@final
class ReconnectRefused(Event):
    @property
    def type(self) -> Literal["reconnect_refused"]: ...
    @property
    def conversation(self) -> str | None:
        """``None`` when the token was not genuine or the prompt named no
        conversation of that identity: the answer must not say which (R-RC10)."""
    @property
    def reason(self) -> RefusedReason: ...
    @property
    def redirect_url(self) -> str | None: ...
    @property
    def start_new(self) -> bool: ...

@final
class ReconnectWindowExpired(Event):
    @property
    def type(self) -> Literal["reconnect_window_expired"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def redirect_url(self) -> str | None: ...

@final
class CapacityChanged(Event):
    @property
    def type(self) -> Literal["capacity_changed"]: ...
    @property
    def conversation(self) -> None: ...
    @property
    def agent(self) -> str: ...
    @property
    def used(self) -> int: ...
    @property
    def capacity(self) -> int | None: ...

@final
class ExpiryWarning(Event):
    """A notice (§12), not a transcript entry and not activity."""

    @property
    def type(self) -> Literal["expiry_warning"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def timer(self) -> Warned: ...
    @property
    def participant(self) -> str | None: ...
    @property
    def deadline(self) -> int: ...
    @property
    def transcript(self) -> bool: ...

@final
class ConversationInactive(Event):
    @property
    def type(self) -> Literal["conversation_inactive"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def since(self) -> int: ...

@final
class HoldChanged(Event):
    @property
    def type(self) -> Literal["hold_changed"]: ...
    @property
    def conversation(self) -> str: ...
    @property
    def on_hold(self) -> bool: ...
    @property
    def reason(self) -> HoldReason: ...

# ---- the engine ----------------------------------------------------------------

@final
class Engine:
    def __new__(cls, config: Mapping[str, Any] | str) -> Engine: ...
    def start_conversation(
        self,
        now: int,
        conversation: str,
        customer: str,
        *,
        policy: str | None = None,
        authenticated_as: str | None = None,
        display_name: str | None = None,
    ) -> None: ...
    def join(
        self,
        now: int,
        conversation: str,
        participant: str,
        role: Role | _RoleName,
        *,
        display_name: str | None = None,
    ) -> None: ...
    def leave(self, now: int, conversation: str, participant: str) -> None: ...
    def message(self, now: int, conversation: str, participant: str) -> None: ...
    def connection_lost(self, now: int, conversation: str, participant: str) -> None: ...
    def connection_restored(self, now: int, conversation: str, participant: str) -> None: ...
    def end(self, now: int, conversation: str, participant: str) -> None: ...
    def close_session(self, now: int, conversation: str, participant: str) -> None: ...
    def hold(self, now: int, conversation: str, participant: str) -> None: ...
    def resume(self, now: int, conversation: str, participant: str) -> None: ...
    def issue_reconnect_link(self, now: int, conversation: str) -> None: ...
    def reconnect(
        self,
        now: int,
        *,
        token: str | None = None,
        conversation: str | None = None,
        authenticated_as: str | None = None,
    ) -> None: ...
    def returning_customer(self, now: int, authenticated_as: str) -> None: ...
    def decline_reconnect(self, now: int, conversation: str, authenticated_as: str) -> None: ...
    def set_participant_timers(self, now: int, conversation: str, timers: _TimerSettings) -> None: ...
    def update_participant_role_config(self, now: int, conversation: str, request: Mapping[str, Any]) -> None: ...
    def set_wait(self, now: int, conversation: str, wait_for: WaitFor | _WaitForName) -> None: ...
    def set_agent_capacity(self, now: int, agent: str, capacity: int | None) -> None: ...
    def advance(self, now: int) -> None: ...
    def apply_many(self, commands: Iterable[Mapping[str, Any]]) -> list[ChatlifeError | None]: ...
    def messages(self, now: int, conversations: Iterable[str], participants: Iterable[str]) -> list[ChatlifeError | None]:
        """``message(now, conversations[i], participants[i])`` for every ``i``, in one
        call; one entry per message: ``None`` if accepted, else the exception
        ``message`` would have raised (not raised). The fastest way to feed the
        messages of one tick."""
    def next_deadline(self) -> int | None: ...
    def poll_events(self) -> list[Event]: ...
    def snapshot(self) -> bytes: ...
    def restore(self, snapshot: bytes | bytearray | memoryview) -> None: ...
    @staticmethod
    def from_snapshot(snapshot: bytes | bytearray | memoryview) -> Engine: ...
    def export_conversation(self, now: int, conversation: str) -> bytes: ...
    def import_conversation(self, now: int, exported: bytes | bytearray | memoryview) -> None: ...
    @property
    def now(self) -> int: ...
    def state(self, conversation: str) -> State | None: ...
    def agent_load(self, agent: str) -> tuple[int, int | None]: ...
