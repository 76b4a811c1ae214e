#include "connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "rmqup/remoting/codec.hpp"

namespace rmqup::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t k_max_read = 256 * 1024;

// Splits "host:port"; false when there is no usable port.
bool split_addr(const std::string& addr, std::string& host, std::string& port) {
    auto colon = addr.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == addr.size())
        return false;
    host = addr.substr(0, colon);
    port = addr.substr(colon + 1);
    for (char c : port)
        if (c < '0' || c > '9')
            return false;
    return port.size() <= 5;
}

Error net_error(ErrorKind kind, std::string message) { return make_error(kind, std::move(message)); }

}  // namespace

Connection::Connection(asio::io_context& io, std::string addr, std::chrono::milliseconds connect_timeout,
                       DroppedHandler on_dropped)
    : m_io(io),
      m_addr(std::move(addr)),
      m_connect_timeout(connect_timeout),
      m_on_dropped(std::move(on_dropped)),
      m_socket(io),
      m_resolver(io),
      m_connect_timer(io) {}

Connection::~Connection() = default;

void Connection::request(int opaque, std::string frame, std::chrono::milliseconds timeout, ResponseHandler done) {
    if (m_state == State::dropped) {
        done(net_error(ErrorKind::unreachable, "connection to " + m_addr + " already closed"));
        return;
    }
    if (m_pending.count(opaque) != 0) {
        // Only after 2^31 requests in flight on one connection: refuse rather than mix up answers.
        done(net_error(ErrorKind::internal, "opaque " + std::to_string(opaque) + " already in flight"));
        return;
    }
    // The deadline covers connecting, queueing and waiting, so a silent server cannot hang a caller.
    auto timer = std::make_unique<asio::steady_timer>(m_io, timeout);
    std::weak_ptr<Connection> weak = weak_from_this();
    timer->async_wait([weak, opaque, timeout](const boost::system::error_code& ec) {
        if (ec)
            return;  // cancelled: the request completed first
        if (auto self = weak.lock())
            self->complete(opaque, net_error(ErrorKind::timeout,
                                             "no response from " + self->m_addr + " within " +
                                                 std::to_string(timeout.count()) + " ms"));
    });
    m_pending.emplace(opaque, Pending{std::move(done), std::move(timer)});
    enqueue(Outgoing{std::move(frame), {}});
}

void Connection::send_oneway(std::string frame, WrittenHandler written) {
    if (m_state == State::dropped) {
        written(net_error(ErrorKind::unreachable, "connection to " + m_addr + " already closed"));
        return;
    }
    enqueue(Outgoing{std::move(frame), std::move(written)});
}

void Connection::enqueue(Outgoing out) {
    m_out.push_back(std::move(out));
    if (m_state == State::idle)
        start_connect();
    else if (m_state == State::connected)
        write_next();
}

void Connection::start_connect() {
    std::string host;
    std::string port;
    if (!split_addr(m_addr, host, port)) {
        drop(net_error(ErrorKind::invalid_input, "bad address '" + m_addr + "' (want host:port)"));
        return;
    }
    m_state = State::resolving;
    auto self = shared_from_this();
    m_connect_timer.expires_after(m_connect_timeout);
    m_connect_timer.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->m_state == State::connected || self->m_state == State::dropped)
            return;
        self->drop(net_error(ErrorKind::timeout, "connect to " + self->m_addr + " timed out after " +
                                                     std::to_string(self->m_connect_timeout.count()) + " ms"));
    });
    m_resolver.async_resolve(
        host, port, tcp::resolver::numeric_service,
        [self](const boost::system::error_code& ec, const tcp::resolver::results_type& results) {
            if (self->m_state == State::dropped)
                return;
            if (ec) {
                self->drop(net_error(ErrorKind::unreachable,
                                     "cannot resolve " + self->m_addr + ": " + ec.message()));
                return;
            }
            self->m_state = State::connecting;
            asio::async_connect(self->m_socket, results,
                                [self](const boost::system::error_code& cec, const tcp::endpoint&) {
                                    if (self->m_state == State::dropped)
                                        return;
                                    if (cec) {
                                        self->drop(net_error(ErrorKind::unreachable, "cannot connect to " +
                                                                                         self->m_addr + ": " +
                                                                                         cec.message()));
                                        return;
                                    }
                                    self->on_connected();
                                });
        });
}

void Connection::on_connected() {
    m_connect_timer.cancel();
    m_state = State::connected;
    boost::system::error_code ignored;
    m_socket.set_option(tcp::no_delay(true), ignored);
    read_more();
    write_next();
}

