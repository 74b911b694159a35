#!/usr/bin/env python3
"""Writes the C boundary's NULL-argument test from include/chatlife.h.

For every function the header declares and every pointer parameter it takes,
the generated program makes one call with that pointer NULL and every other
argument valid, and checks what the header promises:

- a required pointer gives CHATLIFE_STATUS_NULL_ARGUMENT, an error naming the
  parameter first, no output written, no event emitted and the engine's
  snapshot unchanged (with `error_out` given, and again with `error_out` NULL);
- a pointer the header allows to be NULL does not fail for that reason (free
  functions just return; chatlife_error_message gives an empty string);
- every call with all arguments valid gives its expected status, so a
  NULL_ARGUMENT above is the NULL's doing.

Strings and byte arguments are passed NULL with length 0 and NULL with their
valid length.

The generator reads the function list from the header each time, so a new
function is covered or refused: it fails when it cannot fill a parameter,
when a function's comment says something about NULL that NULL_DOCS does not
record, or when a NULL_DOCS entry no longer matches the header.

Usage: gen_null_tests.py HEADER OUTPUT.c [--exports NM_OUTPUT]
(--exports: `nm -D --defined-only` of the library; every chatlife_ symbol it
exports must be declared in the header, so none escapes this test.)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field

# The header's preamble rule that makes every `error_out` optional.
ERROR_OUT_RULE = "The last parameter, `error_out`, may be NULL."


@dataclass
class Allowance:
    """What NULL gives for one parameter, and the header's words for it."""
    gives: str
    words: str
    when: dict = field(default_factory=dict)  # other arguments under which NULL is allowed


OPTIONAL_STRINGS = "`policy`, `authenticated_as` and `display_name` are optional (NULL: absent)"
RECONNECT_OPTIONAL = "All three are optional here (NULL: absent)"
EMPTY_BATCH = "`commands` and `statuses_out` may be NULL when `commands_len` is 0, and `events_out` when `events_cap` is 0"

# Everything a function's comment says about NULL arguments, by (function,
# parameter). The words must appear in that function's comment, and each
# sentence of a function comment that mentions NULL or "optional" must
# contain words recorded here or in NOT_ABOUT_NULL_ARGUMENTS.
#   "accepted": NULL is allowed (under `when`, if given; without it, NULL
#       gives NULL_ARGUMENT): the call must not fail with NULL_ARGUMENT.
#   "null_argument": NULL gives CHATLIFE_STATUS_NULL_ARGUMENT, the rule for
#       every pointer not listed here; listed only to account for the words.
#   "empty_string": NULL gives an empty chatlife_str.
NULL_DOCS = {
    ("chatlife_engine_free", "engine"): Allowance("accepted", "NULL is fine"),
    ("chatlife_error_free", "error"): Allowance("accepted", "NULL is fine"),
    ("chatlife_bytes_free", "bytes"): Allowance("accepted", "NULL is fine"),
    ("chatlife_start_conversation", "policy"): Allowance("accepted", OPTIONAL_STRINGS),
    ("chatlife_start_conversation", "authenticated_as"): Allowance("accepted", OPTIONAL_STRINGS),
    ("chatlife_start_conversation", "display_name"): Allowance("accepted", OPTIONAL_STRINGS),
    ("chatlife_join", "display_name"): Allowance("accepted", "`display_name` is optional"),
    ("chatlife_reconnect", "token"): Allowance("accepted", RECONNECT_OPTIONAL),
    ("chatlife_reconnect", "conversation"): Allowance("accepted", RECONNECT_OPTIONAL),
    ("chatlife_reconnect", "authenticated_as"): Allowance("accepted", RECONNECT_OPTIONAL),
    ("chatlife_set_agent_capacity", "capacity"): Allowance("accepted", "`capacity` NULL means unbounded"),
    ("chatlife_error_code", "error"): Allowance("null_argument", "A NULL `error` gives `CHATLIFE_STATUS_NULL_ARGUMENT`"),
    ("chatlife_error_message", "error"): Allowance("empty_string", "A NULL `error` gives an empty string"),
    ("chatlife_test_panic", "engine"): Allowance("accepted", "when `engine` is not NULL"),
    ("chatlife_apply_many", "command_errors_out"): Allowance(
        "accepted", "`command_errors_out` is optional (NULL: statuses only)"),
    ("chatlife_apply_many", "commands"): Allowance("accepted", EMPTY_BATCH, {"commands_len": "0"}),
    ("chatlife_apply_many", "statuses_out"): Allowance("accepted", EMPTY_BATCH, {"commands_len": "0"}),
    ("chatlife_apply_many", "events_out"): Allowance("accepted", EMPTY_BATCH, {"events_cap": "0"}),
}

# Words about NULL in a function's comment that allow no NULL argument.
NOT_ABOUT_NULL_ARGUMENTS = {
    "chatlife_apply_many": [
        "receives NULL for an accepted command",  # what it writes
        "(a NULL pointer, an engine chatlife panicked in)",  # the NULL_ARGUMENT rule
    ],
}

# Preprocessor conditions a declaration may sit under: mk/c.mk builds the
# test a second time with -DCHATLIFE_TEST_PANIC, against the library built
# with that feature, so the test-only function is called too.
KNOWN_GUARDS = {"defined(CHATLIFE_TEST_PANIC)"}

