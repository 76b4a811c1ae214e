#include "rmqup/remoting/codec.hpp"

#include "remoting/byte_io.hpp"
#include "remoting/header_codec.hpp"

namespace rmqup::rmq {

std::string encode_frame(const RemotingCommand& cmd) {
    const std::string header =
        cmd.serialize_type == SerializeType::json ? encode_json_header(cmd) : encode_rocketmq_header(cmd);
    std::string out;
    out.reserve(8 + header.size() + cmd.body.size());
    put_be(out, 4 + header.size() + cmd.body.size(), 4);
    put_be(out, (static_cast<std::uint32_t>(cmd.serialize_type) << 24) | (header.size() & 0xFFFFFF), 4);
    out += header;
    out += cmd.body;
    return out;
}

FrameProbe probe_frame(std::string_view buf) {
    FrameProbe p;
    std::uint64_t length = 0;
    ByteReader r(buf);
    if (!r.get_u(4, length))
        return p;
    if (length > k_max_frame_length) {
        p.status = FrameStatus::invalid;
        p.error = "frame length " + std::to_string(length) + " exceeds " + std::to_string(k_max_frame_length);
        return p;
    }
    if (length < 4) {
        p.status = FrameStatus::invalid;
        p.error = "frame length " + std::to_string(length) + " shorter than the header-length word";
        return p;
    }
    std::uint64_t word = 0;
    if (r.get_u(4, word) && (word & 0xFFFFFF) > length - 4) {
        p.status = FrameStatus::invalid;
        p.error = "header length " + std::to_string(word & 0xFFFFFF) + " exceeds frame length " + std::to_string(length);
        return p;
    }
    if (buf.size() >= 4 + length) {
        p.status = FrameStatus::complete;
        p.frame_size = static_cast<std::size_t>(4 + length);
    }
    return p;
}

Result<RemotingCommand> decode_frame(std::string_view frame) {
    FrameProbe p = probe_frame(frame);
    if (p.status == FrameStatus::invalid)
        return make_error(ErrorKind::protocol, p.error);
    if (p.status == FrameStatus::need_more)
        return make_error(ErrorKind::protocol, "truncated frame (" + std::to_string(frame.size()) + " bytes)");
    if (p.frame_size != frame.size())
        return make_error(ErrorKind::protocol, "frame has " + std::to_string(frame.size() - p.frame_size) +
                                                   " bytes after its declared length");
    std::uint64_t word = 0;
    ByteReader r(frame.substr(4));
    r.get_u(4, word);
    const auto header_len = static_cast<std::size_t>(word & 0xFFFFFF);
    const auto type = static_cast<std::uint32_t>(word >> 24);
    std::string_view header = frame.substr(8, header_len);

    RemotingCommand cmd;
    if (type == 0) {
        cmd.serialize_type = SerializeType::json;
        RMQUP_TRY(decode_json_header(header, cmd));
    } else if (type == 1) {
        cmd.serialize_type = SerializeType::rocketmq;
        RMQUP_TRY(decode_rocketmq_header(header, cmd));
    } else {
        return make_error(ErrorKind::protocol, "unknown serialize type " + std::to_string(type));
    }
    cmd.body.assign(frame.substr(8 + header_len));
    return cmd;
}

}  // namespace rmqup::rmq
