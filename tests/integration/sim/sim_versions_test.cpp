// rmq-sim processes of every version on loopback: runtime-info keys key for key against each
// version's capture, cross-version registration as the real servers do it (a 3.2.6 broker with a
// 4.6.0 NameServer, the reverse refused), how brokerPermission reaches the routes per version, and
// 3.x closing connections on binary requests.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

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

rmq::RemotingCommand fixture(const std::string& folder, const std::string& name) {
    std::ifstream in(std::string(RMQUP_FIXTURES) + "/" + folder + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto cmd = rmq::decode_frame(ss.str());
    EXPECT_TRUE(cmd.ok()) << folder << "/" << name;
    return cmd.ok() ? *cmd : rmq::RemotingCommand{};
}

// Runtime keys without the per-path commitLogDiskRatio_<path> ones.
std::set<std::string> runtime_keys(const std::string& body) {
    std::set<std::string> out;
    auto kv = rmq::decode_kv_table(body);
    EXPECT_TRUE(kv.ok());
    if (kv.ok())
        for (const auto& [k, v] : *kv)
            if (k.rfind("commitLogDiskRatio_", 0) != 0)
                out.insert(k);
    return out;
}

// Sends bytes on a fresh connection and returns what comes back until EOF or 2 s.
std::string read_after_sending(const std::string& addr, const std::string& bytes) {
    auto hp = addr.rfind(':');
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(addr.substr(hp + 1))));
    ::inet_pton(AF_INET, addr.substr(0, hp).c_str(), &a.sin_addr);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::send(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size())) {
        char buf[4096];
        ssize_t n = 0;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
            out.append(buf, static_cast<std::size_t>(n));
            if (out.size() >= 8)
                break;  // a reply started: enough
        }
    }
    ::close(fd);
    return out;
}

