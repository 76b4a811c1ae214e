// rmq-sim stops like a JVM on SIGHUP: cleanly when started from a terminal, not at all when started
// with SIGHUP ignored (nohup, as RocketMQ's start scripts are run).
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "rmqup/net/remoting_client.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/remoting/command.hpp"
#include "sim_process.hpp"

namespace rmqsim::test {
namespace {

namespace rmq = rmqup::rmq;
using namespace std::chrono_literals;

// rmq-sim namesrv on a free port, its SIGHUP ignored first when nohup says so.
enum class Hangup { default_action, ignored };

rmqup::proc::Child start_namesrv(const std::string& addr, Hangup hangup) {
    rmqup::proc::SpawnOptions o;
    const std::string trap = hangup == Hangup::ignored ? "trap '' HUP; " : "";
    o.argv = {"/bin/sh", "-c", trap + "exec \"$0\" namesrv --listen \"$1\"", RMQUP_SIM_BIN, addr};
    auto child = rmqup::proc::Child::spawn(o);
    EXPECT_TRUE(child.ok());
    return child.ok() ? std::move(child).value() : rmqup::proc::Child{};
}

bool answers(const std::string& addr) {
    rmqup::net::RemotingClient client;
    return client.call(addr, rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info), 500ms).ok();
}

TEST(SimSignals, ANamesrvStartedFromATerminalStopsCleanlyAtSighup) {
    const std::string addr = "127.0.0.1:" + std::to_string(free_port("127.0.0.1"));
    auto ns = start_namesrv(addr, Hangup::default_action);
    ASSERT_TRUE(eventually(3s, [&] { return answers(addr); }));
    ns.signal(SIGHUP);
    EXPECT_EQ(ns.wait_for(5s).value_or(-1), 0) << "a clean stop exits 0, as after SIGTERM";
}

TEST(SimSignals, ANamesrvStartedWithSighupIgnoredKeepsRunning) {
    const std::string addr = "127.0.0.1:" + std::to_string(free_port("127.0.0.1"));
    auto ns = start_namesrv(addr, Hangup::ignored);
    ASSERT_TRUE(eventually(3s, [&] { return answers(addr); }));
    ns.signal(SIGHUP);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(answers(addr));
    ns.signal(SIGTERM);
    EXPECT_EQ(ns.wait_for(5s).value_or(-1), 0);
}

}  // namespace
}  // namespace rmqsim::test
