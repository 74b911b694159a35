/* The `ffi` workload from C: the churn of bench/src/workload.rs (the very
 * messages `chatlife-bench --dump-churn` wrote) through the C ABI, one call
 * per command, then one chatlife_apply_many per 100 ms step. Prints one JSON
 * line per run, as chatlife-bench does:
 *   {"workload": "ffi", "impl": "c_call" | "c_batch", "n", "ns_per_op", "bytes_per_conversation": null}
 * ns_per_op is per message; the step's advance (and the expiries it fires)
 * and taking every event are inside the timing, as in the Rust churn rows.
 * Each runs BENCH_REPEAT times (default 3), round after round; the fastest
 * run counts.
 *
 * Usage: ffi-bench DUMP_DIR N...   (reads DUMP_DIR/churn-N.txt) */

#define _POSIX_C_SOURCE 199309L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatlife.h"

/* Must match Churn::config() and STEP_MS / SPAN_MS in bench/src/workload.rs. */
#define CONFIG                                                                                          \
    "{\"policies\": {\"default\": {\"timers\": {\"customer_idle\": 5, \"customer_auto_disconnect\": 10, " \
    "\"agent_idle\": 5, \"agent_auto_disconnect\": 10}}}}"
#define STEP_MS 100
#define SPAN_MS (6 * 60 * 1000)
#define EVENT_BUFFER 4096

/* Ids as the Rust harness makes them: conv-%08d, cust-%08d, agent-%07d of i/4. */
#define ID_SIZE 16
typedef struct {
    char conversation[ID_SIZE], customer[ID_SIZE], agent[ID_SIZE];
    size_t conversation_len, customer_len, agent_len;
} chat_ids;

typedef struct {
    uint32_t step, conversation;
    bool agent;
} message;

typedef struct {
    size_t n;
    chat_ids *ids;
    message *messages;
    size_t messages_len;
} churn;

static void die(const char *what, chatlife_error *err) {
    fprintf(stderr, "ffi-bench: %s: %s\n", what, err ? chatlife_error_message(err).data : "");
    exit(1);
}

static void ok(chatlife_status status, const char *what, chatlife_error *err) {
    if (status != CHATLIFE_STATUS_OK) die(what, err);
}

static churn load(const char *dir, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/churn-%zu.txt", dir, n);
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "ffi-bench: cannot read %s (run chatlife-bench --dump-churn first)\n", path);
        exit(1);
    }
    churn c = {n, calloc(n, sizeof(chat_ids)), NULL, 0};
    size_t cap = 4 * n + 16;
    c.messages = malloc(cap * sizeof(message));
    if (!c.ids || !c.messages) die("out of memory", NULL);
    unsigned step, conversation, agent;
    while (fscanf(file, "%u %u %u", &step, &conversation, &agent) == 3) {
        if (c.messages_len == cap) {
            cap *= 2;
            c.messages = realloc(c.messages, cap * sizeof(message));
            if (!c.messages) die("out of memory", NULL);
        }
        if (conversation >= n) die("a message names a conversation past n", NULL);
        c.messages[c.messages_len++] = (message){step, conversation, agent != 0};
    }
    fclose(file);
    for (size_t i = 0; i < n; i++) {
        chat_ids *id = &c.ids[i];
        id->conversation_len = (size_t)snprintf(id->conversation, ID_SIZE, "conv-%08zu", i);
        id->customer_len = (size_t)snprintf(id->customer, ID_SIZE, "cust-%08zu", i);
        id->agent_len = (size_t)snprintf(id->agent, ID_SIZE, "agent-%07zu", i / 4);
    }
    return c;
}

