// Starts rmq-sim processes for integration tests and always kills them (destructor), so a failing
// test leaves nothing behind. Ports are probed free on 127.0.0.x.
#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rmqup/proc/process.hpp"

namespace rmqsim::test {

// A port that is free right now on ip, chosen below the kernel's ephemeral range (32768+) so that
// outgoing client connections cannot take it before a simulated server binds (or re-binds) it.
inline std::uint16_t free_port(const std::string& ip) {
    static std::uint32_t seed = static_cast<std::uint32_t>(::getpid()) * 7919u +
                                static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (int attempt = 0; attempt < 200; ++attempt) {
        seed = seed * 1664525u + 1013904223u;
        auto port = static_cast<std::uint16_t>(20000 + (seed >> 8) % 12000);
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
        a.sin_port = htons(port);
        bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok)
            return port;
    }
    return 0;
}

class SimProcess {
public:
    // Starts rmq-sim with args, stdout and stderr appended to log_file; in our process group, so a
    // terminal's Ctrl-C reaches it too.
    explicit SimProcess(std::vector<std::string> args, const std::string& log_file = "/dev/null") {
        rmqup::proc::SpawnOptions o;
        o.argv = {RMQUP_SIM_BIN};
        o.argv.insert(o.argv.end(), args.begin(), args.end());
        o.out = rmqup::proc::Redirect::append(log_file);
        o.err = rmqup::proc::Redirect::same_as_stdout();
        o.group = rmqup::proc::Group::inherit;
        auto child = rmqup::proc::Child::spawn(o);
        if (child.ok())
            m_child = std::move(child).value();
        else
            std::fprintf(stderr, "SimProcess: %s\n", child.error().describe().c_str());
    }
    ~SimProcess() { m_child.kill_group(std::chrono::milliseconds(0)); }
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    // Sends sig to the simulator; for SIGKILL also waits (5 s at most) until it is gone.
    void kill(int sig) {
        if (m_child.try_wait())
            return;
        m_child.signal(sig);
        if (sig == SIGKILL)
            wait_exit(std::chrono::milliseconds(5000));
    }
    // Waits for the process to end; its exit status, or nothing on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds limit) {
        auto status = m_child.wait_for(limit);
        return status.ok() ? std::optional<int>(*status) : std::nullopt;
    }
    pid_t pid() const { return m_child.pid(); }

private:
    rmqup::proc::Child m_child;
};

// Polls pred every 20 ms until true or limit.
inline bool eventually(std::chrono::milliseconds limit, const std::function<bool()>& pred) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

inline std::filesystem::path temp_dir(const std::string& tag) {
    auto p = std::filesystem::temp_directory_path() / ("rmqsim-it-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace rmqsim::test
