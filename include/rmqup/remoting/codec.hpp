// Frame codec, pure (no sockets): [u32 length][u32 (serializeType<<24)|headerLen][header][body].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqup::rmq {

// Largest accepted `length` value (Netty maxFrameLength 16 MiB minus the 4-byte prefix).
inline constexpr std::uint32_t k_max_frame_length = 16777212;

// Encodes a whole frame including the 4-byte length prefix. The header is written in
// cmd.serialize_type (JSON as fastjson writes it, or the ROCKETMQ binary layout).
std::string encode_frame(const RemotingCommand& cmd);

// The JSON header text exactly as a 4.9.7 Java peer writes it (alphabetical keys, nulls left out).
std::string encode_json_header(const RemotingCommand& cmd);

// Incremental frame splitting for a byte stream.
enum class FrameStatus { need_more, complete, invalid };
struct FrameProbe {
    FrameStatus status = FrameStatus::need_more;
    std::size_t frame_size = 0;  // bytes of the whole frame including the prefix, when complete
    std::string error;           // when invalid (oversize length, bad header length)
};
// Looks at the start of buf: is a whole frame there?
FrameProbe probe_frame(std::string_view buf);

// Decodes one whole frame (including the 4-byte prefix). Accepts JSON and ROCKETMQ headers.
Result<RemotingCommand> decode_frame(std::string_view frame);

}  // namespace rmqup::rmq