void Connection::write_next() {
    if (m_writing || m_out.empty() || m_state != State::connected)
        return;
    m_writing = true;
    auto self = shared_from_this();
    asio::async_write(m_socket, asio::buffer(m_out.front().frame),
                      [self](const boost::system::error_code& ec, std::size_t) {
                          self->m_writing = false;
                          if (self->m_state == State::dropped)
                              return;  // drop() already failed the queued oneways
                          Outgoing done = std::move(self->m_out.front());
                          self->m_out.pop_front();
                          if (ec) {
                              Error e = net_error(ErrorKind::unreachable,
                                                  "write to " + self->m_addr + " failed: " + ec.message());
                              if (done.written)
                                  done.written(e);
                              self->drop(e);
                              return;
                          }
                          if (done.written)
                              done.written(ok_status());
                          self->write_next();
                      });
}

void Connection::read_more() {
    // Reads straight into m_in. The read size starts small (many idle broker connections stay
    // cheap) and doubles while reads fill it (large bodies, pipelined replies).
    const std::size_t old_size = m_in.size();
    m_in.resize(old_size + m_read_size);
    auto self = shared_from_this();
    m_socket.async_read_some(asio::buffer(m_in.data() + old_size, m_read_size), [self, old_size](
                                                                                    const boost::system::error_code& ec,
                                                                                    std::size_t n) {
        if (self->m_state == State::dropped)
            return;
        self->m_in.resize(old_size + n);
        if (ec) {
            std::string msg = ec == asio::error::eof ? "connection closed by " + self->m_addr
                                                     : "read from " + self->m_addr + " failed: " + ec.message();
            if (!self->m_in.empty())
                msg += " in the middle of a frame (" + std::to_string(self->m_in.size()) + " bytes pending)";
            self->drop(net_error(ErrorKind::unreachable, std::move(msg)));
            return;
        }
        if (n == self->m_read_size && self->m_read_size < k_max_read)
            self->m_read_size *= 2;
        self->on_bytes();
        if (self->m_state == State::connected)
            self->read_more();
    });
}

void Connection::on_bytes() {
    std::size_t used = 0;
    // Completing a request may run user code that drops this connection: re-check the state.
    while (m_state == State::connected) {
        std::string_view rest(m_in.data() + used, m_in.size() - used);
        rmq::FrameProbe probe = rmq::probe_frame(rest);
        if (probe.status == rmq::FrameStatus::need_more)
            break;
        if (probe.status == rmq::FrameStatus::invalid) {
            drop(net_error(ErrorKind::protocol, "malformed frame from " + m_addr + ": " + probe.error));
            return;
        }
        auto decoded = rmq::decode_frame(rest.substr(0, probe.frame_size));
        used += probe.frame_size;
        if (!decoded) {
            Error e = std::move(decoded).error();
            e.kind = ErrorKind::protocol;
            e.message = "undecodable frame from " + m_addr + ": " + e.message;
            drop(e);
            return;
        }
        rmq::RemotingCommand& cmd = decoded.value();
        if (!cmd.is_response()) {
            // NOTIFY_CONSUMER_IDS_CHANGED and friends: an admin client has nothing to say.
            spdlog::debug("ignoring request code {} pushed by {}", cmd.code, m_addr);
            continue;
        }
        int opaque = cmd.opaque;
        if (m_pending.find(opaque) == m_pending.end()) {
            spdlog::debug("dropping response with unknown opaque {} from {}", opaque, m_addr);
            continue;
        }
        complete(opaque, std::move(cmd));
    }
    if (m_state == State::connected)
        m_in.erase(0, used);
}

void Connection::complete(int opaque, Result<rmq::RemotingCommand> result) {
    auto it = m_pending.find(opaque);
    if (it == m_pending.end())
        return;
    Pending p = std::move(it->second);
    m_pending.erase(it);
    p.timer->cancel();
    p.done(std::move(result));
}

void Connection::drop(const Error& error) {
    if (m_state == State::dropped)
        return;
    m_state = State::dropped;
    auto keep_alive = shared_from_this();
    boost::system::error_code ignored;
    m_connect_timer.cancel();
    m_resolver.cancel();
    m_socket.shutdown(tcp::socket::shutdown_both, ignored);
    m_socket.close(ignored);
    if (m_on_dropped)
        m_on_dropped(*this);
    auto pending = std::move(m_pending);
    m_pending.clear();
    // A frame being written must outlive the aborted write: keep it, fail its handler now.
    std::deque<Outgoing> out;
    while (m_out.size() > (m_writing ? 1U : 0U)) {
        out.push_front(std::move(m_out.back()));
        m_out.pop_back();
    }
    if (m_writing && m_out.front().written)
        std::exchange(m_out.front().written, {})(error);
    for (auto& [opaque, p] : pending) {
        p.timer->cancel();
        p.done(error);
    }
    for (auto& o : out)
        if (o.written)
            o.written(error);
}

}  // namespace rmqup::net
