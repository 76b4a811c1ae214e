// Reaper: subreaper flag plus a thread that reaps our orphaned descendants' zombies.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "rmqup/proc/procfs.hpp"
#include "rmqup/proc/reaper.hpp"

namespace rmqup::proc {

Reaper::Reaper() {
    ::prctl(PR_GET_CHILD_SUBREAPER, &m_was_subreaper);
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    m_thread = std::thread([this] { loop(); });
}

Reaper::~Reaper() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    ::prctl(PR_SET_CHILD_SUBREAPER, m_was_subreaper);
}

void Reaper::keep(pid_t pid) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_kept.insert(pid);
}

void Reaper::loop() {
    using Clock = std::chrono::steady_clock;
    const pid_t self = ::getpid();
    std::map<pid_t, Clock::time_point> first_seen;
    while (!m_stop) {
        std::map<pid_t, Clock::time_point> still;
        for (pid_t pid : list_pids()) {
            const auto s = read_stat(pid);
            if (!s || s->ppid != self || s->state != 'Z') continue;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (m_kept.count(pid) != 0) continue;
            }
            const auto it = first_seen.find(pid);
            const auto seen = it == first_seen.end() ? Clock::now() : it->second;
            if (Clock::now() - seen > std::chrono::seconds(1)) {
                int status = 0;
                ::waitpid(pid, &status, WNOHANG);
            } else {
                still[pid] = seen;
            }
        }
        first_seen.swap(still);
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

}  // namespace rmqup::proc
