// Test fixture: the fake cluster, the engine's dependencies around it, and invariant checks.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_cluster.hpp"
#include "faulty_journal.hpp"
#include "rmqup/engine/engine.hpp"

namespace rmqup::test {

struct Harness {
    Plan plan = two_group_plan();
    ManualClock clock;
    FakeCluster cluster{clock};
    ClusterAdmin admin{cluster};
    std::map<std::string, std::unique_ptr<ClusterHostOps>> hosts;
    engine::MemoryJournal journal;
    engine::CollectingReporter reporter;
    std::atomic<bool> interrupt{false};
    std::mutex hosts_mu;  // a wave's nodes look up their hosts from several threads

    Harness() { reload(); }
    // Rebuilds the fake cluster from plan (after a test edits the plan).
    void reload() {
        cluster.brokers.clear();
        cluster.nameservers.clear();
        cluster.files.clear();
        cluster.load(plan);
    }

    engine::EngineDeps deps(engine::Journal* j = nullptr) {
        return engine::EngineDeps{admin,
                                  [this](const std::string& h) -> Result<HostOps*> {
                                      std::lock_guard<std::mutex> lock(hosts_mu);
                                      auto& p = hosts[h];
                                      if (!p)
                                          p = std::make_unique<ClusterHostOps>(cluster, h);
                                      return p.get();
                                  },
                                  clock,
                                  j != nullptr ? *j : journal,
                                  reporter,
                                  &interrupt};
    }

    Result<engine::RunSummary> apply() {
        auto d = deps();
        return engine::run_apply(plan, d);
    }

    // Calls that change something, in order (reads are filtered out).
    std::vector<std::string> mutating_calls() const {
        std::vector<std::string> out;
        for (const auto& l : cluster.log)
            for (const char* op : {"update_broker_config", "stop ", "start ", "write_file", "backup_once", "send_message"})
                if (l.rfind(op, 0) == 0)
                    out.push_back(l);
        return out;
    }

    int index_of(const std::string& prefix) const {
        for (size_t i = 0; i < cluster.log.size(); ++i)
            if (cluster.log[i].rfind(prefix, 0) == 0)
                return static_cast<int>(i);
        return -1;
    }

    bool message_names(const std::string& text) const {
        for (const auto& e : reporter.events())
            if (e.kind == engine::EventKind::message && e.level == engine::Level::error &&
                e.message.find(text) != std::string::npos)
                return true;
        return false;
    }

    // Every running master is writable, or the run said loudly that it is not.
    void expect_no_silent_read_only(const engine::RunSummary& s) const {
        for (const auto& [addr, b] : cluster.brokers) {
            if (b.id != 0 || !b.proc.running || (b.perm & rmq::k_perm_write))
                continue;
            bool named = false;
            for (const auto& r : s.read_only_left)
                named = named || r.find(b.name) != std::string::npos;
            EXPECT_TRUE(named && message_names(b.name)) << b.name << " left read-only silently";
        }
    }
};

}  // namespace rmqup::test
