// One TCP connection to one RocketMQ peer: lazy connect with a deadline, a write queue, a read
// loop that splits frames and completes pending requests by opaque. Used only on the client's
// I/O thread (every member function must run there).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqup::net {

using ResponseHandler = std::function<void(Result<rmq::RemotingCommand>)>;
using WrittenHandler = std::function<void(Status)>;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    // Called once when the connection is dropped (error, close), so the owner forgets it.
    using DroppedHandler = std::function<void(const Connection&)>;

    Connection(boost::asio::io_context& io, std::string addr, std::chrono::milliseconds connect_timeout,
               DroppedHandler on_dropped);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Queues an encoded request frame; `done` runs exactly once with the response or an error
    // (timeout after `timeout`, unreachable, protocol). Connects first when needed.
    void request(int opaque, std::string frame, std::chrono::milliseconds timeout, ResponseHandler done);
    // Queues a frame that expects no response; `written` runs once when it is on the wire or failed.
    void send_oneway(std::string frame, WrittenHandler written);
    // Fails every pending request with `error` and closes the socket. Idempotent.
    void drop(const Error& error);

    const std::string& addr() const { return m_addr; }

private:
    enum class State { idle, resolving, connecting, connected, dropped };
    struct Pending {
        ResponseHandler done;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    struct Outgoing {
        std::string frame;
        WrittenHandler written;  // empty for requests
    };

    void start_connect();
    void on_connected();
    void enqueue(Outgoing out);
    void write_next();
    void read_more();
    void on_bytes();
    void complete(int opaque, Result<rmq::RemotingCommand> result);

    boost::asio::io_context& m_io;
    std::string m_addr;
    std::chrono::milliseconds m_connect_timeout;
    DroppedHandler m_on_dropped;
    State m_state = State::idle;
    boost::asio::ip::tcp::socket m_socket;
    boost::asio::ip::tcp::resolver m_resolver;
    boost::asio::steady_timer m_connect_timer;
    std::deque<Outgoing> m_out;
    bool m_writing = false;
    std::unordered_map<int, Pending> m_pending;
    std::string m_in;              // bytes received and not yet consumed
    std::size_t m_read_size = 4096;  // next async_read_some size
};

}  // namespace rmqup::net
