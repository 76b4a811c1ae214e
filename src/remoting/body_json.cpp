#include "remoting/body_json.hpp"

namespace rmqup::rmq::detail {

Result<fj::Value> parse_object_body(std::string_view body, const char* what) {
    auto v = fj::parse(body);
    if (!v)
        return std::move(v).error().with(std::string(what) + " body");
    if (!v->is_object())
        return shape_error(what, "body is not a JSON object");
    return v;
}

Error shape_error(const char* what, const std::string& detail) {
    return make_error(ErrorKind::protocol, std::string(what) + " body: " + detail);
}

Result<DataVersion> read_data_version(const fj::Value& v) {
    if (!v.is_object())
        return shape_error("DataVersion", "not an object");
    DataVersion dv;
    auto counter = fj::get_int64(v, "counter");
    const bool legacy = v.find("timestamp") == nullptr && v.find("timestatmp") != nullptr;
    auto ts = fj::get_int64(v, legacy ? "timestatmp" : "timestamp");
    if (!counter)
        return std::move(counter).error();
    if (!ts)
        return std::move(ts).error();
    dv.counter = *counter;
    dv.timestamp = *ts;
    dv.state_version = fj::opt_int64(v, "stateVersion");
    dv.key = legacy ? TimestampKey::timestatmp : TimestampKey::timestamp;
    return dv;
}

void write_data_version(fj::Writer& w, const DataVersion& v) {
    w.begin_object();
    w.field("counter", v.counter);
    if (v.state_version)
        w.field("stateVersion", *v.state_version);
    w.field(v.key == TimestampKey::timestatmp ? "timestatmp" : "timestamp", v.timestamp);
    w.end_object();
}

Result<BrokerData> read_broker_data(const fj::Value& v) {
    if (!v.is_object())
        return shape_error("BrokerData", "not an object");
    BrokerData bd;
    bd.cluster = fj::opt_string(v, "cluster").value_or("");
    bd.broker_name = fj::opt_string(v, "brokerName").value_or("");
    if (const fj::Value* addrs = v.find("brokerAddrs"); addrs != nullptr && addrs->is_object()) {
        for (const auto& m : addrs->members) {
            fj::Value key;
            key.kind = fj::Kind::number;
            key.text = m.key;
            auto id = fj::to_int64(key);
            if (!id || m.value.kind != fj::Kind::string)
                return shape_error("BrokerData", "bad brokerAddrs entry '" + m.key + "'");
            bd.broker_addrs[*id] = m.value.text;
        }
    }
    if (const fj::Value* acting = v.find("enableActingMaster"); acting != nullptr && acting->kind == fj::Kind::boolean)
        bd.enable_acting_master = acting->text == "true";
    bd.zone_name = fj::opt_string(v, "zoneName");
    return bd;
}

void write_broker_data(fj::Writer& w, const BrokerData& v, JsonStyle style, const BodyForm& form) {
    w.begin_object();
    w.key("brokerAddrs");
    w.begin_object();
    if (style == JsonStyle::standard) {
        // MapSortField + BrowserCompatible: sorted by id, keys quoted.
        for (const auto& [id, addr] : v.broker_addrs)
            w.field(std::to_string(id), addr);
    } else {
        std::vector<std::int32_t> hashes;
        std::vector<const std::pair<const std::int64_t, std::string>*> entries;
        for (const auto& e : v.broker_addrs) {
            entries.push_back(&e);
            hashes.push_back(java_long_hash(e.first));
        }
        for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::hash_map)) {
            w.raw_key(std::to_string(entries[i]->first));
            w.value(entries[i]->second);
        }
    }
    w.end_object();
    w.field("brokerName", v.broker_name);
    if (form.broker_cluster == BrokerClusterField::present)
        w.field("cluster", v.cluster);
    if (v.enable_acting_master)
        w.field("enableActingMaster", *v.enable_acting_master);
    if (v.zone_name)
        w.field("zoneName", *v.zone_name);
    w.end_object();
}

Result<MessageQueue> read_message_queue_key(const std::string& raw_key) {
    auto v = fj::parse(raw_key);
    if (!v || !v->is_object())
        return shape_error("MessageQueue", "bad key " + raw_key);
    MessageQueue mq;
    auto queue_id = fj::get_int64(*v, "queueId");
    if (!queue_id)
        return shape_error("MessageQueue", "no queueId in " + raw_key);
    mq.queue_id = static_cast<int>(*queue_id);
    mq.topic = fj::opt_string(*v, "topic").value_or("");
    mq.broker_name = fj::opt_string(*v, "brokerName").value_or("");
    return mq;
}

std::string message_queue_key(const MessageQueue& mq) {
    fj::Writer w;
    w.begin_object();
    w.field("brokerName", mq.broker_name);
    w.field("queueId", mq.queue_id);
    w.field("topic", mq.topic);
    w.end_object();
    return w.take();
}

Result<std::vector<std::string>> read_string_array(const fj::Value& v, const char* what) {
    if (!v.is_array())
        return shape_error(what, "expected an array of strings");
    std::vector<std::string> out;
    for (const auto& item : v.items) {
        if (item.kind != fj::Kind::string)
            return shape_error(what, "array item is not a string");
        out.push_back(item.text);
    }
    return out;
}

void write_string_array(fj::Writer& w, const std::vector<std::string>& items) {
    w.begin_array();
    for (const auto& s : items)
        w.value(s);
    w.end_array();
}

std::vector<std::string> java_set_order(const std::vector<std::string>& items) {
    std::vector<std::int32_t> hashes;
    for (const auto& s : items)
        hashes.push_back(java_string_hash(s));
    std::vector<std::string> out;
    for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::hash_map))
        out.push_back(items[i]);
    return out;
}

}  // namespace rmqup::rmq::detail
