// RemotingClient over real TCP on 127.0.0.1 against a scripted server: matching, timeouts,
// malformed input, pushed requests, oneway, reuse, ACL signing.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "rmqup/net/remoting_client.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;
using nettest::fixture;
using nettest::replay;
using nettest::ScriptedServer;
using nettest::SeenFrame;
using nettest::Session;
using nettest::with_opaque;

ClientOptions short_timeouts() {
    ClientOptions o;
    o.connect_timeout = 500ms;
    o.request_timeout = 500ms;
    return o;
}

const std::string k_cluster = "clusterList__01_GET_BROKER_CLUSTER_INFO";

TEST(RemotingClient, NormalCallReturnsMatchingResponse) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture(k_cluster); }));
    RemotingClient client(short_timeouts());

    auto r = client.call(server.addr(), rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->code, 0);
    EXPECT_TRUE(r->is_response());
    EXPECT_NE(r->body.find("brokerAddrTable"), std::string::npos);
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].code(), 106);
    EXPECT_EQ(seen[0].flag(), 0);
    EXPECT_EQ(seen[0].header.value("language", ""), "CPP");
    EXPECT_EQ(seen[0].header.value("version", 0), 407);
    EXPECT_EQ(r->opaque, seen[0].opaque());
}

TEST(RemotingClient, OutOfOrderResponsesReachTheirCallers) {
    // Holds three requests, then answers them in reverse order with the request's code as remark.
    std::vector<SeenFrame> held;
    ScriptedServer server([&held](Session& s, const SeenFrame& f) {
        held.push_back(f);
        if (held.size() < 3)
            return;
        for (auto it = held.rbegin(); it != held.rend(); ++it)
            s.send(nettest::response_frame(it->opaque(), 0, "body-" + it->ext("n")));
        held.clear();
    });
    RemotingClient client(short_timeouts());

    std::vector<std::future<Result<rmq::RemotingCommand>>> futures;
    for (int i = 0; i < 3; ++i) {
        auto p = std::make_shared<std::promise<Result<rmq::RemotingCommand>>>();
        futures.push_back(p->get_future());
        client.call_async(server.addr(), rmq::RemotingCommand::request(9000, {{"n", std::to_string(i)}}), 2000ms,
                          [p](Result<rmq::RemotingCommand> r) { p->set_value(std::move(r)); });
    }

    for (int i = 0; i < 3; ++i) {
        auto r = futures[static_cast<std::size_t>(i)].get();
        ASSERT_TRUE(r.ok()) << r.error().describe();
        EXPECT_EQ(r->body, "body-" + std::to_string(i));
    }
    EXPECT_EQ(server.accepts(), 1);
}

TEST(RemotingClient, SilentServerTimesOutWithinBound) {
    // A 4.9.7 NameServer ignores unknown codes: no answer ever.
    ScriptedServer server([](Session&, const SeenFrame&) {});
    RemotingClient client(short_timeouts());

    auto start = std::chrono::steady_clock::now();
    auto r = client.call(server.addr(), rmq::RemotingCommand::request(9999), 200ms);
    auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::timeout);
    EXPECT_NE(r.error().message.find(server.addr()), std::string::npos);
    EXPECT_GE(elapsed, 190ms);
    EXPECT_LT(elapsed, 2000ms);
}

TEST(RemotingClient, TimedOutCallDoesNotBreakLaterCalls) {
    std::atomic<int> n{0};
    ScriptedServer server([&n](Session& s, const SeenFrame& f) {
        if (n++ > 0)
            s.send(with_opaque(fixture(k_cluster), f.opaque()));
    });
    RemotingClient client(short_timeouts());

    auto first = client.call(server.addr(), rmq::RemotingCommand::request(9999), 200ms);
    auto second = client.call(server.addr(), rmq::RemotingCommand::request(106), 500ms);

    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().kind, ErrorKind::timeout);
    ASSERT_TRUE(second.ok()) << second.error().describe();
    EXPECT_EQ(server.accepts(), 1);
}

