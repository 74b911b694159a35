/* Durable state through the C API: an engine continued from its snapshot
 * (after the original is freed, or restored over another engine) emits what
 * the original emits; damaged snapshots are refused and change nothing;
 * unpolled events are not in a snapshot; a conversation exported from one
 * engine continues in another. Built plainly (run under valgrind) and with
 * ASan/UBSan by mk/c.mk. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define S CHATLIFE_STR_ARG
#define MIN (60 * 1000)

/* Timers, reconnect (prompt and seeded links), capacity and auto-close, so a
 * snapshot has every kind of state to carry. */
static const char config[] =
    "{\"seed\": 7, \"agents\": {\"default_capacity\": 2}, \"policies\": {\"default\": {"
    "\"timers\": {\"customer_idle\": 2, \"customer_auto_disconnect\": 5, \"agent_idle\": 3},"
    "\"reconnect\": {\"enabled\": true, \"portal_url\": \"https://example.com/chat\"},"
    "\"auto_close\": {\"wrap_up\": \"15m\"}}}}";

struct step {
    uint64_t at;
    const char *command;
};

/* Two chats of one agent, the first with a link issued and its customer
 * gone; timers of both are running. */
static const struct step before_snapshot[] = {
    {0, "{\"op\":\"start_conversation\",\"conversation\":\"c1\",\"customer\":\"cu\",\"authenticated_as\":\"id-1\"}"},
    {1000, "{\"op\":\"join\",\"conversation\":\"c1\",\"participant\":\"ag\",\"role\":\"agent\"}"},
    {2000, "{\"op\":\"message\",\"conversation\":\"c1\",\"participant\":\"cu\"}"},
    {3000, "{\"op\":\"issue_reconnect_link\",\"conversation\":\"c1\"}"},
    {4000, "{\"op\":\"start_conversation\",\"conversation\":\"c2\",\"customer\":\"cu2\"}"},
    {5000, "{\"op\":\"join\",\"conversation\":\"c2\",\"participant\":\"ag\",\"role\":\"agent\"}"},
    {6000, "{\"op\":\"connection_lost\",\"conversation\":\"c1\",\"participant\":\"cu\"}"},
};

/* Grace runs out, the customer comes back through the prompt, a new link
 * comes from the seeded stream, timers fire, a chat wraps up and closes. */
static const struct step after_snapshot[] = {
    {1 * MIN, "{\"op\":\"message\",\"conversation\":\"c2\",\"participant\":\"cu2\"}"},
    {4 * MIN, "{\"op\":\"advance\"}"},
    {5 * MIN, "{\"op\":\"returning_customer\",\"authenticated_as\":\"id-1\"}"},
    {5 * MIN + 1000, "{\"op\":\"reconnect\",\"conversation\":\"c1\",\"authenticated_as\":\"id-1\"}"},
    {6 * MIN, "{\"op\":\"issue_reconnect_link\",\"conversation\":\"c2\"}"},
    {7 * MIN, "{\"op\":\"end\",\"conversation\":\"c2\",\"participant\":\"ag\"}"},
    {8 * MIN, "{\"op\":\"message\",\"conversation\":\"c9\",\"participant\":\"cu\"}"}, /* refused */
    {180 * MIN, "{\"op\":\"advance\"}"},
};

#define COUNT(array) (sizeof(array) / sizeof *(array))

/* ---- growing text, for event lines ---- */

struct text {
    char *data;
    size_t len;
    size_t cap;
    int lines;
};

static void text_add(struct text *t, const char *data, size_t len) {
    if (t->len + len + 1 > t->cap) {
        t->cap = 2 * (t->len + len + 1);
        t->data = realloc(t->data, t->cap);
        if (t->data == NULL) abort();
    }
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = '\0';
}

static void text_free(struct text *t) {
    free(t->data);
    memset(t, 0, sizeof *t);
}

