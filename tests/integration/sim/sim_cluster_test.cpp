// End-to-end checks of rmq-sim processes on loopback: registration, runtime info, permission
// changes, clean and unclean stops, version restarts on the same store, slave replication, load.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "load_generator.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/codec.hpp"
#include "sim_process.hpp"

namespace rmqsim {
namespace {

namespace rmq = rmqup::rmq;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::eventually;
using test::SimProcess;

class SimCluster : public ::testing::Test {
protected:
    void SetUp() override {
        dir = test::temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
        ns_port = test::free_port("127.0.0.1");
        ns_addr = "127.0.0.1:" + std::to_string(ns_port);
        ns = std::make_unique<SimProcess>(std::vector<std::string>{"namesrv", "--listen", ns_addr}, (dir / "ns.log").string());
        ASSERT_TRUE(eventually(3s, [&] { return call(ns_addr, rmq::code::get_broker_cluster_info).ok(); }));
    }
    void TearDown() override {
        brokers.clear();
        ns.reset();
        fs::remove_all(dir);
    }

    rmqup::Result<rmq::RemotingCommand> call(const std::string& addr, int code,
                                             std::vector<std::pair<std::string, std::string>> ext = {},
                                             std::string body = {}) {
        auto req = rmq::RemotingCommand::request(code, std::move(ext));
        req.body = std::move(body);
        return client.call(addr, req, 2000ms);
    }

    // Writes a broker.properties and starts `rmq-sim broker -c <file>`; returns its address.
    std::string start_broker(const std::string& name, int id, const std::string& version = "4.9.7",
                             std::vector<std::string> extra = {}) {
        std::string key = name + "-" + std::to_string(id);
        auto port = ports.count(key) ? ports[key] : test::free_port("127.0.0.1");
        ports[key] = port;
        auto conf = dir / (key + ".properties");
        if (!fs::exists(conf))
            test::write_text(conf, "brokerClusterName=DefaultCluster\nbrokerName=" + name + "\nbrokerId=" +
                                       std::to_string(id) + "\nbrokerRole=" + (id == 0 ? "ASYNC_MASTER" : "SLAVE") +
                                       "\nlistenPort=" + std::to_string(port) + "\nnamesrvAddr=" + ns_addr +
                                       "\nstorePathRootDir=" + (dir / ("store-" + key)).string() + "\n");
        std::vector<std::string> args{"broker", "-c", conf.string(), "--version", version, "--register-interval-ms",
                                      "500"};
        if (std::find(extra.begin(), extra.end(), "--runtime-info-error-ms") == extra.end())
            extra.insert(extra.end(), {"--runtime-info-error-ms", "0"});
        args.insert(args.end(), extra.begin(), extra.end());
        brokers[key] = std::make_unique<SimProcess>(args, (dir / (key + ".log")).string());
        return "127.0.0.1:" + std::to_string(port);
    }

    std::optional<rmq::TopicRouteData> route(const std::string& topic) {
        auto r = call(ns_addr, rmq::code::get_routeinfo_by_topic, {{"topic", topic}});
        if (!r.ok() || r->code != 0)
            return std::nullopt;
        auto d = rmq::decode_topic_route(r->body);
        if (!d.ok())
            return std::nullopt;
        return std::move(d).value();
    }
    bool registered(const std::string& name, std::int64_t id) {
        auto r = call(ns_addr, rmq::code::get_broker_cluster_info);
        if (!r.ok())
            return false;
        auto ci = rmq::decode_cluster_info(r->body);
        if (!ci.ok())
            return false;
        auto it = ci->broker_addr_table.find(name);
        return it != ci->broker_addr_table.end() && it->second.broker_addrs.count(id);
    }
    std::optional<rmq::RuntimeInfo> runtime(const std::string& addr) {
        auto r = call(addr, rmq::code::get_broker_runtime_info);
        if (!r.ok() || r->code != 0)
            return std::nullopt;
        auto ri = rmq::decode_runtime_info(r->body);
        if (!ri.ok())
            return std::nullopt;
        return std::move(ri).value();
    }
    int perm_of(const std::string& topic, const std::string& broker) {
        auto rd = route(topic);
        if (!rd)
            return -1;
        for (const auto& q : rd->queue_datas)
            if (q.broker_name == broker)
                return q.perm;
        return -1;
    }

