// chatlife-run: runs a scenario file (docs/rules.md §11) through the C API and prints
// exactly what `chatlife run FILE` prints: one canonical JSON line per event,
// and an error line per rejected step.
//
//   chatlife-run FILE...          drives the typed functions (chatlife_join, ...)
//   chatlife-run --json FILE...   hands every command to chatlife_apply_json
//   chatlife-run --batch FILE...  also runs every command through
//                                 chatlife_apply_many on a second engine, a few
//                                 commands per call into a small event buffer,
//                                 and checks that it agrees with the typed run
//                                 on every status, message and event field
//   chatlife-run --snapshot-every N FILE...
//                                 as `chatlife run --snapshot-every N`: after
//                                 every N command steps, snapshots the engine,
//                                 frees it and continues on a fresh one made
//                                 from the bytes (by chatlife_engine_from_snapshot
//                                 and chatlife_restore in turn); the output
//                                 must not change
//
// --snapshot-every combines with --json or --batch.
//
// Every polled event's struct is also checked against its canonical line, so
// each string view is read (under the sanitizers and valgrind too).
//
// Exit codes follow the CLI: 0 on success, 2 for a file that is not a valid
// scenario. 3 means the C API disagreed with itself (a bug in the binding).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chatlife.h"

namespace {

// Key order matters: commands are handed on as JSON text with their keys in
// the file's order, so that the engine reports the same first problem the
// CLI does.
using json = nlohmann::ordered_json;

constexpr int kInvalidFile = 2;
constexpr int kBindingBug = 3;

struct ErrorFree {
    void operator()(chatlife_error *error) const { chatlife_error_free(error); }
};
struct EngineFree {
    void operator()(chatlife_engine *engine) const { chatlife_engine_free(engine); }
};
struct BytesFree {
    void operator()(chatlife_bytes *bytes) const {
        chatlife_bytes_free(bytes);
        delete bytes;
    }
};
using ErrorPtr = std::unique_ptr<chatlife_error, ErrorFree>;
using EnginePtr = std::unique_ptr<chatlife_engine, EngineFree>;
using BytesPtr = std::unique_ptr<chatlife_bytes, BytesFree>;

// A scenario file the CLI would refuse with exit code 2.
struct InvalidFile : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// The C API contradicted itself.
struct BindingBug : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string view(chatlife_str s) { return s.data ? std::string(s.data, s.len) : std::string(); }

std::string message_of(const chatlife_error *error) { return view(chatlife_error_message(error)); }

// A string argument for the C API: pointer + length, or NULL when the field
// is absent or null (the C API's "absent", as serde's Option is the core's).
struct Arg {
    const char *data = nullptr;
    size_t len = 0;
};

Arg arg(const json &command, const char *key) {
    auto it = command.find(key);
    if (it == command.end() || it->is_null()) return {};
    const std::string &text = it->get_ref<const std::string &>();
    return {text.data(), text.size()};
}

chatlife_str str_arg(const json &command, const char *key) {
    Arg a = arg(command, key);
    return {a.data, a.len};
}

uint32_t timer_minutes(const json &timers, const char *key) {
    auto it = timers.find(key);
    return it == timers.end() || it->is_null() ? 0 : it->get<uint32_t>();
}

uint32_t role_of(const std::string &role) {
    if (role == "customer") return CHATLIFE_ROLE_CUSTOMER;
    if (role == "agent") return CHATLIFE_ROLE_AGENT;
    if (role == "supervisor") return CHATLIFE_ROLE_SUPERVISOR;
    if (role == "bot") return CHATLIFE_ROLE_BOT;
    throw BindingBug("role " + role + " passed the core's check but has no chatlife_role");
}

uint32_t wait_for_of(const std::string &wait_for) {
    if (wait_for == "none") return CHATLIFE_WAIT_FOR_NONE;
    if (wait_for == "customer") return CHATLIFE_WAIT_FOR_CUSTOMER;
    if (wait_for == "bot") return CHATLIFE_WAIT_FOR_BOT;
    throw BindingBug("wait target " + wait_for + " passed the core's check but has no chatlife_wait_for");
}

// One command through its typed function. The command already passed
// chatlife_check_timed_command_json, so every field has the core's type.
chatlife_status apply_typed(chatlife_engine *engine, uint64_t now, const json &command, chatlife_error **error) {
    const std::string &op = command.at("op").get_ref<const std::string &>();
    Arg conversation = arg(command, "conversation");
    Arg participant = arg(command, "participant");
    using ParticipantFn = chatlife_status (*)(chatlife_engine *, uint64_t, const char *, size_t, const char *,
                                              size_t, chatlife_error **);
    ParticipantFn participant_fn = nullptr;
    if (op == "leave") participant_fn = chatlife_leave;
    if (op == "message") participant_fn = chatlife_message;
    if (op == "connection_lost") participant_fn = chatlife_connection_lost;
    if (op == "connection_restored") participant_fn = chatlife_connection_restored;
    if (op == "end") participant_fn = chatlife_end;
    if (op == "close_session") participant_fn = chatlife_close_session;
    if (op == "hold") participant_fn = chatlife_hold;
    if (op == "resume") participant_fn = chatlife_resume;
    if (participant_fn) {
        return participant_fn(engine, now, conversation.data, conversation.len, participant.data, participant.len,
                              error);
    }
    if (op == "start_conversation") {
        Arg customer = arg(command, "customer"), policy = arg(command, "policy"),
            identity = arg(command, "authenticated_as"), name = arg(command, "display_name");
        return chatlife_start_conversation(engine, now, conversation.data, conversation.len, customer.data,
                                           customer.len, policy.data, policy.len, identity.data, identity.len,
                                           name.data, name.len, error);
    }
    if (op == "join") {
        Arg name = arg(command, "display_name");
        return chatlife_join(engine, now, conversation.data, conversation.len, participant.data, participant.len,
                             role_of(command.at("role").get<std::string>()), name.data, name.len, error);
    }
    if (op == "issue_reconnect_link") {
        return chatlife_issue_reconnect_link(engine, now, conversation.data, conversation.len, error);
    }
    if (op == "reconnect") {
        Arg token = arg(command, "token"), identity = arg(command, "authenticated_as");
        return chatlife_reconnect(engine, now, token.data, token.len, conversation.data, conversation.len,
                                  identity.data, identity.len, error);
    }
    if (op == "returning_customer") {
        Arg identity = arg(command, "authenticated_as");
        return chatlife_returning_customer(engine, now, identity.data, identity.len, error);
    }
    if (op == "decline_reconnect") {
        Arg identity = arg(command, "authenticated_as");
        return chatlife_decline_reconnect(engine, now, conversation.data, conversation.len, identity.data,
                                          identity.len, error);
    }
    if (op == "set_participant_timers") {
        const json &timers = command.at("timers");
        chatlife_timers settings = {timer_minutes(timers, "customer_idle"),
                                    timer_minutes(timers, "customer_auto_disconnect"),
                                    timer_minutes(timers, "agent_idle"), timer_minutes(timers, "agent_auto_disconnect")};
        return chatlife_set_participant_timers(engine, now, conversation.data, conversation.len, &settings, error);
    }
    if (op == "update_participant_role_config") {
        std::string request = command.at("request").dump();
        return chatlife_update_participant_role_config(engine, now, conversation.data, conversation.len,
                                                       request.data(), request.size(), error);
    }
    if (op == "set_wait") {
        return chatlife_set_wait(engine, now, conversation.data, conversation.len,
                                 wait_for_of(command.at("for").get<std::string>()), error);
    }
    if (op == "set_agent_capacity") {
        Arg agent = arg(command, "agent");
        const json &capacity = command.at("capacity");
        uint32_t units = capacity.is_null() ? 0 : capacity.get<uint32_t>();
        return chatlife_set_agent_capacity(engine, now, agent.data, agent.len, capacity.is_null() ? nullptr : &units,
                                           error);
    }
    if (op == "advance") return chatlife_advance(engine, now, error);
    throw BindingBug("op " + op + " passed the core's check but has no typed function here");
}

// One command as a chatlife_apply_many entry. Its strings point into
// `command`; `keep` holds the JSON text made here for as long as the batch.
chatlife_command batch_command(uint64_t at, const json &command, std::vector<std::unique_ptr<std::string>> &keep) {
    const std::string &op = command.at("op").get_ref<const std::string &>();
    static const char *const ops[] = {"start_conversation", "join", "leave", "message", "connection_lost",
                                      "connection_restored", "end", "close_session", "issue_reconnect_link",
                                      "reconnect", "returning_customer", "decline_reconnect",
                                      "set_participant_timers", "update_participant_role_config", "set_wait",
                                      "set_agent_capacity", "advance", "hold", "resume"};
    chatlife_command c{};
    c.op = UINT32_MAX;
    for (uint32_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        if (op == ops[i]) c.op = i;
    }
    if (c.op == UINT32_MAX) throw BindingBug("op " + op + " passed the core's check but has no chatlife_op");
    c.at = at;
    c.conversation = str_arg(command, "conversation");
    c.participant = str_arg(command, "participant");
    c.customer = str_arg(command, "customer");
    c.agent = str_arg(command, "agent");
    c.policy = str_arg(command, "policy");
    c.authenticated_as = str_arg(command, "authenticated_as");
    c.display_name = str_arg(command, "display_name");
    c.token = str_arg(command, "token");
    if (command.contains("role")) c.role = role_of(command.at("role").get<std::string>());
    if (command.contains("for")) c.wait_for = wait_for_of(command.at("for").get<std::string>());
    if (command.contains("timers")) {
        const json &timers = command.at("timers");
        c.timers = {timer_minutes(timers, "customer_idle"), timer_minutes(timers, "customer_auto_disconnect"),
                    timer_minutes(timers, "agent_idle"), timer_minutes(timers, "agent_auto_disconnect")};
    }
    if (command.contains("request")) {
        keep.push_back(std::make_unique<std::string>(command.at("request").dump()));
        c.request_json = {keep.back()->data(), keep.back()->size()};
    }
    if (command.contains("capacity") && !command.at("capacity").is_null()) {
        c.capacity = command.at("capacity").get<uint32_t>();
        c.capacity_bounded = true;
    }
    return c;
}

json view_json(chatlife_str s) { return s.data ? json(view(s)) : json(nullptr); }

json timers_json(const chatlife_timers &t) {
    auto minutes = [](uint32_t m) { return m ? json(m) : json(nullptr); };
    json out = json::object();
    out["customer_idle"] = minutes(t.customer_idle);
    out["customer_auto_disconnect"] = minutes(t.customer_auto_disconnect);
    out["agent_idle"] = minutes(t.agent_idle);
    out["agent_auto_disconnect"] = minutes(t.agent_auto_disconnect);
    return out;
}

// Every field of the canonical line, as the struct shows it.
json struct_field(const chatlife_event &e, const std::string &key) {
    if (key == "at") return e.at;
    if (key == "type") return view(e.type_name);
    if (key == "conversation") return view_json(e.conversation);
    if (key == "policy") return view_json(e.policy);
    if (key == "customer") return view_json(e.customer);
    if (key == "from") return view_json(e.from);
    if (key == "to") return view_json(e.to);
    if (key == "reason") return view_json(e.reason);
    if (key == "participant") return view_json(e.participant);
    if (key == "role") return view_json(e.role);
    if (key == "disconnected") {
        json ids = json::array();
        for (size_t i = 0; i < e.disconnected_len; i++) ids.push_back(view(e.disconnected[i]));
        return ids;
    }
    if (key == "transcript") return false;
    if (key == "key") return view_json(e.key);
    if (key == "text") return view_json(e.text);
    if (key == "visible_to") return view_json(e.visible_to);
    if (key == "timers") return timers_json(e.timers);
    if (key == "url") return view_json(e.url);
    if (key == "token") return view_json(e.token);
    if (key == "redirect_url") return view_json(e.redirect_url);
    if (key == "method") return view_json(e.method);
    if (key == "same_agent") return e.same_agent;
    if (key == "start_new") return e.start_new;
    if (key == "agent") return view_json(e.agent);
    if (key == "used") return e.used;
    if (key == "capacity") return e.capacity_bounded ? json(e.capacity) : json(nullptr);
    if (key == "timer") return view_json(e.timer);
    if (key == "deadline") return e.deadline;
    if (key == "since") return e.since;
    if (key == "on_hold") return e.on_hold;
    throw BindingBug("the canonical line has a field the struct lacks: " + key);
}

void check_struct_matches_line(const chatlife_event &event, const std::string &line) {
    json canonical = json::parse(line);
    if (static_cast<uint32_t>(event.type) > CHATLIFE_EVENT_TYPE_HOLD_CHANGED) {
        throw BindingBug("event type number out of range in " + line);
    }
    for (auto &[key, value] : canonical.items()) {
        json shown = struct_field(event, key);
        if (shown != value) {
            throw BindingBug("struct field " + key + " is " + shown.dump() + " but the line says " + line);
        }
    }
}

// Every event pending, one canonical line each.
void drain(chatlife_engine *engine, std::vector<std::string> &out) {
    for (;;) {
        chatlife_event event;
        bool has_event = false;
        chatlife_error *raw = nullptr;
        if (chatlife_poll_event(engine, &event, &has_event, &raw) != CHATLIFE_STATUS_OK) {
            throw BindingBug("chatlife_poll_event: " + message_of(ErrorPtr(raw).get()));
        }
        if (!has_event) return;
        chatlife_str line;
        if (chatlife_event_to_json(engine, &line, &raw) != CHATLIFE_STATUS_OK) {
            throw BindingBug("chatlife_event_to_json: " + message_of(ErrorPtr(raw).get()));
        }
        std::string text = view(line);
        check_struct_matches_line(event, text);
        out.push_back(std::move(text));
    }
}

struct CommandStep {
    size_t index;
    uint64_t at;
    json command;  // without `at` and `error`
};

bool is_error_code(const std::string &code) {
    for (uint32_t s = CHATLIFE_STATUS_INVALID_ARGUMENT; s <= CHATLIFE_STATUS_LIMIT_EXCEEDED; s++) {
        if (code == chatlife_status_str(s)) return true;
    }
    return false;
}

// The file's steps as the CLI reads them: anything it would refuse is an
// InvalidFile. Commands are checked by the core itself.
std::vector<CommandStep> read_steps(const json &scenario) {
    auto steps = scenario.find("steps");
    if (steps == scenario.end() || !steps->is_array()) throw InvalidFile("steps: must be an array");
    std::vector<CommandStep> commands;
    for (size_t i = 0; i < steps->size(); i++) {
        const json &step = (*steps)[i];
        std::string where = "steps[" + std::to_string(i) + "]";
        if (!step.is_object()) throw InvalidFile(where + ": must be an object");
        if (step.contains("expect")) {
            if (step.size() != 1) throw InvalidFile(where + ": an expect step holds nothing else");
            if (!step["expect"].is_array()) throw InvalidFile(where + ".expect: must be an array of events");
            continue;
        }
        json timed = step;
        if (timed.contains("error")) {
            const json &code = timed["error"];
            if (!code.is_string() || !is_error_code(code.get<std::string>())) {
                throw InvalidFile(where + ".error: " + code.dump() + " is not an error code of docs/rules.md E1");
            }
            timed.erase("error");
        }
        std::string text = timed.dump();
        uint64_t at = 0;
        chatlife_error *raw = nullptr;
        if (chatlife_check_timed_command_json(text.data(), text.size(), &at, &raw) != CHATLIFE_STATUS_OK) {
            throw InvalidFile(where + ": " + message_of(ErrorPtr(raw).get()));
        }
        timed.erase("at");
        commands.push_back({i, at, std::move(timed)});
    }
    return commands;
}

void check_header(const json &scenario) {
    if (!scenario.is_object()) throw InvalidFile("file: must be a JSON object");
    for (auto &[key, value] : scenario.items()) {
        if (key != "name" && key != "rules" && key != "config" && key != "steps") {
            throw InvalidFile(key + ": unknown field");
        }
    }
    if (scenario.contains("name") && !scenario["name"].is_string()) throw InvalidFile("name: must be a string");
    if (scenario.contains("rules")) {
        const json &rules = scenario["rules"];
        if (!rules.is_array()) throw InvalidFile("rules: must be an array of strings");
        for (const json &rule : rules) {
            if (!rule.is_string()) throw InvalidFile("rules: must be an array of strings");
        }
    }
}

// What one command step gave in the single-call run.
struct StepResult {
    chatlife_status status;
    std::string message;
    std::vector<std::string> events;
};

constexpr size_t kBatchCommands = 3;
constexpr size_t kBatchEvents = 4;

// The same steps through chatlife_apply_many on a fresh engine: a few
// commands per call and a small event buffer, so batches end mid-step and
// events wait for the next call. Everything must match the single-call run.
void check_batches(const std::string &config, const std::vector<CommandStep> &steps,
                   const std::vector<StepResult> &expected) {
    chatlife_engine *raw_engine = nullptr;
    if (chatlife_engine_new(config.data(), config.size(), &raw_engine, nullptr) != CHATLIFE_STATUS_OK) {
        throw BindingBug("the configuration the single-call run took was refused");
    }
    EnginePtr engine(raw_engine);
    chatlife_event events[kBatchEvents];
    for (size_t first = 0; first < steps.size(); first += kBatchCommands) {
        size_t count = std::min(kBatchCommands, steps.size() - first);
        std::vector<std::unique_ptr<std::string>> keep;
        std::vector<chatlife_command> commands;
        std::vector<std::string> lines;
        for (size_t i = first; i < first + count; i++) {
            commands.push_back(batch_command(steps[i].at, steps[i].command, keep));
            lines.insert(lines.end(), expected[i].events.begin(), expected[i].events.end());
        }
        std::vector<chatlife_status> statuses(count, CHATLIFE_STATUS_PANIC);
        std::vector<chatlife_error *> errors(count, nullptr);
        size_t shown = 0, written = 0, pending = 0;
        chatlife_error *raw = nullptr;
        bool with_commands = true;
        do {
            chatlife_status status = with_commands
                ? chatlife_apply_many(engine.get(), commands.data(), count, statuses.data(), errors.data(), events,
                                      kBatchEvents, &written, &pending, &raw)
                : chatlife_apply_many(engine.get(), nullptr, 0, nullptr, nullptr, events, kBatchEvents, &written,
                                      &pending, &raw);
            if (status != CHATLIFE_STATUS_OK) throw BindingBug("chatlife_apply_many: " + message_of(ErrorPtr(raw).get()));
            with_commands = false;
            if (written > kBatchEvents) throw BindingBug("chatlife_apply_many wrote past the event buffer");
            for (size_t k = 0; k < written; k++, shown++) {
                if (shown >= lines.size()) throw BindingBug("chatlife_apply_many gave more events than the single calls");
                check_struct_matches_line(events[k], lines[shown]);
            }
        } while (pending > 0);
        if (shown != lines.size()) throw BindingBug("chatlife_apply_many gave fewer events than the single calls");
        for (size_t i = 0; i < count; i++) {
            ErrorPtr error(errors[i]);
            const StepResult &want = expected[first + i];
            std::string where = "step " + std::to_string(steps[first + i].index) + ": ";
            if (statuses[i] != want.status) {
                throw BindingBug(where + "chatlife_apply_many says " + chatlife_status_str(statuses[i]) +
                                 ", the single call " + chatlife_status_str(want.status));
            }
            if ((error == nullptr) != (want.status == CHATLIFE_STATUS_OK)) {
                throw BindingBug(where + "an error was given for an accepted command, or none for a refused one");
            }
            if (error && (chatlife_error_code(error.get()) != want.status || message_of(error.get()) != want.message)) {
                throw BindingBug(where + "chatlife_apply_many's error says " + message_of(error.get()) +
                                 ", the single call's " + want.message);
            }
        }
    }
}

struct Options {
    bool through_json = false;
    bool batches = false;
    size_t snapshot_every = 0;  // 0: never, as for the CLI
};

BytesPtr snapshot_of(chatlife_engine *engine) {
    BytesPtr bytes(new chatlife_bytes{nullptr, 0});
    chatlife_error *raw = nullptr;
    if (chatlife_snapshot(engine, bytes.get(), &raw) != CHATLIFE_STATUS_OK) {
        throw BindingBug("chatlife_snapshot: " + message_of(ErrorPtr(raw).get()));
    }
    return bytes;
}

// The engine a host restarting from `engine`'s snapshot would have: the
// snapshot is taken, the engine freed, and a fresh one continues from the
// bytes, made by chatlife_engine_from_snapshot or, when `by_restore`, by
// chatlife_restore over a new engine of another configuration. The events
// were all polled, so the snapshot holds everything.
EnginePtr restarted(EnginePtr engine, bool by_restore) {
    BytesPtr snapshot = snapshot_of(engine.get());
    engine.reset();
    chatlife_engine *raw_engine = nullptr;
    chatlife_error *raw = nullptr;
    if (by_restore) {
        if (chatlife_engine_new("{}", 2, &raw_engine, &raw) != CHATLIFE_STATUS_OK) {
            throw BindingBug("chatlife_engine_new(\"{}\"): " + message_of(ErrorPtr(raw).get()));
        }
        engine.reset(raw_engine);
        if (chatlife_restore(engine.get(), snapshot->data, snapshot->len, &raw) != CHATLIFE_STATUS_OK) {
            throw BindingBug("chatlife_restore of a fresh snapshot: " + message_of(ErrorPtr(raw).get()));
        }
    } else {
        if (chatlife_engine_from_snapshot(snapshot->data, snapshot->len, &raw_engine, &raw) != CHATLIFE_STATUS_OK) {
            throw BindingBug("chatlife_engine_from_snapshot of a fresh snapshot: " + message_of(ErrorPtr(raw).get()));
        }
        engine.reset(raw_engine);
    }
    // The core guarantees snapshot -> restore -> snapshot gives the same bytes.
    BytesPtr again = snapshot_of(engine.get());
    if (again->len != snapshot->len || std::memcmp(again->data, snapshot->data, snapshot->len) != 0) {
        throw BindingBug("the restored engine's snapshot differs from the one it was restored from");
    }
    return engine;
}

std::string run(const std::string &text, const Options &options) {
    json scenario;
    try {
        scenario = json::parse(text);
    } catch (const json::parse_error &e) {
        throw InvalidFile(std::string("file: not valid JSON: ") + e.what());
    }
    check_header(scenario);
    std::string config = scenario.contains("config") ? scenario["config"].dump() : "{}";
    chatlife_engine *raw_engine = nullptr;
    chatlife_error *raw = nullptr;
    if (chatlife_engine_new(config.data(), config.size(), &raw_engine, &raw) != CHATLIFE_STATUS_OK) {
        throw InvalidFile("config: " + message_of(ErrorPtr(raw).get()));
    }
    EnginePtr engine(raw_engine);
    std::vector<CommandStep> steps = read_steps(scenario);

    std::string out;
    std::vector<StepResult> results;
    size_t restarts = 0;
    for (const CommandStep &step : steps) {
        StepResult result{CHATLIFE_STATUS_OK, {}, {}};
        chatlife_status status;
        if (options.through_json) {
            std::string command = step.command.dump();
            status = chatlife_apply_json(engine.get(), step.at, command.data(), command.size(), &raw);
        } else {
            status = apply_typed(engine.get(), step.at, step.command, &raw);
        }
        if (status != CHATLIFE_STATUS_OK) {
            ErrorPtr error(raw);
            if (chatlife_error_code(error.get()) != status) throw BindingBug("error code differs from the status");
            // The line of chatlife::scenario::error_line, escaped as serde_json
            // escapes (nlohmann's dump escapes the same characters, lowercase hex).
            out += "{\"at\":" + std::to_string(step.at) + ",\"type\":\"error\",\"step\":" +
                   std::to_string(step.index) + ",\"code\":" + json(chatlife_status_str(status)).dump() +
                   ",\"message\":" + json(message_of(error.get())).dump() + "}\n";
            result = {status, message_of(error.get()), {}};
        }
        drain(engine.get(), result.events);
        for (const std::string &line : result.events) {
            out += line;
            out += '\n';
        }
        results.push_back(std::move(result));
        if (options.snapshot_every > 0 && results.size() % options.snapshot_every == 0) {
            engine = restarted(std::move(engine), restarts++ % 2 == 1);
        }
    }
    if (options.batches) check_batches(config, steps, results);
    return out;
}

// Prints what `chatlife run` prints for one file; returns the exit code.
int run_file(const char *path, const Options &options) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "%s: cannot read\n", path);
        return kInvalidFile;
    }
    std::stringstream text;
    text << file.rdbuf();
    try {
        std::string out = run(text.str(), options);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    } catch (const InvalidFile &e) {
        std::fprintf(stderr, "%s: %s\n", path, e.what());
        return kInvalidFile;
    } catch (const BindingBug &e) {
        std::fprintf(stderr, "%s: C API bug: %s\n", path, e.what());
        return kBindingBug;
    } catch (const json::exception &e) {
        std::fprintf(stderr, "%s: C API bug: %s\n", path, e.what());
        return kBindingBug;
    }
}

}  // namespace

