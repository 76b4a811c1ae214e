// Test helper: a private temp directory whose path tags every process a test starts, so teardown
// can find and kill them all (SIGKILL) by scanning /proc.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rmqup::test {

// Command line of pid with NULs as spaces ("" if gone).
inline std::string cmdline_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    for (char& c : text) {
        if (c == '\0') c = ' ';
    }
    return text;
}

// True if pid exists and is not a zombie.
inline bool process_alive(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return false;
    return stat[close + 2] != 'Z' && stat[close + 2] != 'X';
}

// Live pids whose command line contains text (never this process).
inline std::vector<int> pids_with(const std::string& text) {
    std::vector<int> out;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return out;
    while (dirent* e = ::readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || pid == ::getpid()) continue;
        if (cmdline_of(static_cast<int>(pid)).find(text) != std::string::npos && process_alive(static_cast<int>(pid))) {
            out.push_back(static_cast<int>(pid));
        }
    }
    ::closedir(proc);
    return out;
}

// Waits up to timeout for pid to be gone.
inline bool wait_gone(int pid, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (!process_alive(pid)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !process_alive(pid);
}

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
