/* A chat starts, an agent joins, a second join is refused: every event is
 * printed as its canonical JSON line.
 *   cc hello.c $(pkg-config --cflags --libs chatlife) -o hello */
#include <chatlife.h>
#include <stdio.h>

static void print_events(chatlife_engine *engine) {
    chatlife_event event;
    bool has_event;
    chatlife_str line;
    while (chatlife_poll_event(engine, &event, &has_event, NULL) == CHATLIFE_STATUS_OK && has_event &&
           chatlife_event_to_json(engine, &line, NULL) == CHATLIFE_STATUS_OK) {
        printf("%s\n", line.data); /* a JSON line is NUL-terminated */
    }
}

int main(void) {
    const char config[] = "{\"agents\": {\"default_capacity\": 2}}";
    chatlife_engine *engine = NULL;
    chatlife_error *error = NULL;
    if (chatlife_engine_new(config, sizeof config - 1, &engine, &error) != CHATLIFE_STATUS_OK) {
        fprintf(stderr, "%s\n", chatlife_error_message(error).data);
        chatlife_error_free(error);
        return 1;
    }

    uint64_t now = 0; /* milliseconds */
    chatlife_start_conversation(engine, now, CHATLIFE_STR_ARG("c1"), CHATLIFE_STR_ARG("cu"), NULL, 0, NULL, 0, NULL,
                                0, NULL);
    chatlife_join(engine, now + 5000, CHATLIFE_STR_ARG("c1"), CHATLIFE_STR_ARG("ag"), CHATLIFE_ROLE_AGENT, NULL, 0,
                  NULL);
    print_events(engine);

    chatlife_status status = chatlife_join(engine, now + 6000, CHATLIFE_STR_ARG("c1"), CHATLIFE_STR_ARG("ag"),
                                           CHATLIFE_ROLE_AGENT, NULL, 0, &error);
    if (status != CHATLIFE_STATUS_OK) {
        printf("refused: %s: %s\n", chatlife_status_str(status), chatlife_error_message(error).data);
        chatlife_error_free(error);
    }
    chatlife_engine_free(engine);
    return 0;
}
