// A scripted RemoteShell for ShellHostOps tests: records commands and uploads, answers from a queue.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup::test {

struct Upload {
    std::string content;
    std::string path;
    int mode = 0;
};

class FakeShell final : public RemoteShell {
public:
    // Queues the reply to the next exec call.
    void reply(std::string out, int exit_status = 0, std::string err = "") {
        ExecResult r;
        r.out = std::move(out);
        r.err = std::move(err);
        r.exit_status = exit_status;
        m_replies.emplace_back(std::move(r));
    }
    void fail(Error e) { m_replies.emplace_back(std::move(e)); }

    Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) override {
        commands.push_back(command);
        timeouts.push_back(opts.timeout);
        if (m_replies.empty()) return make_error(ErrorKind::internal, "unexpected command: " + command);
        Result<ExecResult> r = std::move(m_replies.front());
        m_replies.pop_front();
        return r;
    }
    Status upload(const std::string& content, const std::string& remote_path, int mode) override {
        uploads.push_back({content, remote_path, mode});
        return ok_status();
    }
    std::string describe() const override { return "fake:host-1"; }

    bool all_replies_used() const { return m_replies.empty(); }

    std::vector<std::string> commands;
    std::vector<std::chrono::milliseconds> timeouts;
    std::vector<Upload> uploads;

private:
    std::deque<Result<ExecResult>> m_replies;
};

}  // namespace rmqup::test
