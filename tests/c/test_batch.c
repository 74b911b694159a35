/* chatlife_apply_many's contract, from C: NULL arguments of the call refuse
 * the whole batch and change nothing; a bad field refuses only its command,
 * with the status and message its single-call function gives; events fill the
 * caller's buffer up to its size and the rest waits; the op numbers. The
 * runner's --batch mode checks every scenario through it as well.
 * Built plainly (run under valgrind) and with ASan/UBSan by mk/c.mk. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define S CHATLIFE_STR_ARG

_Static_assert(CHATLIFE_OP_START_CONVERSATION == 0, "op numbers are never reused");
_Static_assert(CHATLIFE_OP_MESSAGE == 3, "op numbers are never reused");
_Static_assert(CHATLIFE_OP_RECONNECT == 9, "op numbers are never reused");
_Static_assert(CHATLIFE_OP_ADVANCE == 16, "op numbers are never reused");
_Static_assert(CHATLIFE_OP_RESUME == 18, "op numbers are never reused");

/* A view of a NUL-terminated string the caller owns. */
static chatlife_str str(const char *text) {
    chatlife_str view = {text, strlen(text)};
    return view;
}

static chatlife_command message_at(uint64_t at, const char *conversation, const char *participant) {
    chatlife_command command;
    memset(&command, 0, sizeof command);
    command.op = CHATLIFE_OP_MESSAGE;
    command.at = at;
    command.conversation = str(conversation);
    command.participant = str(participant);
    return command;
}

static chatlife_command op_at(uint32_t op, uint64_t at) {
    chatlife_command command;
    memset(&command, 0, sizeof command);
    command.op = op;
    command.at = at;
    return command;
}

#define TIMERS "{\"policies\": {\"default\": {\"timers\": {\"customer_idle\": 2, \"customer_auto_disconnect\": 3}}}}"

/* Applies `commands` with statuses and messages, draining nothing. */
static void apply(chatlife_engine *engine, const chatlife_command *commands, size_t len, chatlife_status *statuses,
                  chatlife_error **errors, size_t *pending) {
    size_t written = 99;
    CHECK_OK(chatlife_apply_many(engine, commands, len, statuses, errors, NULL, 0, &written, pending, &err));
    CHECK(written == 0);
}

/* ---- the call's own arguments: the batch is refused whole ---- */

