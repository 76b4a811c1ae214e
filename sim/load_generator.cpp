#include "load_generator.hpp"

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>
#include <csignal>
#include <set>
#include <unistd.h>

#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "sim_common.hpp"

namespace rmqsim {

namespace asio = boost::asio;
namespace rmq = rmqup::rmq;

namespace {

constexpr std::uint8_t k_acked = 1;
constexpr std::uint8_t k_received = 2;

bool retryable(int code) {
    return code == 17 || code == 14 || code == 1 || code == 16 || code == 204 || code == 205;
}

struct PublishQueue {
    std::string broker_name;
    std::string addr;
    int queue_id = 0;
};

struct ConsumeQueue {
    std::int64_t next_offset = -1;  // -1: not initialised yet
    std::int64_t committed = -1;
    bool in_flight = false;
    bool discovered_at_start = false;
    std::int64_t retry_at_ms = 0;
};

class LoadRun {
public:
    explicit LoadRun(const LoadOptions& opts)
        : m_opts(opts), m_tick(m_io), m_route_timer(m_io), m_commit_timer(m_io), m_signals(m_io) {
        add_shutdown_signals(m_signals);
        rmqup::net::ClientOptions co;
        co.request_timeout = std::chrono::milliseconds(opts.send_timeout_ms);
        co.connect_timeout = std::chrono::milliseconds(1000);
        co.language = opts.client_language;
        co.version = opts.client_version;
        if (!opts.access_key.empty())
            co.acl = rmq::AclCredentials{opts.access_key, rmqup::Secret(opts.secret_key)};
        m_client = std::make_unique<rmqup::net::RemotingClient>(co);
        m_run_id = std::to_string(now_ms()) + "-" + std::to_string(::getpid());
        m_client_id = "127.0.0.1@" + std::to_string(::getpid()) + "#rmqsim";
        m_body_pad.assign(static_cast<std::size_t>(std::max(0, opts.body_size)), 'x');
    }

    rmqup::Result<LoadReport> run() {
        if (!refresh_route_sync())
            return rmqup::make_error(rmqup::ErrorKind::unreachable, "no NameServer answered a route request");
        m_start_ms = now_ms();
        for (auto& [k, q] : m_consume)
            q.discovered_at_start = true;
        heartbeat_all();
        init_offsets();
        arm_route_refresh();
        arm_commit();
        arm_tick();
        // SIGINT/SIGTERM (and SIGHUP, see add_shutdown_signals): stop sending now (the roll is over),
        // then drain and report as at the end of --duration; the rehearsal stops its traffic when the roll ends.
        m_signals.async_wait([this](boost::system::error_code ec, int) {
            if (ec || !m_sending)
                return;
            m_sending = false;
            m_send_end_ms = now_ms();
        });
        m_io.run();
        m_report.elapsed_ms = now_ms() - m_start_ms;
        finish_counts();
        return m_report;
    }

private:
    // ---- route -------------------------------------------------------------------------
    std::optional<rmq::TopicRouteData> fetch_route(const std::string& topic) {
        for (const auto& ns : m_opts.namesrv_addrs) {
            auto req = rmq::RemotingCommand::request(rmq::code::get_routeinfo_by_topic, {{"topic", topic}});
            req.has_ext_fields = true;
            auto r = m_client->call(ns, req, std::chrono::milliseconds(3000));
            if (!r.ok())
                continue;
            if (r->code != 0) {
                if (r->code == rmq::rc::topic_not_exist)
                    return std::nullopt;
                continue;
            }
            auto route = rmq::decode_topic_route(r->body);
            if (route.ok())
                return std::move(route).value();
        }
        return std::nullopt;
    }

    bool any_namesrv_answers() {
        for (const auto& ns : m_opts.namesrv_addrs) {
            auto req = rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info);
            auto r = m_client->call(ns, req, std::chrono::milliseconds(3000));
            if (r.ok())
                return true;
        }
        return false;
    }

