#include "broker_config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rmqup/remoting/bodies.hpp"

namespace rmqsim {

namespace rmq = rmqup::rmq;

namespace {
const rmq::Properties& defaults() {
    static const rmq::Properties k_defaults = {
#include "broker_defaults.inc"
    };
    return k_defaults;
}

rmq::Properties merged(const rmq::Properties& file) {
    rmq::Properties out = defaults();
    auto set = [&](const std::string& k, const std::string& v) {
        for (auto& kv : out)
            if (kv.first == k) {
                kv.second = v;
                return;
            }
        out.emplace_back(k, v);
    };
    std::string home = std::getenv("HOME") ? std::getenv("HOME") : "/tmp";
    set("storePathRootDir", home + "/store");
    set("rocketmqHome", "");
    for (const auto& [k, v] : file)
        set(k, v);
    std::string root;
    for (const auto& kv : out)
        if (kv.first == "storePathRootDir")
            root = kv.second;
    bool has_commitlog = false;
    for (const auto& kv : file)
        has_commitlog = has_commitlog || kv.first == "storePathCommitLog";
    if (!has_commitlog)
        set("storePathCommitLog", root + "/commitlog");
    bool has_ip2 = false;
    std::string ip1 = "127.0.0.1";
    for (const auto& kv : file) {
        has_ip2 = has_ip2 || kv.first == "brokerIP2";
        if (kv.first == "brokerIP1")
            ip1 = kv.second;
    }
    if (!has_ip2)
        set("brokerIP2", ip1);
    return out;
}
}  // namespace

rmqup::Result<BrokerConfig> BrokerConfig::load(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return rmqup::make_error(rmqup::ErrorKind::io, "cannot read broker config " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    BrokerConfig c = from_text(ss.str());
    c.m_path = path;
    return c;
}

BrokerConfig BrokerConfig::from_text(const std::string& text) {
    BrokerConfig c;
    c.m_props = merged(rmq::parse_properties(text));
    return c;
}

std::string BrokerConfig::get(const std::string& key, const std::string& fallback) const {
    for (const auto& [k, v] : m_props)
        if (k == key)
            return v;
    return fallback;
}

std::int64_t BrokerConfig::get_int(const std::string& key, std::int64_t fallback) const {
    auto v = get(key);
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size())
        return fallback;
    return out;
}

bool BrokerConfig::get_bool(const std::string& key, bool fallback) const {
    auto v = get(key);
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return fallback;
}

void BrokerConfig::set(const std::string& key, const std::string& value) {
    for (auto& kv : m_props)
        if (kv.first == key) {
            kv.second = value;
            return;
        }
    m_props.emplace_back(key, value);
}

bool BrokerConfig::update(const rmq::Properties& changes) {
    bool perm = false;
    for (const auto& [k, v] : changes) {
        set(k, v);
        perm = perm || k == "brokerPermission";
    }
    return perm;
}

rmqup::Status BrokerConfig::persist() const {
    if (m_path.empty())
        return {};
    std::string tmp = m_path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out)
            return rmqup::make_error(rmqup::ErrorKind::io, "cannot write " + tmp);
        out << rmq::format_properties(m_props);
        if (!out)
            return rmqup::make_error(rmqup::ErrorKind::io, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), m_path.c_str()) != 0)
        return rmqup::make_error(rmqup::ErrorKind::io, "cannot replace " + m_path);
    return {};
}

}  // namespace rmqsim
