#include "rmqup/ssh/logging_shell.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <regex>

namespace rmqup {
namespace {

using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point start) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

// A key naming a secret, then '=', ':' or blanks, then the value (quoted or up to a blank/quote).
const std::regex& secret_setting() {
    static const std::regex k_re(
        R"(((?:secret|password|passwd|passphrase|token)[A-Za-z0-9_.-]*['"]?(?:\s*[=:]\s*|\s+))('[^']*'|"[^"]*"|[^\s'";&|]+))",
        std::regex::icase | std::regex::optimize);
    return k_re;
}

}  // namespace

std::string redact_command(std::string command, const std::vector<Secret>& secrets) {
    return std::regex_replace(redact(std::move(command), secrets), secret_setting(), "$1" + std::string(Secret::masked()));
}

LoggingShell::LoggingShell(std::unique_ptr<RemoteShell> inner, std::vector<Secret> secrets)
    : m_inner(std::move(inner)), m_secrets(std::move(secrets)) {}

Result<ExecResult> LoggingShell::exec(const std::string& command, const ExecOptions& opts) {
    const auto start = SteadyClock::now();
    auto r = m_inner->exec(command, opts);
    if (!spdlog::should_log(spdlog::level::debug)) return r;
    const std::string shown = redact_command(command, m_secrets);
    if (r.ok()) {
        spdlog::debug("{}: `{}`{} -> exit {} in {:.1f} ms", describe(), shown, opts.use_sudo ? " (sudo)" : "",
                      r->exit_status, ms_since(start));
    } else {
        spdlog::debug("{}: `{}` -> failed in {:.1f} ms: {}", describe(), shown, ms_since(start),
                      redact_command(r.error().describe(), m_secrets));
    }
    return r;
}

Status LoggingShell::upload(const std::string& content, const std::string& remote_path, int mode) {
    const auto start = SteadyClock::now();
    auto s = m_inner->upload(content, remote_path, mode);
    if (!spdlog::should_log(spdlog::level::debug)) return s;
    if (s.ok()) {
        spdlog::debug("{}: upload {} ({} bytes, mode {:o}) -> ok in {:.1f} ms", describe(), remote_path,
                      content.size(), mode, ms_since(start));
    } else {
        spdlog::debug("{}: upload {} ({} bytes, mode {:o}) -> failed in {:.1f} ms: {}", describe(), remote_path,
                      content.size(), mode, ms_since(start), redact_command(s.error().describe(), m_secrets));
    }
    return s;
}

}  // namespace rmqup
