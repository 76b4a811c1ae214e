#include "tcp_server.hpp"

#include "rmqup/remoting/codec.hpp"

namespace rmqsim {

namespace asio = boost::asio;
using asio::ip::tcp;

Connection::Connection(tcp::socket socket, std::uint64_t id) : m_socket(std::move(socket)), m_id(id) {
    boost::system::error_code ec;
    auto ep = m_socket.remote_endpoint(ec);
    if (!ec)
        m_remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    m_socket.set_option(tcp::no_delay(true), ec);
}

void Connection::start_read() {
    auto self = shared_from_this();
    m_socket.async_read_some(asio::buffer(m_read_buf), [self](boost::system::error_code ec, std::size_t n) {
        if (ec) {
            self->on_closed();
            return;
        }
        self->m_in.append(self->m_read_buf.data(), n);
        std::size_t consumed = 0;
        while (self->m_open) {
            std::string_view rest(self->m_in.data() + consumed, self->m_in.size() - consumed);
            auto probe = rmqup::rmq::probe_frame(rest);
            if (probe.status == rmqup::rmq::FrameStatus::need_more)
                break;
            if (probe.status == rmqup::rmq::FrameStatus::invalid) {
                self->close();
                return;
            }
            auto cmd = rmqup::rmq::decode_frame(rest.substr(0, probe.frame_size));
            consumed += probe.frame_size;
            if (!cmd.ok()) {
                self->close();
                return;
            }
            // A copy: the handler may close this connection, which drops m_on_request.
            if (auto handler = self->m_on_request)
                handler(self, std::move(cmd).value());
        }
        self->m_in.erase(0, consumed);
        if (self->m_open)
            self->start_read();
    });
}

void Connection::send(const rmqup::rmq::RemotingCommand& cmd) {
    if (!m_open)
        return;
    m_out_pending += rmqup::rmq::encode_frame(cmd);
    flush();
}

void Connection::flush() {
    if (m_writing || m_out_pending.empty() || !m_open)
        return;
    m_writing = true;
    m_out_writing.swap(m_out_pending);
    m_out_pending.clear();
    auto self = shared_from_this();
    asio::async_write(m_socket, asio::buffer(m_out_writing), [self](boost::system::error_code ec, std::size_t) {
        self->m_writing = false;
        self->m_out_writing.clear();
        if (ec) {
            self->on_closed();
            return;
        }
        self->flush();
    });
}

void Connection::close() {
    if (!m_open)
        return;
    boost::system::error_code ec;
    m_socket.shutdown(tcp::socket::shutdown_both, ec);
    m_socket.close(ec);
    on_closed();
}

void Connection::on_closed() {
    if (!m_open)
        return;
    m_open = false;
    boost::system::error_code ec;
    m_socket.close(ec);
    auto cb = std::move(m_on_close);
    m_on_close = nullptr;
    m_on_request = nullptr;
    if (cb)
        cb(shared_from_this());
}

TcpServer::TcpServer(asio::io_context& io, ServerHandlers handlers)
    : m_io(io), m_acceptor(io), m_handlers(std::move(handlers)) {}

rmqup::Status TcpServer::listen(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec)
        return rmqup::make_error(rmqup::ErrorKind::invalid_input, "bad listen address " + host);
    tcp::endpoint ep(addr, port);
    m_acceptor.open(ep.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(ep, ec);
    if (!ec)
        m_acceptor.listen(1024, ec);
    if (ec)
        return rmqup::make_error(rmqup::ErrorKind::io,
                                 "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
    m_port = m_acceptor.local_endpoint().port();
    accept_next();
    return {};
}

void TcpServer::accept_next() {
    m_acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == asio::error::operation_aborted || !m_acceptor.is_open())
                return;
            accept_next();
            return;
        }
        auto conn = std::make_shared<Connection>(std::move(socket), m_next_id++);
        conn->m_on_request = m_handlers.on_request;
        conn->m_on_close = m_handlers.on_close;
        std::erase_if(m_connections, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
        m_connections.push_back(conn);
        conn->start_read();
        accept_next();
    });
}

void TcpServer::stop() {
    boost::system::error_code ec;
    m_acceptor.close(ec);
    for (auto& w : m_connections)
        if (auto c = w.lock())
            c->close();
    m_connections.clear();
}

}  // namespace rmqsim
