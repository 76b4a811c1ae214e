// The two header serializations of a remoting frame (internal to the codec).
#pragma once

#include <string>
#include <string_view>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqup::rmq {

// Reads a JSON header leniently into cmd (unknown keys ignored, language as name or ordinal).
Status decode_json_header(std::string_view text, RemotingCommand& cmd);

// ROCKETMQ binary header (RocketMQSerializable).
std::string encode_rocketmq_header(const RemotingCommand& cmd);
Status decode_rocketmq_header(std::string_view bytes, RemotingCommand& cmd);

}  // namespace rmqup::rmq
