#include "sim_common.hpp"

#include <signal.h>

#include <charconv>
#include <chrono>

#include "rmqup/remoting/dialect.hpp"

namespace rmqsim {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

rmqup::rmq::RemotingCommand make_reply(const rmqup::rmq::RemotingCommand& req, const rmqup::RmqVersion& server,
                                       int code, std::optional<std::string> remark) {
    auto r = rmqup::rmq::RemotingCommand::response_to(req, code, std::move(remark));
    r.language = "JAVA";
    r.version = server.ordinal().value_or(407);
    r.serialize_type = req.serialize_type;
    r.rpc_type_field = rmqup::rmq::dialect_of(server).rpc_type_field;
    r.opaque = req.opaque;
    r.flag = rmqup::rmq::k_flag_response;
    return r;
}

std::int64_t ext_int(const rmqup::rmq::RemotingCommand& cmd, const std::string& key, std::int64_t fallback) {
    auto v = cmd.ext(key);
    if (!v)
        return fallback;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || p != v->data() + v->size())
        return fallback;
    return out;
}

std::string ext_str(const rmqup::rmq::RemotingCommand& cmd, const std::string& key) {
    return cmd.ext(key).value_or("");
}

std::optional<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& text) {
    auto pos = text.rfind(':');
    if (pos == std::string::npos || pos == 0)
        return std::nullopt;
    unsigned port = 0;
    auto s = text.substr(pos + 1);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
    if (ec != std::errc() || p != s.data() + s.size() || port > 65535)
        return std::nullopt;
    return std::make_pair(text.substr(0, pos), static_cast<std::uint16_t>(port));
}

std::string java_double(double v) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, p);
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";
    return s;
}

std::optional<std::int64_t> parse_duration_ms(const std::string& text) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || n < 0)
        return std::nullopt;
    std::string unit(p, text.data() + text.size());
    if (unit.empty() || unit == "s")
        return n * 1000;
    if (unit == "ms")
        return n;
    if (unit == "m")
        return n * 60000;
    if (unit == "h")
        return n * 3600000;
    return std::nullopt;
}

void add_shutdown_signals(boost::asio::signal_set& signals) {
    signals.add(SIGTERM);
    signals.add(SIGINT);
    struct sigaction hup {};
    if (::sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN)
        signals.add(SIGHUP);
}

}  // namespace rmqsim
