// Asio TCP server for the remoting protocol: accepts connections, splits frames with probe_frame,
// decodes them and hands each request to one handler; responses are queued per connection.
// Everything runs on the io_context the server was given (one thread in rmq-sim).
#pragma once

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange
#include <boost/asio.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqsim {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(boost::asio::ip::tcp::socket socket, std::uint64_t id);
    // Encodes cmd and queues it for writing (safe to call many times before the write finishes).
    void send(const rmqup::rmq::RemotingCommand& cmd);
    // Closes the socket; the server's close handler runs once.
    void close();
    std::uint64_t id() const { return m_id; }
    // "ip:port" of the peer, as the real broker reports clientAddr.
    const std::string& remote_address() const { return m_remote; }
    bool is_open() const { return m_open; }

private:
    friend class TcpServer;
    void start_read();
    void flush();
    void on_closed();

    boost::asio::ip::tcp::socket m_socket;
    std::uint64_t m_id;
    std::string m_remote;
    std::array<char, 65536> m_read_buf;
    std::string m_in;
    std::string m_out_pending;
    std::string m_out_writing;
    bool m_writing = false;
    bool m_open = true;
    std::function<void(const std::shared_ptr<Connection>&, rmqup::rmq::RemotingCommand)> m_on_request;
    std::function<void(const std::shared_ptr<Connection>&)> m_on_close;
};

using ConnectionPtr = std::shared_ptr<Connection>;

struct ServerHandlers {
    std::function<void(const ConnectionPtr&, rmqup::rmq::RemotingCommand)> on_request;
    std::function<void(const ConnectionPtr&)> on_close;  // optional
};

class TcpServer {
public:
    TcpServer(boost::asio::io_context& io, ServerHandlers handlers);
    // Binds host:port (port 0 = ephemeral) and starts accepting.
    rmqup::Status listen(const std::string& host, std::uint16_t port);
    // Stops accepting and closes every open connection.
    void stop();
    std::uint16_t port() const { return m_port; }

private:
    void accept_next();

    boost::asio::io_context& m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    ServerHandlers m_handlers;
    std::uint16_t m_port = 0;
    std::uint64_t m_next_id = 1;
    std::vector<std::weak_ptr<Connection>> m_connections;
};

}  // namespace rmqsim
