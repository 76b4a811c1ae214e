// Benchmark of `rmq-upgrade cluster` end to end against scripted servers on 127.0.0.1, and of
// pipelined route fetches over one RemotingClient connection.
//
//   bench_cluster_bench [--cli PATH] [--runs N]
//
// Scenarios:
//   cluster-2     a scripted NameServer listing 2 brokers + 2 scripted brokers (runtime info, config)
//   cluster-500   the same with 500 brokers, each on its own loopback port
//   routes-10000  10,000 GET_ROUTEINFO_BY_TOPIC requests in flight at once, decoded
// The CLI runs as a child process (spawned by a small probe process, stdout to /dev/null); wall
// time is measured around spawn..wait and peak RSS is the CLI's own ru_maxrss.
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rmqup/net/remoting_client.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/codec.hpp"
#include "rmqup/remoting/requests.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using rmqup::rmq::RemotingCommand;

// Answers each request frame with reply(request).
using Replier = std::function<RemotingCommand(const RemotingCommand&)>;

class ScriptedSession : public std::enable_shared_from_this<ScriptedSession> {
public:
    ScriptedSession(tcp::socket s, const Replier& reply) : m_socket(std::move(s)), m_reply(reply) {}
    void start() { read(); }

private:
    void read() {
        auto self = shared_from_this();
        m_socket.async_read_some(asio::buffer(m_chunk), [self](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return;
            self->m_in.append(self->m_chunk.data(), n);
            std::size_t used = 0;
            std::string out;
            while (true) {
                auto probe = rmqup::rmq::probe_frame(std::string_view(self->m_in).substr(used));
                if (probe.status != rmqup::rmq::FrameStatus::complete)
                    break;
                auto req = rmqup::rmq::decode_frame(std::string_view(self->m_in).substr(used, probe.frame_size));
                used += probe.frame_size;
                if (req)
                    out += rmqup::rmq::encode_frame(self->m_reply(*req));
            }
            self->m_in.erase(0, used);
            if (out.empty()) {
                self->read();
                return;
            }
            auto buf = std::make_shared<std::string>(std::move(out));
            asio::async_write(self->m_socket, asio::buffer(*buf), [self, buf](boost::system::error_code wec, std::size_t) {
                if (!wec)
                    self->read();
            });
        });
    }

    tcp::socket m_socket;
    const Replier& m_reply;
    std::string m_in;
    std::array<char, 65536> m_chunk{};
};

class ScriptedListener {
public:
    ScriptedListener(asio::io_context& io, Replier reply)
        : m_acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), m_reply(std::move(reply)) {
        accept();
    }
    std::string addr() const { return "127.0.0.1:" + std::to_string(m_acceptor.local_endpoint().port()); }

private:
    void accept() {
        m_acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec)
                return;
            s.set_option(tcp::no_delay(true));
            std::make_shared<ScriptedSession>(std::move(s), m_reply)->start();
            accept();
        });
    }
    tcp::acceptor m_acceptor;
    Replier m_reply;
};

// A realistic 4.9.7 runtime-info table (values as strings, as the broker sends them).
std::map<std::string, std::string> runtime_table() {
    std::map<std::string, std::string> t{
        {"brokerVersionDesc", "V4_9_7"}, {"brokerVersion", "407"}, {"putTps", "12.5 11.9 10.2"},
        {"getTransferedTps", "3.1 2.9 2.5"}, {"getTotalTps", "3.1 2.9 2.5"}, {"getFoundTps", "3.1 2.9 2.5"},
        {"getMissTps", "0.0 0.0 0.0"}, {"commitLogMaxOffset", "123456789"}, {"commitLogMinOffset", "0"},
        {"commitLogDiskRatio", "0.18"}, {"bootTimestamp", "1795260319764"}, {"msgPutTotalTodayNow", "13"},
        {"msgGetTotalTodayNow", "14"}, {"runtime", "[ 0 days, 1 hours, 2 minutes, 3 seconds ]"},
        {"commitLogDirCapacity", "Total : 98.3 GiB, Free : 50.1 GiB."}};
    for (int i = 0; i < 40; ++i)  // the remaining ~40 keys a real broker sends
        t["statKey" + std::to_string(i)] = "0";
    return t;
}