class SimVersions : public ::testing::Test {
protected:
    void SetUp() override { dir = test::temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
    void TearDown() override {
        procs.clear();
        if (!HasFailure())
            fs::remove_all(dir);
    }
    std::string start_namesrv(const std::string& version) {
        auto addr = ip + ":" + std::to_string(test::free_port(ip));
        procs.push_back(std::make_unique<SimProcess>(std::vector<std::string>{"namesrv", "--listen", addr, "--version", version},
                                                     (dir / ("ns-" + version + ".log")).string()));
        EXPECT_TRUE(eventually(5s, [&] { return call(addr, rmq::code::get_broker_cluster_info).ok(); })) << addr;
        return addr;
    }
    std::string start_broker(const std::string& name, const std::string& version, const std::string& ns,
                             const std::string& extra_config = "") {
        auto port = test::free_port(ip);
        auto conf = dir / (name + ".properties");
        test::write_text(conf, "brokerClusterName=DefaultCluster\nbrokerName=" + name +
                                   "\nbrokerId=0\nbrokerRole=ASYNC_MASTER\nbrokerIP1=" + ip + "\nlistenPort=" +
                                   std::to_string(port) + "\nnamesrvAddr=" + ns + "\nstorePathRootDir=" +
                                   (dir / ("store-" + name)).string() + "\n" + extra_config);
        procs.push_back(std::make_unique<SimProcess>(
            std::vector<std::string>{"broker", "-c", conf.string(), "--version", version, "--register-interval-ms",
                                     "700", "--runtime-info-error-ms", "0"},
            (dir / (name + ".log")).string()));
        auto addr = ip + ":" + std::to_string(port);
        EXPECT_TRUE(eventually(5s, [&] { return call(addr, rmq::code::get_broker_runtime_info).ok(); })) << addr;
        return addr;
    }
    rmqup::Result<rmq::RemotingCommand> call(const std::string& addr, int code,
                                             std::vector<std::pair<std::string, std::string>> ext = {},
                                             std::string body = {}) {
        auto req = rmq::RemotingCommand::request(code, std::move(ext));
        req.body = std::move(body);
        return client.call(addr, req, 1500ms);
    }
    bool registered(const std::string& ns, const std::string& name) {
        auto r = call(ns, rmq::code::get_broker_cluster_info);
        if (!r.ok() || r->code != 0)
            return false;
        auto info = rmq::decode_cluster_info(r->body);
        return info.ok() && info->broker_addr_table.count(name) == 1;
    }
    int own_topic_perm(const std::string& ns, const std::string& name) {
        auto r = call(ns, rmq::code::get_routeinfo_by_topic, {{"topic", name}});
        if (!r.ok() || r->code != 0)
            return -1;
        auto route = rmq::decode_topic_route(r->body);
        return route.ok() && !route->queue_datas.empty() ? route->queue_datas[0].perm : -1;
    }

    std::string ip = "127.0.0.84";
    fs::path dir;
    rmqup::net::RemotingClient client;
    std::vector<std::unique_ptr<SimProcess>> procs;
};

TEST_F(SimVersions, RuntimeInfoKeysVersionAndHeaderMatchEachCapture) {
    struct Row {
        const char* version;
        const char* folder;
        const char* runtime_fixture;
    };
    for (const Row& row : {Row{"3.2.6", "rocketmq-3.2.6", "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin"},
                           Row{"4.1.0", "rocketmq-4.1.0", "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin"},
                           Row{"4.6.0", "rocketmq-4.6.0", "brokerStatus__01_GET_BROKER_RUNTIME_INFO.response.bin"},
                           Row{"4.9.7", "rocketmq-4.9.7", "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin"},
                           Row{"5.3.3", "rocketmq-5.3.3", "brokerStatus__01_GET_BROKER_RUNTIME_INFO.response.bin"}}) {
        SCOPED_TRACE(row.version);
        auto ns = start_namesrv(row.version);
        auto broker = start_broker(std::string("broker-") + row.version, row.version, ns);
        auto ours = call(broker, rmq::code::get_broker_runtime_info);
        ASSERT_TRUE(ours.ok());
        auto real = fixture(row.folder, row.runtime_fixture);
        EXPECT_EQ(runtime_keys(ours->body), runtime_keys(real.body));
        EXPECT_EQ(ours->version, real.version);
        EXPECT_EQ(ours->rpc_type_field, real.rpc_type_field);
        auto a = rmq::decode_runtime_info(ours->body);
        auto b = rmq::decode_runtime_info(real.body);
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_EQ(a->version_desc, b->version_desc);
        EXPECT_EQ(a->version, b->version);
        procs.clear();
    }
}

TEST_F(SimVersions, A326BrokerRegistersWithA460NameServerAndA460BrokerIsRefusedByA326One) {
    auto ns460 = start_namesrv("4.6.0");
    auto ns326 = start_namesrv("3.2.6");
    start_broker("broker-m32", "3.2.6", ns460 + ";" + ns326);
    start_broker("broker-m46", "4.6.0", ns460 + ";" + ns326);
    // The 4.6.0 NameServer lists both; the 3.2.6 one only its own version.
    EXPECT_TRUE(eventually(5s, [&] { return registered(ns460, "broker-m32") && registered(ns460, "broker-m46"); }));
    EXPECT_TRUE(eventually(5s, [&] { return registered(ns326, "broker-m32"); }));
    std::this_thread::sleep_for(1500ms);  // two registration periods
    EXPECT_FALSE(registered(ns326, "broker-m46"));
    // What the 3.2.6 NameServer answers a 4.6.0 broker, byte for byte.
    auto req = fixture("rocketmq-mixed-3.2.6-4.6.0", "register-4.6.0-broker-to-3.2.6-ns__01_REGISTER_BROKER.request.bin");
    auto real = fixture("rocketmq-mixed-3.2.6-4.6.0", "register-4.6.0-broker-to-3.2.6-ns__01_REGISTER_BROKER.response.bin");
    rmqup::net::ClientOptions as460;
    as460.version = 333;
    rmqup::net::RemotingClient broker460(as460);
    auto ours = broker460.call(ns326, req, 1500ms);
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ(ours->code, real.code);
    EXPECT_EQ(ours->remark, real.remark);
}

TEST_F(SimVersions, BrokerPermissionReachesTheRoutesAsEachVersionDoes) {
    const rmq::Properties perm4{{"brokerPermission", "4"}};
    // 3.2.6: never through brokerPermission; WIPE_WRITE_PERM_OF_BROKER does it at once and it stays.
    {
        auto ns = start_namesrv("3.2.6");
        auto broker = start_broker("broker-b", "3.2.6", ns);
        ASSERT_TRUE(eventually(5s, [&] { return own_topic_perm(ns, "broker-b") == 7; }));
        auto r = call(broker, rmq::code::update_broker_config, {}, rmq::format_properties(perm4));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->code, 0);
        std::this_thread::sleep_for(2100ms);  // three registration periods
        EXPECT_EQ(own_topic_perm(ns, "broker-b"), 7);
        auto wipe = call(ns, rmq::code::wipe_write_perm_of_broker, {{"brokerName", "broker-b"}});
        ASSERT_TRUE(wipe.ok());
        EXPECT_EQ(own_topic_perm(ns, "broker-b"), 5);
        std::this_thread::sleep_for(1500ms);
        EXPECT_EQ(own_topic_perm(ns, "broker-b"), 5);
        procs.clear();
    }
    // 4.1.0: not at once, at the next periodic registration.
    {
        auto ns = start_namesrv("4.1.0");
        auto broker = start_broker("broker-c", "4.1.0", ns);
        ASSERT_TRUE(eventually(5s, [&] { return own_topic_perm(ns, "broker-c") == 7; }));
        auto r = call(broker, rmq::code::update_broker_config, {}, rmq::format_properties(perm4));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(own_topic_perm(ns, "broker-c"), 7);
        EXPECT_TRUE(eventually(3s, [&] { return own_topic_perm(ns, "broker-c") == 4; }));
        procs.clear();
    }
    // 4.6.0 and 5.3.3: at once (the reply comes after the re-registration).
    for (const char* v : {"4.6.0", "5.3.3"}) {
        SCOPED_TRACE(v);
        auto ns = start_namesrv(v);
        auto broker = start_broker("broker-d", v, ns);
        ASSERT_TRUE(eventually(5s, [&] { return own_topic_perm(ns, "broker-d") == 7; }));
        auto r = call(broker, rmq::code::update_broker_config, {}, rmq::format_properties(perm4));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(own_topic_perm(ns, "broker-d"), 4);
        procs.clear();
    }
}

