#include "remoting/byte_io.hpp"
#include "remoting/header_codec.hpp"
#include "remoting/language_code.hpp"

namespace rmqup::rmq {

std::string encode_rocketmq_header(const RemotingCommand& cmd) {
    std::string out;
    put_be(out, static_cast<std::uint16_t>(cmd.code), 2);  // Java cuts code and version to 16 bits
    put_be(out, static_cast<std::uint8_t>(language_ordinal(cmd.language).value_or(7)), 1);
    put_be(out, static_cast<std::uint16_t>(cmd.version), 2);
    put_be(out, static_cast<std::uint32_t>(cmd.opaque), 4);
    put_be(out, static_cast<std::uint32_t>(cmd.flag), 4);
    const std::string remark = cmd.remark.value_or("");
    put_be(out, remark.size(), 4);
    out += remark;
    std::string ext;
    for (const auto& [k, v] : cmd.ext_fields) {
        put_be(ext, k.size(), 2);
        ext += k;
        put_be(ext, v.size(), 4);
        ext += v;
    }
    put_be(out, ext.size(), 4);
    out += ext;
    return out;
}

Status decode_rocketmq_header(std::string_view bytes, RemotingCommand& cmd) {
    auto truncated = [](const char* what) {
        return make_error(ErrorKind::protocol, std::string("ROCKETMQ header truncated at ") + what);
    };
    ByteReader r(bytes);
    std::int16_t code = 0;
    std::int16_t version = 0;
    std::uint64_t lang = 0;
    std::int32_t opaque = 0;
    std::int32_t flag = 0;
    std::int32_t remark_len = 0;
    if (!r.get_i16(code) || !r.get_u(1, lang) || !r.get_i16(version) || !r.get_i32(opaque) || !r.get_i32(flag))
        return truncated("fixed fields");
    cmd.code = code;
    cmd.language = language_name(static_cast<int>(lang)).value_or("OTHER");
    cmd.version = version;
    cmd.opaque = opaque;
    cmd.flag = flag;
    if (!r.get_i32(remark_len))
        return truncated("remark length");
    if (remark_len < 0 || static_cast<std::size_t>(remark_len) > bytes.size())
        return make_error(ErrorKind::protocol, "ROCKETMQ header remark length out of range");
    std::string_view remark;
    if (!r.get_bytes(static_cast<std::size_t>(remark_len), remark))
        return truncated("remark");
    cmd.remark.reset();
    if (remark_len > 0)  // length 0 decodes to null
        cmd.remark = std::string(remark);

    std::int32_t ext_len = 0;
    if (!r.get_i32(ext_len))
        return truncated("ext length");
    if (ext_len < 0 || static_cast<std::size_t>(ext_len) > r.remaining())
        return make_error(ErrorKind::protocol, "ROCKETMQ header ext length out of range");
    cmd.ext_fields.clear();
    cmd.has_ext_fields = ext_len > 0;
    std::string_view ext_bytes;
    r.get_bytes(static_cast<std::size_t>(ext_len), ext_bytes);
    ByteReader e(ext_bytes);
    while (e.remaining() > 0) {
        std::int16_t key_len = 0;
        std::int32_t val_len = 0;
        std::string_view key;
        std::string_view val;
        if (!e.get_i16(key_len) || key_len < 0 || !e.get_bytes(static_cast<std::size_t>(key_len), key) ||
            !e.get_i32(val_len) || val_len < 0 || !e.get_bytes(static_cast<std::size_t>(val_len), val))
            return make_error(ErrorKind::protocol, "ROCKETMQ header ext entry malformed");
        cmd.ext_fields.emplace_back(std::string(key), std::string(val));
    }
    if (r.remaining() != 0)
        return make_error(ErrorKind::protocol, "ROCKETMQ header has trailing bytes");
    return ok_status();
}

}  // namespace rmqup::rmq