std::string broker_config_text(const std::string& name) {
    std::string s = "brokerName=" + name + "\nbrokerClusterName=BenchCluster\nbrokerPermission=6\n";
    for (int i = 0; i < 180; ++i)  // GET_BROKER_CONFIG carries ~190 keys
        s += "someConfigKey" + std::to_string(i) + "=value" + std::to_string(i) + "\n";
    return s;
}

struct Stats {
    double wall_ms = 0;
    long max_rss_kib = 0;
    int exit_code = -1;
};

// Linux records the old address space's RSS high-water mark in ru_maxrss at exec, so a child
// forked from this (large) process would report our pages too. The CLI is therefore started by a
// fresh copy of this program (`--rss-probe`, a few hundred KiB) that spawns it and reports the
// CLI's own peak RSS (its only child's, RUSAGE_CHILDREN) and wall time on stdout.
int rss_probe(int argc, char** argv) {
    rmqup::proc::SpawnOptions o;
    o.argv.assign(argv + 2, argv + argc);
    o.err = rmqup::proc::Redirect::inherit();
    o.group = rmqup::proc::Group::inherit;
    auto start = Clock::now();
    auto cli = rmqup::proc::Child::spawn(o);
    auto status = cli.ok() ? cli->wait_for(std::chrono::minutes(10)) : rmqup::Result<int>(cli.error());
    double wall = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    std::printf("%.3f %ld %d\n", wall, ru.ru_maxrss, status.ok() && *status < 128 ? *status : -1);
    return 0;
}