static bool text_equal(const struct text *a, const struct text *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static bool text_has(const struct text *t, const char *needle) {
    return t->data != NULL && strstr(t->data, needle) != NULL;
}

/* Every pending event's canonical line, appended to `out` (when not NULL);
 * with `only` set, just the events of that conversation. Returns how many
 * events were pending. */
static int drain(chatlife_engine *engine, struct text *out, const char *only) {
    int pending = 0;
    for (;;) {
        chatlife_event event;
        bool has_event = false;
        CHECK_OK(chatlife_poll_event(engine, &event, &has_event, &err));
        if (!has_event) return pending;
        pending++;
        if (out == NULL || (only != NULL && !view_is(event.conversation, only))) continue;
        chatlife_str line;
        CHECK_OK(chatlife_event_to_json(engine, &line, &err));
        text_add(out, line.data, line.len);
        text_add(out, "\n", 1);
        out->lines++;
    }
}

/* Applies each step; each must be accepted. Events are left pending. */
static void apply_ok(chatlife_engine *engine, const struct step *steps, size_t count) {
    for (size_t i = 0; i < count; i++) {
        CHECK_OK(chatlife_apply_json(engine, steps[i].at, steps[i].command, strlen(steps[i].command), &err));
    }
}

/* Applies each step and writes what it gave to `out`: its status, then
 * its events (those of `only`, when set). */
static void run(chatlife_engine *engine, const struct step *steps, size_t count, struct text *out, const char *only) {
    for (size_t i = 0; i < count; i++) {
        chatlife_status status =
            chatlife_apply_json(engine, steps[i].at, steps[i].command, strlen(steps[i].command), NULL);
        char line[64];
        int len = snprintf(line, sizeof line, "step %zu: %s\n", i, chatlife_status_str(status));
        text_add(out, line, (size_t)len);
        drain(engine, out, only);
    }
}

static chatlife_bytes snapshot_of(chatlife_engine *engine) {
    chatlife_bytes snapshot = {NULL, 0};
    CHECK_OK(chatlife_snapshot(engine, &snapshot, &err));
    return snapshot;
}

static bool same_bytes(chatlife_bytes a, chatlife_bytes b) {
    return a.len == b.len && a.data != NULL && b.data != NULL && memcmp(a.data, b.data, a.len) == 0;
}

/* `engine`'s snapshot is `expected`. */
static bool snapshot_is(chatlife_engine *engine, chatlife_bytes expected) {
    chatlife_bytes now = snapshot_of(engine);
    bool same = same_bytes(now, expected);
    chatlife_bytes_free(&now);
    return same;
}

/* ---- snapshot, free, continue ---- */

static void test_continue_from_snapshot(void) {
    /* The original runs straight through. */
    chatlife_engine *original = new_engine(config);
    apply_ok(original, before_snapshot, COUNT(before_snapshot));
    drain(original, NULL, NULL);
    struct text expected = {0};
    run(original, after_snapshot, COUNT(after_snapshot), &expected, NULL);
    chatlife_engine_free(original);
    /* The continuation is worth comparing: every kind of state was used. */
    CHECK(expected.lines >= 15);
    CHECK(text_has(&expected, "\"type\":\"customer_disconnected\""));
    CHECK(text_has(&expected, "\"type\":\"customer_reconnected\""));
    CHECK(text_has(&expected, "\"type\":\"reconnect_link_issued\""));
    CHECK(text_has(&expected, "\"type\":\"participant_idle\""));
    CHECK(text_has(&expected, "\"to\":\"closed\""));
    CHECK(text_has(&expected, "step 6: unknown_conversation"));

    /* The same history, snapshotted and freed: an engine made from the
     * bytes alone continues with the same statuses and events. */
    chatlife_engine *first = new_engine(config);
    apply_ok(first, before_snapshot, COUNT(before_snapshot));
    drain(first, NULL, NULL);
    chatlife_bytes snapshot = snapshot_of(first);
    chatlife_engine_free(first);
    CHECK(snapshot.data != NULL && snapshot.len > 0);

    chatlife_engine *continued = NULL;
    CHECK_OK(chatlife_engine_from_snapshot(snapshot.data, snapshot.len, &continued, &err));
    CHECK(snapshot_is(continued, snapshot)); /* nothing lost or added on the way */
    struct text got = {0};
    run(continued, after_snapshot, COUNT(after_snapshot), &got, NULL);
    CHECK(text_equal(&got, &expected));
    if (!text_equal(&got, &expected)) fprintf(stderr, "expected:\n%s\ngot:\n%s\n", expected.data, got.data);
    chatlife_engine_free(continued);
    text_free(&got);

    /* Restored over an engine with a history of its own (a later clock, a
     * conversation of the same id): the snapshot's state replaces all of it. */
    chatlife_engine *other = new_engine("{}");
    CHECK_OK(chatlife_start_conversation(other, 500 * MIN, S("c1"), S("someone"), NULL, 0, NULL, 0, NULL, 0, &err));
    drain(other, NULL, NULL);
    CHECK_OK(chatlife_restore(other, snapshot.data, snapshot.len, &err));
    CHECK(snapshot_is(other, snapshot));
    run(other, after_snapshot, COUNT(after_snapshot), &got, NULL);
    CHECK(text_equal(&got, &expected));
    chatlife_engine_free(other);
    text_free(&got);

    chatlife_bytes_free(&snapshot);
    CHECK(snapshot.data == NULL && snapshot.len == 0);
    chatlife_bytes_free(&snapshot); /* emptied, so a second free is harmless */
    text_free(&expected);
}

/* ---- events not yet polled are not part of a snapshot ---- */

static void test_pending_events_are_not_kept(void) {
    chatlife_engine *engine = new_engine(config);
    CHECK_OK(chatlife_start_conversation(engine, 0, S("c1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    chatlife_bytes snapshot = snapshot_of(engine);
    chatlife_engine *restored = NULL;
    CHECK_OK(chatlife_engine_from_snapshot(snapshot.data, snapshot.len, &restored, &err));
    CHECK(drain(restored, NULL, NULL) == 0);  /* conversation_started is gone */
    CHECK(drain(engine, NULL, NULL) == 1);    /* the original still has it */

    /* The state itself is all there: both continue alike. */
    struct text a = {0}, b = {0};
    const struct step join = {1000, "{\"op\":\"join\",\"conversation\":\"c1\",\"participant\":\"ag\",\"role\":\"agent\"}"};
    run(engine, &join, 1, &a, NULL);
    run(restored, &join, 1, &b, NULL);
    CHECK(a.lines == 3 && text_equal(&a, &b));
    text_free(&a);
    text_free(&b);

    /* restore replaces the target's pending events with the snapshot's
     * (none): they are dropped. */
    CHECK_OK(chatlife_message(engine, 2000, S("c1"), S("cu"), &err));
    CHECK_OK(chatlife_end(engine, 3000, S("c1"), S("ag"), &err));
    CHECK_OK(chatlife_restore(engine, snapshot.data, snapshot.len, &err));
    CHECK(drain(engine, NULL, NULL) == 0);
    CHECK(snapshot_is(engine, snapshot));

    chatlife_bytes_free(&snapshot);
    chatlife_engine_free(engine);
    chatlife_engine_free(restored);
}

/* ---- damaged snapshots: refused, nothing changes ---- */

/* Where `needle` starts in `bytes`, or -1. */
static long find(chatlife_bytes bytes, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= bytes.len; i++) {
        if (memcmp(bytes.data + i, needle, n) == 0) return (long)i;
    }
    return -1;
}

struct damage {
    const char *what;
    const char *field; /* what the message names first */
    const uint8_t *data;
    size_t len;
};

static void test_damaged_snapshots(void) {
    /* A good snapshot to damage, of an engine with timers and tokens. */
    chatlife_engine *source = new_engine(config);
    apply_ok(source, before_snapshot, COUNT(before_snapshot));
    drain(source, NULL, NULL);
    chatlife_bytes good = snapshot_of(source);
    chatlife_engine_free(source);

    uint8_t *copies[5];
    for (size_t i = 0; i < COUNT(copies); i++) {
        copies[i] = malloc(good.len);
        if (copies[i] == NULL) abort();
        memcpy(copies[i], good.data, good.len);
    }
    copies[0][0] ^= 0xFF;             /* the opening brace */
    copies[1][good.len / 2] = '\x01'; /* a control byte mid-document */
    long version = find(good, "\"schema_version\":2");
    long id = find(good, "\"c1\"");
    CHECK(version >= 0 && id >= 0);
    if (version < 0 || id < 0) return;
    copies[2][version + strlen("\"schema_version\":")] = '3'; /* a newer version */
    copies[3][version + strlen("\"schema_version\":")] = '0'; /* older than any this library reads */
    copies[4][id + 1] = 0xFF;                                  /* not UTF-8 */
    static const uint8_t not_a_snapshot[] = "{\"conversations\": []}";
    static const uint8_t empty[1] = {0};
    const struct damage damages[] = {
        {"truncated to half", "snapshot", good.data, good.len / 2},
        {"one byte short", "snapshot", good.data, good.len - 1},
        {"empty", "snapshot", empty, 0},
        {"first byte flipped", "snapshot", copies[0], good.len},
        {"control byte inside", "snapshot", copies[1], good.len},
        {"schema_version 3", "snapshot.schema_version", copies[2], good.len},
        {"schema_version 0", "snapshot.schema_version", copies[3], good.len},
        {"invalid UTF-8 in an id", "snapshot", copies[4], good.len},
        {"JSON, but no snapshot", "snapshot.schema_version", not_a_snapshot, sizeof not_a_snapshot - 1},
    };

    /* The target has a history and an event not yet polled: all of it stays. */
    chatlife_engine *target = new_engine("{\"policies\": {\"default\": {\"timers\": {\"customer_idle\": 2}}}}");
    CHECK_OK(chatlife_start_conversation(target, 10, S("t1"), S("cu"), NULL, 0, NULL, 0, NULL, 0, &err));
    CHECK_OK(chatlife_join(target, 20, S("t1"), S("ag"), CHATLIFE_ROLE_AGENT, NULL, 0, &err));
    drain(target, NULL, NULL);
    CHECK_OK(chatlife_join(target, 30, S("t1"), S("sv"), CHATLIFE_ROLE_SUPERVISOR, NULL, 0, &err));
    chatlife_bytes before = snapshot_of(target);

    for (size_t i = 0; i < COUNT(damages); i++) {
        const struct damage *d = &damages[i];
        CHECK_FAILS(chatlife_restore(target, d->data, d->len, &err), CHATLIFE_STATUS_INVALID_ARGUMENT, d->field);
        CHECK(chatlife_restore(target, d->data, d->len, NULL) == CHATLIFE_STATUS_INVALID_ARGUMENT);
        if (!snapshot_is(target, before)) {
            checks_failed++;
            fprintf(stderr, "a refused restore (%s) changed the engine\n", d->what);
        }
        chatlife_engine *made = (chatlife_engine *)&checks_passed;
        CHECK_FAILS(chatlife_engine_from_snapshot(d->data, d->len, &made, &err), CHATLIFE_STATUS_INVALID_ARGUMENT,
                    d->field);
        CHECK(made == (chatlife_engine *)&checks_passed); /* written only on success */
    }
    /* The newer version says what to do about it. */
    chatlife_error *error = NULL;
    CHECK(chatlife_restore(target, copies[2], good.len, &error) == CHATLIFE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(chatlife_error_message(error).data, "newer") != NULL);
    chatlife_error_free(error);

    /* The pending event survived, and the engine goes on from where it was. */
    chatlife_event event;
    bool has_event = false;
    CHECK_OK(chatlife_poll_event(target, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_PARTICIPANT_JOINED && view_is(event.participant, "sv"));
    CHECK_FAILS(chatlife_message(target, 29, S("t1"), S("cu"), &err), CHATLIFE_STATUS_TIME_WENT_BACKWARDS, "now");
    CHECK_OK(chatlife_advance(target, 20 + 2 * MIN, &err));
    CHECK_OK(chatlife_poll_event(target, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_PARTICIPANT_IDLE && event.at == 20 + 2 * MIN);

    /* The undamaged bytes are accepted, so the refusals above were theirs. */
    CHECK_OK(chatlife_restore(target, good.data, good.len, &err));
    CHECK(snapshot_is(target, good));

    for (size_t i = 0; i < COUNT(copies); i++) free(copies[i]);
    chatlife_bytes_free(&before);
    chatlife_bytes_free(&good);
    chatlife_engine_free(target);
}

/* ---- export from one engine, import into another ---- */

static const struct step chat_history[] = {
    {0, "{\"op\":\"start_conversation\",\"conversation\":\"c1\",\"customer\":\"cu\"}"},
    {1000, "{\"op\":\"join\",\"conversation\":\"c1\",\"participant\":\"ag\",\"role\":\"agent\"}"},
    {30000, "{\"op\":\"message\",\"conversation\":\"c1\",\"participant\":\"cu\"}"},
    {31000, "{\"op\":\"start_conversation\",\"conversation\":\"c2\",\"customer\":\"cu2\"}"},
};

#define MOVED_AT 60000

/* What c1 does after the move: idle, return, idle and auto-disconnect,
 * wrap-up, close. */
static const struct step chat_continuation[] = {
    {90000, "{\"op\":\"message\",\"conversation\":\"c1\",\"participant\":\"ag\"}"},
    {4 * MIN, "{\"op\":\"advance\"}"},
    {5 * MIN, "{\"op\":\"message\",\"conversation\":\"c1\",\"participant\":\"cu\"}"},
    {30 * MIN, "{\"op\":\"advance\"}"},
    {31 * MIN, "{\"op\":\"end\",\"conversation\":\"c1\",\"participant\":\"ag\"}"},
    {60 * MIN, "{\"op\":\"advance\"}"},
};

static void test_export_and_import(void) {
    /* The reference never moves c1. */
    chatlife_engine *reference = new_engine(config);
    apply_ok(reference, chat_history, COUNT(chat_history));
    CHECK_OK(chatlife_advance(reference, MOVED_AT, &err));
    drain(reference, NULL, NULL);
    struct text expected = {0};
    run(reference, chat_continuation, COUNT(chat_continuation), &expected, "c1");
    chatlife_engine_free(reference);
    CHECK(expected.lines >= 6 && text_has(&expected, "\"type\":\"auto_disconnected\""));

    chatlife_engine *source = new_engine(config);
    apply_ok(source, chat_history, COUNT(chat_history));
    drain(source, NULL, NULL);
    chatlife_bytes moved = {NULL, 0};
    CHECK_OK(chatlife_export_conversation(source, MOVED_AT, S("c1"), &moved, &err));
    CHECK(moved.data != NULL && moved.len > 0);
    /* The agent's unit is released at the source... */
    chatlife_event event;
    bool has_event = false;
    CHECK_OK(chatlife_poll_event(source, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && view_is(event.agent, "ag") &&
          event.used == 0);
    /* ...and c1 is gone from it; c2 stays. */
    CHECK_FAILS(chatlife_message(source, MOVED_AT, S("c1"), S("cu"), &err), CHATLIFE_STATUS_UNKNOWN_CONVERSATION,
                "conversation");
    CHECK_OK(chatlife_message(source, MOVED_AT, S("c2"), S("cu2"), &err));
    /* An unknown id exports nothing, and writes nothing. */
    chatlife_bytes untouched = {(uint8_t *)&checks_passed, 7};
    CHECK_FAILS(chatlife_export_conversation(source, MOVED_AT, S("c1"), &untouched, &err),
                CHATLIFE_STATUS_UNKNOWN_CONVERSATION, "conversation");
    CHECK_FAILS(chatlife_export_conversation(source, MOVED_AT, "c\x80", 2, &untouched, &err),
                CHATLIFE_STATUS_INVALID_UTF8, "conversation");
    CHECK(untouched.data == (uint8_t *)&checks_passed && untouched.len == 7);
    chatlife_engine_free(source);

    /* The target takes it in: the unit is held there, and c1 goes on as if
     * it had never moved. */
    chatlife_engine *target = new_engine(config);
    CHECK_OK(chatlife_import_conversation(target, MOVED_AT, moved.data, moved.len, &err));
    CHECK_OK(chatlife_poll_event(target, &event, &has_event, &err));
    CHECK(has_event && event.type == CHATLIFE_EVENT_TYPE_CAPACITY_CHANGED && view_is(event.agent, "ag") &&
          event.used == 1 && event.capacity_bounded && event.capacity == 2);
    CHECK(drain(target, NULL, NULL) == 0);

    /* Refused imports change nothing: the same conversation again, damaged
     * bytes, bytes that are not an export. */
    chatlife_bytes before = snapshot_of(target);
    CHECK_FAILS(chatlife_import_conversation(target, MOVED_AT, moved.data, moved.len, &err),
                CHATLIFE_STATUS_DUPLICATE_CONVERSATION, "conversation");
    CHECK_FAILS(chatlife_import_conversation(target, MOVED_AT, moved.data, moved.len / 2, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "conversation_bytes");
    chatlife_bytes snapshot = snapshot_of(target);
    CHECK_FAILS(chatlife_import_conversation(target, MOVED_AT, snapshot.data, snapshot.len, &err),
                CHATLIFE_STATUS_INVALID_ARGUMENT, "conversation_bytes.config");
    chatlife_bytes_free(&snapshot);
    CHECK(snapshot_is(target, before));
    CHECK(drain(target, NULL, NULL) == 0);
    chatlife_bytes_free(&before);

    struct text got = {0};
    run(target, chat_continuation, COUNT(chat_continuation), &got, "c1");
    CHECK(text_equal(&got, &expected));
    if (!text_equal(&got, &expected)) fprintf(stderr, "expected:\n%s\ngot:\n%s\n", expected.data, got.data);
    text_free(&got);
    chatlife_engine_free(target);

    /* An engine whose clock is past one of the conversation's deadlines
     * refuses it: the timer could no longer fire at its time. */
    chatlife_engine *late = new_engine(config);
    CHECK_OK(chatlife_advance(late, 60 * MIN, &err));
    CHECK_FAILS(chatlife_import_conversation(late, 60 * MIN, moved.data, moved.len, &err),
                CHATLIFE_STATUS_INVALID_STATE, "conversation_bytes");
    CHECK(drain(late, NULL, NULL) == 0);
    chatlife_engine_free(late);

    chatlife_bytes_free(&moved);
    text_free(&expected);
}

int main(void) {
    test_continue_from_snapshot();
    test_pending_events_are_not_kept();
    test_damaged_snapshots();
    test_export_and_import();
    return checks_finish();
}