# Valid strings by parameter name, for the fixture engine of FIXTURE_C
# (conversation c1, active: customer cu signed in as id-1, agent ag).
STRINGS = {
    "config_json": "{}",
    "conversation": "c1",
    "participant": "cu",
    "customer": "cu2",
    "policy": "default",
    "authenticated_as": "id-1",
    "display_name": "Kim",
    "agent": "ag",
    "request_json": json.dumps({"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [
        {"ParticipantRole": "CUSTOMER", "TimerType": "IDLE",
         "TimerValue": {"ParticipantTimerDurationInMinutes": 2}}]}}}),
    "duration": "1m30s",
}
# Strings only the fixture knows (C expressions for pointer and length).
RUNTIME_STRINGS = {"token": ("fx.token", "fx.token_len")}
# Byte arguments (`const uint8_t *x`, `size_t x_len`), all made by the
# fixture: pointer, length, and the fixture part that makes them.
BYTES = {
    "snapshot": ("fx.snapshot.data", "fx.snapshot.len", "snapshot"),
    "conversation_bytes": ("fx.exported.data", "fx.exported.len", "exported"),
}

# Scalars by (type, name): the C expression, and the FIXTURE_EXTRAS it uses.
SCALARS = {
    ("uint64_t", "now"): ("FIXTURE_NOW", None),
    ("uint32_t", "role"): ("CHATLIFE_ROLE_SUPERVISOR", None),
    ("uint32_t", "wait_for"): ("CHATLIFE_WAIT_FOR_CUSTOMER", None),
    ("uint32_t", "status"): ("CHATLIFE_STATUS_INVALID_STATE", None),
    ("size_t", "commands_len"): ("FIXTURE_COMMANDS_LEN", "batch"),
    ("size_t", "events_cap"): ("FIXTURE_EVENTS_CAP", "batch"),
}

# Non-string inputs by (type, name): the C expression, the fixture part it
# needs ("engine", "error", "snapshot" or None), and the FIXTURE_EXTRAS it uses.
INPUTS = {
    ("struct chatlife_engine *", "engine"): ("fx.engine", "engine", None),
    ("const struct chatlife_error *", "error"): ("fx.error", "error", None),
    ("struct chatlife_error *", "error"): ("fx.error", "error", None),
    ("const struct chatlife_timers *", "timers"): ("&fixture_timers", None, None),
    ("const uint32_t *", "capacity"): ("&fixture_capacity", None, None),
    ("const struct chatlife_command *", "commands"): ("fixture_commands", None, "batch"),
    ("struct chatlife_bytes *", "bytes"): ("&fx.snapshot", "snapshot", None),
}

# Free functions that take the address of what they free empty it: by
# parameter type, what is true of it after a valid call ({v}: the freed value).
EMPTIED_BY_FREE = {
    "struct chatlife_bytes *": "{v}.data == NULL && {v}.len == 0",
}

# Output parameters (`*_out`) by pointee type: how to release what a
# successful call wrote there ({v}: the output), or None.
OUTPUTS = {
    "uint64_t": None,
    "size_t": None,
    "bool": None,
    "struct chatlife_event": None,
    "struct chatlife_str": None,
    "struct chatlife_engine *": "chatlife_engine_free({v})",
    "struct chatlife_bytes": "chatlife_bytes_free(&{v})",
}

# Output arrays by (type, name): their length, how to release what a
# successful call wrote there ({v}: the array, {name}: the argument passed
# for parameter `name`), and the FIXTURE_EXTRAS they use.
ARRAY_OUTPUTS = {
    ("chatlife_status *", "statuses_out"): ("FIXTURE_COMMANDS_LEN", None, "batch"),
    ("struct chatlife_error **", "command_errors_out"): (
        "FIXTURE_COMMANDS_LEN", "release_errors({v}, {commands_len})", "batch"),
    ("struct chatlife_event *", "events_out"): ("FIXTURE_EVENTS_CAP", None, "batch"),
}

# C for the values above that only some headers have a use for (emitted only
# when used, so the test still compiles once the types they name are gone).
FIXTURE_EXTRAS = {
    "batch": r"""
/* One command that emits an event (so a batch applied by mistake shows) and
 * one that is refused (so both kinds of command_errors_out entry are written). */
#define FIXTURE_COMMANDS_LEN 2
static const chatlife_command fixture_commands[FIXTURE_COMMANDS_LEN] = {
    {.op = CHATLIFE_OP_SET_AGENT_CAPACITY, .at = FIXTURE_NOW, .agent = {"ag", 2}, .capacity = 3,
     .capacity_bounded = true},
    {.op = CHATLIFE_OP_LEAVE, .at = FIXTURE_NOW, .conversation = {"c1", 2}, .participant = {"nobody", 6}},
};
#define FIXTURE_EVENTS_CAP 8

static void release_errors(chatlife_error **errors, size_t len) {
    for (size_t i = 0; i < len; i++) chatlife_error_free(errors[i]);
}
""",
}


# What a function needs beyond the generic values so that its call with
# every argument valid succeeds.
@dataclass
class Needs:
    setup: str | None = None  # a fixture_setup_* function of FIXTURE_C
    strings: dict = field(default_factory=dict)
    expected: str = "CHATLIFE_STATUS_OK"  # status of the call with every argument valid


