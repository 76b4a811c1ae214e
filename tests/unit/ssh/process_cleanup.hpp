// Test helper: a private temp directory whose path tags every process a test starts, so teardown
// can find and kill them all (SIGKILL) by scanning /proc.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "rmqup/proc/procfs.hpp"

namespace rmqup::test {

// Command line of pid with NULs as spaces ("" if gone).
inline std::string cmdline_of(int pid) { return proc::cmdline_text(pid); }

// True if pid exists and is not a zombie.
inline bool process_alive(int pid) { return proc::alive(pid); }

// Live pids whose command line contains text (never this process).
inline std::vector<int> pids_with(const std::string& text) { return proc::find_processes(text); }

// Waits up to timeout for pid to be gone.
inline bool wait_gone(int pid, std::chrono::milliseconds timeout) { return proc::wait_gone(pid, timeout); }

class ScratchDir {
public:
    ScratchDir() {
        static std::atomic<int> counter{0};
        m_path = "/tmp/rmqup-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir() {
        kill_all();
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }
    // Kills every process whose command line names this directory.
    void kill_all() const {
        for (int pid : pids_with(m_path)) ::kill(pid, SIGKILL);
    }

private:
    std::string m_path;
};

// A path to sleep(1) inside dir (a symlink), so the sleeping process's command line names dir.
inline std::string tagged_sleep(const ScratchDir& dir) {
    const std::string link = dir / "sleep";
    std::error_code ec;
    if (!std::filesystem::exists(link)) std::filesystem::create_symlink("/bin/sleep", link, ec);
    return link;
}

}  // namespace rmqup::test
