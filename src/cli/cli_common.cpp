#include "cli_common.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace rmqup::cli {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

}  // namespace

Status check_addr(std::string_view addr) {
    auto colon = addr.rfind(':');
    bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < addr.size() && addr.size() - colon - 1 <= 5;
    for (std::size_t i = ok ? colon + 1 : addr.size(); i < addr.size(); ++i)
        ok = ok && addr[i] >= '0' && addr[i] <= '9';
    if (ok) {
        int port = std::atoi(std::string(addr.substr(colon + 1)).c_str());
        ok = port > 0 && port <= 65535;
    }
    if (!ok)
        return make_error(ErrorKind::invalid_input, "bad address '" + std::string(addr) + "' (want host:port)");
    return ok_status();
}

Result<std::vector<std::string>> parse_addr_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of(";,", start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view item = trim(text.substr(start, end - start));
        if (!item.empty()) {
            RMQUP_TRY(check_addr(item));
            out.emplace_back(item);
        }
        start = end + 1;
    }
    if (out.empty())
        return make_error(ErrorKind::invalid_input, "no address given");
    return out;
}

void add_acl_options(CLI::App& sub, GlobalOptions& g) {
    sub.add_option("--access-key", g.access_key, "ACL access key (default: env RMQ_ACCESS_KEY)");
    sub.add_option("--secret-key-file", g.secret_key_ref,
                   "File whose first line is the ACL secret key (default: env RMQ_SECRET_KEY)");
}

Result<std::optional<rmq::AclCredentials>> resolve_acl(const GlobalOptions& g) {
    std::string access_key = g.access_key.empty() ? env_or_empty("RMQ_ACCESS_KEY") : g.access_key;
    if (access_key.empty())
        return std::optional<rmq::AclCredentials>{};
    std::string secret;
    if (!g.secret_key_ref.empty()) {
        std::ifstream in(g.secret_key_ref);
        if (!in)
            return make_error(ErrorKind::invalid_input, "cannot read secret key file " + g.secret_key_ref);
        std::getline(in, secret);
        secret = std::string(trim(secret));
    } else {
        secret = env_or_empty("RMQ_SECRET_KEY");
    }
    if (secret.empty())
        return make_error(ErrorKind::invalid_input,
                          "access key given but no secret key (set RMQ_SECRET_KEY or --secret-key-file)");
    return std::optional<rmq::AclCredentials>{rmq::AclCredentials{access_key, Secret(std::move(secret))}};
}

net::ClientOptions client_options(std::chrono::milliseconds timeout, std::optional<rmq::AclCredentials> acl) {
    net::ClientOptions o;
    o.connect_timeout = timeout;
    o.request_timeout = timeout;
    o.acl = std::move(acl);
    return o;
}

ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::invalid_input: return ExitCode::invalid_input;
    case ErrorKind::unreachable:
    case ErrorKind::timeout: return ExitCode::unreachable;
    case ErrorKind::interrupted: return ExitCode::interrupted;
    default: return ExitCode::failed;
    }
}

int report_error(const Error& e) {
    std::cerr << "rmq-upgrade: " << e.describe() << "\n";
    return static_cast<int>(exit_code_for(e.kind));
}

}  // namespace rmqup::cli