    // Runs on the load thread (blocking calls are short, loopback).
    bool refresh_route_sync() {
        ++m_report.route_refreshes;
        auto route = fetch_route(m_opts.topic);
        bool auto_create = false;
        if (!route) {
            route = fetch_route("TBW102");  // as a real producer: default topic route, broker auto-creates
            auto_create = true;
        }
        if (!route)
            return !m_opts.namesrv_addrs.empty() && any_namesrv_answers();
        std::vector<PublishQueue> pub;
        std::map<std::string, std::map<std::int64_t, std::string>> addrs;
        for (const auto& bd : route->broker_datas)
            addrs[bd.broker_name] = bd.broker_addrs;
        for (const auto& qd : route->queue_datas) {
            auto a = addrs.find(qd.broker_name);
            if (a == addrs.end())
                continue;
            auto master = a->second.find(0);
            if ((qd.perm & rmq::k_perm_write) && master != a->second.end()) {
                int n = auto_create ? std::min(4, qd.write_queue_nums) : qd.write_queue_nums;
                for (int q = 0; q < n; ++q)
                    pub.push_back(PublishQueue{qd.broker_name, master->second, q});
            }
            if (!auto_create && (qd.perm & rmq::k_perm_read)) {
                for (int q = 0; q < qd.read_queue_nums; ++q)
                    m_consume.try_emplace(std::make_pair(qd.broker_name, q));
            }
        }
        m_publish = std::move(pub);
        m_broker_addrs = std::move(addrs);
        return true;
    }

