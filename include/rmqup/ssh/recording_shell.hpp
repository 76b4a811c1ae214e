// RemoteShell for dry runs and tests: records every command and upload, runs nothing, and answers
// with scripted results (or an empty success).
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {

struct RecordedCall {
    enum class Kind { exec, upload } kind = Kind::exec;
    std::string command;     // exec: the command line
    std::string path;        // upload: destination
    std::size_t size = 0;    // upload: content size (the content itself is not kept: it may hold secrets)
    int mode = 0;            // upload: file mode
};

class RecordingShell final : public RemoteShell {
public:
    using Responder = std::function<ExecResult(const std::string& command)>;

    explicit RecordingShell(std::string label = "dry-run") : m_label(std::move(label)) {}

    // Queues the reply to one future exec call (replies are used in order).
    void script(ExecResult reply) { m_replies.push_back(std::move(reply)); }
    // Answers exec calls once the queue is empty (default: exit 0, no output).
    void set_responder(Responder responder) { m_responder = std::move(responder); }

    // Records command; returns the next scripted reply, the responder's, or an empty success.
    Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) override;
    // Records the upload (path, size, mode); writes nothing.
    Status upload(const std::string& content, const std::string& remote_path, int mode) override;
    std::string describe() const override { return m_label; }

    const std::vector<RecordedCall>& calls() const { return m_calls; }
    // The exec command lines only, in order.
    std::vector<std::string> commands() const;

private:
    std::string m_label;
    std::deque<ExecResult> m_replies;
    Responder m_responder;
    std::vector<RecordedCall> m_calls;
};

}  // namespace rmqup