NEEDS = {
    "chatlife_start_conversation": Needs(strings={"conversation": "c2"}),
    "chatlife_join": Needs(strings={"participant": "sv"}),
    "chatlife_connection_restored": Needs(setup="fixture_setup_customer_lost"),
    # With all three given the engine refuses the mix of link and prompt
    # (docs/rules.md §9); each NULL below then makes it one or the other.
    "chatlife_reconnect": Needs(setup="fixture_setup_link_and_lost", expected="CHATLIFE_STATUS_INVALID_ARGUMENT"),
    "chatlife_decline_reconnect": Needs(setup="fixture_setup_offer"),
    "chatlife_close_session": Needs(setup="fixture_setup_wrap_up", strings={"participant": "ag"}),
    "chatlife_hold": Needs(strings={"participant": "ag"}),
    "chatlife_resume": Needs(setup="fixture_setup_on_hold", strings={"participant": "ag"}),
    "chatlife_event_to_json": Needs(setup="fixture_setup_polled_event"),
    "chatlife_apply_json": Needs(strings={"command_json": '{"op":"message","conversation":"c1","participant":"cu"}'}),
    "chatlife_check_timed_command_json": Needs(strings={"command_json": '{"at":"5s","op":"advance"}'}),
    "chatlife_error_code": Needs(expected="FIXTURE_ERROR_STATUS"),
    "chatlife_test_panic": Needs(expected="CHATLIFE_STATUS_PANIC"),
}