TEST_F(SimVersions, A3xServerClosesTheConnectionOnABinaryRequestAndIgnoresUnknownCodes) {
    auto ns = start_namesrv("3.2.6");
    // The tool's client always writes JSON; a raw socket sends the ROCKETMQ binary header.
    auto req = rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info);
    req.serialize_type = rmq::SerializeType::rocketmq;
    req.version = 407;
    EXPECT_EQ(read_after_sending(ns, rmq::encode_frame(req)), "");  // closed: EOF, no bytes
    req.serialize_type = rmq::SerializeType::json;
    EXPECT_FALSE(read_after_sending(ns, rmq::encode_frame(req)).empty());
    auto unknown = client.call(ns, rmq::RemotingCommand::request(9999), 500ms);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, rmqup::ErrorKind::timeout);
    EXPECT_TRUE(call(ns, rmq::code::get_broker_cluster_info).ok());  // JSON still served
}

TEST_F(SimVersions, A533BrokerWithCompressedRegisterNeverRegisters) {
    auto ns = start_namesrv("5.3.3");
    start_broker("broker-z", "5.3.3", ns, "compressedRegister=true\n");
    start_broker("broker-y", "5.3.3", ns);
    EXPECT_TRUE(eventually(5s, [&] { return registered(ns, "broker-y"); }));
    std::this_thread::sleep_for(1500ms);
    EXPECT_FALSE(registered(ns, "broker-z"));
}

}  // namespace
}  // namespace rmqsim
