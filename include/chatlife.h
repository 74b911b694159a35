/*
 * chatlife.h: the C ABI of chatlife, a deterministic, sans-IO lifecycle engine
 * for contact-center live chats. Commands stamped with a time go in; canonical
 * events come out. The behaviour is the same in every language (docs/rules.md).
 *
 * Link with `pkg-config --cflags --libs chatlife` (libchatlife.so or .a).
 *
 * CONVENTIONS (they hold for every function below)
 *
 * Status. Every function that can fail returns a chatlife_status:
 *   CHATLIFE_STATUS_OK (0) on success, another value on failure. Status
 *   numbers are fixed and never reused. chatlife_status_str() names them; the
 *   engine's errors (100 and up) are named by their error code, e.g.
 *   "invalid_state". The only functions that return something else are the
 *   infallible accessors chatlife_status_str, chatlife_version,
 *   chatlife_error_code and chatlife_error_message, and the free functions.
 *
 * Errors. The last parameter, `error_out`, may be NULL. When it is not NULL
 *   and the call fails, `*error_out` receives a new chatlife_error (status and
 *   a message naming the offending field first) that the caller frees with
 *   chatlife_error_free. On success `*error_out` is left untouched, so start
 *   with `chatlife_error *err = NULL;`.
 *
 * Outputs. Output parameters (`*_out`) are written only on success; a failed
 *   call writes nothing but `*error_out` and changes nothing in the engine.
 *
 * Time. Every `now`, `at` and deadline is a uint64_t of milliseconds from an
 *   epoch the host chooses (Unix or monotonic). `now` never goes back on one
 *   engine (CHATLIFE_STATUS_TIME_WENT_BACKWARDS) and is at most 2^53 - 1.
 *
 * Strings in. Every string argument is a pointer plus a length in bytes
 *   (`x`, `x_len`); it need not be NUL-terminated and must be valid UTF-8
 *   (else CHATLIFE_STATUS_INVALID_UTF8). It is only read during the call,
 *   never kept. A required string that is NULL gives
 *   CHATLIFE_STATUS_NULL_ARGUMENT; an optional one (documented as such) that
 *   is NULL means "absent", whatever its length. Ids are 1 to 256 bytes;
 *   longer ones give CHATLIFE_STATUS_LIMIT_EXCEEDED. The strings of a
 *   chatlife_command are chatlife_str views (data + len) under the same rules.
 *   CHATLIFE_STR_ARG("literal") expands to a literal and its length.
 *
 * Strings out. chatlife_str views (data + len) point into memory chatlife
 *   owns; never free them. An absent value has data == NULL. They are not
 *   NUL-terminated unless the function says so. Lifetimes: an event's views
 *   and its JSON line live until the next chatlife_poll_event or
 *   chatlife_apply_many on the same engine, or chatlife_engine_free; an
 *   error's message lives until chatlife_error_free; chatlife_status_str and
 *   chatlife_version return static strings.
 *
 * Durable state. chatlife_snapshot writes a whole engine as bytes (versioned
 *   JSON; store them as they are) that chatlife_restore and
 *   chatlife_engine_from_snapshot continue from, emitting exactly the events
 *   the original engine would have. Events not yet polled are not part of a
 *   snapshot: poll them all first. chatlife_export_conversation and
 *   chatlife_import_conversation move one conversation between engines.
 *   Bytes going in are a pointer plus a length (`snapshot`, `snapshot_len`),
 *   only read during the call; NULL gives CHATLIFE_STATUS_NULL_ARGUMENT,
 *   whatever the length. Corrupted, truncated or newer-version bytes give
 *   CHATLIFE_STATUS_INVALID_ARGUMENT and change nothing.
 *
 * Ownership. chatlife_engine_new and chatlife_engine_from_snapshot give an
 *   engine the caller frees with chatlife_engine_free; chatlife_snapshot and
 *   chatlife_export_conversation give a chatlife_bytes the caller frees with
 *   chatlife_bytes_free; a failing call with a non-NULL `error_out` gives a
 *   chatlife_error the caller frees with chatlife_error_free, and so does
 *   each refused command of chatlife_apply_many when `command_errors_out` is
 *   not NULL. The three free functions accept NULL. Nothing else is
 *   allocated for the caller.
 *
 * Threads. An engine is not locked internally: use each engine from one
 *   thread at a time (it may move between threads; guard it with your own
 *   mutex if threads share it). Distinct engines are independent and may be
 *   used in parallel. Errors are immutable and may be used from any thread;
 *   the functions without an engine parameter are safe from any thread.
 *
 * Safety. Every pointer argument is checked for NULL. Other invalid pointers
 *   (freed, dangling, too short for their length) are undefined behaviour,
 *   as in any C API. A panic inside chatlife (a bug) is caught at the
 *   boundary and returned as CHATLIFE_STATUS_PANIC; the engine it happened in
 *   refuses every later call but chatlife_engine_free. chatlife never aborts
 *   the host, except when memory runs out.
 *
 * Versions. CHATLIFE_VERSION_* give the version of this header;
 *   chatlife_version() that of the library linked. Within 0.x, a minor
 *   version may change the ABI; patch versions never do.
 */

