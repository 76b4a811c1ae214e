// Error values and Result<T>: the one way fallible functions report failure in rmq-upgrade.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace rmqup {

// What went wrong, for policy decisions (retry, pause, abort). Never switch on message text.
enum class ErrorKind {
    invalid_input,   // inventory, flags, plan file: the operator must fix the input
    timeout,         // no answer within the deadline (connect, request, command, wait)
    unreachable,     // connection refused / reset / closed, DNS, no route
    rejected,        // the peer answered with a refusal (RocketMQ response code != 0, non-zero exit)
    not_ready,       // the peer is up but not ready yet (e.g. runtime info right after boot): retry
    protocol,        // malformed frame or body, unexpected reply shape
    auth,            // SSH authentication or ACL signature refused
    denied,          // a broker's ACL refused the request (no/unknown account, bad signature, not admin, no topic perm)
    host_key,        // SSH host key unknown or mismatched
    io,              // local file system or process error
    conflict,        // another orchestrator holds the lock, plan hash mismatch, state mismatch
    interrupted,     // Ctrl-C / SIGTERM
    internal,        // a bug: invariant broken
};

const char* to_string(ErrorKind kind);

// An error: our message, the peer's own remark kept apart, and context added on the way up
// (outermost last), e.g. {"request GET_BROKER_RUNTIME_INFO", "broker broker-a@127.0.0.1:10911"}.
struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string message;             // what we observed, in our words
    std::string remark;              // the server's / remote command's own text, verbatim (may be empty)
    int code = 0;                    // RocketMQ response code or process exit status, when relevant
    std::vector<std::string> context;

    // Adds one layer of context ("broker broker-a", "step drain", "file inv.yaml:12:3").
    Error& with(std::string ctx) & { context.push_back(std::move(ctx)); return *this; }
    Error&& with(std::string ctx) && { context.push_back(std::move(ctx)); return std::move(*this); }

    // "step drain: broker broker-a: request 28: timeout after 3000 ms [server: ...]"
    std::string describe() const;
};

Error make_error(ErrorKind kind, std::string message);

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}
    // From a Result of a type that converts to T (a pointer or unique_ptr to a derived class), so a
    // HostOps* provider serves where a HostProbe* one is asked for.
    template <typename U>
        requires(!std::is_same_v<U, T> && std::is_convertible_v<U, T>)
    Result(Result<U> other)
        : m_v(other.ok() ? std::variant<T, Error>(std::in_place_index<0>, T(std::move(other).value()))
                         : std::variant<T, Error>(std::in_place_index<1>, std::move(other).error())) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(m_v); }
    const T& value() const& { assert(ok()); return std::get<0>(m_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { assert(!ok()); return std::get<1>(m_v); }
    Error&& error() && { assert(!ok()); return std::get<1>(std::move(m_v)); }

    T value_or(T fallback) const { return ok() ? value() : fallback; }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const& { assert(!ok()); return *m_error; }
    Error&& error() && { assert(!ok()); return std::move(*m_error); }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace rmqup

// Propagates an error from an expression returning Result<...>, adding no context.
#define RMQUP_TRY(expr)                                   \
    do {                                                  \
        auto rmqup_try_r_ = (expr);                       \
        if (!rmqup_try_r_.ok())                           \
            return std::move(rmqup_try_r_).error();       \
    } while (0)
