// Greedy wave packing. Groups are taken in inventory order; a round is started by the first group
// left and filled with the next groups that fit (parallel, maxPerHost, topics). A round becomes
// waves by member position: with slaves first the members are right-aligned so that every master
// of the round restarts in the round's last wave (its slaves in the waves before); with the master
// first they are left-aligned (the masters' wave first). Only masters take writes, so the topic
// rule is checked on the masters' wave alone.
#include "rmqup/plan/waves.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace rmqup {

namespace {

constexpr std::uint32_t k_none = std::numeric_limits<std::uint32_t>::max();

class WavePacker {
public:
    WavePacker(const WaveInput& in, const Policy& policy);

    // Runs the whole packing (NameServers, canary, rounds) once.
    Waves run();

private:
    void index_hosts();
    void index_topics();
    bool fully_skipped(std::uint32_t g) const;
    bool restarts_master(std::uint32_t g) const { return m_master[g] != k_none; }
    // Wave offset of member i inside a round: 0 is the masters' wave.
    std::size_t position(std::uint32_t g, std::size_t i) const;
    bool fits(std::uint32_t g) const;
    void add(std::uint32_t g);
    void emit_round();
    void emit_nameservers();
    void emit_wave(std::vector<std::string> ids, std::string proof);
    std::string masters_proof(std::size_t masters);
    void clear_round();

    const WaveInput& m_in;
    const Policy& m_policy;
    const std::size_t m_parallel;
    const int m_max_per_host;
    Waves m_out;

    std::size_t m_positions = 1;                          // most members in one group
    std::size_t m_host_total = 0;
    std::vector<std::vector<std::uint32_t>> m_member_host;  // group -> member -> host index
    std::vector<std::uint32_t> m_master;                  // group -> member index of its restarting master
    // Topics whose every writable group restarts its master (the others always keep a writable
    // group): CSR per group, and how many of a topic's groups may restart in one wave.
    std::vector<std::uint32_t> m_topic_begin;
    std::vector<std::uint32_t> m_topic_list;
    std::vector<std::uint32_t> m_topic_limit;
    std::vector<std::uint32_t> m_single_topics;           // group -> topics held by it alone

