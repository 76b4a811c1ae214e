// Test helper: a private temp directory whose path tags every process a test starts, so teardown
// can find and kill them all (SIGKILL) by scanning /proc. Tests read /proc themselves with
// rmqup/proc/procfs.hpp (proc::alive, proc::wait_gone, proc::find_processes, proc::cmdline_text).
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
        for (pid_t pid : proc::find_processes(m_path)) ::kill(pid, SIGKILL);
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
