// Admin handlers of the simulated broker: configuration, runtime info, topics, stats, offsets.
#include <sys/statvfs.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "broker.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "sim_common.hpp"

namespace rmqsim {

namespace rmq = rmqup::rmq;

namespace {
std::string runtime_text(std::int64_t ms) {
    std::int64_t s = ms / 1000;
    char buf[96];
    std::snprintf(buf, sizeof buf, "[ %lld days, %lld hours, %lld minutes, %lld seconds ]",
                  static_cast<long long>(s / 86400), static_cast<long long>((s / 3600) % 24),
                  static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
    return buf;
}
// Runtime-info keys a release does not send yet (AdminBrokerProcessor.prepareRuntimeInfo and
// StoreStatsService at the tags; 3.2.6, 4.1.0 and 4.6.0 key sets as captured).
void drop_keys_of_later_releases(std::map<std::string, std::string>& t, const rmqup::RmqVersion& v) {
    auto drop = [&t](std::initializer_list<const char*> keys) {
        for (const char* k : keys)
            t.erase(k);
    };
    if (v < rmqup::RmqVersion{4, 9, 4})
        drop({"putLatency99", "putLatency999"});
    if (v < rmqup::RmqVersion{4, 9, 3})
        drop({"putMessageFailedTimes"});
    if (v < rmqup::RmqVersion{4, 4, 0})
        drop({"EndTransactionQueueSize", "EndTransactionThreadPoolQueueCapacity"});
    if (v < rmqup::RmqVersion{4, 2, 0})
        drop({"queryThreadPoolQueueCapacity", "queryThreadPoolQueueHeadWaitTimeMills", "queryThreadPoolQueueSize"});
    if (v.is3x()) {
        drop({"commitLogDirCapacity", "dispatchBehindBytes", "earliestMessageTimeStamp", "pageCacheLockTimeMills",
              "pullThreadPoolQueueCapacity", "pullThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueSize",
              "remainHowManyDataToFlush", "remainTransientStoreBufferNumbs", "sendThreadPoolQueueHeadWaitTimeMills",
              "startAcceptSendRequestTimeStamp"});
        for (auto it = t.begin(); it != t.end();)
            it = it->first.rfind("commitLogDiskRatio_", 0) == 0 ? t.erase(it) : std::next(it);
    }
}

// putMessageDistributeTime: 3.x lists "\r\n\t\t<count>(<percent>%)" per bucket, 5.x sends "null".
std::string distribute_time(const rmqup::RmqVersion& v, std::int64_t puts) {
    if (v.is5x())
        return "null";
    if (v.is3x()) {
        std::string out;
        for (int i = 0; i < 7; ++i)
            out += "\r\n\t\t" + std::to_string(i == 0 ? puts : 0) + (i == 0 && puts > 0 ? "(100.0%)" : "(0.0%)");
        return out;
    }
    return "[<=0ms]:" + std::to_string(puts) +
           " [0~10ms]:0 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 [500ms~1s]:0 [1~2s]:0 [2~3s]:0 [3~4s]:0 "
           "[4~5s]:0 [5~10s]:0 [10s~]:0 ";
}

std::string gib(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
    return buf;
}
using KvTable = std::map<std::string, std::string>;

// getTotalTps: found + miss pulls per second over 10 s, 1 min and 10 min, space-separated.
std::string total_get_tps(const TpsWindow& found, const TpsWindow& miss, std::int64_t now) {
    std::string total;
    const int windows[] = {10, 60, 600};
    for (int i = 0; i < 3; ++i) {
        if (i)
            total += ' ';
        auto a = found.rate(now, windows[i]);
        auto b = miss.rate(now, windows[i]);
        if (a && b)
            total += java_double(*a + *b);
    }
    return total;
}

// The disk keys: usage ratio and capacity of the file system holding the store.
void add_disk_usage(KvTable& t, const BrokerConfig& cfg) {
    std::string cl_path = cfg.get("storePathCommitLog", cfg.store_root() + "/commitlog");
    struct statvfs vfs {};
    double ratio = 0, total = 0, free_b = 0;
    if (::statvfs(cfg.store_root().c_str(), &vfs) == 0 && vfs.f_blocks > 0) {
        total = static_cast<double>(vfs.f_blocks) * static_cast<double>(vfs.f_frsize);
        free_b = static_cast<double>(vfs.f_bavail) * static_cast<double>(vfs.f_frsize);
        ratio = 1.0 - static_cast<double>(vfs.f_bfree) / static_cast<double>(vfs.f_blocks);
    }
    char rbuf[16];
    std::snprintf(rbuf, sizeof rbuf, "%.2f", ratio);
    t["commitLogDiskRatio"] = rbuf;
    t["commitLogDiskRatio_" + cl_path] = rbuf;
    t["consumeQueueDiskRatio"] = rbuf;
    t["commitLogDirCapacity"] = "Total : " + gib(total) + ", Free : " + gib(free_b) + ".";
}

// Keys of an idle broker's thread pools, flush and timers (5.x adds some): constant in the simulator.
void add_idle_pools(KvTable& t, bool v5, bool master) {
    t["sendThreadPoolQueueSize"] = "0";
    t["sendThreadPoolQueueCapacity"] = "10000";
    t["pullThreadPoolQueueSize"] = "0";
    t["pullThreadPoolQueueCapacity"] = "100000";
    t["queryThreadPoolQueueSize"] = "0";
    t["queryThreadPoolQueueCapacity"] = "20000";
    t["EndTransactionQueueSize"] = "0";
    t["EndTransactionThreadPoolQueueCapacity"] = "100000";
    t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
    t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
    t["queryThreadPoolQueueHeadWaitTimeMills"] = "0";
    t["dispatchBehindBytes"] = "0";
    t["pageCacheLockTimeMills"] = "0";
    t["startAcceptSendRequestTimeStamp"] = "0";
    t["remainTransientStoreBufferNumbs"] = "2147483647";
    t["remainHowManyDataToFlush"] = "0 B";
    if (!v5)
        return;
    t["brokerActive"] = master ? "true" : "false";
    t["timerReadBehind"] = "0";
    t["timerOffsetBehind"] = "0";
    t["timerCongestNum"] = "0";
    t["timerEnqueueTps"] = "0.0";
    t["timerDequeueTps"] = "0.0";
    t["litePullThreadPoolQueueSize"] = "0";
    t["litePullThreadPoolQueueCapacity"] = "100000";
    t["litePullThreadPoolQueueHeadWaitTimeMills"] = "0";
    t["ackThreadPoolQueueSize"] = "0";
    t["ackThreadPoolQueueCapacity"] = "100000";
    t["ackThreadPoolQueueHeadWaitTimeMills"] = "0";
}
}  // namespace

rmq::RemotingCommand Broker::on_get_broker_config(const Cmd& req) {
    auto r = reply(req, rmq::rc::success);
    r.has_ext_fields = true;
    r.set_ext("version", config_data_version());
    r.body = rmq::format_properties(m_cfg.all());
    return r;
}

rmq::RemotingCommand Broker::on_runtime_info(const Cmd& req) {
    std::int64_t now = now_ms();
    if (m_opts.runtime_info_error_ms > 0 && now - m_boot_ms < m_opts.runtime_info_error_ms)
        return reply(req, rmq::rc::system_error,
                     "java.util.NoSuchElementException, java.base/java.util.LinkedList.getLast(LinkedList.java:261)");
    KvTable t;
    std::int64_t puts = m_put_tps.total();
    std::int64_t gets = m_get_transferred_tps.total();
    t["brokerVersionDesc"] = m_opts.version.desc();
    t["brokerVersion"] = std::to_string(m_opts.version.ordinal().value_or(0));
    t["msgPutTotalYesterdayMorning"] = "0";
    t["msgPutTotalTodayMorning"] = "0";
    t["msgPutTotalTodayNow"] = std::to_string(puts);
    t["msgGetTotalYesterdayMorning"] = "0";
    t["msgGetTotalTodayMorning"] = "0";
    t["msgGetTotalTodayNow"] = std::to_string(gets);
    t["putTps"] = m_put_tps.format(now);
    t["getFoundTps"] = m_get_found_tps.format(now);
    t["getMissTps"] = m_get_miss_tps.format(now);
    t[m_dialect.transferred_tps_key == rmq::TransferredTpsKey::transferred ? "getTransferredTps" : "getTransferedTps"] = m_get_transferred_tps.format(now);
    t["getTotalTps"] = total_get_tps(m_get_found_tps, m_get_miss_tps, now);
    t["putLatency99"] = "0.00";
    t["putLatency999"] = "0.00";
    t["bootTimestamp"] = std::to_string(m_boot_ms);
    t["runtime"] = runtime_text(now - m_boot_ms);
    t["putMessageEntireTimeMax"] = "0";
    t["putMessageTimesTotal"] = std::to_string(puts);
    t["putMessageFailedTimes"] = "0";
    t["putMessageSizeTotal"] = std::to_string(m_put_size_total);
    t["putMessageDistributeTime"] = distribute_time(m_opts.version, puts);
    t["putMessageAverageSize"] = java_double(puts ? static_cast<double>(m_put_size_total) / static_cast<double>(puts) : 0.0);
    t["dispatchMaxBuffer"] = "0";
    t["getMessageEntireTimeMax"] = "0";
    add_disk_usage(t, m_cfg);
    t["commitLogMinOffset"] = "0";
    t["commitLogMaxOffset"] = std::to_string(m_store->commit_log_max_offset());
    t["earliestMessageTimeStamp"] = std::to_string(m_store->earliest_store_timestamp());
    add_idle_pools(t, m_opts.version.is5x(), m_cfg.broker_id() == 0);
    drop_keys_of_later_releases(t, m_opts.version);
    auto r = reply(req, rmq::rc::success);
    r.body = rmq::encode_kv_table(t);
    return r;
}

rmq::RemotingCommand Broker::on_update_topic(const Cmd& req) {
    if (m_cfg.broker_id() != 0)
        return reply(req, rmq::rc::no_permission, "Can't modify topic or subscription group from slave broker, please "
                                                  "execute it from master broker.");
    rmq::TopicConfig tc;
    tc.topic_name = ext_str(req, "topic");
    if (tc.topic_name.empty() || tc.topic_name == "TBW102")
        return reply(req, rmq::rc::system_error, "The topic[" + tc.topic_name + "] is conflict with system topic.");
    tc.read_queue_nums = static_cast<int>(ext_int(req, "readQueueNums", 16));
    tc.write_queue_nums = static_cast<int>(ext_int(req, "writeQueueNums", 16));
    tc.perm = static_cast<int>(ext_int(req, "perm", 6));
    tc.topic_filter_type = ext_str(req, "topicFilterType").empty() ? "SINGLE_TAG" : ext_str(req, "topicFilterType");
    tc.topic_sys_flag = static_cast<int>(ext_int(req, "topicSysFlag", 0));
    tc.order = ext_str(req, "order") == "true";
    m_topics->upsert(tc, now_ms());
    (void)m_topics->persist();
    register_all(RegisterMode::request, [] {});  // registerIncrementBrokerData: pushed at once
    return reply(req, rmq::rc::success, "not set any response code");
}

rmq::RemotingCommand Broker::on_topic_stats(const Cmd& req) {
    auto topic = ext_str(req, "topic");
    const rmq::TopicConfig* tc = m_topics->find(topic);
    if (!tc)
        return reply(req, rmq::rc::topic_not_exist, "topic[" + topic + "] not exist");
    rmq::TopicStatsTable st;
    for (int q = 0; q < tc->write_queue_nums; ++q) {
        rmq::TopicOffset o;
        o.min_offset = m_store->min_offset(topic, q);
        o.max_offset = m_store->max_offset(topic, q);
        o.last_update_timestamp = m_store->last_store_timestamp(topic, q);
        st.offset_table.emplace_back(rmq::MessageQueue{topic, m_cfg.broker_name(), q}, o);
    }
    auto r = reply(req, rmq::rc::success);
    r.body = rmq::encode_topic_stats(st);
    return r;
}

rmq::RemotingCommand Broker::on_consume_stats(const Cmd& req) {
    auto group = ext_str(req, "consumerGroup");
    auto topic = ext_str(req, "topic");
    std::vector<std::string> topics;
    if (!topic.empty()) {
        topics.push_back(topic);
    } else {
        for (const auto& [t, q] : m_offsets->of_group(group))
            topics.push_back(t);
    }
    rmq::ConsumeStats cs;
    for (const auto& t : topics) {
        const rmq::TopicConfig* tc = m_topics->find(t);
        if (!tc)
            continue;
        for (int q = 0; q < tc->read_queue_nums; ++q) {
            rmq::OffsetWrapper w;
            w.broker_offset = m_store->max_offset(t, q);
            w.consumer_offset = m_offsets->get(group, t, q).value_or(0);
            w.last_timestamp = m_store->last_store_timestamp(t, q);
            cs.offset_table.emplace_back(rmq::MessageQueue{t, m_cfg.broker_name(), q}, w);
        }
    }
    auto r = reply(req, rmq::rc::success);
    r.body = rmq::encode_consume_stats(cs);
    return r;
}

rmq::RemotingCommand Broker::on_query_offset(const Cmd& req) {
    auto group = ext_str(req, "consumerGroup");
    auto topic = ext_str(req, "topic");
    int q = static_cast<int>(ext_int(req, "queueId", 0));
    auto off = m_offsets->get(group, topic, q);
    if (!off) {
        if (m_store->min_offset(topic, q) <= 0)
            off = 0;
        else
            return reply(req, rmq::rc::query_not_found, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    }
    auto r = reply(req, rmq::rc::success);
    r.has_ext_fields = true;
    r.set_ext("offset", std::to_string(*off));
    return r;
}

}  // namespace rmqsim
