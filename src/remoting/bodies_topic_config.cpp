// Broker topic tables: TopicConfigSerializeWrapper (21) and RegisterBrokerBody (103), plain and
// compressed.
#include <zlib.h>

#include "remoting/body_json.hpp"
#include "remoting/byte_io.hpp"

namespace rmqup::rmq {
namespace {

using detail::shape_error;

// Inflated register bodies larger than this are refused (a broker with 100k topics is ~10 MiB).
constexpr std::size_t k_max_inflated = 64u * 1024 * 1024;

Result<TopicConfig> read_topic_config(const fj::Value& v) {
    if (!v.is_object())
        return shape_error("TopicConfig", "not an object");
    TopicConfig tc;
    tc.topic_name = fj::opt_string(v, "topicName").value_or("");
    tc.read_queue_nums = static_cast<int>(fj::opt_int64(v, "readQueueNums").value_or(16));
    tc.write_queue_nums = static_cast<int>(fj::opt_int64(v, "writeQueueNums").value_or(16));
    tc.perm = static_cast<int>(fj::opt_int64(v, "perm").value_or(k_perm_read_write));
    tc.topic_filter_type = fj::opt_string(v, "topicFilterType").value_or("SINGLE_TAG");
    tc.topic_sys_flag = static_cast<int>(fj::opt_int64(v, "topicSysFlag").value_or(0));
    tc.order = fj::opt_string(v, "order").value_or("false") == "true";
    if (const fj::Value* attrs = v.find("attributes"); attrs != nullptr && attrs->is_object()) {
        tc.attributes.emplace();
        for (const auto& m : attrs->members)
            (*tc.attributes)[m.key] = m.value.text;
    }
    return tc;
}

void write_topic_config(fj::Writer& w, const TopicConfig& tc) {
    w.begin_object();
    if (tc.attributes) {
        w.key("attributes");
        w.begin_object();
        for (const auto* e : detail::java_order(*tc.attributes, 16, JavaTable::hash_map))
            w.field(e->first, e->second);
        w.end_object();
    }
    w.field("order", tc.order);
    w.field("perm", tc.perm);
    w.field("readQueueNums", tc.read_queue_nums);
    w.field("topicFilterType", tc.topic_filter_type);
    w.field("topicName", tc.topic_name);
    w.field("topicSysFlag", tc.topic_sys_flag);
    w.field("writeQueueNums", tc.write_queue_nums);
    w.end_object();
}

Result<TopicConfigTable> read_wrapper(const fj::Value& v) {
    if (!v.is_object())
        return shape_error("TopicConfigSerializeWrapper", "not an object");
    TopicConfigTable out;
    if (const fj::Value* dv = v.find("dataVersion"); dv != nullptr) {
        auto d = detail::read_data_version(*dv);
        if (!d)
            return std::move(d).error();
        out.data_version = *d;
    }
    if (const fj::Value* table = v.find("topicConfigTable"); table != nullptr && table->is_object()) {
        for (const auto& m : table->members) {
            auto tc = read_topic_config(m.value);
            if (!tc)
                return std::move(tc).error().with("topicConfigTable." + m.key);
            out.topic_config_table[m.key] = std::move(*tc);
        }
    }
    return out;
}

// The broker's table is new ConcurrentHashMap<>(1024). When the broker itself is not writable it
// sends a fresh new ConcurrentHashMap<>() filled from that table (every perm lowered to the broker's),
// so entries sharing a bucket keep the big table's order.
std::vector<const std::pair<const std::string, TopicConfig>*> wire_order(const std::map<std::string, TopicConfig>& table) {
    auto order = detail::java_order(table, 2048, JavaTable::concurrent_hash_map);
    bool any_writable = table.empty();
    for (const auto& [name, tc] : table)
        any_writable = any_writable || (tc.perm & k_perm_write) != 0;
    if (any_writable)
        return order;
    std::vector<std::int32_t> hashes;
    for (const auto* e : order)
        hashes.push_back(java_string_hash(e->first));
    std::vector<const std::pair<const std::string, TopicConfig>*> out;
    for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::concurrent_hash_map))
        out.push_back(order[i]);
    return out;
}

void write_wrapper(fj::Writer& w, const TopicConfigTable& v) {
    w.begin_object();
    w.key("dataVersion");
    detail::write_data_version(w, v.data_version);
    w.key("topicConfigTable");
    w.begin_object();
    for (const auto* e : wire_order(v.topic_config_table)) {
        w.key(e->first);
        write_topic_config(w, e->second);
    }
    w.end_object();
    w.end_object();
}

