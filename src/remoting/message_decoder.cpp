// Stored-message records of a PULL_MESSAGE body (MessageDecoder layout, V1 and V2 magic).
#include <arpa/inet.h>
#include <zlib.h>

#include <cstring>

#include "remoting/byte_io.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq {
namespace {

constexpr std::uint32_t k_magic_v1 = 0xDAA320A7;
constexpr std::uint32_t k_magic_v2 = 0xDAA320AB;
constexpr int k_flag_bornhost_v6 = 0x10;
constexpr int k_flag_storehost_v6 = 0x20;

Error bad_record(const std::string& what) { return make_error(ErrorKind::protocol, "stored message: " + what); }

bool read_host(ByteReader& r, bool v6, std::string& out) {
    std::string_view addr;
    std::int32_t port = 0;
    if (!r.get_bytes(v6 ? 16 : 4, addr) || !r.get_i32(port))
        return false;
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, addr.data(), text, sizeof text);
    out = std::string(text) + ":" + std::to_string(port);
    return true;
}

// "ip:port" back to the 4- or 16-byte address plus port; unparsable hosts encode as zeros.
void write_host(std::string& out, const std::string& host, bool v6) {
    auto colon = host.rfind(':');
    std::string addr = colon == std::string::npos ? host : host.substr(0, colon);
    if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']')
        addr = addr.substr(1, addr.size() - 2);
    unsigned char bytes[16] = {};
    inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), bytes);
    out.append(reinterpret_cast<const char*>(bytes), v6 ? 16 : 4);
    long port = colon == std::string::npos ? 0 : std::strtol(host.c_str() + colon + 1, nullptr, 10);
    put_be(out, static_cast<std::uint32_t>(port), 4);
}

Result<StoredMessage> decode_one(std::string_view record) {
    ByteReader r(record);
    StoredMessage m;
    std::int32_t store_size = 0;
    std::uint64_t magic = 0;
    if (!r.get_i32(store_size) || !r.get_u(4, magic))
        return bad_record("truncated header");
    m.store_size = store_size;
    m.magic = static_cast<std::uint32_t>(magic);
    if (m.magic != k_magic_v1 && m.magic != k_magic_v2)
        return bad_record("unknown magic code");
    if (!r.get_i32(m.body_crc) || !r.get_i32(m.queue_id) || !r.get_i32(m.flag) || !r.get_i64(m.queue_offset) ||
        !r.get_i64(m.commit_log_offset) || !r.get_i32(m.sys_flag) || !r.get_i64(m.born_timestamp))
        return bad_record("truncated fixed fields");
    if (!read_host(r, (m.sys_flag & k_flag_bornhost_v6) != 0, m.born_host) || !r.get_i64(m.store_timestamp) ||
        !read_host(r, (m.sys_flag & k_flag_storehost_v6) != 0, m.store_host) || !r.get_i32(m.reconsume_times) ||
        !r.get_i64(m.prepared_transaction_offset))
        return bad_record("truncated hosts");
    std::int32_t body_len = 0;
    std::string_view piece;
    if (!r.get_i32(body_len) || body_len < 0 || !r.get_bytes(static_cast<std::size_t>(body_len), piece))
        return bad_record("bad body length");
    m.body.assign(piece);
    std::uint64_t topic_len = 0;
    if (!r.get_u(m.magic == k_magic_v2 ? 2 : 1, topic_len) || !r.get_bytes(static_cast<std::size_t>(topic_len), piece))
        return bad_record("bad topic length");
    m.topic.assign(piece);
    std::uint64_t props_len = 0;
    if (!r.get_u(2, props_len) || !r.get_bytes(static_cast<std::size_t>(props_len), piece))
        return bad_record("bad properties length");
    m.properties = parse_message_properties(piece);
    m.raw_properties = std::string(piece);
    return m;
}

}  // namespace

Result<std::vector<StoredMessage>> decode_stored_messages(std::string_view body) {
    std::vector<StoredMessage> out;
    ByteReader r(body);
    while (r.remaining() > 0) {
        std::int32_t size = 0;
        ByteReader peek(body.substr(r.position()));
        if (!peek.get_i32(size) || size < 4 || static_cast<std::size_t>(size) > r.remaining())
            return bad_record("record size " + std::to_string(size) + " does not fit the body");
        std::string_view record;
        r.get_bytes(static_cast<std::size_t>(size), record);
        auto m = decode_one(record);
        if (!m)
            return std::move(m).error().with("message #" + std::to_string(out.size()));
        out.push_back(std::move(*m));
    }
    return out;
}

std::string encode_stored_message(const StoredMessage& m) {
    // store_size and body_crc are computed here (CRC32 & 0x7FFFFFFF, as UtilAll.crc32).
    const std::uint32_t magic = m.magic == k_magic_v2 ? k_magic_v2 : k_magic_v1;
    // The decoded text is kept when it still says the same: Java's HashMap order for keys sharing a
    // bucket depends on insertion order, which a map cannot carry.
    const std::string props = m.raw_properties && parse_message_properties(*m.raw_properties) == m.properties
                                  ? *m.raw_properties
                                  : format_message_properties(m.properties);
    std::string rest;
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(m.body.data()), static_cast<uInt>(m.body.size()));
    put_be(rest, magic, 4);
    put_be(rest, static_cast<std::uint32_t>(crc & 0x7FFFFFFF), 4);
    put_be(rest, static_cast<std::uint32_t>(m.queue_id), 4);
    put_be(rest, static_cast<std::uint32_t>(m.flag), 4);
    put_be(rest, static_cast<std::uint64_t>(m.queue_offset), 8);
    put_be(rest, static_cast<std::uint64_t>(m.commit_log_offset), 8);
    put_be(rest, static_cast<std::uint32_t>(m.sys_flag), 4);
    put_be(rest, static_cast<std::uint64_t>(m.born_timestamp), 8);
    write_host(rest, m.born_host, (m.sys_flag & k_flag_bornhost_v6) != 0);
    put_be(rest, static_cast<std::uint64_t>(m.store_timestamp), 8);
    write_host(rest, m.store_host, (m.sys_flag & k_flag_storehost_v6) != 0);
    put_be(rest, static_cast<std::uint32_t>(m.reconsume_times), 4);
    put_be(rest, static_cast<std::uint64_t>(m.prepared_transaction_offset), 8);
    put_be(rest, m.body.size(), 4);
    rest += m.body;
    put_be(rest, m.topic.size(), magic == k_magic_v2 ? 2 : 1);
    rest += m.topic;
    put_be(rest, props.size(), 2);
    rest += props;
    std::string out;
    put_be(out, 4 + rest.size(), 4);
    out += rest;
    return out;
}

}  // namespace rmqup::rmq