Stats run_child(const std::string& cli, const std::vector<std::string>& args) {
    rmqup::proc::SpawnOptions o;
    o.argv = {"/proc/self/exe", "--rss-probe", cli};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.out = rmqup::proc::Redirect::pipe();
    o.err = rmqup::proc::Redirect::inherit();
    o.group = rmqup::proc::Group::inherit;
    Stats s;
    auto probe = rmqup::proc::Child::spawn(o);
    if (!probe.ok()) return s;
    auto out = probe->capture(Clock::now() + std::chrono::minutes(10), 4096);
    if (!out.ok() || std::sscanf(out->out.c_str(), "%lf %ld %d", &s.wall_ms, &s.max_rss_kib, &s.exit_code) != 3)
        s.exit_code = -1;
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void bench_cluster(const std::string& cli, int brokers, int runs) {
    asio::io_context io;
    std::vector<std::unique_ptr<ScriptedListener>> broker_listeners;
    const std::string runtime_body = rmqup::rmq::encode_kv_table(runtime_table());
    std::vector<std::string> names;
    rmqup::rmq::ClusterInfo info;
    for (int i = 0; i < brokers; ++i) {
        std::string name = "broker-" + std::to_string(i);
        std::string config = broker_config_text(name);
        broker_listeners.push_back(std::make_unique<ScriptedListener>(io, [runtime_body, config](const RemotingCommand& req) {
            auto resp = RemotingCommand::response_to(req, 0);
            resp.body = req.code == rmqup::rmq::code::get_broker_config ? config : runtime_body;
            return resp;
        }));
        rmqup::rmq::BrokerData bd;
        bd.cluster = "BenchCluster";
        bd.broker_name = name;
        bd.broker_addrs[0] = broker_listeners.back()->addr();
        info.broker_addr_table[name] = bd;
        info.cluster_addr_table["BenchCluster"].push_back(name);
    }
    const std::string cluster_body = rmqup::rmq::encode_cluster_info(info);
    ScriptedListener ns(io, [cluster_body](const RemotingCommand& req) {
        auto resp = RemotingCommand::response_to(req, 0);
        resp.body = cluster_body;
        return resp;
    });
    std::thread server([&io] { io.run(); });

    std::vector<double> walls;
    long max_rss = 0;
    int bad_exit = 0;
    for (int r = 0; r < runs; ++r) {
        Stats s = run_child(cli, {"cluster", "-n", ns.addr(), "--timeout-ms", "3000"});
        walls.push_back(s.wall_ms);
        max_rss = std::max(max_rss, s.max_rss_kib);
        if (s.exit_code != 0)
            ++bad_exit;
    }
    io.stop();
    server.join();
    std::printf("cluster-%d: runs=%d median_wall_ms=%.2f min_wall_ms=%.2f max_wall_ms=%.2f peak_rss_mib=%.2f "
                "nonzero_exits=%d\n",
                brokers, runs, median(walls), *std::min_element(walls.begin(), walls.end()),
                *std::max_element(walls.begin(), walls.end()), static_cast<double>(max_rss) / 1024.0, bad_exit);
}

void bench_routes(int topics) {
    asio::io_context io;
    rmqup::rmq::TopicRouteData route;
    rmqup::rmq::BrokerData bd;
    bd.cluster = "BenchCluster";
    bd.broker_name = "broker-a";
    bd.broker_addrs[0] = "127.0.0.1:10911";
    bd.broker_addrs[1] = "127.0.0.1:10921";
    route.broker_datas.push_back(bd);
    route.queue_datas.push_back(rmqup::rmq::QueueData{"broker-a", 8, 8, 6, 0});
    const std::string body = rmqup::rmq::encode_topic_route(route, rmqup::rmq::JsonStyle::standard);
    ScriptedListener ns(io, [body](const RemotingCommand& req) {
        auto resp = RemotingCommand::response_to(req, 0);
        resp.body = body;
        return resp;
    });
    std::thread server([&io] { io.run(); });
    std::vector<double> walls;
    int failures = 0;
    for (int run = 0; run < 5; ++run) {
        rmqup::net::RemotingClient client;
        std::mutex mu;
        std::condition_variable cv;
        int left = topics;
        auto start = Clock::now();
        for (int i = 0; i < topics; ++i)
            client.call_async(ns.addr(), rmqup::rmq::requests::get_route_info_by_topic("topic-" + std::to_string(i)),
                              std::chrono::milliseconds(10000), [&](rmqup::Result<RemotingCommand> r) {
                                  bool ok = r.ok() && rmqup::rmq::decode_topic_route(r->body).ok();
                                  std::lock_guard<std::mutex> lock(mu);
                                  if (!ok)
                                      ++failures;
                                  if (--left == 0)
                                      cv.notify_all();
                              });
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return left == 0; });
        walls.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    io.stop();
    server.join();
    std::printf("routes-%d: runs=5 median_wall_ms=%.2f min_wall_ms=%.2f failures=%d (one connection, all in flight, "
                "each body decoded)\n",
                topics, median(walls), *std::min_element(walls.begin(), walls.end()), failures);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 && std::strcmp(argv[1], "--rss-probe") == 0) return rss_probe(argc, argv);
    // Default: <build>/src/rmq-upgrade next to <build>/bench/bench_cluster_bench.
    std::string cli = std::filesystem::canonical(std::filesystem::read_symlink("/proc/self/exe")).parent_path().parent_path() /
          "src" / "rmq-upgrade";
    int runs = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--cli") == 0)
            cli = argv[i + 1];
        else if (std::strcmp(argv[i], "--runs") == 0)
            runs = std::max(1, std::atoi(argv[i + 1]));
    }
    // 500 listeners + 500 accepted sockets here, 500 connections in the child.
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    spdlog::set_level(spdlog::level::warn);

    std::printf("cli: %s\n", cli.c_str());
    bench_cluster(cli, 2, runs);
    bench_cluster(cli, 500, std::max(1, runs / 4));
    bench_routes(10000);
    return 0;
}
