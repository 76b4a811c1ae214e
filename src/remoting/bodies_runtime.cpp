// GET_BROKER_RUNTIME_INFO (28) body: KVTable {"table":{...}} and its typed view.
#include <charconv>

#include "remoting/body_json.hpp"

namespace rmqup::rmq {
namespace {

using detail::shape_error;

Result<std::int64_t> parse_long(const std::string& key, const std::string& text) {
    std::int64_t v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        return shape_error("KVTable", "'" + key + "' is not an integer: '" + text + "'");
    return v;
}

Result<double> parse_double(const std::string& key, std::string_view text) {
    double v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        return shape_error("KVTable", "'" + key + "' is not a number: '" + std::string(text) + "'");
    return v;
}

// "s10 s60 s600" where a window without enough samples is empty ("0.0  ", "  ").
Result<Tps3> parse_tps(const std::string& key, const std::string& text) {
    std::optional<double>* slots[3] = {nullptr, nullptr, nullptr};
    Tps3 out;
    slots[0] = &out.s10;
    slots[1] = &out.s60;
    slots[2] = &out.s600;
    std::size_t start = 0;
    for (int i = 0; i < 3 && start <= text.size(); ++i) {
        auto sp = text.find(' ', start);
        std::string_view piece = std::string_view(text).substr(start, sp == std::string::npos ? std::string::npos : sp - start);
        if (!piece.empty()) {
            auto d = parse_double(key, piece);
            if (!d)
                return std::move(d).error();
            *slots[i] = *d;
        }
        if (sp == std::string::npos)
            break;
        start = sp + 1;
    }
    return out;
}

}  // namespace

Result<Properties> decode_kv_table(std::string_view body) {
    auto doc = detail::parse_object_body(body, "KVTable");
    if (!doc)
        return std::move(doc).error();
    Properties out;
    const fj::Value* table = doc->find("table");
    if (table == nullptr || !table->is_object())
        return shape_error("KVTable", "no table object");
    for (const auto& m : table->members) {
        if (m.value.kind == fj::Kind::null)
            continue;
        if (m.value.is_object() || m.value.is_array())
            return shape_error("KVTable", "value of '" + m.key + "' is not a string");
        out.emplace_back(m.key, m.value.text);
    }
    return out;
}

Result<RuntimeInfo> decode_runtime_info(std::string_view body) {
    auto kv = decode_kv_table(body);
    if (!kv)
        return std::move(kv).error();
    RuntimeInfo info;
    for (auto& [k, v] : *kv)
        info.table[k] = v;
    auto get = [&info](const char* key) -> const std::string* {
        auto it = info.table.find(key);
        return it == info.table.end() ? nullptr : &it->second;
    };
    if (const auto* s = get("brokerVersionDesc"))
        info.version_desc = *s;
    if (const auto* s = get("brokerVersion")) {
        auto v = parse_long("brokerVersion", *s);
        if (!v)
            return std::move(v).error();
        info.version = static_cast<int>(*v);
    }
    struct TpsField {
        const char* key;
        Tps3* target;
    };
    for (const TpsField& f : {TpsField{"putTps", &info.put_tps}, TpsField{"getTransferedTps", &info.get_transferred_tps},
                              TpsField{"getTransferredTps", &info.get_transferred_tps},
                              TpsField{"getTotalTps", &info.get_total_tps}}) {
        if (const auto* s = get(f.key)) {
            auto t = parse_tps(f.key, *s);
            if (!t)
                return std::move(t).error();
            *f.target = *t;
        }
    }
    struct LongField {
        const char* key;
        std::int64_t* target;
    };
    for (const LongField& f : {LongField{"msgPutTotalTodayNow", &info.msg_put_total_today_now},
                               LongField{"msgGetTotalTodayNow", &info.msg_get_total_today_now},
                               LongField{"commitLogMaxOffset", &info.commit_log_max_offset},
                               LongField{"commitLogMinOffset", &info.commit_log_min_offset},
                               LongField{"bootTimestamp", &info.boot_timestamp}}) {
        if (const auto* s = get(f.key)) {
            auto v = parse_long(f.key, *s);
            if (!v)
                return std::move(v).error();
            *f.target = *v;
        }
    }
    if (const auto* s = get("commitLogDiskRatio")) {
        auto d = parse_double("commitLogDiskRatio", *s);
        if (!d)
            return std::move(d).error();
        info.commit_log_disk_ratio = *d;
    }
    return info;
}

std::string encode_kv_table_ordered(const Properties& wire_order) {
    fj::Writer w;
    w.begin_object();
    w.key("table");
    w.begin_object();
    for (const auto& [k, v] : wire_order)
        w.field(k, v);
    w.end_object();
    w.end_object();
    return w.take();
}

std::string encode_kv_table(const std::map<std::string, std::string>& table) {
    Properties ordered;
    for (const auto* e : detail::java_order(table, 16, JavaTable::hash_map))
        ordered.emplace_back(e->first, e->second);
    return encode_kv_table_ordered(ordered);
}

}  // namespace rmqup::rmq
