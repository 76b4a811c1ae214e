// RecordingShell: the dry-run RemoteShell (see recording_shell.hpp).
#include "rmqup/ssh/recording_shell.hpp"

namespace rmqup {

Result<ExecResult> RecordingShell::exec(const std::string& command, const ExecOptions& /*opts*/) {
    RecordedCall call;
    call.kind = RecordedCall::Kind::exec;
    call.command = command;
    m_calls.push_back(std::move(call));
    if (!m_replies.empty()) {
        ExecResult reply = std::move(m_replies.front());
        m_replies.pop_front();
        return reply;
    }
    if (m_responder) return m_responder(command);
    return ExecResult{};
}

Status RecordingShell::upload(const std::string& content, const std::string& remote_path, int mode) {
    RecordedCall call;
    call.kind = RecordedCall::Kind::upload;
    call.path = remote_path;
    call.size = content.size();
    call.mode = mode;
    m_calls.push_back(std::move(call));
    return ok_status();
}

std::vector<std::string> RecordingShell::commands() const {
    std::vector<std::string> out;
    for (const auto& c : m_calls) {
        if (c.kind == RecordedCall::Kind::exec) out.push_back(c.command);
    }
    return out;
}

}  // namespace rmqup