TEST(RemotingClient, ConnectionRefusedIsUnreachable) {
    std::string addr;
    {
        ScriptedServer gone([](Session&, const SeenFrame&) {});
        addr = gone.addr();
    }  // the port is closed again
    RemotingClient client(short_timeouts());

    auto r = client.call(addr, rmq::RemotingCommand::request(106));

    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::unreachable);
    EXPECT_NE(r.error().message.find(addr), std::string::npos);
}

TEST(RemotingClient, BadAddressIsInvalidInput) {
    RemotingClient client(short_timeouts());
    auto r = client.call("no-port-here", rmq::RemotingCommand::request(106));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
}

// Answers every request with `bytes` (then optionally closes) and checks the pending call fails
// with one of the kinds, and that the next call reconnects and works.
void expect_malformed(const std::string& bytes, bool close_after, std::vector<ErrorKind> kinds) {
    std::atomic<int> n{0};
    ScriptedServer server([&](Session& s, const SeenFrame& f) {
        if (n++ == 0) {
            s.send(bytes);
            if (close_after)
                s.close();
            return;
        }
        s.send(with_opaque(fixture(k_cluster), f.opaque()));
    });
    RemotingClient client(short_timeouts());

    auto bad = client.call(server.addr(), rmq::RemotingCommand::request(106), 2000ms);
    auto good = client.call(server.addr(), rmq::RemotingCommand::request(106), 2000ms);

    ASSERT_FALSE(bad.ok());
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), bad.error().kind), kinds.end()) << bad.error().describe();
    ASSERT_TRUE(good.ok()) << good.error().describe();
    EXPECT_EQ(server.accepts(), 2);  // the broken connection was dropped and replaced
}

TEST(RemotingClient, ServerClosingMidFrameFailsTheCall) {
    std::string frame = fixture(k_cluster);
    expect_malformed(frame.substr(0, frame.size() / 2), true, {ErrorKind::unreachable, ErrorKind::protocol});
}

TEST(RemotingClient, OversizeLengthIsProtocolError) {
    std::string bytes = nettest::u32(0x7fffffff) + nettest::u32(10) + std::string(16, 'x');
    expect_malformed(bytes, false, {ErrorKind::protocol});
}

TEST(RemotingClient, HeaderLengthBeyondFrameIsProtocolError) {
    std::string bytes = nettest::u32(12) + nettest::u32(500) + std::string(8, 'x');
    expect_malformed(bytes, false, {ErrorKind::protocol});
}

TEST(RemotingClient, BadJsonHeaderIsProtocolError) {
    std::string header = "{\"code\":0,\"flag\":1,\"opaque\":";  // cut short
    std::string bytes = nettest::u32(static_cast<std::uint32_t>(4 + header.size())) +
                        nettest::u32(static_cast<std::uint32_t>(header.size())) + header;
    expect_malformed(bytes, false, {ErrorKind::protocol});
}

TEST(RemotingClient, PushedRequestIsIgnoredAndCallCompletes) {
    ScriptedServer server([](Session& s, const SeenFrame& f) {
        // NOTIFY_CONSUMER_IDS_CHANGED (40) pushed by the server with the caller's opaque, flag 0.
        std::string push = nettest::response_frame(f.opaque(), 40);
        push = nettest::with_flag(push, 0);
        s.send(push);
        s.send(with_opaque(fixture(k_cluster), f.opaque()));
    });
    RemotingClient client(short_timeouts());

    auto r = client.call(server.addr(), rmq::RemotingCommand::request(106));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->code, 0);
    EXPECT_TRUE(r->is_response());
}

TEST(RemotingClient, OnewaySendsFlagTwoAndDoesNotWait) {
    ScriptedServer server([](Session&, const SeenFrame&) {});  // never answers
    RemotingClient client(short_timeouts());

    auto start = std::chrono::steady_clock::now();
    auto st = client.oneway(server.addr(), rmq::RemotingCommand::request(rmq::code::unregister_client,
                                                                         {{"clientID", "c1"}}));
    auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_TRUE(st.ok()) << st.error().describe();
    EXPECT_LT(elapsed, 400ms);
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (server.seen().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].flag(), rmq::k_flag_oneway);
    EXPECT_EQ(seen[0].code(), rmq::code::unregister_client);
}

