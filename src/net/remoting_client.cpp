#include "rmqup/net/remoting_client.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <climits>
#include <future>
#include <thread>
#include <unordered_map>

#include "connection.hpp"
#include "request_names.hpp"
#include "rmqup/remoting/codec.hpp"

namespace rmqup::net {

namespace asio = boost::asio;

namespace {

using Done = std::function<void(Result<rmq::RemotingCommand>)>;

// Wraps done so that the finished request goes on the diagnostic log (debug level: rmq-upgrade -v)
// with its code, address, latency and outcome. The remark is the server's text, never a secret.
Done logged(const std::string& addr, int code, Done done) {
    return [addr, code, start = std::chrono::steady_clock::now(), done = std::move(done)](Result<rmq::RemotingCommand> r) {
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (!r.ok()) {
            spdlog::debug("request {} ({}) to {}: failed after {:.1f} ms: {}", request_name(code), code, addr, ms,
                          r.error().describe());
        } else if (r->code == 0) {
            spdlog::debug("request {} ({}) to {}: SUCCESS in {:.1f} ms", request_name(code), code, addr, ms);
        } else {
            spdlog::debug("request {} ({}) to {}: response code {} in {:.1f} ms: {}", request_name(code), code, addr,
                          r->code, ms, r->remark.value_or(""));
        }
        done(std::move(r));
    };
}

}  // namespace

struct RemotingClient::Impl {
    explicit Impl(ClientOptions o) : opts(std::move(o)), work(asio::make_work_guard(io)) {
        thread = std::thread([this] { io.run(); });
    }

    ~Impl() {
        // Fail whatever is still in flight, then let the loop run dry and stop.
        asio::post(io, [this] {
            auto all = std::move(conns);
            conns.clear();
            for (auto& [addr, c] : all)
                c->drop(make_error(ErrorKind::unreachable, "client shut down"));
            work.reset();
        });
        thread.join();
    }

    // Assigns the opaque and the fields a peer checks, signs, and encodes (on the caller's thread).
    std::string prepare(rmq::RemotingCommand& req, int flag) {
        req.opaque = next_opaque.fetch_add(1, std::memory_order_relaxed) & INT_MAX;
        req.flag = flag;
        req.language = opts.language;
        req.version = opts.version;
        req.serialize_type = rmq::SerializeType::json;
        if (opts.acl && opts.acl->enabled())
            rmq::acl_sign(req, *opts.acl);
        return rmq::encode_frame(req);
    }

    // Returns the live connection for addr, creating it (unconnected) when needed. I/O thread only.
    std::shared_ptr<Connection> connection(const std::string& addr) {
        auto it = conns.find(addr);
        if (it != conns.end())
            return it->second;
        auto c = std::make_shared<Connection>(io, addr, opts.connect_timeout, [this](const Connection& dropped) {
            auto found = conns.find(dropped.addr());
            if (found != conns.end() && found->second.get() == &dropped)
                conns.erase(found);
        });
        conns.emplace(addr, c);
        return c;
    }

    ClientOptions opts;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    std::thread thread;
    std::atomic<int> next_opaque{0};
    std::unordered_map<std::string, std::shared_ptr<Connection>> conns;  // I/O thread only
};

RemotingClient::RemotingClient(ClientOptions opts) : m_impl(std::make_unique<Impl>(std::move(opts))) {}

RemotingClient::~RemotingClient() = default;

const ClientOptions& RemotingClient::options() const { return m_impl->opts; }

void RemotingClient::call_async(const std::string& addr, rmq::RemotingCommand req, std::chrono::milliseconds timeout,
                                std::function<void(Result<rmq::RemotingCommand>)> done) {
    int flag = 0;
    std::string frame = m_impl->prepare(req, flag);
    if (spdlog::should_log(spdlog::level::debug)) done = logged(addr, req.code, std::move(done));
    if (spdlog::should_log(spdlog::level::trace))  // request_name allocates: not on the hot path when off
        spdlog::trace("sending {} ({}) to {}: opaque {}, {} bytes", request_name(req.code), req.code, addr,
                      req.opaque, frame.size());
    asio::post(m_impl->io, [impl = m_impl.get(), addr, opaque = req.opaque, frame = std::move(frame), timeout,
                            done = std::move(done)]() mutable {
        impl->connection(addr)->request(opaque, std::move(frame), timeout, std::move(done));
    });
}

Result<rmq::RemotingCommand> RemotingClient::call(const std::string& addr, rmq::RemotingCommand req,
                                                  std::optional<std::chrono::milliseconds> timeout) {
    // Must not be called from the I/O thread (a callback of call_async): it would wait on itself.
    auto promise = std::make_shared<std::promise<Result<rmq::RemotingCommand>>>();
    auto future = promise->get_future();
    call_async(addr, std::move(req), timeout.value_or(m_impl->opts.request_timeout),
               [promise](Result<rmq::RemotingCommand> r) { promise->set_value(std::move(r)); });
    return future.get();
}

Status RemotingClient::oneway(const std::string& addr, rmq::RemotingCommand req) {
    std::string frame = m_impl->prepare(req, rmq::k_flag_oneway);
    if (spdlog::should_log(spdlog::level::debug))
        spdlog::debug("oneway {} ({}) to {}", request_name(req.code), req.code, addr);
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    asio::post(m_impl->io, [impl = m_impl.get(), addr, frame = std::move(frame), promise]() mutable {
        impl->connection(addr)->send_oneway(std::move(frame), [promise](Status s) { promise->set_value(std::move(s)); });
    });
    // Waiting for the write (not for an answer) reports a refused or failed connection; the
    // connect deadline bounds it.
    return future.get();
}

void RemotingClient::close(const std::string& addr) {
    asio::post(m_impl->io, [impl = m_impl.get(), addr] {
        auto it = impl->conns.find(addr);
        if (it != impl->conns.end()) {
            auto c = it->second;
            c->drop(make_error(ErrorKind::unreachable, "connection to " + addr + " closed by the caller"));
        }
    });
}

}  // namespace rmqup::net
