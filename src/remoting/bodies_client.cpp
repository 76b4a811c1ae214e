// Client-side bodies: connection lists (203, 204) and HeartbeatData (34).
#include "remoting/body_json.hpp"

namespace rmqup::rmq {
namespace {

using detail::shape_error;

Result<std::vector<Connection>> read_connections(const fj::Value& doc, const char* what) {
    std::vector<Connection> out;
    const fj::Value* set = doc.find("connectionSet");
    if (set == nullptr)
        return out;
    if (!set->is_array())
        return shape_error(what, "connectionSet is not an array");
    for (const auto& c : set->items) {
        if (!c.is_object())
            return shape_error(what, "connection is not an object");
        Connection conn;
        conn.client_id = fj::opt_string(c, "clientId").value_or("");
        conn.client_addr = fj::opt_string(c, "clientAddr").value_or("");
        conn.language = fj::opt_string(c, "language").value_or("");
        conn.version = static_cast<int>(fj::opt_int64(c, "version").value_or(0));
        out.push_back(std::move(conn));
    }
    return out;
}

void write_connections(fj::Writer& w, const std::vector<Connection>& conns) {
    // A HashSet of Connection whose hash includes an enum's identity hash: no stable Java order,
    // so the given order is kept.
    w.key("connectionSet");
    w.begin_array();
    for (const auto& c : conns) {
        w.begin_object();
        w.field("clientAddr", c.client_addr);
        w.field("clientId", c.client_id);
        w.field("language", c.language);
        w.field("version", c.version);
        w.end_object();
    }
    w.end_array();
}

Result<SubscriptionData> read_subscription(const fj::Value& v) {
    if (!v.is_object())
        return shape_error("SubscriptionData", "not an object");
    SubscriptionData sd;
    sd.topic = fj::opt_string(v, "topic").value_or("");
    sd.sub_string = fj::opt_string(v, "subString").value_or("*");
    sd.expression_type = fj::opt_string(v, "expressionType").value_or("TAG");
    sd.sub_version = fj::opt_int64(v, "subVersion").value_or(0);
    sd.class_filter_mode = fj::opt_string(v, "classFilterMode").value_or("false") == "true";
    if (const fj::Value* tags = v.find("tagsSet"); tags != nullptr && tags->is_array()) {
        auto list = detail::read_string_array(*tags, "SubscriptionData");
        if (!list)
            return std::move(list).error();
        sd.tags_set = std::move(*list);
    }
    if (const fj::Value* codes = v.find("codeSet"); codes != nullptr && codes->is_array()) {
        for (const auto& c : codes->items) {
            auto n = fj::to_int64(c);
            if (!n)
                return shape_error("SubscriptionData", "codeSet item is not an integer");
            sd.code_set.push_back(static_cast<int>(*n));
        }
    }
    return sd;
}

void write_subscription(fj::Writer& w, const SubscriptionData& sd) {
    w.begin_object();
    w.field("classFilterMode", sd.class_filter_mode);
    w.key("codeSet");
    w.begin_array();
    {
        std::vector<std::int32_t> hashes(sd.code_set.begin(), sd.code_set.end());
        for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::hash_map))
            w.value(sd.code_set[i]);
    }
    w.end_array();
    w.field("expressionType", sd.expression_type);
    w.field("subString", sd.sub_string);
    w.field("subVersion", sd.sub_version);
    w.key("tagsSet");
    detail::write_string_array(w, detail::java_set_order(sd.tags_set));
    w.field("topic", sd.topic);
    w.end_object();
}

}  // namespace

Result<ConsumerConnection> decode_consumer_connection(std::string_view body) {
    auto doc = detail::parse_object_body(body, "ConsumerConnection");
    if (!doc)
        return std::move(doc).error();
    ConsumerConnection out;
    auto conns = read_connections(*doc, "ConsumerConnection");
    if (!conns)
        return std::move(conns).error();
    out.connection_set = std::move(*conns);
    if (const fj::Value* subs = doc->find("subscriptionTable"); subs != nullptr && subs->is_object()) {
        for (const auto& m : subs->members) {
            auto sd = read_subscription(m.value);
            if (!sd)
                return std::move(sd).error().with("subscriptionTable." + m.key);
            out.subscription_table[m.key] = std::move(*sd);
        }
    }
    out.consume_type = fj::opt_string(*doc, "consumeType").value_or("");
    out.message_model = fj::opt_string(*doc, "messageModel").value_or("");
    out.consume_from_where = fj::opt_string(*doc, "consumeFromWhere").value_or("");
    return out;
}

