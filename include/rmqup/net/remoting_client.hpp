// Asio RocketMQ remoting client: one reused connection per address, many requests in flight per
// connection matched by opaque, connect and request timeouts, oneway sends, ACL signing.
// Requests the server pushes to us (flag bit 0 = 0) are ignored safely.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/acl.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqup::net {

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds request_timeout{3000};
    std::optional<rmq::AclCredentials> acl;  // sign every request when set
    int version = 407;                        // header `version` (MQVersion ordinal) we send
    std::string language = "CPP";
};

class RemotingClient {
public:
    // Starts the client's own I/O thread.
    explicit RemotingClient(ClientOptions opts = {});
    ~RemotingClient();
    RemotingClient(const RemotingClient&) = delete;
    RemotingClient& operator=(const RemotingClient&) = delete;

    // Sends req to addr ("ip:port") and waits for the matching response. Assigns the opaque, fills
    // language/version, signs when ACL is configured. Errors: unreachable, timeout, protocol.
    // A response with a non-zero code is NOT an error here: the caller interprets codes.
    // Safe from several threads at once; never call it from a call_async callback (I/O thread).
    Result<rmq::RemotingCommand> call(const std::string& addr, rmq::RemotingCommand req,
                                      std::optional<std::chrono::milliseconds> timeout = {});
    // The same, without blocking: done runs on the client's I/O thread exactly once.
    void call_async(const std::string& addr, rmq::RemotingCommand req, std::chrono::milliseconds timeout,
                    std::function<void(Result<rmq::RemotingCommand>)> done);
    // Sends with the oneway flag and does not wait for (or expect) a response.
    Status oneway(const std::string& addr, rmq::RemotingCommand req);
    // Closes the connection to addr (the next call reconnects).
    void close(const std::string& addr);

    const ClientOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace rmqup::net