static void test_null_arguments(void) {
    chatlife_engine *engine = new_engine(TIMERS);
    chatlife_command start = op_at(CHATLIFE_OP_START_CONVERSATION, 0);
    start.conversation = str("c1");
    start.customer = str("cu");
    chatlife_status status = 77;
    chatlife_event events[2];
    events[0].at = 555;
    size_t written = 9, pending = 9;

    CHECK_FAILS(chatlife_apply_many(NULL, &start, 1, &status, NULL, events, 2, &written, &pending, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "engine");
    CHECK_FAILS(chatlife_apply_many(engine, NULL, 1, &status, NULL, events, 2, &written, &pending, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "commands");
    CHECK_FAILS(chatlife_apply_many(engine, &start, 1, NULL, NULL, events, 2, &written, &pending, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "statuses_out");
    CHECK_FAILS(chatlife_apply_many(engine, &start, 1, &status, NULL, NULL, 2, &written, &pending, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "events_out");
    CHECK_FAILS(chatlife_apply_many(engine, &start, 1, &status, NULL, events, 2, NULL, &pending, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "events_len_out");
    CHECK_FAILS(chatlife_apply_many(engine, &start, 1, &status, NULL, events, 2, &written, NULL, &err),
                CHATLIFE_STATUS_NULL_ARGUMENT, "events_pending_out");
    /* Nothing was written and nothing applied: c1 can still be started. */
    CHECK(status == 77 && events[0].at == 555 && written == 9 && pending == 9);
    CHECK(chatlife_apply_many(engine, &start, 1, &status, NULL, NULL, 0, &written, &pending, NULL) ==
          CHATLIFE_STATUS_OK);
    CHECK(status == CHATLIFE_STATUS_OK && written == 0 && pending == 1);

    /* Empty arrays may be NULL: only draining, or nothing at all. */
    CHECK_OK(chatlife_apply_many(engine, NULL, 0, NULL, NULL, NULL, 0, &written, &pending, &err));
    CHECK(written == 0 && pending == 1);
    CHECK_OK(chatlife_apply_many(engine, NULL, 0, NULL, NULL, events, 2, &written, &pending, &err));
    CHECK(written == 1 && pending == 0);
    CHECK(events[0].type == CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED && view_is(events[0].customer, "cu"));
    chatlife_engine_free(engine);
}

/* ---- a bad field refuses its command only, as its single call would ---- */

static void test_per_command_failures(void) {
    chatlife_engine *engine = new_engine(TIMERS);
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    static char long_id[300];
    memset(long_id, 'x', sizeof long_id - 1);

    chatlife_command commands[12];
    const char *fields[12];
    chatlife_status expected[12];
    size_t n = 0;
#define EXPECT(command, status, field) (commands[n] = (command), expected[n] = (status), fields[n++] = (field))
    chatlife_command c = message_at(10, "c1", "cu");
    c.conversation.data = NULL;
    EXPECT(c, CHATLIFE_STATUS_NULL_ARGUMENT, "conversation");
    c = message_at(10, "c1", "cu");
    c.participant = (chatlife_str){"cu\x80", 3};
    EXPECT(c, CHATLIFE_STATUS_INVALID_UTF8, "participant");
    EXPECT(op_at(99, 10), CHATLIFE_STATUS_INVALID_ARGUMENT, "op");
    c = op_at(CHATLIFE_OP_JOIN, 10);
    c.conversation = str("c1");
    c.participant = str("ag");
    c.role = 9;
    EXPECT(c, CHATLIFE_STATUS_INVALID_ARGUMENT, "role");
    c = op_at(CHATLIFE_OP_SET_WAIT, 10);
    c.conversation = str("c1");
    c.wait_for = 7;
    EXPECT(c, CHATLIFE_STATUS_INVALID_ARGUMENT, "wait_for");
    c = op_at(CHATLIFE_OP_SET_PARTICIPANT_TIMERS, 10);
    c.conversation = str("c1");
    c.timers.agent_idle = 481;
    EXPECT(c, CHATLIFE_STATUS_INVALID_ARGUMENT, "timers.agent_idle");
    c = op_at(CHATLIFE_OP_UPDATE_PARTICIPANT_ROLE_CONFIG, 10);
    c.conversation = str("c1");
    c.request_json = str("{not json");
    EXPECT(c, CHATLIFE_STATUS_INVALID_ARGUMENT, "request");
    EXPECT(message_at(10, long_id, "cu"), CHATLIFE_STATUS_LIMIT_EXCEEDED, "conversation");
    EXPECT(message_at(10, "nope", "cu"), CHATLIFE_STATUS_UNKNOWN_CONVERSATION, "conversation");
    /* The batch goes on after refusals: this one is applied... */
    EXPECT(message_at(20, "c1", "cu"), CHATLIFE_STATUS_OK, NULL);
    /* ...so time has moved on for the next one, */
    EXPECT(message_at(15, "c1", "cu"), CHATLIFE_STATUS_TIME_WENT_BACKWARDS, "now");
    /* ...and a failure leaves the engine ready for the next. */
    EXPECT(op_at(CHATLIFE_OP_ADVANCE, 30), CHATLIFE_STATUS_OK, NULL);
#undef EXPECT

    chatlife_status statuses[12];
    chatlife_error *errors[12];
    size_t pending = 0;
    apply(engine, commands, n, statuses, errors, &pending);
    for (size_t i = 0; i < n; i++) {
        if (expected[i] == CHATLIFE_STATUS_OK) {
            CHECK(statuses[i] == CHATLIFE_STATUS_OK && errors[i] == NULL);
        } else {
            CHECK(statuses[i] == expected[i]);
            check_failure_at(__FILE__, __LINE__, statuses[i], errors[i], expected[i], fields[i]);
        }
    }
    CHECK(pending == 1); /* c1's start; the message made none */

    /* Without command_errors_out: the statuses only, nothing to free. */
    chatlife_status status = 77;
    chatlife_command bad = message_at(40, "nope", "cu");
    apply(engine, &bad, 1, &status, NULL, &pending);
    CHECK(status == CHATLIFE_STATUS_UNKNOWN_CONVERSATION);
    chatlife_engine_free(engine);
}

/* The message of a refused command is the single call's, word for word. */
static void test_same_message_as_single_call(void) {
    chatlife_engine *engine = new_engine(TIMERS);
    chatlife_error *single = NULL, *batched = NULL;
    chatlife_status status;
    size_t pending;
    CHECK(chatlife_leave(engine, 0, S("c9"), S("cu"), &single) == CHATLIFE_STATUS_UNKNOWN_CONVERSATION);
    chatlife_command leave = op_at(CHATLIFE_OP_LEAVE, 0);
    leave.conversation = str("c9");
    leave.participant = str("cu");
    apply(engine, &leave, 1, &status, &batched, &pending);
    CHECK(status == CHATLIFE_STATUS_UNKNOWN_CONVERSATION && batched != NULL);
    chatlife_str a = chatlife_error_message(single), b = chatlife_error_message(batched);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    chatlife_error_free(single);
    chatlife_error_free(batched);
    chatlife_engine_free(engine);
}

/* ---- events: the buffer fills up to its size, the rest waits ---- */

static void test_event_buffer(void) {
    chatlife_engine *engine = new_engine(TIMERS);
    enum { CHATS = 5, PER_CHAT = 3, EVENTS_PER_CHAT = 5 };
    char ids[CHATS][3][8];
    chatlife_command commands[PER_CHAT * CHATS + 1];
    for (int i = 0; i < CHATS; i++) {
        snprintf(ids[i][0], sizeof ids[i][0], "c%d", i);
        snprintf(ids[i][1], sizeof ids[i][1], "cu%d", i);
        snprintf(ids[i][2], sizeof ids[i][2], "ag%d", i);
        chatlife_command *c = &commands[PER_CHAT * i];
        c[0] = op_at(CHATLIFE_OP_START_CONVERSATION, 1000);
        c[0].conversation = str(ids[i][0]);
        c[0].customer = str(ids[i][1]);
        c[1] = op_at(CHATLIFE_OP_JOIN, 1000);
        c[1].conversation = str(ids[i][0]);
        c[1].participant = str(ids[i][2]);
        c[1].role = CHATLIFE_ROLE_AGENT;
        c[2] = message_at(1000, ids[i][0], ids[i][1]);
    }
    /* Each customer goes idle at 1000 + 2 min. */
    commands[PER_CHAT * CHATS] = op_at(CHATLIFE_OP_ADVANCE, 1000 + 2 * 60 * 1000);
    chatlife_status statuses[PER_CHAT * CHATS + 1];
    chatlife_event events[4];
    size_t written = 0, pending = 0;
    CHECK_OK(chatlife_apply_many(engine, commands, PER_CHAT * CHATS + 1, statuses, NULL, events, 4, &written,
                                 &pending, &err));
    for (int i = 0; i < PER_CHAT * CHATS + 1; i++) CHECK(statuses[i] == CHATLIFE_STATUS_OK);
    /* Per chat: conversation_started, participant_joined, state_changed,
     * capacity_changed, and after the advance participant_idle. */
    CHECK(written == 4 && pending == EVENTS_PER_CHAT * CHATS - 4);
    CHECK(events[0].type == CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED && view_is(events[0].conversation, "c0") &&
          events[0].at == 1000);
    CHECK(events[1].type == CHATLIFE_EVENT_TYPE_PARTICIPANT_JOINED && view_is(events[1].participant, "ag0"));
    CHECK(events[2].type == CHATLIFE_EVENT_TYPE_STATE_CHANGED && view_is(events[2].to, "active"));
    CHECK(events[3].type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && view_is(events[3].agent, "ag0") &&
          events[3].conversation.data == NULL);
    chatlife_str line;
    CHECK_FAILS(chatlife_event_to_json(engine, &line, &err), CHATLIFE_STATUS_NO_EVENT, "engine");

    /* The rest comes in later calls, oldest first, by either way of taking. */
    chatlife_event event;
    bool has_event = false;
    CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_CONVERSATION_STARTED && view_is(event.conversation, "c1"));
    int idle = 0, taken = 5;
    do {
        CHECK_OK(chatlife_apply_many(engine, NULL, 0, NULL, NULL, events, 4, &written, &pending, &err));
        CHECK(written <= 4);
        for (size_t k = 0; k < written; k++) {
            if (events[k].type == CHATLIFE_EVENT_TYPE_PARTICIPANT_IDLE) {
                CHECK(events[k].at == 1000 + 2 * 60 * 1000 && view_is(events[k].role, "customer"));
                idle++;
            }
        }
        taken += (int)written;
    } while (pending > 0 && written > 0);
    CHECK(taken == EVENTS_PER_CHAT * CHATS && idle == CHATS && pending == 0);

    /* A capacity of 0 takes nothing and says how many wait: the
     * auto-disconnects, 3 min after idle. */
    chatlife_command again = op_at(CHATLIFE_OP_ADVANCE, 1000 + 5 * 60 * 1000);
    chatlife_status status;
    apply(engine, &again, 1, &status, NULL, &pending);
    CHECK(status == CHATLIFE_STATUS_OK && pending >= CHATS);
    chatlife_engine_free(engine); /* frees the events still waiting */
}

/* ---- every op, with its optional fields ---- */

static void test_every_op(void) {
    chatlife_engine *engine = new_engine(
        "{\"seed\": 1, \"policies\": {\"default\": {\"reconnect\": {\"enabled\": true,"
        " \"portal_url\": \"https://example.com/chat\"}, \"hold\": {\"enabled\": true}}}}");
    chatlife_command c[19];
    for (int i = 0; i < 19; i++) {
        c[i] = op_at((uint32_t)i, 1000 + (uint64_t)i);
        c[i].conversation = str("c1");
        c[i].participant = str("ag");
    }
    c[CHATLIFE_OP_START_CONVERSATION].customer = str("cu");
    c[CHATLIFE_OP_START_CONVERSATION].authenticated_as = str("id-1");
    c[CHATLIFE_OP_START_CONVERSATION].display_name = str("Kim");
    c[CHATLIFE_OP_JOIN].role = CHATLIFE_ROLE_AGENT;
    c[CHATLIFE_OP_JOIN].display_name = str("Ann");
    c[CHATLIFE_OP_LEAVE].participant = str("sup");
    c[CHATLIFE_OP_RECONNECT].conversation.data = NULL;
    c[CHATLIFE_OP_RECONNECT].token = str("not-a-token");
    c[CHATLIFE_OP_RETURNING_CUSTOMER].authenticated_as = str("id-1");
    c[CHATLIFE_OP_DECLINE_RECONNECT].authenticated_as = str("id-1");
    c[CHATLIFE_OP_SET_PARTICIPANT_TIMERS].timers.customer_idle = 5;
    c[CHATLIFE_OP_UPDATE_PARTICIPANT_ROLE_CONFIG].request_json =
        str("{\"ChannelConfiguration\": {\"Chat\": {\"ParticipantTimerConfigList\": []}}}");
    c[CHATLIFE_OP_SET_WAIT].wait_for = CHATLIFE_WAIT_FOR_CUSTOMER;
    c[CHATLIFE_OP_SET_AGENT_CAPACITY].agent = str("ag");
    c[CHATLIFE_OP_SET_AGENT_CAPACITY].capacity = 3;
    c[CHATLIFE_OP_SET_AGENT_CAPACITY].capacity_bounded = true;
    chatlife_status statuses[19];
    chatlife_error *errors[19];
    size_t pending = 0;
    apply(engine, c, 19, statuses, errors, &pending);
    /* Each status is the one the single call gives on the same engine history. */
    CHECK(statuses[CHATLIFE_OP_START_CONVERSATION] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_JOIN] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_LEAVE] == CHATLIFE_STATUS_UNKNOWN_PARTICIPANT); /* "sup" never joined */
    CHECK(statuses[CHATLIFE_OP_MESSAGE] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_CONNECTION_LOST] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_CONNECTION_RESTORED] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_RECONNECT] == CHATLIFE_STATUS_OK); /* R-RC10: refused by an event, not an error */
    CHECK(statuses[CHATLIFE_OP_SET_PARTICIPANT_TIMERS] != CHATLIFE_STATUS_INVALID_ARGUMENT);
    CHECK(statuses[CHATLIFE_OP_SET_AGENT_CAPACITY] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_ADVANCE] == CHATLIFE_STATUS_OK);
    CHECK(statuses[CHATLIFE_OP_HOLD] == CHATLIFE_STATUS_INVALID_STATE); /* the agent ended it: wrap-up */
    CHECK(statuses[CHATLIFE_OP_RESUME] == CHATLIFE_STATUS_INVALID_STATE);
    for (int i = 0; i < 19; i++) {
        CHECK((statuses[i] == CHATLIFE_STATUS_OK) == (errors[i] == NULL));
        if (errors[i]) CHECK(chatlife_error_code(errors[i]) == statuses[i]);
        chatlife_error_free(errors[i]);
    }
    CHECK(pending > 0);

    /* The same history through the single calls gives the same statuses. */
    chatlife_engine *single = new_engine(
        "{\"seed\": 1, \"policies\": {\"default\": {\"reconnect\": {\"enabled\": true,"
        " \"portal_url\": \"https://example.com/chat\"}, \"hold\": {\"enabled\": true}}}}");
    chatlife_status one[19];
    one[0] = chatlife_start_conversation(single, 1000, S("c1"), S("cu"), NULL, 0, S("id-1"), S("Kim"), NULL);
    one[1] = chatlife_join(single, 1001, S("c1"), S("ag"), CHATLIFE_ROLE_AGENT, S("Ann"), NULL);
    one[2] = chatlife_leave(single, 1002, S("c1"), S("sup"), NULL);
    one[3] = chatlife_message(single, 1003, S("c1"), S("ag"), NULL);
    one[4] = chatlife_connection_lost(single, 1004, S("c1"), S("ag"), NULL);
    one[5] = chatlife_connection_restored(single, 1005, S("c1"), S("ag"), NULL);
    one[6] = chatlife_end(single, 1006, S("c1"), S("ag"), NULL);
    one[7] = chatlife_close_session(single, 1007, S("c1"), S("ag"), NULL);
    one[8] = chatlife_issue_reconnect_link(single, 1008, S("c1"), NULL);
    one[9] = chatlife_reconnect(single, 1009, S("not-a-token"), NULL, 0, NULL, 0, NULL);
    one[10] = chatlife_returning_customer(single, 1010, S("id-1"), NULL);
    one[11] = chatlife_decline_reconnect(single, 1011, S("c1"), S("id-1"), NULL);
    chatlife_timers timers = {5, 0, 0, 0};
    one[12] = chatlife_set_participant_timers(single, 1012, S("c1"), &timers, NULL);
    one[13] = chatlife_update_participant_role_config(
        single, 1013, S("c1"), S("{\"ChannelConfiguration\": {\"Chat\": {\"ParticipantTimerConfigList\": []}}}"),
        NULL);
    one[14] = chatlife_set_wait(single, 1014, S("c1"), CHATLIFE_WAIT_FOR_CUSTOMER, NULL);
    uint32_t capacity = 3;
    one[15] = chatlife_set_agent_capacity(single, 1015, S("ag"), &capacity, NULL);
    one[16] = chatlife_advance(single, 1016, NULL);
    one[17] = chatlife_hold(single, 1017, S("c1"), S("ag"), NULL);
    one[18] = chatlife_resume(single, 1018, S("c1"), S("ag"), NULL);
    for (int i = 0; i < 19; i++) {
        if (one[i] != statuses[i]) {
            fprintf(stderr, "op %d: batch %s, single call %s\n", i, chatlife_status_str(statuses[i]),
                    chatlife_status_str(one[i]));
        }
        CHECK(one[i] == statuses[i]);
    }
    chatlife_engine_free(single);
    chatlife_engine_free(engine);
}

int main(void) {
    test_null_arguments();
    test_per_command_failures();
    test_same_message_as_single_call();
    test_event_buffer();
    test_every_op();
    return checks_finish();
}
