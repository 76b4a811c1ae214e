// A scripted RocketMQ peer for client tests: listens on 127.0.0.1 (ephemeral port), splits the
// request frames it receives and hands each to a test-supplied script, which answers with raw
// bytes (usually a fixture frame with the opaque rewritten), stays silent, or closes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rmqup::nettest {

inline std::uint32_t read_u32(const std::string& s, std::size_t at) {
    return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

inline std::string u32(std::uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return out;
}

// A request as the scripted server saw it (JSON header parsed independently of the codec).
struct SeenFrame {
    std::string bytes;  // the whole frame, length prefix included
    nlohmann::json header;
    std::string body;
    int code() const { return header.value("code", -1); }
    int opaque() const { return header.value("opaque", -1); }
    int flag() const { return header.value("flag", -1); }
    std::string ext(const std::string& k) const {
        if (!header.contains("extFields") || !header["extFields"].contains(k))
            return {};
        return header["extFields"][k].get<std::string>();
    }
};

// Raw bytes of a real 4.9.7 frame: tests/data/fixtures/rocketmq-4.9.7/<name>.<kind>.bin (the
// repository's copy of the capture).
inline std::string fixture(const std::string& name, const std::string& kind = "response") {
    const std::string path = std::string(RMQUP_FIXTURES) + "/rocketmq-4.9.7/" + name + "." + kind + ".bin";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("missing fixture " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// JSON text with the integer value of "key" replaced (first occurrence).
inline std::string replace_json_int(std::string json, const std::string& key, int value) {
    std::string needle = "\"" + key + "\":";
    auto at = json.find(needle);
    if (at == std::string::npos)
        return json;
    auto start = at + needle.size();
    auto end = start;
    while (end < json.size() && (json[end] == '-' || (json[end] >= '0' && json[end] <= '9')))
        ++end;
    return json.replace(start, end - start, std::to_string(value));
}

// The same frame with its opaque set to `opaque` (JSON or ROCKETMQ header), lengths fixed up.
inline std::string with_opaque(const std::string& frame, int opaque) {
    std::uint32_t word = read_u32(frame, 4);
    std::uint32_t header_len = word & 0xffffff;
    std::string header = frame.substr(8, header_len);
    std::string body = frame.substr(8 + header_len);
    if ((word >> 24) == 1) {
        std::string o = u32(static_cast<std::uint32_t>(opaque));
        header.replace(5, 4, o);
    } else {
        header = replace_json_int(header, "opaque", opaque);
    }
    std::uint32_t new_word = (word & 0xff000000u) | static_cast<std::uint32_t>(header.size());
    return u32(static_cast<std::uint32_t>(4 + header.size() + body.size())) + u32(new_word) + header + body;
}

// The same JSON-header frame with its flag set to `flag` (lengths fixed up).
inline std::string with_flag(const std::string& frame, int flag) {
    std::uint32_t header_len = read_u32(frame, 4) & 0xffffff;
    std::string header = replace_json_int(frame.substr(8, header_len), "flag", flag);
    std::string body = frame.substr(8 + header_len);
    return u32(static_cast<std::uint32_t>(4 + header.size() + body.size())) +
           u32(static_cast<std::uint32_t>(header.size())) + header + body;
}

// A JSON-header response frame built by hand (for replies no fixture covers).
inline std::string response_frame(int opaque, int code, const std::string& body = {},
                                   const std::map<std::string, std::string>& ext = {}, const std::string& remark = {}) {
    nlohmann::json h{{"code", code}, {"flag", 1}, {"language", "JAVA"}, {"opaque", opaque},
                     {"serializeTypeCurrentRPC", "JSON"}, {"version", 407}};
    if (!ext.empty())
        h["extFields"] = ext;
    if (!remark.empty())
        h["remark"] = remark;
    std::string header = h.dump();
    return u32(static_cast<std::uint32_t>(4 + header.size() + body.size())) + u32(static_cast<std::uint32_t>(header.size())) +
           header + body;
}

class ScriptedServer;

// One accepted connection, as seen by the script.
class Session {
public:
    explicit Session(int fd) : m_fd(fd) {}
    void send(const std::string& bytes) {
        std::size_t off = 0;
        while (off < bytes.size() && m_fd >= 0) {
            ssize_t n = ::send(m_fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return;
            off += static_cast<std::size_t>(n);
        }
    }
    void close() {
        if (m_fd >= 0) {
            ::shutdown(m_fd, SHUT_RDWR);
            ::close(m_fd);
            m_fd = -1;
        }
    }
    bool open() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    std::string in;  // unconsumed received bytes

private:
    int m_fd;
};

class ScriptedServer {
public:
    using Script = std::function<void(Session&, const SeenFrame&)>;

    explicit ScriptedServer(Script script) : m_script(std::move(script)) {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(m_listen, 64) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        socklen_t len = sizeof a;
        ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { loop(); });
    }
    ~ScriptedServer() {
        m_stop = true;
        m_thread.join();
        for (auto& s : m_sessions)
            s->close();
        ::close(m_listen);
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    std::string addr() const { return "127.0.0.1:" + std::to_string(m_port); }
    int accepts() const { return m_accepts.load(); }
    // Every request frame received so far.
    std::vector<SeenFrame> seen() const {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_seen;
    }

private:
    void loop() {
        while (!m_stop) {
            std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
            for (auto& s : m_sessions)
                if (s->open())
                    fds.push_back({s->fd(), POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 10) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                int fd = ::accept(m_listen, nullptr, nullptr);
                if (fd >= 0) {
                    m_sessions.push_back(std::make_unique<Session>(fd));
                    ++m_accepts;
                }
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                for (auto& s : m_sessions)
                    if (s->open() && s->fd() == fds[i].fd)
                        read_from(*s);
            }
        }
    }

    void read_from(Session& s) {
        char buf[65536];
        ssize_t n = ::recv(s.fd(), buf, sizeof buf, 0);
        if (n <= 0) {
            s.close();
            return;
        }
        s.in.append(buf, static_cast<std::size_t>(n));
        while (s.open() && s.in.size() >= 8) {
            std::size_t total = 4 + read_u32(s.in, 0);
            if (s.in.size() < total)
                break;
            SeenFrame f;
            f.bytes = s.in.substr(0, total);
            s.in.erase(0, total);
            std::uint32_t header_len = read_u32(f.bytes, 4) & 0xffffff;
            f.header = nlohmann::json::parse(f.bytes.substr(8, header_len), nullptr, false);
            f.body = f.bytes.substr(8 + header_len);
            {
                std::lock_guard<std::mutex> lock(m_mu);
                m_seen.push_back(f);
            }
            m_script(s, f);
        }
    }

    Script m_script;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepts{0};
    std::vector<std::unique_ptr<Session>> m_sessions;  // server thread only
    mutable std::mutex m_mu;
    std::vector<SeenFrame> m_seen;
    std::thread m_thread;
};

// A script that answers every request with `reply(request)` rewritten to the request's opaque.
inline ScriptedServer::Script replay(std::function<std::string(const SeenFrame&)> reply) {
    return [reply = std::move(reply)](Session& s, const SeenFrame& f) {
        std::string r = reply(f);
        if (!r.empty())
            s.send(with_opaque(r, f.opaque()));
    };
}

}  // namespace rmqup::nettest