FIXTURE_C = r"""
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define S CHATLIFE_STR_ARG
#define FIXTURE_NOW 1000
/* Reconnect on, so that link, prompt and decline calls can succeed; hold
 * on, so that hold and resume can. */
static const char fixture_config[] =
    "{\"seed\": 1, \"policies\": {\"default\": {\"reconnect\": "
    "{\"enabled\": true, \"portal_url\": \"https://example.com/chat\"}, \"hold\": {\"enabled\": true}}}}";
static const chatlife_timers fixture_timers = {0, 0, 0, 0};
static const uint32_t fixture_capacity = 2;
/* The fixture's error comes from a refused duration. */
#define FIXTURE_ERROR_STATUS CHATLIFE_STATUS_INVALID_ARGUMENT
/* Outputs start as this byte so that a write is seen. */
#define UNWRITTEN 0xA5

/* What fixture_open makes, as bits of its `parts`. */
#define FIXTURE_ENGINE 1u   /* fx.engine */
#define FIXTURE_ERROR 2u    /* fx.error */
#define FIXTURE_SNAPSHOT 4u /* fx.snapshot, of an engine unlike fx.engine */
#define FIXTURE_EXPORTED 8u /* fx.exported, a conversation fx.engine can import */

struct fixture {
    chatlife_engine *engine;
    chatlife_error *error;
    char token[512];
    size_t token_len;
    chatlife_bytes snapshot;
    chatlife_bytes exported;
};

static void fixture_must(chatlife_status got, chatlife_error *err, const char *call) {
    if (got != CHATLIFE_STATUS_OK) {
        fprintf(stderr, "fixture: %s gave %s: %s\n", call, chatlife_status_str(got), chatlife_error_message(err).data);
        chatlife_error_free(err);
        exit(2);
    }
}

/* `call` uses `&err` as its error_out. */
#define FIXTURE_MUST(call)                     \
    do {                                       \
        chatlife_error *err = NULL;            \
        fixture_must((call), err, #call);      \
    } while (0)

static bool fixture_poll(chatlife_engine *engine, chatlife_event *event) {
    bool has_event = false;
    FIXTURE_MUST(chatlife_poll_event(engine, event, &has_event, &err));
    return has_event;
}

static void fixture_drain(chatlife_engine *engine) {
    chatlife_event event;
    while (fixture_poll(engine, &event)) {
    }
}

/* inline: a setup no function needs any more draws no unused warning. */
static inline void fixture_setup_customer_lost(struct fixture *fx) {
    FIXTURE_MUST(chatlife_connection_lost(fx->engine, FIXTURE_NOW, S("c1"), S("cu"), &err));
    fixture_drain(fx->engine);
}

static inline void fixture_setup_link_and_lost(struct fixture *fx) {
    FIXTURE_MUST(chatlife_issue_reconnect_link(fx->engine, FIXTURE_NOW, S("c1"), &err));
    chatlife_event event;
    while (fixture_poll(fx->engine, &event)) {
        if (event.type == CHATLIFE_EVENT_TYPE_RECONNECT_LINK_ISSUED && event.token.len < sizeof fx->token) {
            memcpy(fx->token, event.token.data, event.token.len);
            fx->token_len = event.token.len;
        }
    }
    if (fx->token_len == 0) {
        fprintf(stderr, "fixture: issue_reconnect_link gave no token\n");
        exit(2);
    }
    fixture_setup_customer_lost(fx);
}

static inline void fixture_setup_offer(struct fixture *fx) {
    fixture_setup_customer_lost(fx);
    FIXTURE_MUST(chatlife_returning_customer(fx->engine, FIXTURE_NOW, S("id-1"), &err));
    fixture_drain(fx->engine);
}

static inline void fixture_setup_wrap_up(struct fixture *fx) {
    FIXTURE_MUST(chatlife_end(fx->engine, FIXTURE_NOW, S("c1"), S("ag"), &err));
    fixture_drain(fx->engine);
}

static inline void fixture_setup_on_hold(struct fixture *fx) {
    FIXTURE_MUST(chatlife_hold(fx->engine, FIXTURE_NOW, S("c1"), S("ag"), &err));
    fixture_drain(fx->engine);
}

/* Ends with a polled event, the one chatlife_event_to_json shows. */
static inline void fixture_setup_polled_event(struct fixture *fx) {
    FIXTURE_MUST(chatlife_set_agent_capacity(fx->engine, FIXTURE_NOW, S("ag"), &fixture_capacity, &err));
    chatlife_event event;
    if (!fixture_poll(fx->engine, &event)) {
        fprintf(stderr, "fixture: set_agent_capacity emitted no event\n");
        exit(2);
    }
}

/* Conversation c9 (customer cu9, agent ag holding a unit), exported by an
 * engine of the same configuration: importing it emits capacity_changed. */
static void fixture_export(struct fixture *fx) {
    chatlife_engine *source = NULL;
    FIXTURE_MUST(chatlife_engine_new(fixture_config, sizeof fixture_config - 1, &source, &err));
    FIXTURE_MUST(chatlife_start_conversation(source, FIXTURE_NOW, S("c9"), S("cu9"), NULL, 0, NULL, 0, NULL, 0, &err));
    FIXTURE_MUST(chatlife_join(source, FIXTURE_NOW, S("c9"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    fixture_drain(source);
    FIXTURE_MUST(chatlife_export_conversation(source, FIXTURE_NOW, S("c9"), &fx->exported, &err));
    chatlife_engine_free(source);
}

/* The engine: conversation c1, active, customer cu signed in as id-1, agent
 * ag, then `setup`; no event pending. The snapshot is of that engine before
 * ag joined, so restoring it changes the engine. */
static void fixture_open(struct fixture *fx, unsigned parts, void (*setup)(struct fixture *)) {
    memset(fx, 0, sizeof *fx);
    if (parts & (FIXTURE_ENGINE | FIXTURE_SNAPSHOT)) {
        FIXTURE_MUST(chatlife_engine_new(fixture_config, sizeof fixture_config - 1, &fx->engine, &err));
        FIXTURE_MUST(chatlife_start_conversation(fx->engine, FIXTURE_NOW, S("c1"), S("cu"), NULL, 0, S("id-1"),
                                                 NULL, 0, &err));
        fixture_drain(fx->engine);
        if (parts & FIXTURE_SNAPSHOT) FIXTURE_MUST(chatlife_snapshot(fx->engine, &fx->snapshot, &err));
        FIXTURE_MUST(chatlife_join(fx->engine, FIXTURE_NOW, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
        fixture_drain(fx->engine);
        if (!(parts & FIXTURE_ENGINE)) {
            chatlife_engine_free(fx->engine);
            fx->engine = NULL;
        } else if (setup != NULL) {
            setup(fx);
        }
    }
    if (parts & FIXTURE_EXPORTED) fixture_export(fx);
    if (parts & FIXTURE_ERROR) {
        uint64_t ms = 0;
        chatlife_status got = chatlife_parse_duration(S("soon"), &ms, &fx->error);
        if (got != FIXTURE_ERROR_STATUS || fx->error == NULL) {
            fprintf(stderr, "fixture: parse_duration(\"soon\") gave %s\n", chatlife_status_str(got));
            exit(2);
        }
    }
}

static void fixture_close(struct fixture *fx) {
    chatlife_engine_free(fx->engine);
    chatlife_error_free(fx->error);
    chatlife_bytes_free(&fx->snapshot);
    chatlife_bytes_free(&fx->exported);
}

static void expect(bool ok, const char *call, const char *what) {
    if (ok) {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "FAIL %s: %s\n", call, what);
    }
}

static bool unwritten(const void *out, size_t size) {
    const unsigned char *bytes = out;
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] != UNWRITTEN) return false;
    }
    return true;
}

/* Nothing emitted: a failed call changes nothing. */
static bool quiet(chatlife_engine *engine) {
    if (engine == NULL) return true;
    chatlife_event event;
    bool has_event = true;
    return chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && !has_event;
}

/* The engine's whole state (empty without an engine). */
static chatlife_bytes fixture_state(chatlife_engine *engine) {
    chatlife_bytes state = {NULL, 0};
    if (engine != NULL) FIXTURE_MUST(chatlife_snapshot(engine, &state, &err));
    return state;
}

/* The engine's state is still `*before`, which this frees. */
static bool unchanged(chatlife_engine *engine, chatlife_bytes *before) {
    chatlife_bytes after = fixture_state(engine);
    bool same = after.len == before->len && (after.len == 0 || memcmp(after.data, before->data, after.len) == 0);
    chatlife_bytes_free(&after);
    chatlife_bytes_free(before);
    return same;
}

static void expect_status(const char *call, chatlife_status got, chatlife_status expected, chatlife_error *err) {
    if (got == expected) {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "FAIL %s: expected %s, got %s: %s\n", call, chatlife_status_str(expected),
                chatlife_status_str(got), err != NULL ? chatlife_error_message(err).data : "(no error_out)");
    }
}

/* A NULL where the header requires a pointer: NULL_ARGUMENT, and with
 * error_out an error naming `param` first. */
static void expect_null_argument(const char *call, const char *param, chatlife_status got, bool has_error_out,
                                 chatlife_error *err) {
    expect_status(call, got, CHATLIFE_STATUS_NULL_ARGUMENT, err);
    if (!has_error_out) return;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s: ", param);
    chatlife_str message = chatlife_error_message(err);
    expect(err != NULL && chatlife_error_code(err) == CHATLIFE_STATUS_NULL_ARGUMENT, call,
           "*error_out holds no null_argument error");
    expect(message.data != NULL && message.len >= strlen(prefix) && memcmp(message.data, prefix, strlen(prefix)) == 0,
           call, "the error does not name the NULL parameter first");
}

/* A NULL the header allows: whatever the call gives, not NULL_ARGUMENT. */
static void expect_accepted(const char *call, const char *param, chatlife_status got, chatlife_error *err) {
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s: ", param);
    chatlife_str message = chatlife_error_message(err);
    expect(got != CHATLIFE_STATUS_NULL_ARGUMENT, call, "NULL is allowed here, yet the call gave null_argument");
    expect(err == NULL || message.len < strlen(prefix) || memcmp(message.data, prefix, strlen(prefix)) != 0, call,
           "NULL is allowed here, yet the error names this parameter");
}
"""