    void arm_route_refresh() {
        m_route_timer.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(100, m_opts.route_refresh_ms)));
        m_route_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || m_done)
                return;
            auto before = m_consume.size();
            refresh_route_sync();
            if (m_consume.size() != before)
                init_offsets();  // rebalance: new queues (a broker joined or came back)
            if (now_ms() - m_last_heartbeat >= m_opts.heartbeat_ms)
                heartbeat_all();
            arm_route_refresh();
        });
    }

    std::string resolve(const std::string& broker_name) {
        auto a = m_broker_addrs.find(broker_name);
        if (a == m_broker_addrs.end())
            return {};
        std::int64_t now = now_ms();
        for (const auto& [id, addr] : a->second) {  // master first (id 0), then slaves
            auto bad = m_bad_until.find(addr);
            if (bad != m_bad_until.end() && bad->second > now)
                continue;
            return addr;
        }
        return a->second.begin()->second;
    }

    // ---- heartbeat ---------------------------------------------------------------------
    void heartbeat_all() {
        m_last_heartbeat = now_ms();
        rmq::HeartbeatData hb;
        hb.client_id = m_client_id;
        hb.producer_groups.push_back(m_opts.producer_group);
        if (m_opts.consume) {
            rmq::ConsumerData cd;
            cd.group_name = m_opts.consumer_group;
            cd.consume_type = "CONSUME_PASSIVELY";
            cd.consume_from_where = "CONSUME_FROM_LAST_OFFSET";
            rmq::SubscriptionData sd;
            sd.topic = m_opts.topic;
            sd.sub_version = m_start_ms;
            cd.subscription_data_set.push_back(sd);
            hb.consumer_data_set.push_back(cd);
        }
        auto body = rmq::encode_heartbeat(hb);
        for (const auto& [name, ids] : m_broker_addrs)
            for (const auto& [id, addr] : ids) {
                auto req = rmq::RemotingCommand::request(rmq::code::heart_beat);
                req.body = body;
                m_client->call_async(addr, req, std::chrono::milliseconds(3000), [](rmqup::Result<rmq::RemotingCommand>) {});
            }
    }

    // ---- producer ----------------------------------------------------------------------
    void arm_tick() {
        m_tick.expires_after(std::chrono::milliseconds(5));
        m_tick.async_wait([this](boost::system::error_code ec) {
            if (ec)
                return;
            on_tick();
        });
    }

    void on_tick() {
        std::int64_t now = now_ms();
        std::int64_t elapsed = now - m_start_ms;
        if (m_sending && elapsed >= m_opts.duration_ms) {
            m_sending = false;
            m_send_end_ms = now;
        }
        if (m_sending) {
            std::int64_t due = m_opts.rate > 0 ? static_cast<std::int64_t>(m_opts.rate * static_cast<double>(elapsed) / 1000.0)
                                               : m_report.sent + m_opts.max_inflight;
            while (m_report.sent < due && m_inflight < m_opts.max_inflight) {
                std::int64_t seq = m_report.sent++;
                m_state.push_back(0);
                send(seq, 0, std::string());
            }
        }
        if (m_opts.consume && m_consume.empty() && now - m_last_quick_refresh >= 1000) {
            m_last_quick_refresh = now;  // auto-created topic: its route appears after the first sends
            refresh_route_sync();
            init_offsets();
        }
        if (m_opts.consume)
            pump_pulls();
        if (!m_sending && m_inflight == 0) {
            bool all_in = m_report.received >= m_report.acked;
            if (!m_opts.consume || all_in || now - m_send_end_ms >= m_opts.drain_ms) {
                finish();
                return;
            }
        }
        arm_tick();
    }

    std::optional<PublishQueue> pick_queue(const std::string& avoid_broker) {
        if (m_publish.empty())
            return std::nullopt;
        for (std::size_t i = 0; i < m_publish.size(); ++i) {
            const auto& q = m_publish[m_rr++ % m_publish.size()];
            if (q.broker_name != avoid_broker)
                return q;
        }
        return m_publish[m_rr++ % m_publish.size()];
    }

    void send(std::int64_t seq, int attempt, std::string last_broker) {
        auto q = pick_queue(last_broker);
        if (!q) {
            fail(seq, "no writable queue");
            return;
        }
        std::string uniq = m_run_id + "-" + std::to_string(seq);
        auto req = rmq::RemotingCommand::request(rmq::code::send_message_v2);
        req.set_ext("a", m_opts.producer_group);
        req.set_ext("b", m_opts.topic);
        req.set_ext("c", "TBW102");
        req.set_ext("d", "4");
        req.set_ext("e", std::to_string(q->queue_id));
        req.set_ext("f", "0");
        req.set_ext("g", std::to_string(now_ms()));
        req.set_ext("h", "0");
        req.set_ext("i", rmq::format_message_properties({{"UNIQ_KEY", uniq}, {"WAIT", "true"}}));
        req.set_ext("j", "0");
        req.set_ext("k", "false");
        req.set_ext("m", "false");
        req.set_ext("n", q->broker_name);
        req.has_ext_fields = true;
        req.body = "seq=" + std::to_string(seq) + ";";
        if (req.body.size() < m_body_pad.size())
            req.body.append(m_body_pad, 0, m_body_pad.size() - req.body.size());
        ++m_inflight;
        std::string broker = q->broker_name, addr = q->addr;
        m_client->call_async(addr, std::move(req), std::chrono::milliseconds(m_opts.send_timeout_ms),
                             [this, seq, attempt, broker, addr](rmqup::Result<rmq::RemotingCommand> r) {
                                 asio::post(m_io, [this, seq, attempt, broker, addr, r = std::move(r)] {
                                     --m_inflight;
                                     on_send_result(seq, attempt, broker, addr, r);
                                 });
                             });
    }

    void on_send_result(std::int64_t seq, int attempt, const std::string& broker, const std::string& addr,
                        const rmqup::Result<rmq::RemotingCommand>& r) {
        if (r.ok() && r->code == 0) {
            if (!(m_state[static_cast<std::size_t>(seq)] & k_acked)) {
                m_state[static_cast<std::size_t>(seq)] |= k_acked;
                ++m_report.acked;
                ++m_report.acked_by_broker[broker];
            }
            return;
        }
        std::string reason;
        bool again = false;
        if (!r.ok()) {
            reason = std::string("connection: ") + rmqup::to_string(r.error().kind);
            again = true;
            m_bad_until[addr] = now_ms() + 2000;
        } else {
            reason = "code " + std::to_string(r->code);
            again = retryable(r->code);
        }
        if (again && attempt < m_opts.retries) {
            ++m_report.retries;
            send(seq, attempt + 1, broker);
            return;
        }
        fail(seq, reason, broker);
    }

    void fail(std::int64_t /*seq*/, const std::string& reason, const std::string& broker = {}) {
        ++m_report.failed;
        ++m_report.failures_by_reason[reason];
        ++m_report.failures_by_broker[broker.empty() ? std::string("(no broker)") : broker];
    }

    // ---- consumer ----------------------------------------------------------------------
    void init_offsets() {
        if (!m_opts.consume)
            return;
        for (auto& [key, q] : m_consume) {
            if (q.next_offset >= 0 || q.in_flight)
                continue;
            auto addr = resolve(key.first);
            if (addr.empty())
                continue;
            auto req = rmq::RemotingCommand::request(rmq::code::query_consumer_offset,
                                                     {{"consumerGroup", m_opts.consumer_group},
                                                      {"topic", m_opts.topic},
                                                      {"queueId", std::to_string(key.second)}});
            req.has_ext_fields = true;
            auto r = m_client->call(addr, req, std::chrono::milliseconds(3000));
            if (r.ok() && r->code == 0) {
                q.next_offset = ext_int(*r, "offset", 0);
                continue;
            }
            if (!q.discovered_at_start || (r.ok() && r->code == rmq::rc::query_not_found && !q.discovered_at_start)) {
                q.next_offset = 0;
                continue;
            }
            auto mreq = rmq::RemotingCommand::request(rmq::code::get_max_offset,
                                                      {{"topic", m_opts.topic}, {"queueId", std::to_string(key.second)}});
            mreq.has_ext_fields = true;
            auto m = m_client->call(addr, mreq, std::chrono::milliseconds(3000));
            if (m.ok() && m->code == 0)
                q.next_offset = ext_int(*m, "offset", 0);
        }
    }

    void pump_pulls() {
        std::int64_t now = now_ms();
        bool uninit = false;
        for (auto& [key, q] : m_consume) {
            if (q.next_offset < 0) {
                uninit = true;
                continue;
            }
            if (q.in_flight || q.retry_at_ms > now)
                continue;
            pull(key, q);
        }
        if (uninit && now - m_last_init_ms > 500) {
            m_last_init_ms = now;
            init_offsets();
        }
    }

    void pull(const std::pair<std::string, int>& key, ConsumeQueue& q) {
        auto addr = resolve(key.first);
        if (addr.empty()) {
            q.retry_at_ms = now_ms() + 500;
            return;
        }
        auto req = rmq::RemotingCommand::request(rmq::code::pull_message);
        req.set_ext("consumerGroup", m_opts.consumer_group);
        req.set_ext("topic", m_opts.topic);
        req.set_ext("queueId", std::to_string(key.second));
        req.set_ext("queueOffset", std::to_string(q.next_offset));
        req.set_ext("maxMsgNums", "32");
        req.set_ext("sysFlag", std::to_string(q.committed >= 0 ? 0x7 : 0x6));
        req.set_ext("commitOffset", std::to_string(std::max<std::int64_t>(0, q.committed)));
        req.set_ext("suspendTimeoutMillis", "1000");
        req.set_ext("subscription", "*");
        req.set_ext("subVersion", std::to_string(m_start_ms));
        req.set_ext("expressionType", "TAG");
        req.has_ext_fields = true;
        q.in_flight = true;
        m_client->call_async(addr, std::move(req), std::chrono::milliseconds(5000),
                             [this, key, addr](rmqup::Result<rmq::RemotingCommand> r) {
                                 asio::post(m_io, [this, key, addr, r = std::move(r)] { on_pull_result(key, addr, r); });
                             });
    }

    void on_pull_result(const std::pair<std::string, int>& key, const std::string& addr,
                        const rmqup::Result<rmq::RemotingCommand>& r) {
        auto& q = m_consume[key];
        q.in_flight = false;
        if (!r.ok()) {
            ++m_report.pull_errors;
            m_bad_until[addr] = now_ms() + 2000;
            q.retry_at_ms = now_ms() + 200;
            return;
        }
        if (r->code == rmq::rc::success) {
            auto msgs = rmq::decode_stored_messages(r->body);
            if (msgs.ok()) {
                for (const auto& m : *msgs)
                    on_message(m);
            }
            q.next_offset = ext_int(*r, "nextBeginOffset", q.next_offset);
            q.committed = q.next_offset;
            if (!m_done)
                pull(key, q);  // more may be waiting: pull again at once, as the push consumer does
            return;
        }
        if (r->code == rmq::rc::pull_offset_moved) {
            q.next_offset = ext_int(*r, "nextBeginOffset", q.next_offset);
            return;
        }
        q.retry_at_ms = now_ms() + (r->code == rmq::rc::pull_not_found ? 50 : 500);
    }

    void on_message(const rmq::StoredMessage& m) {
        auto it = m.properties.find("UNIQ_KEY");
        if (it == m.properties.end())
            return;
        const std::string& u = it->second;
        if (u.size() <= m_run_id.size() + 1 || u.compare(0, m_run_id.size(), m_run_id) != 0 || u[m_run_id.size()] != '-')
            return;  // another run's message
        std::int64_t seq = -1;
        const char* b = u.data() + m_run_id.size() + 1;
        auto [p, ec] = std::from_chars(b, u.data() + u.size(), seq);
        if (ec != std::errc() || seq < 0 || seq >= static_cast<std::int64_t>(m_state.size()))
            return;
        auto& s = m_state[static_cast<std::size_t>(seq)];
        if (s & k_received) {
            ++m_report.duplicates;
            return;
        }
        s |= k_received;
        ++m_report.received;
    }

    void arm_commit() {
        m_commit_timer.expires_after(std::chrono::milliseconds(1000));
        m_commit_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || m_done)
                return;
            commit_offsets();
            arm_commit();
        });
    }

    void commit_offsets() {
        for (const auto& [key, q] : m_consume) {
            if (q.committed < 0)
                continue;
            auto a = m_broker_addrs.find(key.first);
            if (a == m_broker_addrs.end() || !a->second.count(0))
                continue;
            auto req = rmq::RemotingCommand::request(rmq::code::update_consumer_offset,
                                                     {{"consumerGroup", m_opts.consumer_group},
                                                      {"topic", m_opts.topic},
                                                      {"queueId", std::to_string(key.second)},
                                                      {"commitOffset", std::to_string(q.committed)}});
            req.has_ext_fields = true;
            (void)m_client->oneway(a->second.at(0), req);
        }
    }

    void finish() {
        m_done = true;
        commit_offsets();
        if (m_opts.consume) {
            for (const auto& ns : m_broker_addrs)
                for (const auto& [id, addr] : ns.second) {
                    auto req = rmq::RemotingCommand::request(rmq::code::unregister_client,
                                                             {{"clientID", m_client_id},
                                                              {"producerGroup", m_opts.producer_group},
                                                              {"consumerGroup", m_opts.consumer_group}});
                    req.has_ext_fields = true;
                    (void)m_client->oneway(addr, req);
                }
        }
        m_tick.cancel();
        m_route_timer.cancel();
        m_commit_timer.cancel();
        boost::system::error_code ignored;
        m_signals.cancel(ignored);
        m_io.stop();
    }

    void finish_counts() {
        std::int64_t lost = 0;
        for (auto s : m_state)
            if ((s & k_acked) && !(s & k_received))
                ++lost;
        m_report.lost = m_opts.consume ? lost : 0;
        std::int64_t send_ms = (m_send_end_ms > 0 ? m_send_end_ms : now_ms()) - m_start_ms;
        m_report.send_tps = send_ms > 0 ? static_cast<double>(m_report.acked) * 1000.0 / static_cast<double>(send_ms) : 0;
    }

    LoadOptions m_opts;
    asio::io_context m_io;
    asio::steady_timer m_tick;
    asio::steady_timer m_route_timer;
    asio::steady_timer m_commit_timer;
    asio::signal_set m_signals;
    std::unique_ptr<rmqup::net::RemotingClient> m_client;
    std::string m_run_id;
    std::string m_client_id;
    std::string m_body_pad;
    LoadReport m_report;
    std::vector<std::uint8_t> m_state;
    std::vector<PublishQueue> m_publish;
    std::map<std::string, std::map<std::int64_t, std::string>> m_broker_addrs;
    std::map<std::pair<std::string, int>, ConsumeQueue> m_consume;
    std::map<std::string, std::int64_t> m_bad_until;
    std::size_t m_rr = 0;
    int m_inflight = 0;
    bool m_sending = true;
    bool m_done = false;
    std::int64_t m_start_ms = 0;
    std::int64_t m_send_end_ms = 0;
    std::int64_t m_last_heartbeat = 0;
    std::int64_t m_last_init_ms = 0;
    std::int64_t m_last_quick_refresh = 0;
};

}  // namespace