#ifndef CHATLIFE_H
#define CHATLIFE_H

/* Generated by cbindgen 0.29.4 from ffi/src; do not edit. Run `make header`. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHATLIFE_STR_ARG(literal) (literal), (sizeof(literal) - 1)

// Major version of this library; also in `CHATLIFE_VERSION_NUMBER`.
#define CHATLIFE_VERSION_MAJOR 0

// Minor version of this library.
#define CHATLIFE_VERSION_MINOR 1

// Patch version of this library.
#define CHATLIFE_VERSION_PATCH 0

// The version packed as `0xMMmmpp` (major, minor, patch one byte each), so
// `#if CHATLIFE_VERSION_NUMBER >= 0x000100` tests for 0.1.0 or later.
#define CHATLIFE_VERSION_NUMBER (((CHATLIFE_VERSION_MAJOR << 16) | (CHATLIFE_VERSION_MINOR << 8)) | CHATLIFE_VERSION_PATCH)

// What a call did. Every value is a fixed number that is never reused for
// another meaning: new statuses get new numbers. 0–99 belong to this C
// binding; 100 and up are the error codes of the engine (docs/rules.md E1), numbered
// in the order of their list, which only ever grows at its end.
enum chatlife_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Success: outputs are written, `*error_out` is left untouched.
  CHATLIFE_STATUS_OK = 0,
  // A pointer argument that must not be NULL was NULL.
  CHATLIFE_STATUS_NULL_ARGUMENT = 1,
  // A string argument was not valid UTF-8.
  CHATLIFE_STATUS_INVALID_UTF8 = 2,
  // chatlife panicked (a bug in chatlife). The panic was caught; an engine
  // it happened in refuses every later call except `chatlife_engine_free`.
  CHATLIFE_STATUS_PANIC = 3,
  // `chatlife_event_to_json` was called with no polled event to show.
  CHATLIFE_STATUS_NO_EVENT = 4,
  // An argument is malformed: wrong shape, empty id, unknown value.
  CHATLIFE_STATUS_INVALID_ARGUMENT = 100,
  // The configuration breaks a rule (docs/rules.md §8).
  CHATLIFE_STATUS_INVALID_CONFIG = 101,
  // No conversation has this id (or it has been forgotten).
  CHATLIFE_STATUS_UNKNOWN_CONVERSATION = 102,
  // A conversation with this id already exists.
  CHATLIFE_STATUS_DUPLICATE_CONVERSATION = 103,
  // The participant is not in the conversation.
  CHATLIFE_STATUS_UNKNOWN_PARTICIPANT = 104,
  // The participant is already in the conversation.
  CHATLIFE_STATUS_DUPLICATE_PARTICIPANT = 105,
  // The command is not allowed in the conversation's state.
  CHATLIFE_STATUS_INVALID_STATE = 106,
  // The agent's capacity would be exceeded (docs/rules.md C2).
  CHATLIFE_STATUS_CAPACITY_EXCEEDED = 107,
  // `now` is before the engine's time (docs/rules.md T2).
  CHATLIFE_STATUS_TIME_WENT_BACKWARDS = 108,
  // A size or count limit was reached: an id over 256 bytes, too many links.
  CHATLIFE_STATUS_LIMIT_EXCEEDED = 109,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatlife_status chatlife_status;
#else
typedef uint32_t chatlife_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The `type` of an event (docs/rules.md §10). Numbers are fixed and never reused.
enum chatlife_event_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED = 0,
  CHATLIFE_EVENT_TYPE_STATE_CHANGED = 1,
  CHATLIFE_EVENT_TYPE_PARTICIPANT_JOINED = 2,
  CHATLIFE_EVENT_TYPE_PARTICIPANT_LEFT = 3,
  CHATLIFE_EVENT_TYPE_PARTICIPANT_IDLE = 4,
  CHATLIFE_EVENT_TYPE_PARTICIPANT_RETURNED = 5,
  CHATLIFE_EVENT_TYPE_AUTO_DISCONNECTED = 6,
  CHATLIFE_EVENT_TYPE_ROUTED_TO_DISCONNECT_FLOW = 7,
  CHATLIFE_EVENT_TYPE_BOT_DISCONNECTED_BRANCH = 8,
  CHATLIFE_EVENT_TYPE_CONNECTION_LOST = 9,
  CHATLIFE_EVENT_TYPE_CONNECTION_RESTORED = 10,
  CHATLIFE_EVENT_TYPE_CUSTOMER_DISCONNECTED = 11,
  CHATLIFE_EVENT_TYPE_TRANSCRIPT_MESSAGE = 12,
  CHATLIFE_EVENT_TYPE_TIMER_CONFIG_STORED = 13,
  CHATLIFE_EVENT_TYPE_RECONNECT_LINK_ISSUED = 14,
  CHATLIFE_EVENT_TYPE_RECONNECT_OFFERED = 15,
  CHATLIFE_EVENT_TYPE_NO_RECONNECT_OFFER = 16,
  CHATLIFE_EVENT_TYPE_CUSTOMER_RECONNECTED = 17,
  CHATLIFE_EVENT_TYPE_RECONNECT_REFUSED = 18,
  CHATLIFE_EVENT_TYPE_RECONNECT_WINDOW_EXPIRED = 19,
  CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED = 20,
  CHATLIFE_EVENT_TYPE_EXPIRY_WARNING = 21,
  CHATLIFE_EVENT_TYPE_CONVERSATION_INACTIVE = 22,
  CHATLIFE_EVENT_TYPE_HOLD_CHANGED = 23,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatlife_event_type chatlife_event_type;
#else
typedef uint32_t chatlife_event_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// A participant role (docs/rules.md §2), passed as a `uint32_t`: any other number is
// refused with `CHATLIFE_STATUS_INVALID_ARGUMENT`.
enum chatlife_role
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  CHATLIFE_ROLE_CUSTOMER = 0,
  CHATLIFE_ROLE_AGENT = 1,
  CHATLIFE_ROLE_SUPERVISOR = 2,
  CHATLIFE_ROLE_BOT = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatlife_role chatlife_role;
#else
typedef uint32_t chatlife_role;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What a flow's Wait block waits for (docs/rules.md R-T9), passed as a `uint32_t`.
enum chatlife_wait_for
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  CHATLIFE_WAIT_FOR_NONE = 0,
  CHATLIFE_WAIT_FOR_CUSTOMER = 1,
  CHATLIFE_WAIT_FOR_BOT = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatlife_wait_for chatlife_wait_for;
#else
typedef uint32_t chatlife_wait_for;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// Which command a `chatlife_command` holds: the `op` of docs/rules.md §9, numbered in
// the order docs/rules.md §9 lists them, then the ops later versions of the rules added
// (`hold`, `resume`: §14). Numbers are fixed and never reused. Passed
// as a `uint32_t`: any other number is refused for that command with
// `CHATLIFE_STATUS_INVALID_ARGUMENT`.
enum chatlife_op
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  CHATLIFE_OP_START_CONVERSATION = 0,
  CHATLIFE_OP_JOIN = 1,
  CHATLIFE_OP_LEAVE = 2,
  CHATLIFE_OP_MESSAGE = 3,
  CHATLIFE_OP_CONNECTION_LOST = 4,
  CHATLIFE_OP_CONNECTION_RESTORED = 5,
  CHATLIFE_OP_END = 6,
  CHATLIFE_OP_CLOSE_SESSION = 7,
  CHATLIFE_OP_ISSUE_RECONNECT_LINK = 8,
  CHATLIFE_OP_RECONNECT = 9,
  CHATLIFE_OP_RETURNING_CUSTOMER = 10,
  CHATLIFE_OP_DECLINE_RECONNECT = 11,
  CHATLIFE_OP_SET_PARTICIPANT_TIMERS = 12,
  CHATLIFE_OP_UPDATE_PARTICIPANT_ROLE_CONFIG = 13,
  CHATLIFE_OP_SET_WAIT = 14,
  CHATLIFE_OP_SET_AGENT_CAPACITY = 15,
  CHATLIFE_OP_ADVANCE = 16,
  CHATLIFE_OP_HOLD = 17,
  CHATLIFE_OP_RESUME = 18,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum chatlife_op chatlife_op;
#else
typedef uint32_t chatlife_op;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// One chat lifecycle engine: its conversations, timers and pending events.
// Opaque; made by `chatlife_engine_new` or `chatlife_engine_from_snapshot`,
// freed by `chatlife_engine_free`.
typedef struct chatlife_engine chatlife_engine;

// Why a call failed: its status and a message naming the offending field
// first (`"conversation: is 300 bytes, above the limit of 256"`).
//
// Created by a failing call when its `error_out` is not NULL; owned by the
// caller, who frees it with `chatlife_error_free`. Immutable: it may be read
// and freed from any thread.
typedef struct chatlife_error chatlife_error;

// A view of UTF-8 text: `len` bytes at `data`, not NUL-terminated unless a
// function says so. In what chatlife returns, chatlife owns the text, and
// `data` is NULL (and `len` 0) when the value is absent: JSON `null`, or a
// field the event type lacks. In a `chatlife_command`, the caller owns it
// and `data` NULL means absent.
typedef struct chatlife_str {
  const char *data;
  size_t len;
} chatlife_str;

// The four participant timers of docs/rules.md R-T1, in whole minutes; 0 means the
// timer is off (a set timer is 2–480, so 0 is never a real value).
typedef struct chatlife_timers {
  uint32_t customer_idle;
  uint32_t customer_auto_disconnect;
  uint32_t agent_idle;
  uint32_t agent_auto_disconnect;
} chatlife_timers;

// One command of a `chatlife_apply_many` batch: the JSON form of docs/rules.md §9 as
// a struct. `op` says which fields are read: those of its JSON form (the
// arguments of its single-call function, where it has one), by the same
// names, with `request` read as `request_json`, `for` as `wait_for`, and a
// null `capacity` as `capacity_bounded` false. The others are ignored, so a
// zero-initialized struct with the fields of its op set is a valid command.
//
// Strings follow the rules of every string argument (valid UTF-8, ids of
// 1 to 256 bytes, read only during the call); `data` NULL means absent.
typedef struct chatlife_command {
  // A `chatlife_op`.
  uint32_t op;
  // When the command happens, in ms: the `now` of the single-call function.
  uint64_t at;
  struct chatlife_str conversation;
  struct chatlife_str participant;
  struct chatlife_str customer;
  struct chatlife_str agent;
  struct chatlife_str policy;
  struct chatlife_str authenticated_as;
  struct chatlife_str display_name;
  // `reconnect` by link. A secret: never log it.
  struct chatlife_str token;
  // `update_participant_role_config`: the request body as JSON text.
  struct chatlife_str request_json;
  // A `chatlife_role`.
  uint32_t role;
  // A `chatlife_wait_for`.
  uint32_t wait_for;
  struct chatlife_timers timers;
  // `set_agent_capacity`: `capacity` is read only when `capacity_bounded`
  // is true; false means unbounded (JSON `null`).
  uint32_t capacity;
  bool capacity_bounded;
} chatlife_command;

// One event, as filled in by `chatlife_poll_event`.
//
// `type` says which fields are set; the others are absent views (`data`
// NULL), 0 or false. Field names and string values are those of the
// canonical JSON (docs/rules.md §10), and `chatlife_event_to_json` gives that line.
// Every view stays valid until the next `chatlife_poll_event` or
// `chatlife_apply_many` on the same engine, or `chatlife_engine_free`,
// whichever comes first; copy what you keep.
typedef struct chatlife_event {
  chatlife_event_type type;
  // Milliseconds: the deadline for a timer event, the command's `now` otherwise.
  uint64_t at;
  // The `type` as its snake_case name (`"state_changed"`).
  struct chatlife_str type_name;
  // Absent for `capacity_changed`, `no_reconnect_offer` and a
  // `reconnect_refused` that must not say which conversation a token
  // named (R-RC10): JSON `null` or no field.
  struct chatlife_str conversation;
  // `conversation_started`.
  struct chatlife_str policy;
  // `conversation_started`, `reconnect_offered`.
  struct chatlife_str customer;
  // `state_changed`: the states (`"open"`, `"active"`, `"waiting"`, `"wrap_up"`, `"closed"`).
  struct chatlife_str from;
  struct chatlife_str to;
  // `state_changed`, `participant_left`, `reconnect_refused`, `hold_changed`.
  struct chatlife_str reason;
  // Participant events, `auto_disconnected`, `bot_disconnected_branch`,
  // `customer_disconnected`, `customer_reconnected`, `expiry_warning`.
  struct chatlife_str participant;
  // `"customer"`, `"agent"`, `"supervisor"` or `"bot"`, with `participant`
  // where docs/rules.md §10 lists it.
  struct chatlife_str role;
  // `auto_disconnected`: the ids removed, `disconnected_len` of them.
  const struct chatlife_str *disconnected;
  size_t disconnected_len;
  // `transcript_message`.
  struct chatlife_str key;
  struct chatlife_str text;
  struct chatlife_str visible_to;
  // `timer_config_stored`: the whole stored configuration.
  struct chatlife_timers timers;
  // `reconnect_link_issued`. Secrets: never log them.
  struct chatlife_str url;
  struct chatlife_str token;
  // `no_reconnect_offer`, `reconnect_refused`, `reconnect_window_expired`;
  // absent when JSON has `null`.
  struct chatlife_str redirect_url;
  // `customer_reconnected`: `"link"` or `"prompt"`, and `same_agent`.
  struct chatlife_str method;
  bool same_agent;
  // `reconnect_refused`.
  bool start_new;
  // `capacity_changed`: units `used` of `capacity`; `capacity_bounded` is
  // false when the agent's capacity is unbounded (JSON `null`).
  struct chatlife_str agent;
  uint32_t used;
  uint32_t capacity;
  bool capacity_bounded;
  // `expiry_warning`: which timer (`"customer_auto_disconnect"`,
  // `"agent_auto_disconnect"`, `"inactivity"`, `"hold"`, `"auto_close"`,
  // `"max_duration"`, `"reconnect_window"`) ends at `deadline` (ms). Its
  // `participant` is absent for the conversation's own timers.
  struct chatlife_str timer;
  uint64_t deadline;
  // `conversation_inactive`: when the inactivity timer last (re)started, in ms.
  uint64_t since;
  // `hold_changed`: whether the conversation is now on hold; why is in
  // `reason` (`"agent"`, `"customer_message"`, `"customer_returned"`,
  // `"customer_inactive"`), as the JSON has it.
  bool on_hold;
} chatlife_event;

// Bytes chatlife made for the caller: a snapshot or an exported
// conversation (versioned JSON; store them as they are). The caller owns
// them and frees them with `chatlife_bytes_free`, which needs `data` and
// `len` as chatlife wrote them. An empty `chatlife_bytes` holds nothing:
// `chatlife_bytes b = {NULL, 0};` starts one, and `chatlife_bytes_free`
// leaves one.
typedef struct chatlife_bytes {
  uint8_t *data;
  size_t len;
} chatlife_bytes;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The version of the library actually linked, as `"MAJOR.MINOR.PATCH"`
// (NUL-terminated, static). Compare it with the `CHATLIFE_VERSION_*` macros
// of the header you compiled against.
const char *chatlife_version(void);

// Applies `commands_len` commands in order, then moves up to `events_cap`
// pending events (oldest first) into `events_out`: one call for a whole
// batch. A refused command does not stop the batch, exactly as when each is
// applied by its single-call function, one after the other.
//
// - `statuses_out[i]` receives the status of `commands[i]`: what its
//   single-call function would have returned.
// - `command_errors_out` is optional (NULL: statuses only). When given, it
//   has `commands_len` entries; `command_errors_out[i]` receives NULL for an
//   accepted command, or a new `chatlife_error` for a refused one, with the
//   message its single-call function would have given. Free each.
// - `*events_len_out` receives how many events were written to `events_out`,
//   `*events_pending_out` how many are still waiting: take them with another
//   call (`commands_len` 0 only drains) or with `chatlife_poll_event`.
//
// `commands` and `statuses_out` may be NULL when `commands_len` is 0, and
// `events_out` when `events_cap` is 0. The views of the events written live
// until the next `chatlife_apply_many` or `chatlife_poll_event` on the same
// engine, or `chatlife_engine_free`.
//
// The call itself fails only for its own arguments (a NULL pointer, an
// engine chatlife panicked in): then no command is applied and nothing is
// written but `*error_out`.
chatlife_status chatlife_apply_many(struct chatlife_engine *engine,
                                    const struct chatlife_command *commands,
                                    size_t commands_len,
                                    chatlife_status *statuses_out,
                                    struct chatlife_error **command_errors_out,
                                    struct chatlife_event *events_out,
                                    size_t events_cap,
                                    size_t *events_len_out,
                                    size_t *events_pending_out,
                                    struct chatlife_error **error_out);

// Makes an engine from configuration JSON (docs/rules.md §8; `"{}"` is valid). On
// success `*engine_out` owns the engine: free it with `chatlife_engine_free`.
// A bad configuration fails with `CHATLIFE_STATUS_INVALID_CONFIG` and a
// message naming the JSON path.
chatlife_status chatlife_engine_new(const char *config_json,
                                    size_t config_json_len,
                                    struct chatlife_engine **engine_out,
                                    struct chatlife_error **error_out);

// Frees an engine and every view it handed out. NULL is fine; freeing the
// same engine twice is not.
void chatlife_engine_free(struct chatlife_engine *engine);

// `start_conversation`: a new conversation whose customer joins with it.
// `policy`, `authenticated_as` and `display_name` are optional (NULL: absent).
chatlife_status chatlife_start_conversation(struct chatlife_engine *engine,
                                            uint64_t now,
                                            const char *conversation,
                                            size_t conversation_len,
                                            const char *customer,
                                            size_t customer_len,
                                            const char *policy,
                                            size_t policy_len,
                                            const char *authenticated_as,
                                            size_t authenticated_as_len,
                                            const char *display_name,
                                            size_t display_name_len,
                                            struct chatlife_error **error_out);

// `join`: `role` is a `chatlife_role`; `display_name` is optional.
chatlife_status chatlife_join(struct chatlife_engine *engine,
                              uint64_t now,
                              const char *conversation,
                              size_t conversation_len,
                              const char *participant,
                              size_t participant_len,
                              uint32_t role,
                              const char *display_name,
                              size_t display_name_len,
                              struct chatlife_error **error_out);

// `leave`: the participant leaves the conversation.
chatlife_status chatlife_leave(struct chatlife_engine *engine,
                               uint64_t now,
                               const char *conversation,
                               size_t conversation_len,
                               const char *participant,
                               size_t participant_len,
                               struct chatlife_error **error_out);

// `message`: the participant sent a message (resets their timers, R-T6).
chatlife_status chatlife_message(struct chatlife_engine *engine,
                                 uint64_t now,
                                 const char *conversation,
                                 size_t conversation_len,
                                 const char *participant,
                                 size_t participant_len,
                                 struct chatlife_error **error_out);

// `connection_lost`: the participant's transport dropped; the grace starts.
chatlife_status chatlife_connection_lost(struct chatlife_engine *engine,
                                         uint64_t now,
                                         const char *conversation,
                                         size_t conversation_len,
                                         const char *participant,
                                         size_t participant_len,
                                         struct chatlife_error **error_out);

// `connection_restored`: the transport came back within the grace.
chatlife_status chatlife_connection_restored(struct chatlife_engine *engine,
                                             uint64_t now,
                                             const char *conversation,
                                             size_t conversation_len,
                                             const char *participant,
                                             size_t participant_len,
                                             struct chatlife_error **error_out);

// `end`: the End button; a customer's end is "closed the chat window".
chatlife_status chatlife_end(struct chatlife_engine *engine,
                             uint64_t now,
                             const char *conversation,
                             size_t conversation_len,
                             const char *participant,
                             size_t participant_len,
                             struct chatlife_error **error_out);

// `close_session`: the agent closes the session window.
chatlife_status chatlife_close_session(struct chatlife_engine *engine,
                                       uint64_t now,
                                       const char *conversation,
                                       size_t conversation_len,
                                       const char *participant,
                                       size_t participant_len,
                                       struct chatlife_error **error_out);

// `hold`: the assigned agent parks an active conversation (docs/rules.md §14, H1).
// Refused with `CHATLIFE_STATUS_INVALID_STATE` when its policy does not
// enable hold, it is not active or already on hold, its customer has left,
// or `participant` is not its assigned agent.
chatlife_status chatlife_hold(struct chatlife_engine *engine,
                              uint64_t now,
                              const char *conversation,
                              size_t conversation_len,
                              const char *participant,
                              size_t participant_len,
                              struct chatlife_error **error_out);

// `resume`: the assigned agent ends the hold (H2). Refused as `hold` is,
// when not on hold, and with `CHATLIFE_STATUS_CAPACITY_EXCEEDED` when taking
// the units back would put the agent above capacity.
chatlife_status chatlife_resume(struct chatlife_engine *engine,
                                uint64_t now,
                                const char *conversation,
                                size_t conversation_len,
                                const char *participant,
                                size_t participant_len,
                                struct chatlife_error **error_out);

// `issue_reconnect_link`: emits `reconnect_link_issued` with the URL and token.
chatlife_status chatlife_issue_reconnect_link(struct chatlife_engine *engine,
                                              uint64_t now,
                                              const char *conversation,
                                              size_t conversation_len,
                                              struct chatlife_error **error_out);

// `reconnect`: by link, give `token` (and `authenticated_as` if the chat
// started signed in); by the prompt, give `conversation` and
// `authenticated_as`. All three are optional here (NULL: absent) so that the
// engine, not this binding, decides which combinations are valid, with the
// same messages as every other language.
chatlife_status chatlife_reconnect(struct chatlife_engine *engine,
                                   uint64_t now,
                                   const char *token,
                                   size_t token_len,
                                   const char *conversation,
                                   size_t conversation_len,
                                   const char *authenticated_as,
                                   size_t authenticated_as_len,
                                   struct chatlife_error **error_out);

// `returning_customer`: a signed-in customer is back; emits
// `reconnect_offered` per conversation they may resume, or `no_reconnect_offer`.
chatlife_status chatlife_returning_customer(struct chatlife_engine *engine,
                                            uint64_t now,
                                            const char *authenticated_as,
                                            size_t authenticated_as_len,
                                            struct chatlife_error **error_out);

// `decline_reconnect`: the customer declines the reconnect prompt.
chatlife_status chatlife_decline_reconnect(struct chatlife_engine *engine,
                                           uint64_t now,
                                           const char *conversation,
                                           size_t conversation_len,
                                           const char *authenticated_as,
                                           size_t authenticated_as_len,
                                           struct chatlife_error **error_out);

// `set_participant_timers`: stores the conversation's four timers (R-T4);
// `*timers` is read, not kept. A field of 0 turns that timer off; any other
// value must be 2–480 minutes.
chatlife_status chatlife_set_participant_timers(struct chatlife_engine *engine,
                                                uint64_t now,
                                                const char *conversation,
                                                size_t conversation_len,
                                                const struct chatlife_timers *timers,
                                                struct chatlife_error **error_out);

// `update_participant_role_config`: Amazon Connect's request body as JSON
// text (`{"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [...]}}}`, CFG4).
chatlife_status chatlife_update_participant_role_config(struct chatlife_engine *engine,
                                                        uint64_t now,
                                                        const char *conversation,
                                                        size_t conversation_len,
                                                        const char *request_json,
                                                        size_t request_json_len,
                                                        struct chatlife_error **error_out);

// `set_wait`: `wait_for` is a `chatlife_wait_for`.
chatlife_status chatlife_set_wait(struct chatlife_engine *engine,
                                  uint64_t now,
                                  const char *conversation,
                                  size_t conversation_len,
                                  uint32_t wait_for,
                                  struct chatlife_error **error_out);

// `set_agent_capacity`: the agent's capacity in units; `capacity` NULL
// means unbounded. `*capacity` is read, not kept.
chatlife_status chatlife_set_agent_capacity(struct chatlife_engine *engine,
                                            uint64_t now,
                                            const char *agent,
                                            size_t agent_len,
                                            const uint32_t *capacity,
                                            struct chatlife_error **error_out);

// `advance`: fires every timer due at or before `now` (docs/rules.md T3).
chatlife_status chatlife_advance(struct chatlife_engine *engine,
                                 uint64_t now,
                                 struct chatlife_error **error_out);

// The earliest pending timer deadline (docs/rules.md T5): sleep until then or the
// next command, then call `chatlife_advance`. On success
// `*has_deadline_out` says whether a timer is pending, and only then is
// `*deadline_out` written.
chatlife_status chatlife_next_deadline(struct chatlife_engine *engine,
                                       uint64_t *deadline_out,
                                       bool *has_deadline_out,
                                       struct chatlife_error **error_out);

// Applies one command given as JSON text, `{"op": "join", "conversation":
// ...}`, in the form of docs/rules.md §9 and §11 without `at`: the time is `now`.
// Errors are those of the typed function for the same command, plus
// `CHATLIFE_STATUS_INVALID_ARGUMENT` for JSON that is not a command.
chatlife_status chatlife_apply_json(struct chatlife_engine *engine,
                                    uint64_t now,
                                    const char *command_json,
                                    size_t command_json_len,
                                    struct chatlife_error **error_out);

// Checks a timed command as batches and scenario files write it, `{"at":
// "5s", "op": ...}` (`at` in integer ms or a duration string), without
// applying it: a host can refuse a malformed request before queueing it.
// On success writes its time in ms to `*at_out`.
chatlife_status chatlife_check_timed_command_json(const char *command_json,
                                                  size_t command_json_len,
                                                  uint64_t *at_out,
                                                  struct chatlife_error **error_out);

// Parses a duration string of docs/rules.md T6 (`"500ms"`, `"90s"`, `"1h30m"`) into
// milliseconds, written to `*ms_out` on success.
chatlife_status chatlife_parse_duration(const char *duration,
                                        size_t duration_len,
                                        uint64_t *ms_out,
                                        struct chatlife_error **error_out);

// The status of a failed call. A NULL `error` gives
// `CHATLIFE_STATUS_NULL_ARGUMENT`.
chatlife_status chatlife_error_code(const struct chatlife_error *error);

// The message of a failed call, naming the offending field first. The view
// lives as long as `error`; `data[len]` is a NUL, so `%s` works too. A NULL
// `error` gives an empty string.
struct chatlife_str chatlife_error_message(const struct chatlife_error *error);

// Frees an error. NULL is fine; freeing the same error twice is not.
void chatlife_error_free(struct chatlife_error *error);

// Takes the oldest event not yet taken. On success `*has_event_out` says
// whether there was one, and only then is `*event_out` written.
//
// Polling drops the previously polled event, and the events the last
// `chatlife_apply_many` wrote: their views become invalid. To take many
// events in one call, use `chatlife_apply_many` with no commands.
chatlife_status chatlife_poll_event(struct chatlife_engine *engine,
                                    struct chatlife_event *event_out,
                                    bool *has_event_out,
                                    struct chatlife_error **error_out);

// The canonical JSON line (docs/rules.md §10, no newline) of the event the last
// `chatlife_poll_event` on this engine returned. The view lives as long as
// that event's views do; `data[len]` is a NUL. `CHATLIFE_STATUS_NO_EVENT`
// when the last poll found no event, nothing was polled yet, or a
// `chatlife_apply_many` came after the poll.
chatlife_status chatlife_event_to_json(struct chatlife_engine *engine,
                                       struct chatlife_str *json_out,
                                       struct chatlife_error **error_out);

// Everything the engine holds (configuration, clock, conversations, every
// timer with its deadline and order, capacity, the token stream; token
// digests, never tokens) as bytes to keep and later continue from with
// `chatlife_restore` or `chatlife_engine_from_snapshot`. On success
// `*snapshot_out` receives bytes the caller owns: free them with
// `chatlife_bytes_free`.
//
// Events not yet polled are not part of a snapshot, so an engine restored
// from it never emits them: poll every pending event first
// (`chatlife_poll_event` until `*has_event_out` is false, or
// `chatlife_apply_many` without commands until `*events_pending_out` is 0).
chatlife_status chatlife_snapshot(struct chatlife_engine *engine,
                                  struct chatlife_bytes *snapshot_out,
                                  struct chatlife_error **error_out);

// Replaces the engine's whole state with a snapshot's: from then on it
// emits exactly the events the engine the snapshot was taken of would have.
// Events this engine had not yet given out are dropped with the rest of its
// state; views of events already polled stay valid as usual.
//
// Bytes that are not a snapshot this library reads (corrupted, truncated,
// from a newer version) fail with `CHATLIFE_STATUS_INVALID_ARGUMENT` and a
// message naming what is wrong (`snapshot.schema_version: ...`), and the
// engine is left exactly as it was.
chatlife_status chatlife_restore(struct chatlife_engine *engine,
                                 const uint8_t *snapshot,
                                 size_t snapshot_len,
                                 struct chatlife_error **error_out);

// A new engine continuing from a snapshot, as `chatlife_restore` would make
// one. On success `*engine_out` owns the engine: free it with
// `chatlife_engine_free`. Bytes that are not a snapshot this library reads
// fail as in `chatlife_restore`.
chatlife_status chatlife_engine_from_snapshot(const uint8_t *snapshot,
                                              size_t snapshot_len,
                                              struct chatlife_engine **engine_out,
                                              struct chatlife_error **error_out);

// Moves a conversation out of the engine, for `chatlife_import_conversation`
// on another one. Timers due at or before `now` fire first, as for any
// command, and the agent's units are released here (`capacity_changed`).
// On success `*conversation_bytes_out` receives bytes the caller owns (free
// them with `chatlife_bytes_free`) and the conversation is gone from this
// engine: keep the bytes until the import succeeded.
chatlife_status chatlife_export_conversation(struct chatlife_engine *engine,
                                             uint64_t now,
                                             const char *conversation,
                                             size_t conversation_len,
                                             struct chatlife_bytes *conversation_bytes_out,
                                             struct chatlife_error **error_out);

// Takes in a conversation `chatlife_export_conversation` moved out of
// another engine whose configuration has a policy of the same name. Its
// timers keep their deadlines (none may be before `now`) and its agent
// holds its units here again. Bytes that are not an exported conversation
// this library reads fail with `CHATLIFE_STATUS_INVALID_ARGUMENT`
// (`conversation_bytes: ...`); an id already in use, a missing policy or
// a full agent fail with their own status. On failure nothing changes.
chatlife_status chatlife_import_conversation(struct chatlife_engine *engine,
                                             uint64_t now,
                                             const uint8_t *conversation_bytes,
                                             size_t conversation_bytes_len,
                                             struct chatlife_error **error_out);

// Frees the bytes of a `chatlife_bytes` and empties it. NULL is fine, and
// so is an empty `chatlife_bytes`, so freeing the same one twice is
// harmless; freeing a copy of it as well is not.
void chatlife_bytes_free(struct chatlife_bytes *bytes);

// The stable snake_case name of a status (NUL-terminated, static; never
// free it). For engine errors it is the docs/rules.md E1 code, the same string every
// language reports: `chatlife_status_str(CHATLIFE_STATUS_INVALID_STATE)` is
// `"invalid_state"`. Any other number gives `"unknown_status"`.
//
// `status` is a `uint32_t` so that any number a host passes is safe to ask
// about.
const char *chatlife_status_str(uint32_t status);

#if defined(CHATLIFE_TEST_PANIC)
// Panics inside the boundary, inside `engine`'s core call when `engine` is
// not NULL. Returns `CHATLIFE_STATUS_PANIC`; the engine is unusable after.
chatlife_status chatlife_test_panic(struct chatlife_engine *engine,
                                    struct chatlife_error **error_out);
#endif

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CHATLIFE_H */