// 4.9.7 TopicConfig.encode(): "name read write perm filterType" (5.x appends attributes JSON).
std::string topic_config_text(const TopicConfig& tc) {
    std::string text = tc.topic_name + " " + std::to_string(tc.read_queue_nums) + " " +
                       std::to_string(tc.write_queue_nums) + " " + std::to_string(tc.perm) + " " + tc.topic_filter_type;
    if (tc.attributes) {
        fj::Writer w;
        w.begin_object();
        for (const auto* e : detail::java_order(*tc.attributes, 16, JavaTable::hash_map))
            w.field(e->first, e->second);
        w.end_object();
        text += " " + w.take();
    }
    return text;
}

Result<TopicConfig> parse_topic_config_text(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (parts.size() < 5) {
        auto sp = text.find(' ', start);
        parts.emplace_back(text.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
        if (sp == std::string_view::npos)
            break;
        start = sp + 1;
    }
    if (parts.size() < 5)
        return shape_error("RegisterBrokerBody", "bad topic config text '" + std::string(text) + "'");
    TopicConfig tc;
    tc.topic_name = parts[0];
    fj::Value n;
    n.kind = fj::Kind::number;
    int* targets[] = {&tc.read_queue_nums, &tc.write_queue_nums, &tc.perm};
    for (int i = 0; i < 3; ++i) {
        n.text = parts[static_cast<std::size_t>(i) + 1];
        auto v = fj::to_int64(n);
        if (!v)
            return shape_error("RegisterBrokerBody", "bad number in topic config '" + std::string(text) + "'");
        *targets[i] = static_cast<int>(*v);
    }
    tc.topic_filter_type = parts[4];
    // 5.x: " <attributes JSON>" after the filter type.
    std::size_t consumed = 0;
    for (const auto& p : parts)
        consumed += p.size() + 1;
    if (consumed < text.size()) {
        auto attrs = fj::parse(text.substr(consumed));
        if (!attrs || !attrs->is_object())
            return shape_error("RegisterBrokerBody", "bad topic attributes in '" + std::string(text) + "'");
        tc.attributes.emplace();
        for (const auto& m : attrs->members)
            (*tc.attributes)[m.key] = m.value.text;
    }
    return tc;
}

Result<std::string> inflate_all(std::string_view in) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK)
        return make_error(ErrorKind::internal, "inflateInit failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            return make_error(ErrorKind::protocol, "RegisterBrokerBody: bad zlib data");
        }
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > k_max_inflated) {
            inflateEnd(&zs);
            return make_error(ErrorKind::protocol, "RegisterBrokerBody: inflated body too large");
        }
        if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            inflateEnd(&zs);
            return make_error(ErrorKind::protocol, "RegisterBrokerBody: truncated zlib data");
        }
    }
    inflateEnd(&zs);
    return out;
}

std::string deflate_best(const std::string& in) {
    // Deflater(BEST_COMPRESSION) with the zlib wrapper, as the broker uses.
    uLongf size = compressBound(static_cast<uLong>(in.size()));
    std::string out(size, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(in.data()),
              static_cast<uLong>(in.size()), Z_BEST_COMPRESSION);
    out.resize(size);
    return out;
}

Result<RegisterBrokerBody> decode_compressed(std::string_view body) {
    auto raw = inflate_all(body);
    if (!raw)
        return std::move(raw).error();
    ByteReader r(*raw);
    auto chunk = [&r](std::string_view& out) {
        std::int32_t len = 0;
        return r.get_i32(len) && len >= 0 && r.get_bytes(static_cast<std::size_t>(len), out);
    };
    RegisterBrokerBody out;
    std::string_view piece;
    if (!chunk(piece))
        return shape_error("RegisterBrokerBody", "truncated data version");
    auto dv_doc = fj::parse(piece);
    if (!dv_doc)
        return std::move(dv_doc).error().with("RegisterBrokerBody data version");
    auto dv = detail::read_data_version(*dv_doc);
    if (!dv)
        return std::move(dv).error();
    out.topic_config_wrapper.data_version = *dv;
    std::int32_t count = 0;
    if (!r.get_i32(count) || count < 0)
        return shape_error("RegisterBrokerBody", "bad topic count");
    for (std::int32_t i = 0; i < count; ++i) {
        if (!chunk(piece))
            return shape_error("RegisterBrokerBody", "truncated topic config");
        auto tc = parse_topic_config_text(piece);
        if (!tc)
            return std::move(tc).error();
        out.topic_config_wrapper.topic_config_table[tc->topic_name] = std::move(*tc);
    }
    if (!chunk(piece))
        return shape_error("RegisterBrokerBody", "truncated filter server list");
    auto fs = fj::parse(piece);
    if (!fs)
        return std::move(fs).error().with("RegisterBrokerBody filter server list");
    if (fs->kind != fj::Kind::null) {
        auto list = detail::read_string_array(*fs, "RegisterBrokerBody");
        if (!list)
            return std::move(list).error();
        out.filter_server_list = std::move(*list);
    }
    // 5.x: [i32 n] n x [i32 len][TopicQueueMappingInfo JSON]; the queue mappings are not modelled.
    std::int32_t mappings = 0;
    if (r.get_i32(mappings)) {
        for (std::int32_t i = 0; i < mappings; ++i)
            if (!chunk(piece))
                return shape_error("RegisterBrokerBody", "truncated topic queue mapping");
    }
    return out;
}