    // The round being built.
    std::vector<std::uint32_t> m_round;
    std::vector<std::uint32_t> m_in_round;                // topic -> masters of the round holding it
    std::vector<std::uint32_t> m_touched;                 // topics with m_in_round > 0
    std::vector<int> m_host_count;                        // position * hosts + host -> nodes
    std::vector<std::size_t> m_host_touched;
};

WavePacker::WavePacker(const WaveInput& in, const Policy& policy)
    : m_in(in),
      m_policy(policy),
      m_parallel(static_cast<std::size_t>(std::max(1, policy.parallel))),
      m_max_per_host(std::max(1, policy.max_per_host)) {
    m_master.assign(in.groups.size(), k_none);
    for (std::uint32_t g = 0; g < in.groups.size(); ++g) {
        const auto& members = in.groups[g].members;
        m_positions = std::max(m_positions, members.size());
        for (std::uint32_t i = 0; i < members.size(); ++i) {
            if (members[i].broker_id == 0 && !members[i].skip) m_master[g] = i;
        }
    }
    index_hosts();
    index_topics();
    m_host_count.assign(m_positions * std::max<std::size_t>(1, m_host_total), 0);
}

void WavePacker::index_hosts() {
    std::unordered_map<std::string, std::uint32_t> ids;
    m_member_host.resize(m_in.groups.size());
    for (std::size_t g = 0; g < m_in.groups.size(); ++g) {
        for (const auto& m : m_in.groups[g].members) {
            auto [it, inserted] = ids.emplace(m.host, static_cast<std::uint32_t>(ids.size()));
            m_member_host[g].push_back(it->second);
        }
    }
    m_host_total = ids.size();
}

void WavePacker::index_topics() {
    const std::size_t groups = m_in.groups.size();
    m_single_topics.assign(groups, 0);
    m_topic_limit.assign(m_in.topics.size(), 0);
    std::vector<std::uint32_t> count(groups + 1, 0);
    auto constrained = [&](const WaveTopic& t) {
        if (t.writable_groups.size() < 2) return false;
        return std::all_of(t.writable_groups.begin(), t.writable_groups.end(),
                           [&](std::uint32_t g) { return g < groups && restarts_master(g); });
    };
    for (const auto& t : m_in.topics) {
        if (t.writable_groups.size() == 1 && t.writable_groups[0] < groups && restarts_master(t.writable_groups[0]))
            ++m_single_topics[t.writable_groups[0]];
        if (constrained(t)) {
            for (auto g : t.writable_groups) ++count[g + 1];
        }
    }
    for (std::size_t g = 0; g < groups; ++g) count[g + 1] += count[g];
    m_topic_begin = count;
    m_topic_list.resize(count[groups]);
    for (std::uint32_t t = 0; t < m_in.topics.size(); ++t) {
        const auto& topic = m_in.topics[t];
        if (!constrained(topic)) continue;
        m_topic_limit[t] = static_cast<std::uint32_t>(topic.writable_groups.size() - 1);
        for (auto g : topic.writable_groups) m_topic_list[count[g]++] = t;
    }
    m_in_round.assign(m_in.topics.size(), 0);
}

bool WavePacker::fully_skipped(std::uint32_t g) const {
    const auto& members = m_in.groups[g].members;
    return std::all_of(members.begin(), members.end(), [](const WaveNode& m) { return m.skip; });
}

std::size_t WavePacker::position(std::uint32_t g, std::size_t i) const {
    const std::size_t n = m_in.groups[g].members.size();
    return m_policy.slaves_first ? n - 1 - i : i;
}

bool WavePacker::fits(std::uint32_t g) const {
    if (m_round.size() >= m_parallel) return false;
    const auto& members = m_in.groups[g].members;
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].skip) continue;
        const std::size_t slot = position(g, i) * m_host_total + m_member_host[g][i];
        if (m_host_count[slot] + 1 > m_max_per_host) return false;
    }
    if (!restarts_master(g)) return true;
    for (std::uint32_t k = m_topic_begin[g]; k < m_topic_begin[g + 1]; ++k) {
        const std::uint32_t t = m_topic_list[k];
        if (m_in_round[t] + 1 > m_topic_limit[t]) return false;
    }
    return true;
}

void WavePacker::add(std::uint32_t g) {
    m_round.push_back(g);
    const auto& members = m_in.groups[g].members;
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].skip) continue;
        const std::size_t slot = position(g, i) * m_host_total + m_member_host[g][i];
        if (m_host_count[slot]++ == 0) m_host_touched.push_back(slot);
    }
    if (!restarts_master(g)) return;
    for (std::uint32_t k = m_topic_begin[g]; k < m_topic_begin[g + 1]; ++k) {
        const std::uint32_t t = m_topic_list[k];
        if (m_in_round[t]++ == 0) m_touched.push_back(t);
    }
}

void WavePacker::clear_round() {
    for (auto t : m_touched) m_in_round[t] = 0;
    for (auto s : m_host_touched) m_host_count[s] = 0;
    m_touched.clear();
    m_host_touched.clear();
    m_round.clear();
}

void WavePacker::emit_wave(std::vector<std::string> ids, std::string proof) {
    if (ids.empty()) return;
    m_out.waves.push_back(std::move(ids));
    m_out.proofs.push_back(std::move(proof));
}

