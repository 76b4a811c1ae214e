// Offset statistics bodies keyed by MessageQueue objects: TopicStatsTable (202), ConsumeStats (208).
#include <numeric>

#include "remoting/body_json.hpp"

namespace rmqup::rmq {

using detail::shape_error;

std::int64_t ConsumeStats::total_diff() const {
    std::int64_t sum = 0;
    for (const auto& [mq, w] : offset_table)
        sum += w.broker_offset - w.consumer_offset;
    return sum;
}

namespace {

// Calls f(queue, value) for each entry of an offsetTable written with object keys.
template <typename F>
Status for_each_queue_entry(const fj::Value& doc, const char* what, F f) {
    const fj::Value* table = doc.find("offsetTable");
    if (table == nullptr)
        return ok_status();
    if (!table->is_object())
        return shape_error(what, "offsetTable is not an object");
    for (const auto& m : table->members) {
        if (m.key_kind != fj::KeyKind::object)
            return shape_error(what, "offsetTable key is not a MessageQueue object");
        auto mq = detail::read_message_queue_key(m.key);
        if (!mq)
            return std::move(mq).error();
        if (!m.value.is_object())
            return shape_error(what, "offsetTable value is not an object");
        RMQUP_TRY(f(*mq, m.value));
    }
    return ok_status();
}

Result<std::int64_t> need_long(const fj::Value& v, const char* key) { return fj::get_int64(v, key); }

}  // namespace

Result<TopicStatsTable> decode_topic_stats(std::string_view body) {
    auto doc = detail::parse_object_body(body, "TopicStatsTable");
    if (!doc)
        return std::move(doc).error();
    TopicStatsTable out;
    auto st = for_each_queue_entry(*doc, "TopicStatsTable", [&out](const MessageQueue& mq, const fj::Value& v) -> Status {
        TopicOffset to;
        auto min = need_long(v, "minOffset");
        auto max = need_long(v, "maxOffset");
        if (!min || !max)
            return shape_error("TopicStatsTable", "offset entry without minOffset/maxOffset");
        to.min_offset = *min;
        to.max_offset = *max;
        to.last_update_timestamp = fj::opt_int64(v, "lastUpdateTimestamp").value_or(0);
        out.offset_table.emplace_back(mq, to);
        return ok_status();
    });
    if (!st)
        return std::move(st).error();
    if (const fj::Value* tps = doc->find("topicPutTps"); tps != nullptr && tps->kind == fj::Kind::number) {
        auto d = fj::to_double(*tps);
        if (d)
            out.topic_put_tps = *d;
    }
    return out;
}

std::string encode_topic_stats(const TopicStatsTable& v) {
    fj::Writer w;
    w.begin_object();
    w.key("offsetTable");
    w.begin_object();
    for (const auto& [mq, to] : v.offset_table) {
        w.raw_key(detail::message_queue_key(mq));
        w.begin_object();
        w.field("lastUpdateTimestamp", to.last_update_timestamp);
        w.field("maxOffset", to.max_offset);
        w.field("minOffset", to.min_offset);
        w.end_object();
    }
    w.end_object();
    if (v.topic_put_tps) {
        w.key("topicPutTps");
        w.value_double(*v.topic_put_tps);
    }
    w.end_object();
    return w.take();
}

Result<ConsumeStats> decode_consume_stats(std::string_view body) {
    auto doc = detail::parse_object_body(body, "ConsumeStats");
    if (!doc)
        return std::move(doc).error();
    ConsumeStats out;
    auto st = for_each_queue_entry(*doc, "ConsumeStats", [&out](const MessageQueue& mq, const fj::Value& v) -> Status {
        OffsetWrapper ow;
        auto broker = need_long(v, "brokerOffset");
        auto consumer = need_long(v, "consumerOffset");
        if (!broker || !consumer)
            return shape_error("ConsumeStats", "offset entry without brokerOffset/consumerOffset");
        ow.broker_offset = *broker;
        ow.consumer_offset = *consumer;
        ow.pull_offset = fj::opt_int64(v, "pullOffset");
        ow.last_timestamp = fj::opt_int64(v, "lastTimestamp").value_or(0);
        out.offset_table.emplace_back(mq, ow);
        return ok_status();
    });
    if (!st)
        return std::move(st).error();
    if (const fj::Value* tps = doc->find("consumeTps"); tps != nullptr) {
        auto d = fj::to_double(*tps);
        if (!d)
            return shape_error("ConsumeStats", "consumeTps is not a number");
        out.consume_tps = *d;
    }
    return out;
}

std::string encode_consume_stats(const ConsumeStats& v) {
    fj::Writer w;
    w.begin_object();
    w.key("consumeTps");
    w.value_double(v.consume_tps);
    w.key("offsetTable");
    w.begin_object();
    for (const auto& [mq, ow] : v.offset_table) {
        w.raw_key(detail::message_queue_key(mq));
        w.begin_object();
        w.field("brokerOffset", ow.broker_offset);
        w.field("consumerOffset", ow.consumer_offset);
        w.field("lastTimestamp", ow.last_timestamp);
        if (ow.pull_offset)
            w.field("pullOffset", *ow.pull_offset);
        w.end_object();
    }
    w.end_object();
    w.end_object();
    return w.take();
}

}  // namespace rmqup::rmq
