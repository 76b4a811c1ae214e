// The one journal test double of the engine tests: forwards to an inner Journal (a MemoryJournal or
// a FileJournal) until a chosen append, then fails that append and every later one, either as a
// dead orchestrator (throws SimulatedCrash) or as a journal that cannot be written (an io error).
#pragma once

#include <atomic>
#include <vector>

#include "rmqup/engine/journal.hpp"

namespace rmqup::test {

// What a "killed orchestrator" throws out of FaultyJournal::append.
struct SimulatedCrash {};

enum class JournalFault {
    crash,     // the process dies: append throws SimulatedCrash
    io_error,  // a full disk, a dead NFS mount: append returns ErrorKind::io
};

class FaultyJournal final : public engine::Journal {
public:
    // Appends 1..fail_from-1 go to inner; append number fail_from and every later one fail as fault.
    FaultyJournal(engine::Journal& inner, int fail_from, JournalFault fault)
        : m_inner(inner), m_fail_from(fail_from), m_fault(fault) {}

    Status append(engine::JournalRecord r) override {
        if (++m_appends >= m_fail_from) {
            if (m_fault == JournalFault::crash)
                throw SimulatedCrash{};
            return make_error(ErrorKind::io, "cannot write journal: No space left on device");
        }
        return m_inner.append(std::move(r));
    }
    Result<std::vector<engine::JournalRecord>> load() override { return m_inner.load(); }
    // Appends asked for so far (the failed ones included).
    int appends() const { return m_appends; }

private:
    engine::Journal& m_inner;
    int m_fail_from;
    JournalFault m_fault;
    std::atomic<int> m_appends{0};
};

}  // namespace rmqup::test