std::string encode_compressed(const RegisterBrokerBody& v) {
    std::string raw;
    fj::Writer dv;
    detail::write_data_version(dv, v.topic_config_wrapper.data_version);
    put_be(raw, dv.str().size(), 4);
    raw += dv.str();
    const auto& table = v.topic_config_wrapper.topic_config_table;
    put_be(raw, table.size(), 4);
    for (const auto* e : detail::java_order(table, 16, JavaTable::concurrent_hash_map)) {
        std::string text = topic_config_text(e->second);
        put_be(raw, text.size(), 4);
        raw += text;
    }
    fj::Writer fs;
    detail::write_string_array(fs, v.filter_server_list);
    put_be(raw, fs.str().size(), 4);
    raw += fs.str();
    if (v.topic_config_wrapper.data_version.state_version)
        put_be(raw, 0, 4);  // 5.x: no topic queue mappings
    return deflate_best(raw);
}

}  // namespace

Result<TopicConfigTable> decode_topic_config_table(std::string_view body) {
    auto doc = detail::parse_object_body(body, "TopicConfigSerializeWrapper");
    if (!doc)
        return std::move(doc).error();
    return read_wrapper(*doc);
}

std::string encode_topic_config_table(const TopicConfigTable& v) {
    fj::Writer w;
    write_wrapper(w, v);
    return w.take();
}

Result<DataVersion> decode_data_version(std::string_view text) {
    auto doc = detail::parse_object_body(text, "DataVersion");
    if (!doc)
        return std::move(doc).error();
    return detail::read_data_version(*doc);
}

std::string encode_data_version(const DataVersion& v) {
    fj::Writer w;
    detail::write_data_version(w, v);
    return w.take();
}

RegisterBodyEncoding sniff_register_body(std::string_view body) {
    if (body.size() < 2)
        return RegisterBodyEncoding::json;
    const auto cmf = static_cast<unsigned char>(body[0]);
    const auto flg = static_cast<unsigned char>(body[1]);
    const bool zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
    return zlib ? RegisterBodyEncoding::zlib : RegisterBodyEncoding::json;
}

Result<RegisterBrokerBody> decode_register_broker_body(std::string_view body, bool compressed) {
    if (compressed)
        return decode_compressed(body);
    auto doc = detail::parse_object_body(body, "RegisterBrokerBody");
    if (!doc)
        return std::move(doc).error();
    RegisterBrokerBody out;
    if (const fj::Value* wrapper = doc->find("topicConfigSerializeWrapper"); wrapper != nullptr) {
        auto t = read_wrapper(*wrapper);
        if (!t)
            return std::move(t).error();
        out.topic_config_wrapper = std::move(*t);
    }
    if (const fj::Value* fs = doc->find("filterServerList"); fs != nullptr && fs->kind != fj::Kind::null) {
        auto list = detail::read_string_array(*fs, "RegisterBrokerBody");
        if (!list)
            return std::move(list).error();
        out.filter_server_list = std::move(*list);
    }
    return out;
}

std::string encode_register_broker_body(const RegisterBrokerBody& v, bool compressed) {
    if (compressed)
        return encode_compressed(v);
    fj::Writer w;
    w.begin_object();
    w.key("filterServerList");
    detail::write_string_array(w, v.filter_server_list);
    w.key("topicConfigSerializeWrapper");
    write_wrapper(w, v.topic_config_wrapper);
    w.end_object();
    return w.take();
}

}  // namespace rmqup::rmq