@dataclass
class Param:
    ctype: str
    name: str

    @property
    def is_pointer(self):
        return self.ctype.endswith("*")


@dataclass
class Function:
    name: str
    returns: str
    params: list
    comment_lines: list
    guard: str | None
    line: int

    @property
    def comment(self):
        return " ".join(l for l in self.comment_lines if l)


class HeaderError(Exception):
    pass


def normalize_type(text):
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*\*", "*", text)
    return re.sub(r"(?<=\w)\*", " *", text)


def split_decl(text, line):
    """`const char *name` -> (type, name)."""
    match = re.fullmatch(r"(.*?)(\w+)", text.strip(), re.S)
    if not match or not match.group(1).strip():
        raise HeaderError(f"line {line}: cannot read the declaration {text.strip()!r}")
    return normalize_type(match.group(1)), match.group(2)


def parse_header(text):
    """Every function declaration, with its comment and preprocessor guard."""
    functions = []
    comment = []
    guards = []  # (condition, whether it selects declarations)
    lines = text.split("\n")
    i = 0
    in_block_comment = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if in_block_comment:
            in_block_comment = "*/" not in line
            i += 1
            continue
        if stripped.startswith("/*"):
            in_block_comment = "*/" not in stripped
            comment = []
            i += 1
            continue
        if stripped.startswith("//"):
            comment.append(stripped[2:].strip())
            i += 1
            continue
        if stripped.startswith("#"):
            directive = re.match(r"#\s*(\w+)\s*(.*)", stripped)
            keyword, rest = directive.group(1), directive.group(2).split("//")[0].strip()
            if keyword in ("if", "ifdef", "ifndef"):
                condition = {"ifdef": f"defined({rest})", "ifndef": f"!defined({rest})"}.get(keyword, rest)
                # The include guard and the C/C++ plumbing select no function.
                plumbing = ("__cplusplus" in condition or "__STDC_VERSION__" in condition
                            or condition == "!defined(CHATLIFE_H)")
                guards.append((condition, not plumbing))
            elif keyword in ("elif", "else"):
                if guards and guards[-1][1]:
                    raise HeaderError(f"line {i + 1}: #{keyword} of #if {guards[-1][0]} is not handled; "
                                      "teach the generator")
            elif keyword == "endif":
                guards.pop()
            comment = []
            i += 1
            continue
        match = re.match(r"(?!typedef\b|enum\b|extern\b)[A-Za-z_].*?\b(chatlife_\w+)\s*\(", line)
        if match:
            start = i
            decl = line
            while ";" not in decl:
                i += 1
                if i == len(lines):
                    raise HeaderError(f"line {start + 1}: the declaration of {match.group(1)} never ends")
                decl += "\n" + lines[i]
            head, _, rest = decl.partition("(")
            params_text = rest.rsplit(")", 1)[0]
            if "(" in params_text:
                raise HeaderError(f"line {start + 1}: {match.group(1)} takes a function pointer; "
                                  "teach the generator")
            returns, name = split_decl(head, start + 1)
            params = [] if params_text.strip() == "void" else [
                Param(*split_decl(p, start + 1)) for p in params_text.split(",")]
            active = [c for c, selects in guards if selects]
            if len(active) > 1:
                raise HeaderError(f"line {start + 1}: {name} is under nested conditions {active}")
            functions.append(Function(name, returns, params, comment, active[0] if active else None, start + 1))
            comment = []
            i += 1
            continue
        if stripped == "":
            comment = []
        i += 1
    return functions


