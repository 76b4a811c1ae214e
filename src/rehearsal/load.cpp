#include "rehearsal/load.hpp"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rmqup::rehearsal {

Result<LoadGenerator> LoadGenerator::start(const LoadOptions& opts) {
    std::vector<std::string> argv = {opts.sim_bin, "load", "-n", opts.namesrv_addr, "--topic", opts.topic,
                                     "--rate", std::to_string(opts.rate),
                                     "--duration", std::to_string(opts.send_phase.count()) + "s",
                                     "--route-refresh-ms", std::to_string(opts.route_refresh.count()),
                                     "--heartbeat-ms", std::to_string(opts.route_refresh.count()),
                                     "--drain-ms", "8000", "--json"};
    const std::pair<const char*, const std::string*> extra[] = {{"--group", &opts.consumer_group},
                                                                {"--producer-group", &opts.producer_group},
                                                                {"--client-version", &opts.client_version},
                                                                {"--access-key", &opts.access_key}};
    for (const auto& [flag, value] : extra) {
        if (value->empty()) continue;
        argv.push_back(flag);
        argv.push_back(*value);
    }
    auto o = proc::logged_to(std::move(argv), opts.log_path);
    if (!opts.access_key.empty()) o.env.emplace_back("RMQ_SECRET_KEY", opts.secret_key);
    if (!opts.json_path.empty()) o.out = proc::Redirect::truncate(opts.json_path);
    auto child = proc::Child::spawn(o);
    if (!child.ok()) return std::move(child).error().with("load generator");
    return LoadGenerator(std::move(child).value(), opts);
}

bool LoadGenerator::running() { return !m_child.try_wait().has_value(); }

Result<LoadCounts> LoadGenerator::stop(std::chrono::seconds timeout) {
    if (!m_child.try_wait()) m_child.signal(SIGINT);
    return wait(timeout);
}

Result<LoadCounts> LoadGenerator::wait(std::chrono::seconds timeout) {
    auto status = m_child.wait_for(std::max(timeout, std::chrono::seconds(1)));
    if (!status.ok()) {
        m_child.kill_group();
        return std::move(status).error().with("load generator did not finish");
    }
    std::ifstream in(m_opts.json_path);
    std::stringstream text;
    text << in.rdbuf();
    auto counts = parse_load_json(text.str());
    if (!counts.ok()) {
        return std::move(counts).error().with("load generator exited with " + std::to_string(*status) + ", see " +
                                              m_opts.log_path);
    }
    return counts;
}

Result<LoadCounts> parse_load_json(const std::string& text) {
    // The last line that parses as a JSON object wins (progress lines may precede it).
    auto start = text.rfind("\n{");
    std::string body = start == std::string::npos ? text : text.substr(start + 1);
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return make_error(ErrorKind::protocol, "no JSON summary in the load generator's output");
    }
    auto num = [&](const char* key) -> std::int64_t {
        auto it = j.find(key);
        return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
    };
    if (!j.contains("lost")) return make_error(ErrorKind::protocol, "load generator JSON has no 'lost' count");
    LoadCounts c;
    c.sent = num("sent");
    c.acked = num("acked");
    c.failed = num("failed");
    c.received = num("received");
    c.duplicates = num("duplicates");
    c.lost = num("lost");
    if (auto it = j.find("failures_by_broker"); it != j.end() && it->is_object())
        for (const auto& [broker, n] : it->items())
            if (n.is_number()) c.failed_by_broker[broker] = n.get<std::int64_t>();
    return c;
}

}  // namespace rmqup::rehearsal