// Several files run one after the other in one process (their outputs
// concatenated), so valgrind pays its start-up once for a whole directory.
int main(int argc, char **argv) {
    const char *usage = "usage: chatlife-run [--json | --batch] [--snapshot-every N] FILE...\n";
    Options options;
    int first = 1;
    for (; first < argc && std::strncmp(argv[first], "--", 2) == 0; first++) {
        std::string flag = argv[first];
        if (flag == "--json" && !options.batches) {
            options.through_json = true;
        } else if (flag == "--batch" && !options.through_json) {
            options.batches = true;
        } else if (flag == "--snapshot-every" && first + 1 < argc) {
            char *end = nullptr;
            unsigned long long every = std::strtoull(argv[++first], &end, 10);
            if (*argv[first] < '0' || *argv[first] > '9' || *end != '\0') {
                std::fprintf(stderr, "--snapshot-every: %s is not a number\n%s", argv[first], usage);
                return kInvalidFile;
            }
            options.snapshot_every = static_cast<size_t>(every);
        } else {
            std::fprintf(stderr, "%s: unknown or misplaced\n%s", flag.c_str(), usage);
            return kInvalidFile;
        }
    }
    if (first >= argc) {
        std::fputs(usage, stderr);
        return kInvalidFile;
    }
    for (int i = first; i < argc; i++) {
        int code = run_file(argv[i], options);
        if (code != 0) return code;
    }
    return 0;
}
