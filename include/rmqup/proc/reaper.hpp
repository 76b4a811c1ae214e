// A subreaper for the daemons we start (rehearsals): orphaned descendants become our children,
// and their zombies are reaped on a thread of our own.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace rmqup::proc {

// Makes this process the subreaper of its descendants (daemons started by us, by an in-process
// SSH session or by a local shell) and reaps their zombies every 250 ms, so that alive() checks
// see them gone. Children registered with keep() are left to their owner; other zombies are
// reaped once they are older than a second (so owners that wait on their own children win).
// The destructor stops the thread and restores the previous subreaper setting.
class Reaper {
public:
    Reaper();
    ~Reaper();
    Reaper(const Reaper&) = delete;
    Reaper& operator=(const Reaper&) = delete;

    // Pids whose exit status belongs to someone else (e.g. a Child).
    void keep(pid_t pid);

private:
    void loop();
    int m_was_subreaper = 0;
    std::mutex m_mutex;
    std::set<pid_t> m_kept;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

}  // namespace rmqup::proc
