// Interpreting admin replies: a raw response (or transport error) to one request becomes a typed
// value or an Error with the request's context. Shared by RemotingAdmin (blocking) and the
// concurrent cluster view (call_async), so both map codes the same way.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::net {

using Reply = Result<rmq::RemotingCommand>;

// Adds "request NAME (code) to addr" to a transport error; passes a response through unchanged.
Reply with_request_context(Reply r, int code, const std::string& addr);
// The same, and a response code other than SUCCESS becomes ErrorKind::rejected (code + remark kept).
Reply expect_success(Reply r, int code, const std::string& addr);
// Error for a refusing response: kind rejected (denied for an ACL refusal), Error.code = response
// code, Error.remark = remark.
Error rejected_error(const rmq::RemotingCommand& resp);
// A codec decode failure becomes ErrorKind::protocol in the request's context.
Error bad_body_error(Error e, int code, const std::string& addr);
// GET_BROKER_CLUSTER_INFO reply.
Result<rmq::ClusterInfo> cluster_info_reply(Reply r, const std::string& ns);
// GET_ROUTEINFO_BY_TOPIC reply.
Result<rmq::TopicRouteData> topic_route_reply(Reply r, const std::string& ns);
// GET_BROKER_RUNTIME_INFO reply; SYSTEM_ERROR with NoSuchElementException (broker < ~1 s after
// boot) is ErrorKind::not_ready.
Result<rmq::RuntimeInfo> runtime_info_reply(Reply r, const std::string& broker);
// GET_BROKER_CONFIG reply (properties text).
Result<rmq::Properties> broker_config_reply(Reply r, const std::string& broker);

}  // namespace rmqup::net