/* An engine with every chat started and its agent joined, events taken. */
static chatlife_engine *engine_for(const churn *c) {
    chatlife_engine *engine = NULL;
    chatlife_error *err = NULL;
    ok(chatlife_engine_new(CONFIG, strlen(CONFIG), &engine, &err), "engine", err);
    for (size_t i = 0; i < c->n; i++) {
        const chat_ids *id = &c->ids[i];
        ok(chatlife_start_conversation(engine, 0, id->conversation, id->conversation_len, id->customer,
                                       id->customer_len, NULL, 0, NULL, 0, NULL, 0, &err),
           "start_conversation", err);
        ok(chatlife_join(engine, 0, id->conversation, id->conversation_len, id->agent, id->agent_len,
                         CHATLIFE_ROLE_AGENT, NULL, 0, &err),
           "join", err);
    }
    chatlife_event event;
    bool has_event = true;
    while (has_event) ok(chatlife_poll_event(engine, &event, &has_event, &err), "poll", err);
    return engine;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Events are read as a host would: look at the type of each. */
static volatile uint64_t sink;

/* One call per command, one chatlife_poll_event per event. */
static double run_calls(const churn *c) {
    chatlife_engine *engine = engine_for(c);
    chatlife_event event;
    bool has_event;
    size_t i = 0;
    uint64_t seen = 0;
    double start = now_ns();
    for (uint32_t step = 1; step <= SPAN_MS / STEP_MS; step++) {
        uint64_t now = (uint64_t)step * STEP_MS;
        ok(chatlife_advance(engine, now, NULL), "advance", NULL);
        for (; i < c->messages_len && c->messages[i].step == step; i++) {
            const chat_ids *id = &c->ids[c->messages[i].conversation];
            const char *sender = c->messages[i].agent ? id->agent : id->customer;
            size_t sender_len = c->messages[i].agent ? id->agent_len : id->customer_len;
            /* A message after the chat ended is refused, as in every language's run. */
            (void)chatlife_message(engine, now, id->conversation, id->conversation_len, sender, sender_len, NULL);
        }
        for (;;) {
            ok(chatlife_poll_event(engine, &event, &has_event, NULL), "poll", NULL);
            if (!has_event) break;
            seen += event.type;
        }
    }
    double elapsed = now_ns() - start;
    sink = seen;
    chatlife_engine_free(engine);
    return elapsed;
}

/* One chatlife_apply_many per step: the advance and the step's messages,
 * events into a buffer; building the commands is timed too. */
static double run_batches(const churn *c) {
    chatlife_engine *engine = engine_for(c);
    size_t cap = 1024;
    chatlife_command *commands = malloc(cap * sizeof *commands);
    chatlife_status *statuses = malloc(cap * sizeof *statuses);
    chatlife_event *events = malloc(EVENT_BUFFER * sizeof *events);
    if (!commands || !statuses || !events) die("out of memory", NULL);
    size_t i = 0;
    uint64_t seen = 0;
    double start = now_ns();
    for (uint32_t step = 1; step <= SPAN_MS / STEP_MS; step++) {
        uint64_t now = (uint64_t)step * STEP_MS;
        size_t first = i;
        while (i < c->messages_len && c->messages[i].step == step) i++;
        size_t len = i - first + 1;
        if (len > cap) {
            while (cap < len) cap *= 2;
            commands = realloc(commands, cap * sizeof *commands);
            statuses = realloc(statuses, cap * sizeof *statuses);
            if (!commands || !statuses) die("out of memory", NULL);
        }
        commands[0] = (chatlife_command){.op = CHATLIFE_OP_ADVANCE, .at = now};
        for (size_t k = 1; k < len; k++) {
            const message *m = &c->messages[first + k - 1];
            const chat_ids *id = &c->ids[m->conversation];
            commands[k] = (chatlife_command){
                .op = CHATLIFE_OP_MESSAGE,
                .at = now,
                .conversation = {id->conversation, id->conversation_len},
                .participant = m->agent ? (chatlife_str){id->agent, id->agent_len}
                                        : (chatlife_str){id->customer, id->customer_len},
            };
        }
        size_t written = 0, pending = 0;
        ok(chatlife_apply_many(engine, commands, len, statuses, NULL, events, EVENT_BUFFER, &written, &pending, NULL),
           "apply_many", NULL);
        for (;;) {
            for (size_t k = 0; k < written; k++) seen += events[k].type;
            if (pending == 0) break;
            ok(chatlife_apply_many(engine, NULL, 0, NULL, NULL, events, EVENT_BUFFER, &written, &pending, NULL),
               "apply_many", NULL);
        }
    }
    double elapsed = now_ns() - start;
    sink = seen;
    free(commands);
    free(statuses);
    free(events);
    chatlife_engine_free(engine);
    return elapsed;
}

static void emit(const char *impl, size_t n, double ns_per_op) {
    printf("{\"workload\": \"ffi\", \"impl\": \"%s\", \"n\": %zu, \"ns_per_op\": %.1f, "
           "\"bytes_per_conversation\": null}\n",
           impl, n, ns_per_op);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ffi-bench DUMP_DIR N...\n");
        return 2;
    }
    const char *repeat_env = getenv("BENCH_REPEAT");
    int repeat = repeat_env ? atoi(repeat_env) : 3;
    if (repeat < 1) repeat = 1;
    for (int a = 2; a < argc; a++) {
        size_t n = (size_t)strtoull(argv[a], NULL, 10);
        churn c = load(argv[1], n);
        /* Round after round, so a slow spell of the machine hits both alike;
         * the fastest run of each counts. */
        double calls = 1e300, batches = 1e300;
        for (int round = 0; round < repeat; round++) {
            double ns = run_calls(&c);
            if (ns < calls) calls = ns;
            ns = run_batches(&c);
            if (ns < batches) batches = ns;
        }
        emit("c_call", n, calls / (double)c.messages_len);
        emit("c_batch", n, batches / (double)c.messages_len);
        free(c.ids);
        free(c.messages);
    }
    return 0;
}
