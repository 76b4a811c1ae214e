#include "rmqup/core/result.hpp"

namespace rmqup {

const char* to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::invalid_input: return "invalid input";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::unreachable: return "unreachable";
    case ErrorKind::rejected: return "rejected";
    case ErrorKind::not_ready: return "not ready";
    case ErrorKind::protocol: return "protocol error";
    case ErrorKind::auth: return "authentication failed";
    case ErrorKind::denied: return "denied by ACL";
    case ErrorKind::host_key: return "host key";
    case ErrorKind::io: return "I/O error";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::internal: return "internal error";
    }
    return "error";
}

Error make_error(ErrorKind kind, std::string message) {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    return e;
}

std::string Error::describe() const {
    std::string out;
    // Context is added on the way up, so the outermost layer is last: print it first.
    for (auto it = context.rbegin(); it != context.rend(); ++it) {
        out += *it;
        out += ": ";
    }
    out += message.empty() ? to_string(kind) : message;
    if (!remark.empty()) {
        out += " [remote said: ";
        out += remark;
        out += "]";
    }
    return out;
}

}  // namespace rmqup
