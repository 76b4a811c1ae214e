// broker.properties as the simulated broker sees it: every key of a real broker's configuration
// (defaults overlaid with the -c file), typed accessors, and the whole-file rewrite a real broker
// does after UPDATE_BROKER_CONFIG.
#pragma once

#include <cstdint>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqsim {

class BrokerConfig {
public:
    // Reads the -c file; keys not in the file keep the defaults.
    static rmqup::Result<BrokerConfig> load(const std::string& path);
    // Builds from properties text (tests).
    static BrokerConfig from_text(const std::string& text);

    // Every key, in a stable order (GET_BROKER_CONFIG body).
    const rmqup::rmq::Properties& all() const { return m_props; }
    std::string get(const std::string& key, const std::string& fallback = "") const;
    std::int64_t get_int(const std::string& key, std::int64_t fallback) const;
    bool get_bool(const std::string& key, bool fallback) const;
    void set(const std::string& key, const std::string& value);
    // Applies UPDATE_BROKER_CONFIG properties; returns true when brokerPermission was among them.
    bool update(const rmqup::rmq::Properties& changes);
    // Rewrites the whole -c file with every key (as a real broker persists its configuration).
    rmqup::Status persist() const;

    const std::string& path() const { return m_path; }
    std::string cluster() const { return get("brokerClusterName", "DefaultCluster"); }
    std::string broker_name() const { return get("brokerName"); }
    std::int64_t broker_id() const { return get_int("brokerId", 0); }
    std::string ip() const { return get("brokerIP1", "127.0.0.1"); }
    std::uint16_t port() const { return static_cast<std::uint16_t>(get_int("listenPort", 10911)); }
    std::string addr() const { return ip() + ":" + std::to_string(port()); }
    int permission() const { return static_cast<int>(get_int("brokerPermission", 6)); }
    std::string store_root() const { return get("storePathRootDir"); }

private:
    rmqup::rmq::Properties m_props;
    std::string m_path;
};

}  // namespace rmqsim
