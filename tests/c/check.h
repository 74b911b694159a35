/* A minimal test harness for the C tests: CHECK counts, the closing line is
 * the plain "N passed, N failed" that CI reads. */
#ifndef CHATLIFE_TEST_CHECK_H
#define CHATLIFE_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatlife.h"

static int checks_passed;
static int checks_failed;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond) {                                                             \
            checks_passed++;                                                    \
        } else {                                                                \
            checks_failed++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                       \
    } while (0)

/* True when `view` holds exactly the NUL-terminated `text`. */
static inline int view_is(chatlife_str view, const char *text) {
    size_t len = strlen(text);
    return view.data != NULL && view.len == len && memcmp(view.data, text, len) == 0;
}

/* True when `view` starts with `prefix`. */
static inline int view_starts_with(chatlife_str view, const char *prefix) {
    size_t len = strlen(prefix);
    return view.data != NULL && view.len >= len && memcmp(view.data, prefix, len) == 0;
}

/* Checks a failed call: its status, the error object's code, and that the
 * message names `field` first ("field: ..."). Frees the error. */
static inline void check_failure_at(const char *file, int line, chatlife_status got, chatlife_error *error,
                             chatlife_status expected, const char *field) {
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s: ", field);
    chatlife_str message = chatlife_error_message(error);
    if (got == expected && error != NULL && chatlife_error_code(error) == expected &&
        view_starts_with(message, prefix) && message.data[message.len] == '\0') {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "%s:%d: expected %s naming \"%s\", got %s: %.*s\n", file, line,
                chatlife_status_str(expected), field, chatlife_status_str(got), (int)message.len,
                message.data ? message.data : "");
    }
    chatlife_error_free(error);
}

/* `call` must use `&err` as its error_out. */
#define CHECK_FAILS(call, expected, field)                                      \
    do {                                                                        \
        chatlife_error *err = NULL;                                             \
        chatlife_status got_ = (call);                                          \
        check_failure_at(__FILE__, __LINE__, got_, err, (expected), (field));   \
    } while (0)

#define CHECK_OK(call)                                                          \
    do {                                                                        \
        chatlife_error *err = NULL;                                             \
        chatlife_status got_ = (call);                                          \
        if (got_ == CHATLIFE_STATUS_OK && err == NULL) {                        \
            checks_passed++;                                                    \
        } else {                                                                \
            checks_failed++;                                                    \
            fprintf(stderr, "%s:%d: expected ok, got %s: %s\n", __FILE__, __LINE__, \
                    chatlife_status_str(got_), chatlife_error_message(err).data); \
            chatlife_error_free(err);                                           \
        }                                                                       \
    } while (0)

/* An engine for a test; a configuration it refuses ends the test. */
static inline chatlife_engine *new_engine(const char *config) {
    chatlife_engine *engine = NULL;
    chatlife_error *err = NULL;
    if (chatlife_engine_new(config, strlen(config), &engine, &err) != CHATLIFE_STATUS_OK) {
        fprintf(stderr, "engine: %s\n", chatlife_error_message(err).data);
        exit(2);
    }
    return engine;
}

static inline int checks_finish(void) {
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

#endif
