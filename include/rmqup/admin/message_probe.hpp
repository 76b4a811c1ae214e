// A probe message round trip on one broker ("ip:port"): send to a queue, read the queue's end,
// pull the message back (the engine's verify step, the planner's probe-topic check). Errors as in
// NameServerAdmin; a send the broker refuses keeps its code and remark.
#pragma once

#include <cstdint>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

class MessageProbe {
public:
    virtual ~MessageProbe() = default;

    // SEND_MESSAGE_V2 (310): the store status (code 0 = PUT_OK; 10/11/12 are results too), msgId,
    // queueId and queueOffset.
    virtual Result<rmq::SendResult> send_message(const std::string& broker, const rmq::SendRequest& msg) = 0;
    // GET_MAX_OFFSET (30): the next offset of the queue (one past its newest message).
    virtual Result<std::int64_t> max_offset(const std::string& broker, const std::string& topic, int queue_id) = 0;
    // PULL_MESSAGE (11): up to req.max_msg_nums messages from req.queue_offset; FOUND / NO_NEW_MSG /
    // OFFSET_* are results (PullResult::status), not errors.
    virtual Result<rmq::PullResult> pull_message(const std::string& broker, const rmq::PullRequest& req) = 0;
};

}  // namespace rmqup
