#include "admin_replies.hpp"

#include "request_names.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::net {

namespace {

bool is_not_ready(const rmq::RemotingCommand& resp) {
    // A broker polled right after boot reads an empty stats window and answers SYSTEM_ERROR.
    return resp.code == rmq::rc::system_error && resp.remark &&
           resp.remark->find("NoSuchElementException") != std::string::npos;
}

template <typename T>
Result<T> decoded(Result<T> r, int code, const std::string& addr) {
    if (r)
        return r;
    return bad_body_error(std::move(r).error(), code, addr);
}

}  // namespace

Reply with_request_context(Reply r, int code, const std::string& addr) {
    if (!r)
        return std::move(r).error().with(request_context(code, addr));
    return r;
}

Reply expect_success(Reply r, int code, const std::string& addr) {
    r = with_request_context(std::move(r), code, addr);
    if (r && r->code != rmq::rc::success)
        return rejected_error(*r).with(request_context(code, addr));
    return r;
}

Error rejected_error(const rmq::RemotingCommand& resp) {
    Error e = make_error(ErrorKind::rejected, "refused with code " + std::to_string(resp.code));
    e.code = resp.code;
    e.remark = resp.remark.value_or("");
    // A 4.x plain-ACL refusal is SYSTEM_ERROR carrying the AclException (captures in
    // tests/data/fixtures/rocketmq-4.9.7/acl): an account problem, not a broken broker.
    if (e.remark.find("org.apache.rocketmq.acl.common.AclException") != std::string::npos) {
        e.kind = ErrorKind::denied;
        e.message = "refused by the broker's ACL (code " + std::to_string(resp.code) + ")";
    }
    return e;
}

Error bad_body_error(Error e, int code, const std::string& addr) {
    e.kind = ErrorKind::protocol;
    e.message = "bad response body: " + e.message;
    return std::move(e).with(request_context(code, addr));
}

Result<rmq::ClusterInfo> cluster_info_reply(Reply r, const std::string& ns) {
    constexpr int c = rmq::code::get_broker_cluster_info;
    r = expect_success(std::move(r), c, ns);
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_cluster_info(r->body), c, ns);
}

Result<rmq::TopicRouteData> topic_route_reply(Reply r, const std::string& ns) {
    constexpr int c = rmq::code::get_routeinfo_by_topic;
    r = expect_success(std::move(r), c, ns);
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_topic_route(r->body), c, ns);
}

Result<rmq::RuntimeInfo> runtime_info_reply(Reply r, const std::string& broker) {
    constexpr int c = rmq::code::get_broker_runtime_info;
    r = with_request_context(std::move(r), c, broker);
    if (!r)
        return std::move(r).error();
    if (is_not_ready(*r)) {
        Error e = rejected_error(*r);
        e.kind = ErrorKind::not_ready;
        e.message = "broker is still starting (runtime stats not ready yet)";
        return std::move(e).with(request_context(c, broker));
    }
    if (r->code != rmq::rc::success)
        return rejected_error(*r).with(request_context(c, broker));
    return decoded(rmq::decode_runtime_info(r->body), c, broker);
}

Result<rmq::Properties> broker_config_reply(Reply r, const std::string& broker) {
    r = expect_success(std::move(r), rmq::code::get_broker_config, broker);
    if (!r)
        return std::move(r).error();
    return rmq::parse_properties(r->body);
}

}  // namespace rmqup::net
