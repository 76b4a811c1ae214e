#include "rehearsal/acl.hpp"

#include <thread>

namespace rmqup::rehearsal {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto k_connection_wait = std::chrono::seconds(20);

// True when every master of t answers GET_CONSUMER_CONNECTION_LIST for the group with a connection.
bool listed_everywhere(const Topology& t, AdminApi& admin) {
    for (const auto& b : t.brokers) {
        if (b.broker_id != 0) continue;
        auto conns = admin.consumer_connections(b.address(), k_legacy_group);
        if (!conns.ok() || conns->connection_set.empty()) return false;
    }
    return true;
}

bool listed_nowhere(const Topology& t, AdminApi& admin) {
    for (const auto& b : t.brokers) {
        if (b.broker_id != 0) continue;
        auto conns = admin.consumer_connections(b.address(), k_legacy_group);
        if (conns.ok() && !conns->connection_set.empty()) return false;
    }
    return true;
}

// The legacy application's topic on every master (as an application topic lives on every group):
// one message to each, which their autoCreateTopicEnable turns into the topic.
Status seed_topic(const Topology& t, AdminApi& admin) {
    for (const auto& b : t.brokers) {
        if (b.broker_id != 0) continue;
        rmq::SendRequest msg;
        msg.producer_group = "LegacyProducerGroup";
        msg.topic = k_legacy_topic;
        msg.properties["WAIT"] = "true";
        msg.body = "legacy application's first message";
        auto sent = admin.send_message(b.address(), msg);
        if (!sent.ok()) return std::move(sent).error().with("create " + std::string(k_legacy_topic) + " on " + b.label());
    }
    return ok_status();
}

}  // namespace

Result<LoadGenerator> start_legacy_client(const Topology& t, const Layout& layout, const std::string& sim_bin,
                                          const std::string& version, std::chrono::milliseconds route_refresh,
                                          AdminApi& admin) {
    RMQUP_TRY(seed_topic(t, admin));
    LoadOptions o;
    o.sim_bin = sim_bin;
    o.namesrv_addr = t.namesrv_addr();
    o.topic = k_legacy_topic;
    o.rate = 1;
    o.send_phase = std::chrono::seconds(3600);  // killed once the plan has seen it
    o.route_refresh = route_refresh;
    o.json_path = layout.legacy_json();
    o.log_path = layout.legacy_log();
    o.consumer_group = k_legacy_group;
    o.producer_group = "LegacyProducerGroup";
    o.client_version = version;
    auto client = LoadGenerator::start(o);
    if (!client.ok()) return std::move(client).error().with("legacy client " + version);
    const auto deadline = SteadyClock::now() + k_connection_wait;
    while (!listed_everywhere(t, admin)) {
        if (!client->running())
            return make_error(ErrorKind::rejected, "exited at once, see " + o.log_path).with("legacy client " + version);
        if (SteadyClock::now() > deadline)
            return make_error(ErrorKind::timeout, std::string("no master lists its consumer group ") + k_legacy_group)
                .with("legacy client " + version);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return client;
}

Status stop_legacy_client(LoadGenerator& client, const Topology& t, AdminApi& admin) {
    client.kill();
    const auto deadline = SteadyClock::now() + k_connection_wait;
    while (!listed_nowhere(t, admin)) {
        if (SteadyClock::now() > deadline)
            return make_error(ErrorKind::timeout, "the brokers still list its connection").with("stop the legacy client");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return ok_status();
}

std::optional<std::string> legacy_client_finding(const Plan& plan) {
    for (const auto& f : plan.findings)
        if (f.id == "acl-clients" && f.severity == Severity::error && f.subject.find(k_legacy_group) != std::string::npos)
            return f.message;
    return std::nullopt;
}

}  // namespace rmqup::rehearsal
