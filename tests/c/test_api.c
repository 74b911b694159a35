/* The C API's contract, from C: NULL for every pointer parameter of every
 * function, invalid UTF-8 in every string, ids over the size limit, fixed
 * status numbers, outputs written only on success, the version macros.
 * Built plainly (run under valgrind) and with ASan/UBSan by mk/c.mk. */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define S CHATLIFE_STR_ARG
/* Invalid UTF-8: a lone continuation byte after valid text. */
#define BAD "ok\x80", 3

/* ---- numbers that are part of the ABI: renumbering fails to compile ---- */

_Static_assert(CHATLIFE_STATUS_OK == 0, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_NULL_ARGUMENT == 1, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_INVALID_UTF8 == 2, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_PANIC == 3, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_NO_EVENT == 4, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_INVALID_ARGUMENT == 100, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_INVALID_CONFIG == 101, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_UNKNOWN_CONVERSATION == 102, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_DUPLICATE_CONVERSATION == 103, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_UNKNOWN_PARTICIPANT == 104, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_DUPLICATE_PARTICIPANT == 105, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_INVALID_STATE == 106, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_CAPACITY_EXCEEDED == 107, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_TIME_WENT_BACKWARDS == 108, "status numbers are never reused");
_Static_assert(CHATLIFE_STATUS_LIMIT_EXCEEDED == 109, "status numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED == 0, "event type numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_RECONNECT_LINK_ISSUED == 14, "event type numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED == 20, "event type numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_HOLD_CHANGED == 23, "event type numbers are never reused");
_Static_assert(CHATLIFE_ROLE_CUSTOMER == 0 && CHATLIFE_ROLE_BOT == 3, "role numbers are never reused");
_Static_assert(CHATLIFE_WAIT_FOR_NONE == 0 && CHATLIFE_WAIT_FOR_BOT == 2, "wait numbers are never reused");

/* ---- the version macros against Cargo.toml (mk/c.mk passes its numbers) ---- */

#if !defined(CARGO_VERSION_MAJOR) || !defined(CARGO_VERSION_MINOR) || !defined(CARGO_VERSION_PATCH)
#error "build with -DCARGO_VERSION_MAJOR=.. -DCARGO_VERSION_MINOR=.. -DCARGO_VERSION_PATCH=.. from Cargo.toml"
#endif
_Static_assert(CHATLIFE_VERSION_MAJOR == CARGO_VERSION_MAJOR, "header major version differs from Cargo.toml");
_Static_assert(CHATLIFE_VERSION_MINOR == CARGO_VERSION_MINOR, "header minor version differs from Cargo.toml");
_Static_assert(CHATLIFE_VERSION_PATCH == CARGO_VERSION_PATCH, "header patch version differs from Cargo.toml");
_Static_assert(CHATLIFE_VERSION_NUMBER ==
                   ((CARGO_VERSION_MAJOR << 16) | (CARGO_VERSION_MINOR << 8) | CARGO_VERSION_PATCH),
               "CHATLIFE_VERSION_NUMBER packs major, minor, patch one byte each");

static void test_version(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", CHATLIFE_VERSION_MAJOR, CHATLIFE_VERSION_MINOR,
             CHATLIFE_VERSION_PATCH);
    CHECK(strcmp(chatlife_version(), expected) == 0);
}

static void test_status_names(void) {
    static const char *const core_codes[] = {
        "invalid_argument",      "invalid_config", "unknown_conversation", "duplicate_conversation",
        "unknown_participant",   "duplicate_participant", "invalid_state", "capacity_exceeded",
        "time_went_backwards",   "limit_exceeded",
    };
    CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_OK), "ok") == 0);
    CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_NULL_ARGUMENT), "null_argument") == 0);
    CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_INVALID_UTF8), "invalid_utf8") == 0);
    CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_PANIC), "panic") == 0);
    CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_NO_EVENT), "no_event") == 0);
    for (uint32_t i = 0; i < sizeof core_codes / sizeof *core_codes; i++) {
        CHECK(strcmp(chatlife_status_str(CHATLIFE_STATUS_INVALID_ARGUMENT + i), core_codes[i]) == 0);
    }
    CHECK(strcmp(chatlife_status_str(5), "unknown_status") == 0);
    CHECK(strcmp(chatlife_status_str(110), "unknown_status") == 0);
    CHECK(strcmp(chatlife_status_str(UINT32_MAX), "unknown_status") == 0);
}