def declared_names(text):
    """Names followed by `(` outside comments and preprocessor lines: every
    function the header declares, found without the parser above."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    code = [l for l in text.split("\n") if not l.lstrip().startswith(("//", "#"))]
    return set(re.findall(r"\b(chatlife_\w+)\s*\(", "\n".join(code)))


def sentences(comment_lines):
    """The sentences of a comment; paragraphs and list items end one too."""
    chunks, chunk = [], []
    for line in comment_lines + [""]:
        if (not line or line.startswith(("- ", "| "))) and chunk:
            chunks.append(" ".join(chunk))
            chunk = []
        if line:
            chunk.append(line)
    return [s for c in chunks for s in re.split(r"(?<=\.)\s+(?=[A-Z`])", c)]


def check_null_docs(functions, preamble):
    if ERROR_OUT_RULE not in " ".join(l.strip(" *") for l in preamble.split("\n")):
        raise HeaderError(f"the header's preamble no longer says {ERROR_OUT_RULE!r}; "
                          "update ERROR_OUT_RULE and how error_out is tested")
    by_name = {f.name: f for f in functions}
    for (fn, param), allowance in NULL_DOCS.items():
        if fn not in by_name:
            raise HeaderError(f"NULL_DOCS names {fn}, which the header no longer declares")
        function = by_name[fn]
        params = {p.name: p for p in function.params}
        pointers = [p.name for p in function.params if p.is_pointer]
        if param not in pointers:
            raise HeaderError(f"NULL_DOCS names {fn}({param}), which is not a pointer parameter of it")
        if allowance.words not in function.comment:
            raise HeaderError(f"{fn}'s comment no longer says {allowance.words!r} (NULL_DOCS, for {param})")
        if f"`{param}`" not in function.comment and len(pointers) > 1:
            raise HeaderError(f"{fn}'s comment does not name `{param}`, so {allowance.words!r} may not be about it")
        for other in allowance.when:
            if other not in params or params[other].is_pointer or f"`{other}`" not in allowance.words:
                raise HeaderError(f"NULL_DOCS: {fn}({param}) is allowed when `{other}` is ..., "
                                  "which those words or its parameters do not name")
    for fn, words_list in NOT_ABOUT_NULL_ARGUMENTS.items():
        for words in words_list:
            if fn not in by_name or words not in by_name[fn].comment:
                raise HeaderError(f"NOT_ABOUT_NULL_ARGUMENTS: {fn}'s comment no longer says {words!r}")
    for function in functions:
        recorded = [a.words for (fn, _), a in NULL_DOCS.items() if fn == function.name]
        recorded += NOT_ABOUT_NULL_ARGUMENTS.get(function.name, [])
        for sentence in sentences(function.comment_lines):
            if re.search(r"\bNULL\b|\boptional\b", sentence) and not any(w in sentence for w in recorded):
                raise HeaderError(f"{function.name}'s comment says {sentence!r}: record in NULL_DOCS what "
                                  "NULL gives for the parameter it is about (or in NOT_ABOUT_NULL_ARGUMENTS)")
        for index, param in enumerate(function.params):
            if param.name == "error_out" and index != len(function.params) - 1:
                raise HeaderError(f"{function.name}: error_out is not the last parameter, as the preamble says")


def c_literal(text):
    if not (text.isascii() and text.isprintable()):
        raise HeaderError(f"test strings are printable ASCII, so that JSON quoting is C quoting: {text!r}")
    return json.dumps(text)


@dataclass
class Slot:
    """One argument as the generated code passes it: one C parameter, or a
    string's pointer and length."""
    params: list
    valid: list  # C expressions, one per parameter
    kind: str  # engine, error, snapshot, string, bytes, input, output, error_out, scalar
    needs: str | None = None  # fixture part: engine, error, snapshot or exported
    release: str | None = None  # releases an output a successful call wrote ({v})
    extra: str | None = None  # a FIXTURE_EXTRAS key
    array_len: str | None = None  # for output arrays

    @property
    def name(self):
        return self.params[0].name


def plan_slots(function):
    """The valid arguments of `function`, or HeaderError naming what is unknown."""
    needs = NEEDS.get(function.name, Needs())
    slots = []
    params = function.params
    i = 0
    while i < len(params):
        p = params[i]
        key = (p.ctype, p.name)
        where = f"{function.name}({p.ctype}{'' if p.is_pointer else ' '}{p.name})"
        if p.ctype == "const char *":
            if i + 1 >= len(params) or params[i + 1] != Param("size_t", f"{p.name}_len"):
                raise HeaderError(f"{where}: a string without its `{p.name}_len`; teach the generator")
            if p.name in needs.strings or p.name in STRINGS:
                text = needs.strings.get(p.name, STRINGS.get(p.name))
                slot = Slot([p, params[i + 1]], [c_literal(text), str(len(text.encode()))], "string")
            elif p.name in RUNTIME_STRINGS:
                slot = Slot([p, params[i + 1]], list(RUNTIME_STRINGS[p.name]), "string", "engine")
            else:
                raise HeaderError(f"{where}: no valid string for `{p.name}`; add one to STRINGS or NEEDS")
            slots.append(slot)
            i += 2
            continue
        if p.ctype == "const uint8_t *":
            if i + 1 >= len(params) or params[i + 1] != Param("size_t", f"{p.name}_len"):
                raise HeaderError(f"{where}: bytes without their `{p.name}_len`; teach the generator")
            if p.name not in BYTES:
                raise HeaderError(f"{where}: no valid bytes for `{p.name}`; add them to BYTES")
            data, length, part = BYTES[p.name]
            slots.append(Slot([p, params[i + 1]], [data, length], "bytes", part))
            i += 2
            continue
        if p.name == "error_out":
            if p.ctype != "struct chatlife_error **":
                raise HeaderError(f"{where}: error_out of an unexpected type")
            slots.append(Slot([p], ["&err"], "error_out"))
        elif key in INPUTS:
            expr, part, extra = INPUTS[key]
            slots.append(Slot([p], [expr], part or "input", part, extra=extra))
        elif key in ARRAY_OUTPUTS:
            length, release, extra = ARRAY_OUTPUTS[key]
            slots.append(Slot([p], [f"out_{p.name}"], "output", release=release, extra=extra, array_len=length))
        elif p.is_pointer and p.name.endswith("_out") and not p.ctype.startswith("const "):
            pointee = p.ctype[:-1].strip()
            if pointee not in OUTPUTS:
                raise HeaderError(f"{where}: an output of type {pointee}; add it to OUTPUTS (or ARRAY_OUTPUTS)")
            slots.append(Slot([p], [f"&out_{p.name}"], "output", release=OUTPUTS[pointee]))
        elif p.is_pointer:
            raise HeaderError(f"{where}: no valid pointer for it; add one to INPUTS")
        elif key in SCALARS:
            expr, extra = SCALARS[key]
            slots.append(Slot([p], [expr], "scalar", extra=extra))
        else:
            raise HeaderError(f"{where}: no valid value for it; add one to SCALARS")
        i += 1
    unused = set(needs.strings) - {s.name for s in slots if s.kind == "string"}
    if unused:
        raise HeaderError(f"NEEDS[{function.name!r}] gives strings for {sorted(unused)}, not parameters of it")
    return slots