std::string WavePacker::masters_proof(std::size_t masters) {
    if (m_in.routes == TopicRoutes::unknown) {
        if (masters == 1) return "one master at a time (topic routes not read)";
        ++m_out.unproven_waves;
        return "UNPROVEN: " + std::to_string(masters) + " masters together without the live topic routes";
    }
    std::uint32_t single = 0;
    for (auto g : m_round) {
        if (restarts_master(g)) single += m_single_topics[g];
    }
    std::string s = "every topic keeps >= 1 writable group";
    if (single > 0) s += " except " + std::to_string(single) + " on one group only (single-group-topic)";
    // The tightest topic: fewest writable groups kept, then the most restarting, then by name.
    std::uint32_t best = k_none, best_kept = 0, best_total = 0;
    for (auto t : m_touched) {
        const std::uint32_t total = m_topic_limit[t] + 1;
        const std::uint32_t kept = total - m_in_round[t];
        const bool better = best == k_none || kept < best_kept || (kept == best_kept && total > best_total) ||
                            (kept == best_kept && total == best_total && m_in.topics[t].name < m_in.topics[best].name);
        if (better) {
            best = t;
            best_kept = kept;
            best_total = total;
        }
    }
    if (best != k_none) {
        s += "; tightest: " + m_in.topics[best].name + " keeps " + std::to_string(best_kept) + " of " +
             std::to_string(best_total);
    }
    return s;
}

void WavePacker::emit_round() {
    std::size_t waves = 0;
    for (auto g : m_round) waves = std::max(waves, m_in.groups[g].members.size());
    for (std::size_t w = 0; w < waves; ++w) {
        const std::size_t p = m_policy.slaves_first ? waves - 1 - w : w;
        std::vector<std::string> ids;
        std::size_t masters = 0;
        for (auto g : m_round) {
            const auto& members = m_in.groups[g].members;
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (position(g, i) != p) continue;
                m_out.order.push_back(members[i].id);
                if (members[i].skip) continue;
                ids.push_back(members[i].id);
                if (members[i].broker_id == 0) ++masters;
            }
        }
        if (ids.empty()) continue;
        emit_wave(std::move(ids), masters > 0 ? masters_proof(masters) : "slaves only: no writable queue leaves the cluster");
    }
    clear_round();
}

void WavePacker::emit_nameservers() {
    const auto& ns = m_in.nameservers;
    for (const auto& n : ns) {
        m_out.order.push_back(n.id);
        if (n.skip) continue;
        emit_wave({n.id}, ns.size() > 1 ? "one NameServer at a time: " + std::to_string(ns.size() - 1) +
                                              " other(s) keep serving routes"
                                        : "the only NameServer: clients keep their cached routes meanwhile");
    }
}

Waves WavePacker::run() {
    std::vector<std::uint32_t> remaining;
    std::uint32_t canary = k_none;
    for (std::uint32_t g = 0; g < m_in.groups.size(); ++g) {
        if (m_policy.canary_group && m_in.groups[g].broker_name == *m_policy.canary_group && canary == k_none) canary = g;
        else remaining.push_back(g);
    }
    if (m_policy.nameserver_order == NameServerOrder::first) emit_nameservers();
    if (canary != k_none) {
        add(canary);
        emit_round();
    }
    std::vector<char> done(m_in.groups.size(), 0);
    while (!remaining.empty()) {
        // The first group left always fits alone: its members sit at distinct positions.
        add(remaining.front());
        if (!fully_skipped(remaining.front())) {
            for (std::size_t k = 1; k < remaining.size() && m_round.size() < m_parallel; ++k) {
                const std::uint32_t g = remaining[k];
                if (!fully_skipped(g) && fits(g)) add(g);
            }
        }
        for (auto g : m_round) done[g] = 1;
        emit_round();
        remaining.erase(std::remove_if(remaining.begin(), remaining.end(), [&](std::uint32_t g) { return done[g] != 0; }),
                        remaining.end());
    }
    if (m_policy.nameserver_order == NameServerOrder::last) emit_nameservers();
    return std::move(m_out);
}

}  // namespace

Waves plan_waves(const WaveInput& in, const Policy& policy) { return WavePacker(in, policy).run(); }

}  // namespace rmqup