/* ---- helpers ---- */

static int pending_events(chatlife_engine *engine) {
    int n = 0;
    chatlife_event event;
    bool has_event = true;
    while (chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event) n++;
    return n;
}

/* An engine with conversation c1 (customer cu, signed in as id-1, agent ag)
 * and every event drained. */
static chatlife_engine *engine_with_chat(void) {
    chatlife_engine *engine = new_engine(
        "{\"seed\": 1, \"policies\": {\"default\": {\"timers\": {\"customer_idle\": 2},"
        " \"reconnect\": {\"enabled\": true, \"portal_url\": \"https://example.com/chat\"}}}}");
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, S("id-1"), NULL, 0, &err));
    CHECK_OK(chatlife_join(engine, 0, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    pending_events(engine);
    return engine;
}

/* ---- NULL for every pointer parameter ---- */

static void test_null_engine_everywhere(void) {
    chatlife_timers timers = {0, 0, 0, 0};
    uint32_t capacity = 1;
    uint64_t deadline = 0;
    bool flag = false;
    chatlife_event event;
    chatlife_str json;
    CHECK_FAILS(chatlife_start_conversation(NULL, 0, S("c"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_join(NULL, 0, S("c"), S("a"), CHATLIFE_ROLE_AGENT, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_leave(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_message(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_connection_lost(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_connection_restored(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_end(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_close_session(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_hold(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_resume(NULL, 0, S("c"), S("a"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_issue_reconnect_link(NULL, 0, S("c"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_reconnect(NULL, 0, S("t"), NULL, 0, NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_returning_customer(NULL, 0, S("id"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_decline_reconnect(NULL, 0, S("c"), S("id"), &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_set_participant_timers(NULL, 0, S("c"), &timers, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_update_participant_role_config(NULL, 0, S("c"), S("{}"), &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_set_wait(NULL, 0, S("c"), CHATLIFE_WAIT_FOR_BOT, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_set_agent_capacity(NULL, 0, S("a"), &capacity, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    CHECK_FAILS(chatlife_advance(NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_next_deadline(NULL, &deadline, &flag, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_poll_event(NULL, &event, &flag, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_event_to_json(NULL, &json, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_apply_json(NULL, 0, S("{\"op\":\"advance\"}"), &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "engine");
    /* With error_out NULL too: the status alone reports it, nothing leaks. */
    CHECK(chatlife_advance(NULL, 0, NULL) == CHATLIFE_STATUS_NULL_ARGUMENT);
    CHECK(chatlife_poll_event(NULL, NULL, NULL, NULL) == CHATLIFE_STATUS_NULL_ARGUMENT);
}

static void test_null_strings_and_outputs(void) {
    chatlife_engine *engine = engine_with_chat();
    chatlife_timers timers = {0, 0, 0, 0};

    /* Required strings. */
    CHECK_FAILS(chatlife_start_conversation(engine, 0, NULL, 0, S("cu"), NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "conversation");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), NULL, 0, NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "customer");
    CHECK_FAILS(chatlife_join(engine, 0, NULL, 0, S("a"), CHATLIFE_ROLE_AGENT, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "conversation");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), NULL, 0, CHATLIFE_ROLE_AGENT, NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "participant");
    chatlife_status (*const participant_fns[])(chatlife_engine *, uint64_t, const char *, size_t, const char *,
                                               size_t, chatlife_error **) = {
        chatlife_leave, chatlife_message, chatlife_connection_lost, chatlife_connection_restored, chatlife_end,
        chatlife_close_session,
    };
    for (size_t i = 0; i < sizeof participant_fns / sizeof *participant_fns; i++) {
        CHECK_FAILS(participant_fns[i](engine, 0, NULL, 0, S("cu"), &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                    "conversation");
        CHECK_FAILS(participant_fns[i](engine, 0, S("c1"), NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                    "participant");
    }
    CHECK_FAILS(chatlife_issue_reconnect_link(engine, 0, NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "conversation");
    CHECK_FAILS(chatlife_returning_customer(engine, 0, NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "authenticated_as");
    CHECK_FAILS(chatlife_decline_reconnect(engine, 0, NULL, 0, S("id-1"), &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "conversation");
    CHECK_FAILS(chatlife_decline_reconnect(engine, 0, S("c1"), NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "authenticated_as");
    CHECK_FAILS(chatlife_set_participant_timers(engine, 0, NULL, 0, &timers, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "conversation");
    CHECK_FAILS(chatlife_set_participant_timers(engine, 0, S("c1"), NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "timers");
    CHECK_FAILS(chatlife_update_participant_role_config(engine, 0, NULL, 0, S("{}"), &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "conversation");
    CHECK_FAILS(chatlife_update_participant_role_config(engine, 0, S("c1"), NULL, 0, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "request_json");
    CHECK_FAILS(chatlife_set_wait(engine, 0, NULL, 0, CHATLIFE_WAIT_FOR_BOT, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "conversation");
    CHECK_FAILS(chatlife_set_agent_capacity(engine, 0, NULL, 0, NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "agent");
    CHECK_FAILS(chatlife_apply_json(engine, 0, NULL, 0, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "command_json");
    /* NULL with a length is still NULL, never read. */
    CHECK_FAILS(chatlife_issue_reconnect_link(engine, 0, NULL, 99, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "conversation");
    CHECK(pending_events(engine) == 0); /* nothing above changed anything */

    /* Outputs: NULL is refused and the other outputs stay untouched. */
    uint64_t deadline = 12345;
    bool flag = true;
    chatlife_event event;
    event.at = 777;
    chatlife_str json = {"sentinel", 8};
    CHECK_FAILS(chatlife_next_deadline(engine, NULL, &flag, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "deadline_out");
    CHECK_FAILS(chatlife_next_deadline(engine, &deadline, NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "has_deadline_out");
    CHECK(deadline == 12345 && flag == true);
    CHECK_OK(chatlife_message(engine, 1000, S("c1"), S("cu"), &err)); /* one event to lose if misused */
    CHECK_FAILS(chatlife_poll_event(engine, NULL, &flag, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "event_out");
    CHECK_FAILS(chatlife_poll_event(engine, &event, NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "has_event_out");
    CHECK(event.at == 777 && flag == true);
    CHECK_FAILS(chatlife_event_to_json(engine, NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "json_out");
    CHECK(json.len == 8);
    chatlife_engine_free(engine);
}

static void test_null_without_engine(void) {
    chatlife_engine *engine = (chatlife_engine *)&checks_passed; /* must stay untouched */
    uint64_t ms = 42;
    CHECK_FAILS(chatlife_engine_new(NULL, 0, &engine, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "config_json");
    CHECK_FAILS(chatlife_engine_new(S("{}"), NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine_out");
    CHECK(engine == (chatlife_engine *)&checks_passed);
    CHECK_FAILS(chatlife_check_timed_command_json(NULL, 0, &ms, &err), CHATLIFE_STATUS_NULL_ARGUMENT,
                "command_json");
    CHECK_FAILS(chatlife_check_timed_command_json(S("{\"at\":1,\"op\":\"advance\"}"), NULL, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "at_out");
    CHECK_FAILS(chatlife_parse_duration(NULL, 0, &ms, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "duration");
    CHECK_FAILS(chatlife_parse_duration(S("90s"), NULL, &err), CHATLIFE_STATUS_NULL_ARGUMENT, "ms_out");
    CHECK(ms == 42);
    /* The accessors and free functions take NULL too. */
    CHECK(chatlife_error_code(NULL) == CHATLIFE_STATUS_NULL_ARGUMENT);
    CHECK(view_is(chatlife_error_message(NULL), "") && chatlife_error_message(NULL).data[0] == '\0');
    chatlife_error_free(NULL);
    chatlife_engine_free(NULL);
}

/* Optional strings: NULL means absent, and the call succeeds. */
static void test_optional_strings(void) {
    chatlife_engine *engine = new_engine("{\"agents\": {\"default_capacity\": 1}}");
    chatlife_event event;
    bool has_event = false;
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 5, NULL, 5, NULL, 5, &err));
    CHECK_OK(chatlife_join(engine, 0, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    CHECK_OK(chatlife_set_agent_capacity(engine, 0, S("ag"), NULL, &err)); /* NULL capacity: unbounded */
    int capacity_events = 0;
    while (chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event) {
        if (event.type == CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED) {
            CHECK(view_is(event.policy, "default") && view_is(event.customer, "cu"));
        }
        if (event.type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && ++capacity_events == 2) {
            CHECK(view_is(event.agent, "ag") && event.used == 1 && !event.capacity_bounded);
            CHECK(event.conversation.data == NULL);
        }
    }
    CHECK(capacity_events == 2);
    /* reconnect: all three optional, so the engine decides; neither token nor
     * conversation is its invalid_argument, named by the core. */
    CHECK_FAILS(chatlife_reconnect(engine, 0, NULL, 0, NULL, 0, NULL, 0, &err), CHATLIFE_STATUS_INVALID_ARGUMENT,
                "token");
    CHECK_FAILS(chatlife_reconnect(engine, 0, NULL, 0, S("c1"), NULL, 0, &err), CHATLIFE_STATUS_INVALID_ARGUMENT,
                "authenticated_as");
    chatlife_engine_free(engine);
}

/* ---- invalid UTF-8 in every string parameter ---- */

static void test_invalid_utf8(void) {
    chatlife_engine *engine = engine_with_chat();
    chatlife_timers timers = {0, 0, 0, 0};
    uint64_t ms = 0;
    chatlife_engine *made = NULL;
    CHECK_FAILS(chatlife_engine_new(BAD, &made, &err), CHATLIFE_STATUS_INVALID_UTF8, "config_json");
    CHECK(made == NULL);
    CHECK_FAILS(chatlife_start_conversation(engine, 0, BAD, S("cu"), NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), BAD, NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "customer");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), S("cu"), BAD, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "policy");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), S("cu"), NULL, 0, BAD, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "authenticated_as");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), S("cu"), NULL, 0, NULL, 0, BAD, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "display_name");
    CHECK_FAILS(chatlife_join(engine, 0, BAD, S("a"), CHATLIFE_ROLE_AGENT, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), BAD, CHATLIFE_ROLE_AGENT, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "participant");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), S("sv"), CHATLIFE_ROLE_SUPERVISOR, BAD, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "display_name");
    CHECK_FAILS(chatlife_leave(engine, 0, BAD, S("cu"), &err), CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_message(engine, 0, S("c1"), BAD, &err), CHATLIFE_STATUS_INVALID_UTF8, "participant");
    CHECK_FAILS(chatlife_connection_lost(engine, 0, BAD, S("cu"), &err), CHATLIFE_STATUS_INVALID_UTF8,
                "conversation");
    CHECK_FAILS(chatlife_connection_restored(engine, 0, S("c1"), BAD, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "participant");
    CHECK_FAILS(chatlife_end(engine, 0, BAD, S("cu"), &err), CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_close_session(engine, 0, S("c1"), BAD, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "participant");
    CHECK_FAILS(chatlife_issue_reconnect_link(engine, 0, BAD, &err), CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_reconnect(engine, 0, BAD, NULL, 0, NULL, 0, &err), CHATLIFE_STATUS_INVALID_UTF8, "token");
    CHECK_FAILS(chatlife_reconnect(engine, 0, NULL, 0, BAD, S("id-1"), &err), CHATLIFE_STATUS_INVALID_UTF8,
                "conversation");
    CHECK_FAILS(chatlife_reconnect(engine, 0, NULL, 0, S("c1"), BAD, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "authenticated_as");
    CHECK_FAILS(chatlife_returning_customer(engine, 0, BAD, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "authenticated_as");
    CHECK_FAILS(chatlife_decline_reconnect(engine, 0, BAD, S("id-1"), &err), CHATLIFE_STATUS_INVALID_UTF8,
                "conversation");
    CHECK_FAILS(chatlife_decline_reconnect(engine, 0, S("c1"), BAD, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "authenticated_as");
    CHECK_FAILS(chatlife_set_participant_timers(engine, 0, BAD, &timers, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "conversation");
    CHECK_FAILS(chatlife_update_participant_role_config(engine, 0, BAD, S("{}"), &err),
                CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK_FAILS(chatlife_update_participant_role_config(engine, 0, S("c1"), BAD, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "request_json");
    CHECK_FAILS(chatlife_set_wait(engine, 0, BAD, CHATLIFE_WAIT_FOR_BOT, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "conversation");
    CHECK_FAILS(chatlife_set_agent_capacity(engine, 0, BAD, NULL, &err), CHATLIFE_STATUS_INVALID_UTF8, "agent");
    CHECK_FAILS(chatlife_apply_json(engine, 0, BAD, &err), CHATLIFE_STATUS_INVALID_UTF8, "command_json");
    CHECK_FAILS(chatlife_check_timed_command_json(BAD, &ms, &err), CHATLIFE_STATUS_INVALID_UTF8, "command_json");
    CHECK_FAILS(chatlife_parse_duration(BAD, &ms, &err), CHATLIFE_STATUS_INVALID_UTF8, "duration");
    /* Overlong encodings and surrogates are invalid too, not just stray bytes. */
    CHECK_FAILS(chatlife_message(engine, 0, S("c1"), "\xc0\xaf", 2, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "participant");
    CHECK_FAILS(chatlife_message(engine, 0, S("c1"), "\xed\xa0\x80", 3, &err), CHATLIFE_STATUS_INVALID_UTF8,
                "participant");
    CHECK(pending_events(engine) == 0);
    chatlife_engine_free(engine);
}

/* ---- ids over 256 bytes: limit_exceeded, named; 256 bytes is fine ---- */

static void test_oversized_ids(void) {
    char id[258];
    memset(id, 'x', sizeof id);
    const size_t limit = 256, over = 257;
    chatlife_engine *engine = engine_with_chat();
    CHECK_FAILS(chatlife_start_conversation(engine, 0, id, over, S("cu"), NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "conversation");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), id, over, NULL, 0, NULL, 0, NULL, 0, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "customer");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), S("cu"), NULL, 0, id, over, NULL, 0, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "authenticated_as");
    CHECK_FAILS(chatlife_start_conversation(engine, 0, S("c2"), S("cu"), NULL, 0, NULL, 0, id, over, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "display_name");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), id, over, CHATLIFE_ROLE_SUPERVISOR, NULL, 0, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "participant");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), S("sv"), CHATLIFE_ROLE_SUPERVISOR, id, over, &err),
                CHATLIFE_STATUS_LIMIT_EXCEEDED, "display_name");
    CHECK_FAILS(chatlife_message(engine, 0, id, over, S("cu"), &err), CHATLIFE_STATUS_LIMIT_EXCEEDED,
                "conversation");
    CHECK_FAILS(chatlife_message(engine, 0, S("c1"), id, over, &err), CHATLIFE_STATUS_LIMIT_EXCEEDED,
                "participant");
    CHECK_FAILS(chatlife_returning_customer(engine, 0, id, over, &err), CHATLIFE_STATUS_LIMIT_EXCEEDED,
                "authenticated_as");
    CHECK_FAILS(chatlife_reconnect(engine, 0, NULL, 0, S("c1"), id, over, &err), CHATLIFE_STATUS_LIMIT_EXCEEDED,
                "authenticated_as");
    CHECK_FAILS(chatlife_set_agent_capacity(engine, 0, id, over, NULL, &err), CHATLIFE_STATUS_LIMIT_EXCEEDED,
                "agent");
    CHECK(pending_events(engine) == 0);

    /* Exactly at the limit is accepted. */
    CHECK_OK(chatlife_start_conversation(engine, 0, id, limit, id, limit, NULL, 0, NULL, 0, id, limit, &err));
    CHECK_OK(chatlife_join(engine, 0, id, limit, S("sv"), CHATLIFE_ROLE_SUPERVISOR, NULL, 0, &err));
    CHECK(pending_events(engine) == 2);
    chatlife_engine_free(engine);
}

/* ---- other argument checks: enums, timers, JSON ---- */

static void test_argument_values(void) {
    chatlife_engine *engine = engine_with_chat();
    chatlife_timers timers = {2, 0, 480, 0};
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), S("x"), 4, NULL, 0, &err), CHATLIFE_STATUS_INVALID_ARGUMENT,
                "role");
    CHECK_FAILS(chatlife_join(engine, 0, S("c1"), S("x"), UINT32_MAX, NULL, 0, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "role");
    CHECK_FAILS(chatlife_set_wait(engine, 0, S("c1"), 3, &err), CHATLIFE_STATUS_INVALID_ARGUMENT, "wait_for");
    timers.agent_idle = 481;
    CHECK_FAILS(chatlife_set_participant_timers(engine, 0, S("c1"), &timers, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "timers.agent_idle");
    timers.agent_idle = 480;
    timers.customer_auto_disconnect = 1;
    CHECK_FAILS(chatlife_set_participant_timers(engine, 0, S("c1"), &timers, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "timers.customer_auto_disconnect");
    CHECK_FAILS(chatlife_update_participant_role_config(engine, 0, S("c1"), S("{not json"), &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "request");
    CHECK_FAILS(chatlife_apply_json(engine, 0, S("[1]"), &err), CHATLIFE_STATUS_INVALID_ARGUMENT, "command");
    CHECK_FAILS(chatlife_apply_json(engine, 0, S("{\"op\":\"fly\"}"), &err), CHATLIFE_STATUS_INVALID_ARGUMENT,
                "op");
    CHECK_FAILS(chatlife_apply_json(engine, 0, S("{\"op\":\"advance\",\"at\":5}"), &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "at");
    CHECK(pending_events(engine) == 0);

    timers.customer_auto_disconnect = 0;
    CHECK_OK(chatlife_set_participant_timers(engine, 0, S("c1"), &timers, &err));
    chatlife_event event;
    bool has_event = false;
    CHECK(chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event);
    CHECK(event.type == CHATLIFE_EVENT_TYPE_TIMER_CONFIG_STORED && event.timers.customer_idle == 2 &&
          event.timers.customer_auto_disconnect == 0 && event.timers.agent_idle == 480 &&
          event.timers.agent_auto_disconnect == 0);
    chatlife_engine_free(engine);
}

/* ---- engine behaviour through the C API ---- */

static void test_engine_config_errors(void) {
    chatlife_engine *engine = (chatlife_engine *)&checks_passed;
    CHECK_FAILS(chatlife_engine_new(S("{\"policies\": {\"default\": {\"timers\": {\"agent_idle\": 481}}}}"), &engine,
                                    &err),
                CHATLIFE_STATUS_INVALID_CONFIG, "policies.default.timers.agent_idle");
    CHECK_FAILS(chatlife_engine_new(S("{\"nope\": 1}"), &engine, &err), CHATLIFE_STATUS_INVALID_CONFIG, "nope");
    CHECK(engine == (chatlife_engine *)&checks_passed); /* written only on success */
    /* A failing call with error_out NULL allocates nothing (valgrind/LSan check). */
    CHECK(chatlife_engine_new(S("{\"nope\": 1}"), &engine, NULL) == CHATLIFE_STATUS_INVALID_CONFIG);
}

static void test_time_events_and_json(void) {
    chatlife_engine *engine = new_engine("{\"policies\": {\"default\": {\"timers\": {\"customer_idle\": 2}}}}");
    uint64_t deadline = 99;
    bool has_deadline = true;
    chatlife_event event;
    bool has_event = true;
    chatlife_str line = {NULL, 0};

    CHECK_OK(chatlife_next_deadline(engine, &deadline, &has_deadline, &err));
    CHECK(!has_deadline && deadline == 99); /* no timer: deadline not written */
    CHECK_FAILS(chatlife_event_to_json(engine, &line, &err), CHATLIFE_STATUS_NO_EVENT, "engine");
    CHECK(line.data == NULL);

    CHECK_OK(chatlife_start_conversation(engine, 1000, S("c1"), S("cu"), NULL, 0, NULL, 0, S("Kim"), &err));
    CHECK_OK(chatlife_join(engine, 5000, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, S("Ann"), &err));
    CHECK_OK(chatlife_next_deadline(engine, &deadline, &has_deadline, &err));
    CHECK(has_deadline && deadline == 5000 + 2 * 60 * 1000);
    CHECK_FAILS(chatlife_message(engine, 4000, S("c1"), S("cu"), &err), CHATLIFE_STATUS_TIME_WENT_BACKWARDS, "now");

    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED && event.at == 1000);
    CHECK(view_is(event.type_name, "conversation_started") && view_is(event.conversation, "c1"));
    CHECK(event.participant.data == NULL && event.disconnected_len == 0);
    CHECK_OK(chatlife_event_to_json(engine, &line, &err));
    CHECK(view_is(line, "{\"at\":1000,\"type\":\"conversation_started\",\"conversation\":\"c1\","
                        "\"policy\":\"default\",\"customer\":\"cu\"}"));
    CHECK(line.data[line.len] == '\0');
    chatlife_str again;
    CHECK_OK(chatlife_event_to_json(engine, &again, &err));
    CHECK(again.data == line.data); /* same event, same line */

    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(event.type == CHATLIFE_EVENT_TYPE_PARTICIPANT_JOINED && view_is(event.role, "agent"));
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(event.type == CHATLIFE_EVENT_TYPE_STATE_CHANGED && view_is(event.from, "open") &&
          view_is(event.to, "active") && view_is(event.reason, "agent_joined"));
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(event.type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && event.used == 1 && !event.capacity_bounded);
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(!has_event);
    CHECK_FAILS(chatlife_event_to_json(engine, &line, &err), CHATLIFE_STATUS_NO_EVENT, "engine");

    /* advance fires the idle timer at its deadline, not at the call's time. */
    CHECK_OK(chatlife_advance(engine, 10 * 60 * 1000, &err));
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_PARTICIPANT_IDLE && event.at == 125000 &&
          view_is(event.participant, "cu") && view_is(event.role, "customer"));

    /* A command as JSON, and the JSON checker the runner uses. */
    CHECK_OK(chatlife_apply_json(engine, 11 * 60 * 1000,
                                 S("{\"op\":\"message\",\"conversation\":\"c1\",\"participant\":\"cu\"}"), &err));
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_PARTICIPANT_RETURNED);
    uint64_t at = 0;
    CHECK_OK(chatlife_check_timed_command_json(S("{\"at\":\"1m30s\",\"op\":\"advance\"}"), &at, &err));
    CHECK(at == 90000);
    at = 7;
    CHECK_FAILS(chatlife_check_timed_command_json(S("{\"at\":\"soon\",\"op\":\"advance\"}"), &at, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "at");
    CHECK(at == 7);
    uint64_t ms = 0;
    CHECK_OK(chatlife_parse_duration(S("1h30m"), &ms, &err));
    CHECK(ms == 5400000);
    CHECK_FAILS(chatlife_parse_duration(S("90"), &ms, &err), CHATLIFE_STATUS_INVALID_ARGUMENT, "duration");
    CHECK(ms == 5400000);
    CHECK_FAILS(chatlife_advance(engine, UINT64_MAX, &err), CHATLIFE_STATUS_LIMIT_EXCEEDED, "now");
    chatlife_engine_free(engine); /* frees the last polled event too */
}

int main(void) {
    test_version();
    test_status_names();
    test_null_engine_everywhere();
    test_null_strings_and_outputs();
    test_null_without_engine();
    test_optional_strings();
    test_invalid_utf8();
    test_oversized_ids();
    test_argument_values();
    test_engine_config_errors();
    test_time_events_and_json();
    return checks_finish();
}
