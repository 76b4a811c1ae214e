// Starts rmq-sim processes for integration tests and always kills them (destructor), so a failing
// test leaves nothing behind. Ports are probed free on 127.0.0.x.
#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
    explicit SimProcess(std::vector<std::string> args, const std::string& log_file = "/dev/null") {
        m_pid = ::fork();
        if (m_pid == 0) {
            std::vector<char*> argv;
            static std::string bin = RMQUP_SIM_BIN;
            argv.push_back(bin.data());
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            FILE* f = std::freopen(log_file.c_str(), "a", stdout);
            (void)f;
            ::dup2(::fileno(stdout), 2);
            ::execv(bin.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~SimProcess() { kill(SIGKILL); }
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    void kill(int sig) {
        if (m_pid > 0 && !m_exit) {
            ::kill(m_pid, sig);
            if (sig == SIGKILL)
                wait_exit(std::chrono::milliseconds(5000));
        }
    }
    // Waits for the process to end; its exit status, or nothing on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds limit) {
        if (m_exit)
            return m_exit;
        auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return m_exit;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::nullopt;
    }
    pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = -1;
    std::optional<int> m_exit;
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
