// Small helpers shared by the simulated servers: replies that look like a Java server's,
// ext-field parsing, wall-clock time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/signal_set.hpp>

#include "rmqup/core/version.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqsim {

// Wall-clock ms since the Unix epoch.
std::int64_t now_ms();

// A response to req as a Java server writes it: language JAVA, the server's version ordinal,
// the request's serialize type and opaque.
rmqup::rmq::RemotingCommand make_reply(const rmqup::rmq::RemotingCommand& req, const rmqup::RmqVersion& server,
                                       int code, std::optional<std::string> remark = {});

// Integer ext field, or fallback when missing or malformed.
std::int64_t ext_int(const rmqup::rmq::RemotingCommand& cmd, const std::string& key, std::int64_t fallback = 0);
std::string ext_str(const rmqup::rmq::RemotingCommand& cmd, const std::string& key);

// Splits "host:port"; nothing on malformed input.
std::optional<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& text);

// Java Double.toString for ordinary magnitudes ("0.0", "0.4165555851772861").
std::string java_double(double v);

// Parses "120s", "1500ms", "2m", "90" (seconds) into milliseconds.
std::optional<std::int64_t> parse_duration_ms(const std::string& text);

// Adds the signals that stop a simulated process the way they stop a JVM (its shutdown hooks run):
// SIGTERM, SIGINT, and SIGHUP unless SIGHUP was ignored when the process started. HotSpot leaves an
// ignored SIGHUP ignored, so a server started with `nohup` (as RocketMQ's start scripts are run)
// survives its terminal; one started from a terminal without it stops cleanly when that closes.
void add_shutdown_signals(boost::asio::signal_set& signals);

}  // namespace rmqsim
