#include "rmqup/net/cluster_view.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "admin_replies.hpp"
#include "rmqup/remoting/requests.hpp"

namespace rmqup::net {

namespace {

// Waits until `count` callbacks have run. Callbacks run on the client's I/O thread.
class Countdown {
public:
    explicit Countdown(std::size_t count) : m_left(count) {}
    void done() {
        std::lock_guard<std::mutex> lock(m_mu);
        if (--m_left == 0)
            m_cv.notify_all();
    }
    void wait() {
        std::unique_lock<std::mutex> lock(m_mu);
        m_cv.wait(lock, [this] { return m_left == 0; });
    }

private:
    std::mutex m_mu;
    std::condition_variable m_cv;
    std::size_t m_left;
};

using MemberKey = std::tuple<std::string, std::string, std::int64_t>;  // cluster, brokerName, brokerId

// Every (cluster, brokerName, brokerId) -> address a NameServer lists.
std::map<MemberKey, std::string> members(const rmq::ClusterInfo& info) {
    std::map<MemberKey, std::string> out;
    for (const auto& [name, data] : info.broker_addr_table)
        for (const auto& [id, addr] : data.broker_addrs)
            out[{data.cluster, name, id}] = addr;
    return out;
}

std::string member_text(const MemberKey& k, const std::string& addr) {
    return std::get<1>(k) + "@" + std::to_string(std::get<2>(k)) + " (" + addr + ")";
}

std::optional<int> permission_of(const rmq::Properties& props) {
    for (const auto& [k, v] : props) {
        if (k != "brokerPermission")
            continue;
        int perm = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), perm);
        if (ec == std::errc() && ptr == v.data() + v.size())
            return perm;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> compare_nameservers(const std::vector<NameServerView>& views) {
    std::vector<std::string> out;
    std::vector<std::pair<std::string, std::map<MemberKey, std::string>>> answered;
    for (const auto& v : views)
        if (v.info)
            answered.emplace_back(v.addr, members(*v.info));
    if (answered.size() < 2)
        return out;
    std::map<MemberKey, std::set<std::string>> all;  // member -> addresses seen for it
    for (const auto& [ns, m] : answered)
        for (const auto& [k, addr] : m)
            all[k].insert(addr);
    for (const auto& [k, addrs] : all) {
        for (const auto& [ns, m] : answered) {
            auto it = m.find(k);
            if (it == m.end())
                out.push_back(ns + " lacks " + member_text(k, *addrs.begin()));
            else if (addrs.size() > 1)
                out.push_back(ns + " has " + member_text(k, it->second) + " while another NameServer has a "
                                                                             "different address");
        }
    }
    return out;
}

namespace {

// GET_BROKER_CLUSTER_INFO of every NameServer, all in flight at once; each answer or error lands
// in its NameServerView.
void ask_nameservers(RemotingClient& client, ClusterView& view, std::chrono::milliseconds timeout) {
    std::mutex mu;
    Countdown countdown(view.nameservers.size());
    for (auto& nsv : view.nameservers) {
        client.call_async(nsv.addr, rmq::requests::get_broker_cluster_info(), timeout,
                          [&nsv, &mu, &countdown](Reply r) {
                              auto info = cluster_info_reply(std::move(r), nsv.addr);
                              {
                                  std::lock_guard<std::mutex> lock(mu);
                                  if (info)
                                      nsv.info = std::move(info).value();
                                  else
                                      nsv.error = std::move(info).error();
                              }
                              countdown.done();
                          });
    }
    countdown.wait();
}

// One row per broker member listed by any NameServer (the first NameServer that lists a member
// wins its address); an error when no NameServer answered.
Status collect_brokers(ClusterView& view) {
    const NameServerView* first_error = nullptr;
    std::map<MemberKey, std::string> union_members;
    for (const auto& nsv : view.nameservers) {
        if (!nsv.info) {
            if (!first_error)
                first_error = &nsv;
            continue;
        }
        for (auto& [k, addr] : members(*nsv.info))
            union_members.emplace(k, addr);
    }
    if (union_members.empty() && first_error &&
        std::none_of(view.nameservers.begin(), view.nameservers.end(), [](const auto& v) { return v.info.has_value(); })) {
        Error e = *first_error->error;
        return std::move(e).with("no NameServer answered (" + std::to_string(view.nameservers.size()) + " tried)");
    }
    for (const auto& [k, addr] : union_members) {
        BrokerRow row;
        row.cluster = std::get<0>(k);
        row.broker_name = std::get<1>(k);
        row.broker_id = std::get<2>(k);
        row.addr = addr;
        view.brokers.push_back(std::move(row));
    }
    return ok_status();
}

// GET_BROKER_RUNTIME_INFO and GET_BROKER_CONFIG of every broker, all in flight at once (one
// connection per broker address); answers and errors land in the rows.
void ask_brokers(RemotingClient& client, ClusterView& view, std::chrono::milliseconds timeout) {
    std::mutex mu;
    Countdown countdown(view.brokers.size() * 2);
    for (auto& row : view.brokers) {
        client.call_async(row.addr, rmq::requests::get_broker_runtime_info(), timeout,
                          [&row, &mu, &countdown](Reply r) {
                              auto info = runtime_info_reply(std::move(r), row.addr);
                              {
                                  std::lock_guard<std::mutex> lock(mu);
                                  if (info) {
                                      row.state = BrokerState::ok;
                                      row.runtime = std::move(info).value();
                                  } else {
                                      row.error = std::move(info).error();
                                      row.state = row.error->kind == ErrorKind::not_ready ? BrokerState::starting
                                                                                          : BrokerState::failed;
                                  }
                              }
                              countdown.done();
                          });
        client.call_async(row.addr, rmq::requests::get_broker_config(), timeout,
                          [&row, &mu, &countdown](Reply r) {
                              auto props = broker_config_reply(std::move(r), row.addr);
                              {
                                  std::lock_guard<std::mutex> lock(mu);
                                  if (props)
                                      row.permission = permission_of(*props);
                                  else
                                      row.config_error = std::move(props).error();
                              }
                              countdown.done();
                          });
    }
    countdown.wait();
}

}  // namespace

Result<ClusterView> fetch_cluster_view(RemotingClient& client, const std::vector<std::string>& nameservers,
                                       std::chrono::milliseconds timeout) {
    if (nameservers.empty())
        return make_error(ErrorKind::invalid_input, "no NameServer address given");
    ClusterView view;
    for (const auto& ns : nameservers)
        view.nameservers.push_back(NameServerView{ns, std::nullopt, std::nullopt});
    ask_nameservers(client, view, timeout);
    RMQUP_TRY(collect_brokers(view));
    view.disagreements = compare_nameservers(view.nameservers);
    ask_brokers(client, view, timeout);
    return view;
}

}  // namespace rmqup::net