    fs::path dir;
    std::uint16_t ns_port = 0;
    std::string ns_addr;
    std::unique_ptr<SimProcess> ns;
    std::map<std::string, std::unique_ptr<SimProcess>> brokers;
    std::map<std::string, std::uint16_t> ports;
    rmqup::net::RemotingClient client;
};

TEST_F(SimCluster, BrokerRegistersAnswersAdminCallsAndStopsCleanly) {
    auto t0 = std::chrono::steady_clock::now();
    auto addr = start_broker("broker-a", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-a", 0); }));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    RecordProperty("start_to_registered_ms", static_cast<int>(ms));
    EXPECT_LT(ms, 2000);
    EXPECT_TRUE(fs::exists(dir / "store-broker-a-0" / "abort"));

    // Runtime info: the real key set, version from --version.
    auto ri = runtime(addr);
    ASSERT_TRUE(ri);
    EXPECT_EQ(ri->version_desc, "V4_9_7");
    EXPECT_EQ(ri->version.value_or(0), 407);
    auto real = rmq::decode_runtime_info(
        rmq::decode_frame(test::read_text(fs::path(RMQUP_FIXTURES) / "rocketmq-4.9.7" /
                                          "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin"))
            .value()
            .body);
    ASSERT_TRUE(real.ok());
    auto keys = [](const std::map<std::string, std::string>& t) {
        std::set<std::string> k;
        for (const auto& [key, v] : t)
            if (key.rfind("commitLogDiskRatio_", 0) != 0)
                k.insert(key);
        return k;
    };
    EXPECT_EQ(keys(ri->table), keys(real->table));

    // brokerPermission=4: the route changes before the reply arrives; the -c file is rewritten whole.
    auto up = call(addr, rmq::code::update_broker_config, {}, "brokerPermission=4\n");
    ASSERT_TRUE(up.ok());
    EXPECT_EQ(up->code, 0);
    EXPECT_EQ(perm_of("TBW102", "broker-a"), 4);
    auto conf = test::read_text(dir / "broker-a-0.properties");
    EXPECT_NE(conf.find("brokerPermission=4\n"), std::string::npos);
    EXPECT_GT(std::count(conf.begin(), conf.end(), '\n'), 150);
    ASSERT_TRUE(call(addr, rmq::code::update_broker_config, {}, "brokerPermission=6\n").ok());
    EXPECT_EQ(perm_of("TBW102", "broker-a"), 7);
    auto cfg = call(addr, rmq::code::get_broker_config);
    ASSERT_TRUE(cfg.ok());
    EXPECT_NE(cfg->body.find("brokerPermission=6\n"), std::string::npos);
    EXPECT_TRUE(cfg->ext("version").has_value());
    auto real_cfg = rmq::decode_frame(test::read_text(fs::path(RMQUP_FIXTURES) / "rocketmq-4.9.7" /
                                                      "getBrokerConfig__02_GET_BROKER_CONFIG.response.bin"))
                        .value();
    auto key_set = [](const rmq::Properties& p) {
        std::set<std::string> k;
        for (const auto& kv : p)
            k.insert(kv.first);
        return k;
    };
    EXPECT_EQ(key_set(rmq::parse_properties(cfg->body)), key_set(rmq::parse_properties(real_cfg.body)));

    // Unknown code on 4.9.7: code 3 with the real remark.
    auto unknown = call(addr, 9999);
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(unknown->code, 3);
    EXPECT_EQ(unknown->remark.value_or(""), " request type 9999 not supported");

    // A consumer's heartbeat: connection list, consumer id list (rebalance), retry topic.
    rmq::HeartbeatData hb;
    hb.client_id = "127.0.0.1@4242";
    hb.producer_groups = {"PG1"};
    rmq::ConsumerData cd;
    cd.group_name = "CG1";
    rmq::SubscriptionData sd;
    sd.topic = "TBW102";
    cd.subscription_data_set.push_back(sd);
    hb.consumer_data_set.push_back(cd);
    ASSERT_EQ(call(addr, rmq::code::heart_beat, {}, rmq::encode_heartbeat(hb)).value().code, 0);
    auto ids = call(addr, 38, {{"consumerGroup", "CG1"}}).value();
    EXPECT_EQ(ids.code, 0);
    EXPECT_NE(ids.body.find("127.0.0.1@4242"), std::string::npos);
    auto conns = call(addr, rmq::code::get_consumer_connection_list, {{"consumerGroup", "CG1"}}).value();
    ASSERT_EQ(conns.code, 0);
    auto cc = rmq::decode_consumer_connection(conns.body).value();
    ASSERT_EQ(cc.connection_set.size(), 1u);
    EXPECT_EQ(cc.connection_set[0].client_id, "127.0.0.1@4242");
    EXPECT_EQ(call(addr, rmq::code::get_producer_connection_list, {{"producerGroup", "PG1"}}).value().code, 0);
    EXPECT_TRUE(eventually(2s, [&] { return route("%RETRY%CG1").has_value(); }));
    ASSERT_TRUE(call(addr, rmq::code::unregister_client,
                     {{"clientID", "127.0.0.1@4242"}, {"producerGroup", "PG1"}, {"consumerGroup", "CG1"}})
                    .ok());
    auto gone = call(addr, rmq::code::get_consumer_connection_list, {{"consumerGroup", "CG1"}}).value();
    EXPECT_EQ(gone.code, 206);
    EXPECT_EQ(gone.remark.value_or(""), "the consumer group[CG1] not online");
    auto stats = call(addr, rmq::code::get_topic_stats_info, {{"topic", "TBW102"}}).value();
    ASSERT_EQ(stats.code, 0);
    EXPECT_EQ(rmq::decode_topic_stats(stats.body).value().offset_table.size(), 8u);
    auto cstats = call(addr, rmq::code::get_consume_stats, {{"consumerGroup", "CG1"}, {"topic", "TBW102"}}).value();
    ASSERT_EQ(cstats.code, 0);
    EXPECT_EQ(rmq::decode_consume_stats(cstats.body).value().offset_table.size(), 8u);

    // SIGTERM: unregister, abort marker removed, exit 0.
    brokers["broker-a-0"]->kill(SIGTERM);
    EXPECT_EQ(brokers["broker-a-0"]->wait_exit(5s).value_or(-1), 0);
    EXPECT_FALSE(registered("broker-a", 0));
    EXPECT_FALSE(fs::exists(dir / "store-broker-a-0" / "abort"));
}

// Sends the bytes of a real request frame and returns the bytes of the one reply frame.
std::string raw_exchange(std::uint16_t port, const std::string& frame) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::write(fd, frame.data(), frame.size()) == static_cast<ssize_t>(frame.size())) {
        char buf[65536];
        while (true) {
            auto n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            out.append(buf, static_cast<std::size_t>(n));
            if (out.size() >= 4) {
                std::uint32_t len = (static_cast<std::uint8_t>(out[0]) << 24) | (static_cast<std::uint8_t>(out[1]) << 16) |
                                    (static_cast<std::uint8_t>(out[2]) << 8) | static_cast<std::uint8_t>(out[3]);
                if (out.size() >= len + 4u)
                    break;
            }
        }
    }
    ::close(fd);
    return out;
}

TEST_F(SimCluster, BrokerRepliesAreByteIdenticalToTheRealOnes) {
    auto addr = start_broker("broker-a", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-a", 0); }));
    const auto port = ports["broker-a-0"];
    auto fx = [](const std::string& n) { return test::read_text(fs::path(RMQUP_FIXTURES) / "rocketmq-4.9.7" / n); };
    for (const char* name : {"unknownCode-broker__01_CODE_9999", "unknownCode-broker-binary__01_CODE_9999",
                             "updateTopic__02_UPDATE_AND_CREATE_TOPIC_CapTopic",
                             "updateBrokerConfig-perm6__01_UPDATE_BROKER_CONFIG"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(raw_exchange(port, fx(std::string(name) + ".request.bin")), fx(std::string(name) + ".response.bin"));
    }
    // UPDATE_AND_CREATE_TOPIC pushes a registration at once.
    EXPECT_TRUE(eventually(2s, [&] { return perm_of("CapTopic", "broker-a") == 6; }));
}

TEST_F(SimCluster, RuntimeInfoRightAfterStartFailsLikeTheRealBroker) {
    auto addr = start_broker("broker-r", 0, "4.9.7", {"--runtime-info-error-ms", "1500"});
    ASSERT_TRUE(eventually(3s, [&] { return call(addr, rmq::code::get_broker_runtime_info).ok(); }));
    auto r = call(addr, rmq::code::get_broker_runtime_info);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->code, 1);
    EXPECT_EQ(r->remark.value_or(""),
              "java.util.NoSuchElementException, java.base/java.util.LinkedList.getLast(LinkedList.java:261)");
    EXPECT_TRUE(eventually(3s, [&] { return runtime(addr).has_value(); }));
}

TEST_F(SimCluster, LoadLosesNothingAndAVersionRestartKeepsEveryMessage) {
    auto addr = start_broker("broker-l", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-l", 0); }));
    LoadOptions lo;
    lo.namesrv_addrs = {ns_addr};
    lo.topic = "SimLoadTopic";
    lo.rate = 400;
    lo.duration_ms = 1500;
    lo.route_refresh_ms = 500;
    lo.drain_ms = 5000;
    lo.body_size = 256;
    auto rep = run_load(lo);
    ASSERT_TRUE(rep.ok());
    EXPECT_GT(rep->acked, 400);
    EXPECT_EQ(rep->lost, 0);
    EXPECT_EQ(rep->received, rep->acked);
    auto before = runtime(addr);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->msg_put_total_today_now, rep->acked);

    brokers["broker-l-0"]->kill(SIGTERM);
    ASSERT_EQ(brokers["broker-l-0"]->wait_exit(5s).value_or(-1), 0);
    start_broker("broker-l", 0, "5.3.3");
    ASSERT_TRUE(eventually(3s, [&] { return runtime(addr).has_value(); }));
    auto after = runtime(addr).value();
    EXPECT_EQ(after.version_desc, "V5_3_3");
    EXPECT_TRUE(after.table.count("getTransferredTps"));
    EXPECT_FALSE(after.table.count("getTransferedTps"));
    EXPECT_EQ(after.commit_log_max_offset, before->commit_log_max_offset);
    std::int64_t total = 0;
    for (int q = 0; q < 4; ++q) {
        auto m = call(addr, rmq::code::get_max_offset, {{"topic", "SimLoadTopic"}, {"queueId", std::to_string(q)}});
        ASSERT_TRUE(m.ok());
        total += std::stoll(m->ext("offset").value_or("0"));
    }
    EXPECT_EQ(total, rep->acked);
}

TEST_F(SimCluster, SlaveReplicatesAndServesWhileTheMasterIsKilled) {
    auto master = start_broker("broker-s", 0);
    auto slave = start_broker("broker-s", 1, "4.9.7", {"--replicate-interval-ms", "50"});
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-s", 0) && registered("broker-s", 1); }));
    LoadOptions lo;
    lo.namesrv_addrs = {ns_addr};
    lo.topic = "SimReplTopic";
    lo.rate = 300;
    lo.duration_ms = 1000;
    lo.route_refresh_ms = 500;
    lo.consume = false;
    auto rep = run_load(lo);
    ASSERT_TRUE(rep.ok());
    ASSERT_GT(rep->acked, 0);
    auto mri = runtime(master).value();
    EXPECT_TRUE(eventually(5s, [&] {
        auto s = runtime(slave);
        return s && s->commit_log_max_offset == mri.commit_log_max_offset;
    }));
    // SIGKILL: no unregister, but the NameServer drops the master when its connection closes.
    brokers["broker-s-0"]->kill(SIGKILL);
    EXPECT_TRUE(eventually(2s, [&] { return !registered("broker-s", 0); }));
    EXPECT_TRUE(registered("broker-s", 1));
    EXPECT_TRUE(fs::exists(dir / "store-broker-s-0" / "abort"));
    // A consumer now reads everything from the slave.
    std::int64_t total = 0;
    for (int q = 0; q < 4; ++q) {
        auto m = call(slave, rmq::code::get_max_offset, {{"topic", "SimReplTopic"}, {"queueId", std::to_string(q)}});
        ASSERT_TRUE(m.ok());
        total += std::stoll(m->ext("offset").value_or("0"));
    }
    EXPECT_EQ(total, rep->acked);
}

TEST_F(SimCluster, RollingUpgradeUnderLoadLosesNothing) {
    start_broker("broker-a", 0);
    start_broker("broker-b", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-a", 0) && registered("broker-b", 0); }));
    // The topic exists on both brokers, as an operator creates it (auto-creation would pin the
    // producer to whichever broker created it first, as with real clients).
    for (const char* b : {"broker-a-0", "broker-b-0"}) {
        auto r = call("127.0.0.1:" + std::to_string(ports[b]), rmq::code::update_and_create_topic,
                      {{"topic", "SimRollTopic"}, {"defaultTopic", "TBW102"}, {"readQueueNums", "4"},
                       {"writeQueueNums", "4"}, {"perm", "6"}, {"topicFilterType", "SINGLE_TAG"}, {"order", "false"}});
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->code, 0);
    }
    ASSERT_TRUE(eventually(3s, [&] {
        auto rd = route("SimRollTopic");
        return rd && rd->queue_datas.size() == 2;
    }));
    LoadOptions lo;
    lo.namesrv_addrs = {ns_addr};
    lo.topic = "SimRollTopic";
    lo.rate = 300;
    lo.duration_ms = 3000;
    lo.route_refresh_ms = 300;
    lo.heartbeat_ms = 1000;
    lo.drain_ms = 8000;
    lo.body_size = 512;
    std::optional<rmqup::Result<LoadReport>> rep;
    std::thread load([&] { rep = run_load(lo); });
    std::this_thread::sleep_for(800ms);
    brokers["broker-a-0"]->kill(SIGTERM);  // stop, then start the "upgraded" version on the same store
    EXPECT_EQ(brokers["broker-a-0"]->wait_exit(5s).value_or(-1), 0);
    std::this_thread::sleep_for(500ms);
    start_broker("broker-a", 0, "5.3.3");
    load.join();
    ASSERT_TRUE(rep && rep->ok());
    const auto& r = rep->value();
    EXPECT_GT(r.acked, 700);
    EXPECT_EQ(r.lost, 0) << format_report(r);
    EXPECT_EQ(r.failed, 0) << format_report(r);
    EXPECT_GE(r.received, r.acked);
    EXPECT_TRUE(r.acked_by_broker.count("broker-a")) << format_report(r);
    EXPECT_TRUE(r.acked_by_broker.count("broker-b")) << format_report(r);
}

TEST_F(SimCluster, AclBrokerRefusesLikeARealOne) {
    test::write_text(dir / "plain_acl.yml", "accounts:\n"
                                            "  - accessKey: rmqadmin\n    secretKey: rmqadmin-secret-123\n    admin: true\n"
                                            "  - accessKey: rmquser\n    secretKey: rmquser-secret-456\n    admin: false\n");
    auto conf = dir / "broker-c-0.properties";
    ports["broker-c-0"] = test::free_port("127.0.0.1");
    test::write_text(conf, "brokerName=broker-c\nlistenPort=" + std::to_string(ports["broker-c-0"]) + "\nnamesrvAddr=" +
                               ns_addr + "\naclEnable=true\nstorePathRootDir=" + (dir / "store-c").string() + "\n");
    auto addr = start_broker("broker-c", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-c", 0); }));
    auto unsigned_reply = call(addr, rmq::code::get_broker_config);
    ASSERT_TRUE(unsigned_reply.ok());
    EXPECT_EQ(unsigned_reply->code, 1);
    EXPECT_EQ(unsigned_reply->remark.value_or(""),
              "org.apache.rocketmq.acl.common.AclException: No accessKey is configured, "
              "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:663)");
    auto signed_call = [&](const std::string& ak, const std::string& sk, int code, std::string body) {
        rmqup::net::ClientOptions o;
        o.acl = rmq::AclCredentials{ak, rmqup::Secret(sk)};
        rmqup::net::RemotingClient c(o);
        auto req = rmq::RemotingCommand::request(code);
        req.body = std::move(body);
        return c.call(addr, req, 2000ms);
    };
    auto admin = signed_call("rmqadmin", "rmqadmin-secret-123", rmq::code::update_broker_config, "brokerPermission=6\n");
    ASSERT_TRUE(admin.ok());
    EXPECT_EQ(admin->code, 0);
    auto user = signed_call("rmquser", "rmquser-secret-456", rmq::code::update_broker_config, "brokerPermission=6\n");
    ASSERT_TRUE(user.ok());
    EXPECT_EQ(user->code, 1);
    EXPECT_NE(user->remark.value_or("").find("Need admin permission for request code=25, but accessKey=rmquser is not"),
              std::string::npos);
    auto bad = signed_call("rmqadmin", "WRONG-secret", rmq::code::get_broker_config, "");
    ASSERT_TRUE(bad.ok());
    EXPECT_NE(bad->remark.value_or("").find("Check signature failed for accessKey=rmqadmin"), std::string::npos);

    // A signed load (non-admin account) sends and consumes.
    LoadOptions lo;
    lo.namesrv_addrs = {ns_addr};
    lo.topic = "SimAclTopic";
    lo.rate = 200;
    lo.duration_ms = 800;
    lo.route_refresh_ms = 300;
    lo.drain_ms = 4000;
    lo.access_key = "rmquser";
    lo.secret_key = "rmquser-secret-456";
    auto rep = run_load(lo);
    ASSERT_TRUE(rep.ok());
    EXPECT_GT(rep->acked, 100);
    EXPECT_EQ(rep->lost, 0);
}

TEST_F(SimCluster, FaultSwitches) {
    start_broker("broker-f", 0, "4.9.7", {"--fail-start"});
    EXPECT_EQ(brokers["broker-f-0"]->wait_exit(3s).value_or(-1), 1);
    auto addr = start_broker("broker-n", 0, "4.9.7", {"--no-register", "--exit-after-ms", "1200"});
    ASSERT_TRUE(eventually(3s, [&] { return call(addr, rmq::code::get_all_topic_config).ok(); }));
    EXPECT_FALSE(registered("broker-n", 0));
    EXPECT_NE(brokers["broker-n-0"]->wait_exit(5s).value_or(0), 0);
    EXPECT_TRUE(fs::exists(dir / "store-broker-n-0" / "abort"));
}

}  // namespace
}  // namespace rmqsim

namespace rmqsim::test {
namespace {

// `rmq-sim load` stops sending at SIGTERM (the rehearsal ends its traffic when the roll ends),
// then drains and prints its JSON summary as at the end of --duration.
TEST_F(SimCluster, LoadStopsSendingAtSigtermAndStillReportsEveryMessage) {
    start_broker("broker-t", 0);
    ASSERT_TRUE(eventually(3s, [&] { return registered("broker-t", 0); }));
    const auto out = dir / "load.json";
    SimProcess load({"load", "-n", ns_addr, "--topic", "SigtermTopic", "--rate", "200", "--duration", "600s",
                     "--route-refresh-ms", "500", "--drain-ms", "5000", "--json"},
                    out.string());
    std::this_thread::sleep_for(2s);
    load.kill(SIGTERM);
    auto rc = load.wait_exit(15s);
    ASSERT_TRUE(rc.has_value()) << "the load generator ignored SIGTERM";
    EXPECT_EQ(*rc, 0) << read_text(out);
    const std::string text = read_text(out);
    auto j = nlohmann::json::parse(text.substr(text.rfind("\n{") == std::string::npos ? 0 : text.rfind("\n{") + 1),
                                   nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << text;
    EXPECT_GT(j.value("acked", 0), 100);
    EXPECT_EQ(j.value("lost", -1), 0);
    EXPECT_LT(j.value("elapsed_ms", 600000), 30000);
}

}  // namespace
}  // namespace rmqsim::test