TEST(RemotingClient, OnewayToClosedPortIsUnreachable) {
    std::string addr;
    {
        ScriptedServer gone([](Session&, const SeenFrame&) {});
        addr = gone.addr();
    }
    RemotingClient client(short_timeouts());
    auto st = client.oneway(addr, rmq::RemotingCommand::request(35));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::unreachable);
}

TEST(RemotingClient, ReusesOneConnectionForManyCallsFromManyThreads) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture(k_cluster); }));
    RemotingClient client(short_timeouts());

    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i)
                if (client.call(server.addr(), rmq::RemotingCommand::request(106), 2000ms).ok())
                    ++ok;
        });
    for (auto& t : threads)
        t.join();

    EXPECT_EQ(ok.load(), 100);
    EXPECT_EQ(server.accepts(), 1);
    std::vector<int> opaques;
    for (auto& f : server.seen())
        opaques.push_back(f.opaque());
    std::sort(opaques.begin(), opaques.end());
    EXPECT_EQ(std::adjacent_find(opaques.begin(), opaques.end()), opaques.end());  // all distinct
}

TEST(RemotingClient, CloseMakesTheNextCallReconnect) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture(k_cluster); }));
    RemotingClient client(short_timeouts());

    ASSERT_TRUE(client.call(server.addr(), rmq::RemotingCommand::request(106)).ok());
    client.close(server.addr());
    ASSERT_TRUE(client.call(server.addr(), rmq::RemotingCommand::request(106)).ok());

    EXPECT_EQ(server.accepts(), 2);
}

TEST(RemotingClient, ReadsBinaryHeaderResponses) {
    ScriptedServer server(replay([](const SeenFrame&) {
        return fixture("clusterList-rocketmq-binary__02_GET_BROKER_CLUSTER_INFO");
    }));
    RemotingClient client(short_timeouts());

    auto r = client.call(server.addr(), rmq::RemotingCommand::request(106));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->serialize_type, rmq::SerializeType::rocketmq);
    EXPECT_NE(r->body.find("brokerAddrTable"), std::string::npos);
}

std::string hmac_sha1_base64(const std::string& key, const std::string& data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), mac, &len);
    std::string out(4 * ((len + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
    return out;
}

TEST(RemotingClient, AclSignedRequestCarriesVerifiableSignature) {
    ScriptedServer server(replay([](const SeenFrame&) { return fixture(k_cluster); }));
    ClientOptions opts = short_timeouts();
    opts.acl = rmq::AclCredentials{"rmqadmin", Secret("rmqadmin-secret-123")};
    RemotingClient client(opts);

    auto req = rmq::RemotingCommand::request(rmq::code::update_broker_config);
    req.body = "brokerPermission=4\n";
    auto r = client.call(server.addr(), std::move(req));

    ASSERT_TRUE(r.ok()) << r.error().describe();
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].ext("AccessKey"), "rmqadmin");
    // Independent check (SIGNING.md): values sorted by key, Signature excluded, then the body.
    std::map<std::string, std::string> sorted;
    for (auto& [k, v] : seen[0].header["extFields"].items())
        if (k != "Signature")
            sorted[k] = v.get<std::string>();
    std::string data;
    for (auto& [k, v] : sorted)
        data += v;
    data += seen[0].body;
    EXPECT_EQ(seen[0].ext("Signature"), hmac_sha1_base64("rmqadmin-secret-123", data));
    // The recorded 4.9.7 example: the same request signs to the captured value.
    EXPECT_EQ(seen[0].ext("Signature"), "5rpj9JYzINSby0Jt1vW/JeKXbY0=");
}

TEST(RemotingClient, DestructorFailsCallsStillInFlight) {
    ScriptedServer server([](Session&, const SeenFrame&) {});
    auto p = std::make_shared<std::promise<Result<rmq::RemotingCommand>>>();
    auto fut = p->get_future();
    {
        RemotingClient client(short_timeouts());
        client.call_async(server.addr(), rmq::RemotingCommand::request(9999), 10000ms,
                          [p](Result<rmq::RemotingCommand> r) { p->set_value(std::move(r)); });
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(fut.wait_for(1s), std::future_status::ready);
    auto r = fut.get();
    EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace rmqup::net
