// rmq-upgrade -v: every remote request is logged at debug level with its request code, address,
// latency and outcome (success, response code with the server's remark, or the transport error).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "rmqup/net/remoting_client.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;
using nettest::fixture;
using nettest::replay;
using nettest::ScriptedServer;
using nettest::SeenFrame;

// Points the default logger at a string for the test's lifetime, at the given level.
class LogCapture {
public:
    explicit LogCapture(spdlog::level::level_enum level) : m_previous(spdlog::default_logger()) {
        auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(m_out));
        logger->set_pattern("%l %v");
        spdlog::set_default_logger(logger);
        spdlog::set_level(level);
    }
    ~LogCapture() {
        spdlog::set_default_logger(m_previous);
        spdlog::set_level(spdlog::level::info);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const { return m_out.str(); }

private:
    std::ostringstream m_out;
    std::shared_ptr<spdlog::logger> m_previous;
};

ClientOptions short_timeouts() {
    ClientOptions o;
    o.connect_timeout = 500ms;
    o.request_timeout = 500ms;
    return o;
}

TEST(RequestLog, SuccessNamesCodeAddressAndLatency) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture("clusterList__01_GET_BROKER_CLUSTER_INFO"); }));
    RemotingClient client(short_timeouts());
    LogCapture log(spdlog::level::debug);

    auto r = client.call(server.addr(), rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto text = log.text();
    EXPECT_NE(text.find("debug request GET_BROKER_CLUSTER_INFO (106) to " + server.addr() + ": SUCCESS in "),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" ms"), std::string::npos) << text;
}

TEST(RequestLog, TransportFailureIsLoggedWithTheError) {
    RemotingClient client(short_timeouts());
    LogCapture log(spdlog::level::debug);

    // Port 1 on loopback: nothing listens, the connection is refused.
    auto r = client.call("127.0.0.1:1", rmq::RemotingCommand::request(rmq::code::get_broker_runtime_info));

    ASSERT_FALSE(r.ok());
    const auto text = log.text();
    EXPECT_NE(text.find("request GET_BROKER_RUNTIME_INFO (28) to 127.0.0.1:1: failed after "), std::string::npos)
        << text;
}

TEST(RequestLog, NothingBelowDebugLevel) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture("clusterList__01_GET_BROKER_CLUSTER_INFO"); }));
    RemotingClient client(short_timeouts());
    LogCapture log(spdlog::level::info);

    auto r = client.call(server.addr(), rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(log.text(), "");
}

}  // namespace
}  // namespace rmqup::net
