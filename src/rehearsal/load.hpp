// The rehearsal's traffic: `rmq-sim load` (a producer and a consumer speaking the real protocol)
// as a child process for the whole roll, and its final JSON counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/rehearsal/rehearsal.hpp"

namespace rmqup::rehearsal {

struct LoadOptions {
    std::string sim_bin;
    std::string namesrv_addr;  // "a:p;b:p"
    std::string topic;
    int rate = 100;                          // messages per second
    std::chrono::seconds send_phase{120};    // how long it sends (then it drains and reports)
    std::chrono::milliseconds route_refresh{1000};  // clients' route poll (real clients: 30 s)
    std::string json_path;                   // its stdout (the final JSON)
    std::string log_path;                    // its stderr
    std::string consumer_group;              // "" = rmq-sim's default group names
    std::string producer_group;
    std::string client_version;              // "" = rmq-sim's default (4.9.7); "4.1.0": an old client
    std::string access_key;                  // ACL: sign with this account ("" = unsigned)
    std::string secret_key;                  // passed in the child's environment, never on its command line
};

class LoadGenerator {
public:
    // Starts `rmq-sim load` in its own process group.
    static Result<LoadGenerator> start(const LoadOptions& opts);

    int pid() const { return m_child.pid(); }
    // True while it runs (it exits by itself when it finds it cannot work at all).
    bool running();
    // Waits up to timeout for it to finish its send phase and drain, and reads its JSON. Its own
    // non-zero exit when lost > 0 is not an error here.
    Result<LoadCounts> wait(std::chrono::seconds timeout);
    // Ends it early (SIGINT; Ctrl-C of the rehearsal) and reads what it reported, if anything.
    Result<LoadCounts> stop(std::chrono::seconds timeout);
    // Ends it at once (SIGTERM to its process group, then SIGKILL): its connections close.
    void kill() { m_child.kill_group(); }

private:
    LoadGenerator(proc::Child child, LoadOptions opts) : m_child(std::move(child)), m_opts(std::move(opts)) {}
    proc::Child m_child;
    LoadOptions m_opts;
};

// Parses the generator's JSON output (the last JSON object in text).
Result<LoadCounts> parse_load_json(const std::string& text);

}  // namespace rmqup::rehearsal