rmqup::Result<LoadReport> run_load(const LoadOptions& opts) {
    if (opts.namesrv_addrs.empty())
        return rmqup::make_error(rmqup::ErrorKind::invalid_input, "no NameServer address given");
    LoadRun run(opts);
    return run.run();
}

std::string format_report(const LoadReport& r) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "sent=%lld acked=%lld failed=%lld received=%lld duplicates=%lld lost=%lld retries=%lld "
                  "elapsed_ms=%lld send_tps=%.1f\n",
                  static_cast<long long>(r.sent), static_cast<long long>(r.acked), static_cast<long long>(r.failed),
                  static_cast<long long>(r.received), static_cast<long long>(r.duplicates),
                  static_cast<long long>(r.lost), static_cast<long long>(r.retries),
                  static_cast<long long>(r.elapsed_ms), r.send_tps);
    std::string out = buf;
    for (const auto& [b, n] : r.acked_by_broker)
        out += "  acked on " + b + ": " + std::to_string(n) + "\n";
    for (const auto& [why, n] : r.failures_by_reason)
        out += "  failed (" + why + "): " + std::to_string(n) + "\n";
    for (const auto& [b, n] : r.failures_by_broker)
        out += "  failed on " + b + ": " + std::to_string(n) + "\n";
    out += r.lost > 0 ? "RESULT: LOST MESSAGES\n" : "RESULT: no acknowledged message lost\n";
    return out;
}

std::string format_report_json(const LoadReport& r) {
    nlohmann::ordered_json j;
    j["sent"] = r.sent;
    j["acked"] = r.acked;
    j["failed"] = r.failed;
    j["received"] = r.received;
    j["duplicates"] = r.duplicates;
    j["lost"] = r.lost;
    j["retries"] = r.retries;
    j["route_refreshes"] = r.route_refreshes;
    j["pull_errors"] = r.pull_errors;
    j["elapsed_ms"] = r.elapsed_ms;
    j["send_tps"] = r.send_tps;
    j["acked_by_broker"] = r.acked_by_broker;
    j["failures_by_reason"] = r.failures_by_reason;
    j["failures_by_broker"] = r.failures_by_broker;
    return j.dump();
}

}  // namespace rmqsim
