// NameServer bodies: ClusterInfo (106), TopicRouteData (105), TopicList (206/224).
#include "remoting/body_json.hpp"

namespace rmqup::rmq {

using detail::parse_object_body;
using detail::shape_error;

Result<ClusterInfo> decode_cluster_info(std::string_view body) {
    auto doc = parse_object_body(body, "ClusterInfo");
    if (!doc)
        return std::move(doc).error();
    ClusterInfo out;
    if (const fj::Value* table = doc->find("brokerAddrTable"); table != nullptr && table->is_object()) {
        for (const auto& m : table->members) {
            auto bd = detail::read_broker_data(m.value);
            if (!bd)
                return std::move(bd).error().with("brokerAddrTable." + m.key);
            out.broker_addr_table[m.key] = std::move(*bd);
        }
    }
    if (const fj::Value* table = doc->find("clusterAddrTable"); table != nullptr && table->is_object()) {
        for (const auto& m : table->members) {
            auto names = detail::read_string_array(m.value, "ClusterInfo");
            if (!names)
                return std::move(names).error().with("clusterAddrTable." + m.key);
            out.cluster_addr_table[m.key] = std::move(*names);
        }
    }
    // 3.x BrokerData has no `cluster`: the cluster table names each group's cluster.
    for (const auto& [cluster, names] : out.cluster_addr_table) {
        for (const auto& name : names) {
            auto it = out.broker_addr_table.find(name);
            if (it != out.broker_addr_table.end() && it->second.cluster.empty())
                it->second.cluster = cluster;
        }
    }
    return out;
}

BodyForm body_form(const Dialect& d) {
    return BodyForm{d.broker_cluster_field, d.queue_flag};
}

std::string encode_cluster_info(const ClusterInfo& v, const BodyForm& form) {
    // RouteInfoManager: brokerAddrTable = new HashMap<>(128), clusterAddrTable = new HashMap<>(32)
    // whose values are HashSets.
    fj::Writer w;
    w.begin_object();
    w.key("brokerAddrTable");
    w.begin_object();
    for (const auto* e : detail::java_order(v.broker_addr_table, 128, JavaTable::hash_map)) {
        w.key(e->first);
        detail::write_broker_data(w, e->second, JsonStyle::fastjson, form);
    }
    w.end_object();
    w.key("clusterAddrTable");
    w.begin_object();
    for (const auto* e : detail::java_order(v.cluster_addr_table, 32, JavaTable::hash_map)) {
        w.key(e->first);
        detail::write_string_array(w, detail::java_set_order(e->second));
    }
    w.end_object();
    w.end_object();
    return w.take();
}

Result<TopicRouteData> decode_topic_route(std::string_view body) {
    auto doc = parse_object_body(body, "TopicRouteData");
    if (!doc)
        return std::move(doc).error();
    TopicRouteData out;
    out.order_topic_conf = fj::opt_string(*doc, "orderTopicConf");
    if (const fj::Value* qds = doc->find("queueDatas"); qds != nullptr && qds->is_array()) {
        for (const auto& q : qds->items) {
            if (!q.is_object())
                return shape_error("TopicRouteData", "queueDatas item is not an object");
            QueueData qd;
            qd.broker_name = fj::opt_string(q, "brokerName").value_or("");
            qd.read_queue_nums = static_cast<int>(fj::opt_int64(q, "readQueueNums").value_or(0));
            qd.write_queue_nums = static_cast<int>(fj::opt_int64(q, "writeQueueNums").value_or(0));
            qd.perm = static_cast<int>(fj::opt_int64(q, "perm").value_or(0));
            qd.topic_sys_flag = static_cast<int>(
                fj::opt_int64(q, "topicSysFlag").value_or(fj::opt_int64(q, "topicSynFlag").value_or(0)));
            out.queue_datas.push_back(std::move(qd));
        }
    }
    if (const fj::Value* bds = doc->find("brokerDatas"); bds != nullptr && bds->is_array()) {
        for (const auto& b : bds->items) {
            auto bd = detail::read_broker_data(b);
            if (!bd)
                return std::move(bd).error().with("brokerDatas");
            out.broker_datas.push_back(std::move(*bd));
        }
    }
    if (const fj::Value* fst = doc->find("filterServerTable"); fst != nullptr && fst->is_object()) {
        for (const auto& m : fst->members) {
            auto list = detail::read_string_array(m.value, "TopicRouteData");
            if (!list)
                return std::move(list).error().with("filterServerTable");
            out.filter_server_table[m.key] = std::move(*list);
        }
    }
    return out;
}

std::string encode_topic_route(const TopicRouteData& v, JsonStyle style, const BodyForm& form) {
    fj::Writer w;
    w.begin_object();
    w.key("brokerDatas");
    w.begin_array();
    for (const auto& bd : v.broker_datas)
        detail::write_broker_data(w, bd, style, form);
    w.end_array();
    w.key("filterServerTable");
    w.begin_object();
    if (style == JsonStyle::standard) {
        for (const auto& [addr, list] : v.filter_server_table) {
            w.key(addr);
            detail::write_string_array(w, list);
        }
    } else {
        for (const auto* e : detail::java_order(v.filter_server_table, 16, JavaTable::hash_map)) {
            w.key(e->first);
            detail::write_string_array(w, e->second);
        }
    }
    w.end_object();
    if (v.order_topic_conf)
        w.field("orderTopicConf", *v.order_topic_conf);
    w.key("queueDatas");
    w.begin_array();
    for (const auto& qd : v.queue_datas) {
        w.begin_object();
        w.field("brokerName", qd.broker_name);
        w.field("perm", qd.perm);
        w.field("readQueueNums", qd.read_queue_nums);
        w.field(form.queue_flag == QueueFlagName::topic_syn_flag ? "topicSynFlag" : "topicSysFlag", qd.topic_sys_flag);
        w.field("writeQueueNums", qd.write_queue_nums);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

Result<TopicList> decode_topic_list(std::string_view body) {
    auto doc = parse_object_body(body, "TopicList");
    if (!doc)
        return std::move(doc).error();
    TopicList out;
    if (const fj::Value* list = doc->find("topicList"); list != nullptr) {
        auto topics = detail::read_string_array(*list, "TopicList");
        if (!topics)
            return std::move(topics).error();
        out.topics = std::move(*topics);
    }
    out.broker_addr = fj::opt_string(*doc, "brokerAddr");
    return out;
}

std::string encode_topic_list(const TopicList& v) {
    fj::Writer w;
    w.begin_object();
    if (v.broker_addr)
        w.field("brokerAddr", *v.broker_addr);
    w.key("topicList");
    detail::write_string_array(w, detail::java_set_order(v.topics));  // TopicList.topicList is a HashSet
    w.end_object();
    return w.take();
}

}  // namespace rmqup::rmq
