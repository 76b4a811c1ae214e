#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "broker_config.hpp"
#include "broker_metadata.hpp"
#include "message_store.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "tps_window.hpp"

namespace rmqsim {
namespace {

namespace rmq = rmqup::rmq;
namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() : m_path(fs::temp_directory_path() / ("rmqsim-store-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(s_counter++))) {
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string str() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    fs::path m_path;
};

rmq::StoredMessage message(const std::string& topic, int q, const std::string& body) {
    rmq::StoredMessage m;
    m.topic = topic;
    m.queue_id = q;
    m.body = body;
    m.born_host = "127.0.0.1:50000";
    m.store_host = "127.0.0.1:10911";
    m.born_timestamp = 1700000000000;
    m.store_timestamp = 1700000000001;
    m.properties = {{"UNIQ_KEY", body}};
    return m;
}

TEST(MessageStore, PutGetAndOffsetsSurviveARestart) {
    TempDir dir;
    std::int64_t max_commit = 0;
    {
        auto s = MessageStore::open(dir.str()).value();
        for (int i = 0; i < 5; ++i) {
            auto r = s->put(message("T", i % 2, "m" + std::to_string(i)));
            ASSERT_TRUE(r.ok());
        }
        EXPECT_EQ(s->max_offset("T", 0), 3);
        EXPECT_EQ(s->max_offset("T", 1), 2);
        max_commit = s->commit_log_max_offset();
    }
    auto s = MessageStore::open(dir.str()).value();
    EXPECT_EQ(s->commit_log_max_offset(), max_commit);
    EXPECT_EQ(s->max_offset("T", 0), 3);
    auto got = s->get("T", 0, 1, 32);
    ASSERT_EQ(got.status, GetStatus::found);
    EXPECT_EQ(got.count, 2);
    EXPECT_EQ(got.next_begin_offset, 3);
    auto msgs = rmq::decode_stored_messages(got.body).value();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].body, "m2");
    EXPECT_EQ(msgs[0].queue_offset, 1);
    EXPECT_EQ(msgs[1].body, "m4");
    EXPECT_EQ(msgs[1].properties.at("UNIQ_KEY"), "m4");
    EXPECT_EQ(s->get("T", 0, 3, 32).status, GetStatus::offset_overflow_one);
    EXPECT_EQ(s->get("T", 0, 9, 32).status, GetStatus::offset_overflow_badly);
    EXPECT_EQ(s->get("T", 7, 0, 32).status, GetStatus::no_message_in_queue);
}

TEST(MessageStore, TornTailIsCutAndReplicaAppendRebuildsQueues) {
    TempDir master_dir, slave_dir;
    auto master = MessageStore::open(master_dir.str()).value();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(master->put(message("R", 0, "x" + std::to_string(i))).ok());
    auto slave = MessageStore::open(slave_dir.str()).value();
    ASSERT_TRUE(slave->append_raw(master->read_raw(0, 1 << 20)).ok());
    EXPECT_EQ(slave->commit_log_max_offset(), master->commit_log_max_offset());
    EXPECT_EQ(slave->max_offset("R", 0), 3);
    slave.reset();
    // A crash mid-write leaves half a record: it is cut off at the next open.
    {
        std::FILE* f = std::fopen((slave_dir.str() + "/commitlog/00000000000000000000").c_str(), "ab");
        std::fwrite("\x00\x00\x01\x00garbage", 1, 11, f);
        std::fclose(f);
    }
    auto reopened = MessageStore::open(slave_dir.str()).value();
    EXPECT_EQ(reopened->commit_log_max_offset(), master->commit_log_max_offset());
    EXPECT_EQ(reopened->max_offset("R", 0), 3);
}

TEST(BrokerMetadata, DefaultTopicsOffsetsAndPersistence) {
    TempDir dir;
    auto t = TopicTable::load(dir.str(), "DefaultCluster", "broker-a", 1700000000000);
    ASSERT_NE(t.find("TBW102"), nullptr);
    EXPECT_EQ(t.find("TBW102")->perm, 7);
    EXPECT_EQ(t.find("DefaultCluster")->perm, 7);
    EXPECT_EQ(t.find("broker-a")->perm, 7);
    EXPECT_EQ(t.find("SELF_TEST_TOPIC")->perm, 6);
    t.upsert(rmq::TopicConfig{"Mine", 2, 2, 6, "SINGLE_TAG", 0, false, {}}, 1700000000005);
    ASSERT_TRUE(t.persist().ok());
    auto again = TopicTable::load(dir.str(), "DefaultCluster", "broker-a", 0);
    ASSERT_NE(again.find("Mine"), nullptr);
    EXPECT_EQ(again.table().data_version, t.table().data_version);

    auto o = OffsetTable::load(dir.str());
    o.set("G", "T", 3, 42);
    ASSERT_TRUE(o.persist().ok());
    auto o2 = OffsetTable::load(dir.str());
    EXPECT_EQ(o2.get("G", "T", 3).value_or(-1), 42);
    EXPECT_FALSE(o2.get("G", "T", 2).has_value());
    EXPECT_EQ(o2.of_group("G").size(), 1u);
}

TEST(BrokerConfig, UpdateRewritesTheWholeFileWithEveryKey) {
    TempDir dir;
    std::string path = dir.str() + "/broker.properties";
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        std::fputs("brokerName=broker-x\nlistenPort=30911\nnamesrvAddr=127.0.0.1:9876\n", f);
        std::fclose(f);
    }
    auto cfg = BrokerConfig::load(path).value();
    EXPECT_EQ(cfg.broker_name(), "broker-x");
    EXPECT_EQ(cfg.port(), 30911);
    EXPECT_EQ(cfg.permission(), 6);
    EXPECT_TRUE(cfg.update({{"brokerPermission", "4"}}));
    EXPECT_FALSE(cfg.update({{"flushDiskType", "SYNC_FLUSH"}}));
    ASSERT_TRUE(cfg.persist().ok());
    auto reread = BrokerConfig::load(path).value();
    EXPECT_EQ(reread.permission(), 4);
    EXPECT_EQ(reread.get("flushDiskType"), "SYNC_FLUSH");
    EXPECT_EQ(reread.get("namesrvAddr"), "127.0.0.1:9876");
    EXPECT_GT(reread.all().size(), 150u);  // every key, as a real broker writes it
}

TEST(TpsWindow, RatesPerWindowAndEmptyUntilEnoughUptime) {
    TpsWindow w(0);
    for (int s = 0; s < 70; ++s)
        w.add(s * 1000 + 10, 20);
    EXPECT_DOUBLE_EQ(w.rate(70000, 10).value(), 20.0);
    EXPECT_DOUBLE_EQ(w.rate(70000, 60).value(), 20.0);
    EXPECT_FALSE(w.rate(70000, 600).has_value());
    EXPECT_EQ(w.format(70000), "20.0 20.0 ");
    EXPECT_DOUBLE_EQ(w.rate(85000, 10).value(), 0.0);
    EXPECT_EQ(w.total(), 1400);
}

}  // namespace
}  // namespace rmqsim
