/* SPEC v2 through the C API: chatlife_hold and chatlife_resume (§14), their
 * refusals, and the fields chatlife_event gained for expiry_warning (§12),
 * conversation_inactive (§13) and hold_changed. Built plainly (run under
 * valgrind) and with ASan/UBSan by mk/c.mk. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define S CHATLIFE_STR_ARG
#define MIN (60 * 1000)

/* Appended after v1's numbers, never renumbered. */
_Static_assert(CHATLIFE_OP_HOLD == 17 && CHATLIFE_OP_RESUME == 18, "op numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_EXPIRY_WARNING == 21, "event type numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_CONVERSATION_INACTIVE == 22, "event type numbers are never reused");
_Static_assert(CHATLIFE_EVENT_TYPE_HOLD_CHANGED == 23, "event type numbers are never reused");

/* One unit per agent, so that resume can be refused for capacity. */
static const char config[] =
    "{\"agents\": {\"default_capacity\": 1}, \"policies\": {"
    "\"default\": {\"timers\": {\"customer_auto_disconnect\": 20},"
    " \"warnings\": {\"customer_auto_disconnect\": [\"15m\"], \"inactivity\": [\"2m\"]},"
    " \"inactivity\": {\"after\": \"10m\"}, \"hold\": {\"enabled\": true}},"
    "\"plain\": {}}}";

/* The next event, which must exist and be of `type`. */
static chatlife_event next_of(chatlife_engine *engine, chatlife_event_type type) {
    chatlife_event event;
    bool has_event = false;
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(has_event);
    if (!has_event || event.type != type) {
        fprintf(stderr, "expected event type %u, got %u (%.*s)\n", (unsigned)type, (unsigned)event.type,
                (int)event.type_name.len, has_event ? event.type_name.data : "");
        checks_failed++;
    }
    return event;
}

/* Polls until an event of `type`; fails if none comes. */
static chatlife_event find(chatlife_engine *engine, chatlife_event_type type) {
    chatlife_event event;
    bool has_event = true;
    while (chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event) {
        if (event.type == type) return event;
    }
    CHECK(!"an event of the wanted type was pending");
    return event;
}

static void drain(chatlife_engine *engine) {
    chatlife_event event;
    bool has_event = true;
    while (chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event) {
    }
}