@dataclass
class Case:
    """One call: the slot `null` (if any) given `null_args`, others valid or
    as `overrides` (by parameter name) say."""
    label: str
    expect: str  # valid, null_argument, accepted, empty_string
    null: int | None = None
    null_args: list = field(default_factory=list)
    overrides: dict = field(default_factory=dict)
    with_error_out: bool = True


class Emitter:
    def __init__(self):
        self.out = []
        self.calls = 0

    def line(self, text=""):
        self.out.append(text)

    def case(self, function, slots, case):
        self.calls += 1
        needs = NEEDS.get(function.name, Needs())
        parts = {s.needs for s in slots if s.needs}
        has_error_out = any(s.kind == "error_out" for s in slots)
        args, shown, passed = [], [], {}
        for index, slot in enumerate(slots):
            passed[slot.name] = case.overrides.get(slot.name, slot.valid[0])
            if index == case.null:
                args += case.null_args
            elif slot.kind == "error_out" and not case.with_error_out:
                args.append("NULL")
                shown.append("error_out=NULL")
                continue
            elif slot.name in case.overrides:
                args.append(case.overrides[slot.name])
                shown.append(f"{slot.name}={case.overrides[slot.name]}")
                continue
            else:
                args += slot.valid
            shown.append(case.label if index == case.null else slot.name)
        description = c_literal(f"{function.name}({', '.join(shown)})")
        self.line(f"    {{ /* {description[1:-1]} */")
        self.line("        struct fixture fx;")
        flags = " | ".join(f"FIXTURE_{part.upper()}" for part in sorted(parts)) or "0"
        self.line(f"        fixture_open(&fx, {flags}, {needs.setup or 'NULL'});")
        if has_error_out:
            self.line("        chatlife_error *err = NULL;")
        outputs = [s for i, s in enumerate(slots) if s.kind == "output" and i != case.null]
        for slot in outputs:
            pointee = slot.params[0].ctype[:-1].strip()
            array = f"[{slot.array_len}]" if slot.array_len else ""
            self.line(f"        {pointee} out_{slot.name}{array};")
            self.line(f"        memset(&out_{slot.name}, UNWRITTEN, sizeof out_{slot.name});")
        # A failed call must leave the whole engine as it was: its snapshot
        # before and after are compared.
        watch_state = case.expect == "null_argument" and "engine" in parts
        if watch_state:
            self.line("        chatlife_bytes before = fixture_state(fx.engine);")
        call = f"{function.name}({', '.join(args)})"
        result = {"chatlife_status": "chatlife_status got = ", "void": "",
                  "struct chatlife_str": "chatlife_str got = ", "const char *": "const char *got = "}
        self.line(f"        {result[function.returns]}{call};")
        err = "err" if has_error_out and case.with_error_out else "NULL"
        param = c_literal(slots[case.null].name) if case.null is not None else None
        returns = function.returns
        if case.expect == "null_argument":
            self.line(f"        expect_null_argument({description}, {param}, got, {str(err == 'err').lower()}, {err});")
            for slot in outputs:
                self.line(f"        expect(unwritten(&out_{slot.name}, sizeof out_{slot.name}), {description}, "
                          f"\"a failed call wrote {slot.name}\");")
            if watch_state:
                self.line(f"        expect(unchanged(fx.engine, &before), {description}, "
                          "\"a failed call changed the engine\");")
                self.line(f"        expect(quiet(fx.engine), {description}, \"a failed call emitted an event\");")
        elif case.expect == "accepted" and returns == "chatlife_status":
            self.line(f"        expect_accepted({description}, {param}, got, {err});")
        elif case.expect == "accepted" and returns == "void":
            self.line("        /* Returning, with no sanitizer or valgrind error, is the check. */")
        elif case.expect == "empty_string" and returns == "struct chatlife_str":
            self.line(f"        expect(got.data != NULL && got.len == 0 && got.data[0] == '\\0', {description}, "
                      "\"NULL should give an empty NUL-terminated string\");")
        elif case.expect == "valid" and returns == "chatlife_status":
            self.line(f"        expect_status({description}, got, {needs.expected}, {err});")
        elif case.expect == "valid" and returns in ("struct chatlife_str", "const char *"):
            data = ".data" if returns == "struct chatlife_str" else ""
            self.line(f"        expect(got{data} != NULL, {description}, \"a valid call gave no string\");")
        elif case.expect == "valid" and returns == "void":
            pass
        else:
            raise HeaderError(f"{function.name}: cannot check '{case.expect}' for a function returning {returns}")
        if returns == "chatlife_status":
            for slot in outputs:
                if slot.release:
                    released = slot.release.format(v=f"out_{slot.name}", **passed)
                    self.line(f"        if (got == CHATLIFE_STATUS_OK) {released};")
        if function.name.endswith("_free") and returns == "void" and case.null != 0:
            freed = slots[0].valid[0]
            emptied = EMPTIED_BY_FREE.get(slots[0].params[0].ctype)
            if emptied and freed.startswith("&"):
                check = emptied.format(v=freed[1:])
                self.line(f"        expect({check}, {description}, \"the free function left what it freed\");")
            else:
                self.line(f"        {freed} = NULL; /* the call freed it */")
        if has_error_out:
            self.line("        chatlife_error_free(err);")
        self.line("        fixture_close(&fx);")
        self.line("    }")


