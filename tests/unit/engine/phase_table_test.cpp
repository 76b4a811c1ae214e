// The phase tables of the engine are written once in code and once in docs/engine.md: they agree,
// and every phase of the enum is in both (a new phase cannot silently change resume or rollback).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "engine/steps.hpp"
#include "rmqup/core/phase.hpp"

namespace rmqup::test {
namespace {

constexpr Phase k_every_phase[] = {Phase::pending,        Phase::skipped,           Phase::set_read_only,
                                   Phase::confirm_read_only, Phase::drain,          Phase::stop,
                                   Phase::restore_config, Phase::start,             Phase::await_registration,
                                   Phase::set_read_write, Phase::confirm_read_write, Phase::verify,
                                   Phase::done,           Phase::rolling_back,      Phase::rolled_back,
                                   Phase::paused,         Phase::failed};

// A new phase must be added to k_every_phase (and so to docs/engine.md) to compile.
static_assert(std::size(k_every_phase) == static_cast<std::size_t>(Phase::failed) + 1,
              "k_every_phase lists every Phase");

// phase name -> {old may be stopped, target may be serving} from the "Phase tables" section.
std::map<std::string, std::pair<bool, bool>> documented() {
    std::ifstream in(std::string(RMQUP_SOURCE_DIR) + "/docs/engine.md");
    std::map<std::string, std::pair<bool, bool>> out;
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0)
            in_section = line == "## Phase tables";
        if (!in_section || line.rfind("| `", 0) != 0)
            continue;
        std::istringstream cells(line);
        std::string skip, name, stopped, serving;
        std::getline(cells, skip, '|');
        std::getline(cells, name, '|');
        std::getline(cells, stopped, '|');
        std::getline(cells, serving, '|');
        auto trim = [](std::string s) {
            s.erase(0, s.find_first_not_of(" `"));
            s.erase(s.find_last_not_of(" `") + 1);
            return s;
        };
        out[trim(name)] = {trim(stopped) == "yes", trim(serving) == "yes"};
    }
    return out;
}

TEST(PhaseTables, MatchThisDocument) {
    const auto doc = documented();
    ASSERT_EQ(doc.size(), std::size(k_every_phase)) << "docs/engine.md lists every phase once";
    for (Phase p : k_every_phase) {
        SCOPED_TRACE(phase_name(p));
        auto it = doc.find(phase_name(p));
        ASSERT_NE(it, doc.end());
        EXPECT_EQ(it->second.first, engine::detail::old_process_may_be_stopped(p));
        EXPECT_EQ(it->second.second, engine::detail::target_may_be_serving(p));
    }
}

TEST(PhaseTables, EveryFlowPhaseHasARankAndFlowsAreInRankOrder) {
    PlanNode master;
    master.kind = NodeKind::broker;
    master.broker_id = 0;
    int last = -1;
    for (Phase p : engine::detail::flow_for(master)) {
        EXPECT_GT(engine::detail::flow_rank(p), last) << phase_name(p);
        last = engine::detail::flow_rank(p);
    }
    EXPECT_EQ(engine::detail::flow_rank(Phase::done), -1);
    EXPECT_EQ(engine::detail::flow_rank(Phase::paused), -1);
}

TEST(PhaseTables, SlaveAndNameServerFlowsArePartsOfTheMastersFlow) {
    PlanNode slave;
    slave.kind = NodeKind::broker;
    slave.broker_id = 1;
    EXPECT_EQ(engine::detail::flow_for(slave),
              (std::vector<Phase>{Phase::stop, Phase::restore_config, Phase::start, Phase::await_registration,
                                  Phase::verify}));
    PlanNode ns;
    ns.kind = NodeKind::nameserver;
    EXPECT_EQ(engine::detail::flow_for(ns),
              (std::vector<Phase>{Phase::stop, Phase::start, Phase::await_registration}));
    // A journaled master phase maps onto the next phase the slave really has.
    EXPECT_EQ(engine::detail::first_in_flow_from(slave, Phase::drain), Phase::stop);
    EXPECT_EQ(engine::detail::first_in_flow_from(slave, Phase::set_read_write), Phase::verify);
    EXPECT_EQ(engine::detail::first_in_flow_from(ns, Phase::verify), Phase::done);
}

}  // namespace
}  // namespace rmqup::test