static void test_warnings_inactivity_and_hold_fields(void) {
    chatlife_engine *engine = new_engine(config);
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    CHECK_OK(chatlife_join(engine, 0, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    drain(engine);

    /* The customer's auto-disconnect warns 15m ahead, inactivity 2m ahead. */
    CHECK_OK(chatlife_advance(engine, 9 * MIN, &err));
    chatlife_event event = next_of(engine, CHATLIFE_EVENT_TYPE_EXPIRY_WARNING);
    CHECK(event.at == 5 * MIN && event.deadline == 20 * MIN && view_is(event.timer, "customer_auto_disconnect"));
    CHECK(view_is(event.participant, "cu") && view_is(event.conversation, "c1"));
    event = next_of(engine, CHATLIFE_EVENT_TYPE_EXPIRY_WARNING);
    CHECK(event.at == 8 * MIN && event.deadline == 10 * MIN && view_is(event.timer, "inactivity"));
    CHECK(event.participant.data == NULL && event.participant.len == 0); /* a conversation timer: JSON null */
    chatlife_str line;
    CHECK_OK(chatlife_event_to_json(engine, &line, &err));
    CHECK(view_is(line, "{\"at\":480000,\"type\":\"expiry_warning\",\"conversation\":\"c1\","
                        "\"timer\":\"inactivity\",\"participant\":null,\"deadline\":600000,\"transcript\":false}"));

    /* hold: on_hold with its reason in `reason`, and the unit released. */
    CHECK_OK(chatlife_hold(engine, 9 * MIN, S("c1"), S("ag"), &err));
    event = next_of(engine, CHATLIFE_EVENT_TYPE_HOLD_CHANGED);
    CHECK(event.on_hold && view_is(event.reason, "agent") && event.at == 9 * MIN);
    CHECK(event.timer.data == NULL && event.deadline == 0 && event.since == 0);
    event = next_of(engine, CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED);
    CHECK(view_is(event.agent, "ag") && event.used == 0);
    CHECK_FAILS(chatlife_hold(engine, 9 * MIN, S("c1"), S("ag"), &err), CHATLIFE_STATUS_INVALID_STATE,
                "conversation");

    /* resume: off hold, the unit back; inactivity starts again from there. */
    CHECK_OK(chatlife_resume(engine, 9 * MIN + 1, S("c1"), S("ag"), &err));
    event = next_of(engine, CHATLIFE_EVENT_TYPE_HOLD_CHANGED);
    CHECK(!event.on_hold && view_is(event.reason, "agent"));
    CHECK_FAILS(chatlife_resume(engine, 9 * MIN + 1, S("c1"), S("ag"), &err), CHATLIFE_STATUS_INVALID_STATE,
                "conversation");
    CHECK_OK(chatlife_advance(engine, 60 * MIN, &err));
    event = find(engine, CHATLIFE_EVENT_TYPE_CONVERSATION_INACTIVE);
    CHECK(event.at == 19 * MIN + 1 && event.since == 9 * MIN + 1 && event.on_hold == false);
    event = next_of(engine, CHATLIFE_EVENT_TYPE_STATE_CHANGED);
    CHECK(view_is(event.to, "wrap_up") && view_is(event.reason, "inactivity"));
    chatlife_engine_free(engine);
}

static void test_refusals_name_the_field(void) {
    chatlife_engine *engine = new_engine(config);
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    CHECK_OK(chatlife_start_conversation(engine, 0, S("p1"), S("cp"), S("plain"), NULL, 0, NULL, 0, &err));
    CHECK_FAILS(chatlife_hold(engine, 0, S("c1"), S("ag"), &err), CHATLIFE_STATUS_UNKNOWN_PARTICIPANT, "participant");
    CHECK_OK(chatlife_join(engine, 0, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    CHECK_OK(chatlife_join(engine, 0, S("p1"), S("ap"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    CHECK_FAILS(chatlife_hold(engine, 0, S("zz"), S("ag"), &err), CHATLIFE_STATUS_UNKNOWN_CONVERSATION,
                "conversation");
    CHECK_FAILS(chatlife_hold(engine, 0, S("c1"), S("cu"), &err), CHATLIFE_STATUS_INVALID_STATE, "participant");
    CHECK_FAILS(chatlife_hold(engine, 0, S("p1"), S("ap"), &err), CHATLIFE_STATUS_INVALID_STATE, "conversation");
    CHECK_FAILS(chatlife_hold(engine, 0, S("c1"), "a\x80", 2, &err), CHATLIFE_STATUS_INVALID_UTF8, "participant");
    CHECK_FAILS(chatlife_resume(engine, 0, NULL, 2, S("ag"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "conversation");
    CHECK_FAILS(chatlife_resume(NULL, 0, S("c1"), S("ag"), &err), CHATLIFE_STATUS_NULL_ARGUMENT, "engine");

    /* Parked, the agent takes another chat; resume would exceed 1 unit. */
    CHECK_OK(chatlife_hold(engine, 1000, S("c1"), S("ag"), &err));
    CHECK_OK(chatlife_start_conversation(engine, 2000, S("c2"), S("cu2"), NULL, 0, NULL, 0, NULL, 0, &err));
    CHECK_OK(chatlife_join(engine, 2000, S("c2"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    drain(engine);
    CHECK_FAILS(chatlife_resume(engine, 3000, S("c1"), S("ag"), &err), CHATLIFE_STATUS_CAPACITY_EXCEEDED,
                "participant");
    /* The customer's message resumes it anyway, above capacity (H2). */
    CHECK_OK(chatlife_message(engine, 4000, S("c1"), S("cu"), &err));
    chatlife_event event = next_of(engine, CHATLIFE_EVENT_TYPE_HOLD_CHANGED);
    CHECK(!event.on_hold && view_is(event.reason, "customer_message"));
    event = next_of(engine, CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED);
    CHECK(event.used == 2 && event.capacity_bounded && event.capacity == 1);
    chatlife_engine_free(engine);
}

/* hold and resume in a batch: statuses and events as the single calls give. */
static void test_batch(void) {
    chatlife_engine *engine = new_engine(config);
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    CHECK_OK(chatlife_join(engine, 0, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    drain(engine);
    chatlife_command commands[3];
    memset(commands, 0, sizeof commands);
    const uint32_t ops[3] = {CHATLIFE_OP_HOLD, CHATLIFE_OP_HOLD, CHATLIFE_OP_RESUME};
    for (int i = 0; i < 3; i++) {
        commands[i].op = ops[i];
        commands[i].at = 1000 + (uint64_t)i;
        commands[i].conversation = (chatlife_str){"c1", 2};
        commands[i].participant = (chatlife_str){"ag", 2};
    }
    chatlife_status statuses[3];
    chatlife_error *errors[3];
    chatlife_event events[8];
    size_t written = 0, pending = 0;
    CHECK_OK(chatlife_apply_many(engine, commands, 3, statuses, errors, events, 8, &written, &pending, &err));
    CHECK(statuses[0] == CHATLIFE_STATUS_OK && statuses[2] == CHATLIFE_STATUS_OK);
    CHECK(statuses[1] == CHATLIFE_STATUS_INVALID_STATE && errors[1] != NULL &&
          view_starts_with(chatlife_error_message(errors[1]), "conversation: "));
    for (int i = 0; i < 3; i++) chatlife_error_free(errors[i]);
    CHECK(written == 4 && pending == 0);
    CHECK(events[0].type == CHATLIFE_EVENT_TYPE_HOLD_CHANGED && events[0].on_hold && events[0].at == 1000);
    CHECK(events[1].type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && events[1].used == 0);
    CHECK(events[2].type == CHATLIFE_EVENT_TYPE_HOLD_CHANGED && !events[2].on_hold && events[2].at == 1002);
    CHECK(events[3].type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && events[3].used == 1);
    chatlife_engine_free(engine);
}

int main(void) {
    test_warnings_inactivity_and_hold_fields();
    test_refusals_name_the_field();
    test_batch();
    return checks_finish();
}
