/* The panic boundary, from C, against a library built with the cargo feature
 * `test-panic` (never the shipped one): a panic comes back as
 * CHATLIFE_STATUS_PANIC, the host keeps running, and the engine the panic
 * happened in refuses every later call but chatlife_engine_free. */

#define CHATLIFE_TEST_PANIC
#include <stdbool.h>
#include <string.h>

#include "check.h"

#define S_CONFIG "{}"

int main(void) {
    /* Outside any engine. */
    CHECK_FAILS(chatlife_test_panic(NULL, &err), CHATLIFE_STATUS_PANIC, "chatlife panicked (a bug; please report it)");
    chatlife_error *err = NULL;
    CHECK(chatlife_test_panic(NULL, &err) == CHATLIFE_STATUS_PANIC);
    CHECK(strstr(chatlife_error_message(err).data, "on purpose") != NULL);
    chatlife_error_free(err);
    CHECK(chatlife_test_panic(NULL, NULL) == CHATLIFE_STATUS_PANIC);

    /* Inside an engine's core call: the engine is refused from then on. */
    chatlife_engine *engine = NULL;
    CHECK_OK(chatlife_engine_new(S_CONFIG, sizeof S_CONFIG - 1, &engine, &err));
    CHECK_OK(chatlife_start_conversation(engine, 0, CHATLIFE_STR_ARG("c1"), CHATLIFE_STR_ARG("cu"), NULL, 0, NULL,
                                         0, NULL, 0, &err));
    CHECK(chatlife_test_panic(engine, NULL) == CHATLIFE_STATUS_PANIC);
    CHECK_FAILS(chatlife_advance(engine, 1, &err), CHATLIFE_STATUS_PANIC, "engine");
    chatlife_event event;
    bool has_event = false;
    CHECK_FAILS(chatlife_poll_event(engine, &event, &has_event, &err), CHATLIFE_STATUS_PANIC, "engine");
    CHECK(!has_event);
    chatlife_command advance;
    memset(&advance, 0, sizeof advance);
    advance.op = CHATLIFE_OP_ADVANCE;
    advance.at = 2;
    chatlife_status status = 77;
    size_t written = 9, pending = 9;
    CHECK_FAILS(chatlife_apply_many(engine, &advance, 1, &status, NULL, &event, 1, &written, &pending, &err),
                CHATLIFE_STATUS_PANIC, "engine");
    CHECK(status == 77 && written == 9 && pending == 9); /* refused whole: nothing written */
    /* Its state may be half-updated, so it is not saved, moved or replaced
     * either: a host continues from an earlier snapshot in a new engine. */
    chatlife_bytes bytes = {NULL, 0};
    CHECK_FAILS(chatlife_snapshot(engine, &bytes, &err), CHATLIFE_STATUS_PANIC, "engine");
    CHECK_FAILS(chatlife_export_conversation(engine, 3, CHATLIFE_STR_ARG("c1"), &bytes, &err), CHATLIFE_STATUS_PANIC,
                "engine");
    CHECK(bytes.data == NULL && bytes.len == 0);

    /* Other engines are unaffected. */
    chatlife_engine *other = NULL;
    CHECK_OK(chatlife_engine_new(S_CONFIG, sizeof S_CONFIG - 1, &other, &err));
    CHECK_OK(chatlife_advance(other, 5, &err));
    CHECK_OK(chatlife_snapshot(other, &bytes, &err));
    CHECK_FAILS(chatlife_restore(engine, bytes.data, bytes.len, &err), CHATLIFE_STATUS_PANIC, "engine");
    chatlife_engine_free(engine); /* still frees everything: valgrind and LSan check */
    CHECK_OK(chatlife_engine_from_snapshot(bytes.data, bytes.len, &engine, &err));
    CHECK_OK(chatlife_advance(engine, 6, &err));
    chatlife_bytes_free(&bytes);
    chatlife_engine_free(engine);
    chatlife_engine_free(other);
    return checks_finish();
}