std::string encode_consumer_connection(const ConsumerConnection& v) {
    fj::Writer w;
    w.begin_object();
    write_connections(w, v.connection_set);
    if (!v.consume_from_where.empty())
        w.field("consumeFromWhere", v.consume_from_where);
    if (!v.consume_type.empty())
        w.field("consumeType", v.consume_type);
    if (!v.message_model.empty())
        w.field("messageModel", v.message_model);
    w.key("subscriptionTable");
    w.begin_object();
    for (const auto* e : detail::java_order(v.subscription_table, 16, JavaTable::concurrent_hash_map)) {
        w.key(e->first);
        write_subscription(w, e->second);
    }
    w.end_object();
    w.end_object();
    return w.take();
}

Result<ProducerConnection> decode_producer_connection(std::string_view body) {
    auto doc = detail::parse_object_body(body, "ProducerConnection");
    if (!doc)
        return std::move(doc).error();
    ProducerConnection out;
    auto conns = read_connections(*doc, "ProducerConnection");
    if (!conns)
        return std::move(conns).error();
    out.connection_set = std::move(*conns);
    return out;
}

std::string encode_producer_connection(const ProducerConnection& v) {
    fj::Writer w;
    w.begin_object();
    write_connections(w, v.connection_set);
    w.end_object();
    return w.take();
}

Result<HeartbeatData> decode_heartbeat(std::string_view body) {
    auto doc = detail::parse_object_body(body, "HeartbeatData");
    if (!doc)
        return std::move(doc).error();
    HeartbeatData out;
    out.client_id = fj::opt_string(*doc, "clientID").value_or("");
    if (const fj::Value* producers = doc->find("producerDataSet"); producers != nullptr && producers->is_array()) {
        for (const auto& p : producers->items) {
            if (!p.is_object())
                return detail::shape_error("HeartbeatData", "producer data is not an object");
            out.producer_groups.push_back(fj::opt_string(p, "groupName").value_or(""));
        }
    }
    if (const fj::Value* consumers = doc->find("consumerDataSet"); consumers != nullptr && consumers->is_array()) {
        for (const auto& c : consumers->items) {
            if (!c.is_object())
                return detail::shape_error("HeartbeatData", "consumer data is not an object");
            ConsumerData cd;
            cd.group_name = fj::opt_string(c, "groupName").value_or("");
            cd.consume_type = fj::opt_string(c, "consumeType").value_or(cd.consume_type);
            cd.message_model = fj::opt_string(c, "messageModel").value_or(cd.message_model);
            cd.consume_from_where = fj::opt_string(c, "consumeFromWhere").value_or(cd.consume_from_where);
            cd.unit_mode = fj::opt_string(c, "unitMode").value_or("false") == "true";
            if (const fj::Value* subs = c.find("subscriptionDataSet"); subs != nullptr && subs->is_array()) {
                for (const auto& s : subs->items) {
                    auto sd = read_subscription(s);
                    if (!sd)
                        return std::move(sd).error().with("consumer " + cd.group_name);
                    cd.subscription_data_set.push_back(std::move(*sd));
                }
            }
            out.consumer_data_set.push_back(std::move(cd));
        }
    }
    return out;
}

std::string encode_heartbeat(const HeartbeatData& v) {
    fj::Writer w;
    w.begin_object();
    w.field("clientID", v.client_id);
    w.key("consumerDataSet");
    w.begin_array();
    for (const auto& cd : v.consumer_data_set) {
        w.begin_object();
        w.field("consumeFromWhere", cd.consume_from_where);
        w.field("consumeType", cd.consume_type);
        w.field("groupName", cd.group_name);
        w.field("messageModel", cd.message_model);
        w.key("subscriptionDataSet");
        w.begin_array();
        for (const auto& sd : cd.subscription_data_set)
            write_subscription(w, sd);
        w.end_array();
        w.field("unitMode", cd.unit_mode);
        w.end_object();
    }
    w.end_array();
    w.key("producerDataSet");
    w.begin_array();
    for (const auto& g : v.producer_groups) {
        w.begin_object();
        w.field("groupName", g);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

}  // namespace rmqup::rmq