def cases_for(function, slots):
    """The calls for `function`, and its number of pointer parameters."""
    has_error_out = any(s.kind == "error_out" for s in slots)
    cases = [Case("", "valid")]
    pointers = 0
    for index, slot in enumerate(slots):
        param = slot.params[0]
        if not param.is_pointer:
            continue
        pointers += 1
        if slot.kind == "error_out":
            # The preamble's rule: the same status, reported by it alone.
            cases.append(Case("", "valid", with_error_out=False))
            continue
        allowance = NULL_DOCS.get((function.name, param.name), Allowance("null_argument", ""))
        if slot.kind in ("string", "bytes"):
            variants = [(["NULL", "0"], f"{param.name}=NULL len 0"),
                        (["NULL", slot.valid[1]], f"{param.name}=NULL len {slot.valid[1]}")]
        else:
            variants = [(["NULL"], f"{param.name}=NULL")]
        expect = allowance.gives
        if allowance.when:
            # NULL is refused, except under its condition.
            for args, label in variants:
                cases.append(Case(label, "accepted", index, args, dict(allowance.when)))
            expect = "null_argument"
        if expect == "null_argument" and function.returns != "chatlife_status":
            raise HeaderError(f"{function.name}({param.name}): the header does not allow NULL, and the function "
                              f"returns {function.returns}, so it cannot say so; record in NULL_DOCS what NULL gives")
        for args, label in variants:
            for with_error_out in ([True, False] if expect == "null_argument" and has_error_out else [True]):
                cases.append(Case(label, expect, index, args, with_error_out=with_error_out))
    return cases, pointers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("header")
    parser.add_argument("output")
    parser.add_argument("--exports", help="`nm -D --defined-only` output of the library")
    args = parser.parse_args()
    with open(args.header, encoding="utf-8") as f:
        text = f.read()
    emitter = Emitter()
    counted = {}  # guard -> [functions, pointer parameters, calls]
    try:
        functions = parse_header(text)
        names = [f.name for f in functions]
        missed = declared_names(text) - set(names)
        if missed:
            raise HeaderError(f"declared but not read by the parser: {sorted(missed)}")
        if len(set(names)) != len(names):
            raise HeaderError("a function is declared twice")
        if args.exports:
            with open(args.exports, encoding="utf-8") as f:
                undeclared = set(re.findall(r"\b(chatlife_\w+)\b", f.read())) - set(names)
            if undeclared:
                raise HeaderError(f"the library exports {sorted(undeclared)}, which the header does not declare")
        preamble = re.match(r"\s*/\*(.*?)\*/", text, re.S)
        check_null_docs(functions, preamble.group(1) if preamble else "")
        unknown_needs = set(NEEDS) - set(names)
        if unknown_needs:
            raise HeaderError(f"NEEDS names {sorted(unknown_needs)}, which the header no longer declares")

        body = []
        extras = set()
        for function in functions:
            if function.guard is not None and function.guard not in KNOWN_GUARDS:
                raise HeaderError(f"{function.name} is declared under #if {function.guard}, which no build of "
                                  "this test defines; add it to KNOWN_GUARDS and to mk/c.mk")
            if function.returns not in ("chatlife_status", "void", "struct chatlife_str", "const char *"):
                raise HeaderError(f"{function.name} returns {function.returns}; teach the generator to check it")
            slots = plan_slots(function)
            extras |= {s.extra for s in slots if s.extra}
            cases, pointers = cases_for(function, slots)
            emitter.out, before = body, emitter.calls
            if function.guard:
                emitter.line(f"#if {function.guard}")
            emitter.line(f"static void null_args_{function.name}(void) {{")
            for case in cases:
                emitter.case(function, slots, case)
            emitter.line("}")
            if function.guard:
                emitter.line("#endif")
            emitter.line()
            tally = counted.setdefault(function.guard, [0, 0, 0])
            tally[0] += 1
            tally[1] += pointers
            tally[2] += emitter.calls - before
    except HeaderError as e:
        sys.exit(f"gen_null_tests.py: {args.header}: {e}")

    out = ["/* Generated by tests/c/gen_null_tests.py from include/chatlife.h; do not edit.",
           " * NULL for every pointer parameter of every function, one at a time. */"]
    out += FIXTURE_C.strip("\n").split("\n")
    for extra in sorted(extras):
        out += FIXTURE_EXTRAS[extra].rstrip("\n").split("\n")
    out.append("")
    out += body
    out.append("int main(void) {")
    for function in functions:
        call = f"    null_args_{function.name}();"
        out += [f"#if {function.guard}", call, "#endif"] if function.guard else [call]
    fns, ptrs, calls = counted.get(None, [0, 0, 0])
    out.append(f'    printf("NULL arguments: {fns} functions, {ptrs} pointer parameters, {calls} calls\\n");')
    for guard, (fns, ptrs, calls) in counted.items():
        if guard:
            out += [f"#if {guard}",
                    f'    printf("  and under {guard}: {fns} functions, {ptrs} pointer parameters, {calls} calls\\n");',
                    "#endif"]
    out += ["    return checks_finish();", "}"]
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")

    total = [sum(t[k] for t in counted.values()) for k in range(3)]
    guarded = "".join(f" ({t[0]} of them under #if {g})" for g, t in counted.items() if g)
    print(f"{args.output}: all {total[0]} functions of {args.header}{guarded}, "
          f"{total[1]} pointer parameters, {total[2]} calls")


if __name__ == "__main__":
    main()
