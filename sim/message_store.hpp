// The simulated broker's message store under storePathRootDir: an append-only commit log of
// real stored-message records (the PULL_MESSAGE encoding) plus one consume-queue file per
// topic/queue with 20-byte entries, read back with pread so memory stays flat. Survives restarts
// (and SIGKILL: a torn tail record is cut off at open).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqsim {

struct PutOutcome {
    std::int64_t queue_offset = 0;
    std::int64_t commit_log_offset = 0;
    int size = 0;
};

enum class GetStatus { found, no_message_in_queue, offset_overflow_one, offset_overflow_badly, offset_too_small };

struct GetOutcome {
    GetStatus status = GetStatus::no_message_in_queue;
    std::int64_t next_begin_offset = 0;
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    int count = 0;
    std::string body;  // concatenated stored-message records
};

// The remark a real broker puts on a pull response with this status.
const char* to_string(GetStatus s);

class MessageStore {
public:
    // Opens (creating) the store under root; recovers the consume queues from the commit log.
    static rmqup::Result<std::unique_ptr<MessageStore>> open(const std::string& root);
    ~MessageStore();
    MessageStore(const MessageStore&) = delete;
    MessageStore& operator=(const MessageStore&) = delete;

    // Appends m; fills queue offset, commit-log offset, size, body CRC and magic before encoding.
    rmqup::Result<PutOutcome> put(rmqup::rmq::StoredMessage m);
    // Reads up to max_nums messages of topic/queue from offset.
    GetOutcome get(const std::string& topic, int queue_id, std::int64_t offset, int max_nums) const;
    // Raw commit-log bytes from offset (slave replication), whole records only, at most max_bytes.
    std::string read_raw(std::int64_t from, std::size_t max_bytes) const;
    // Appends raw records read from a master at exactly commit_log_max_offset(); dispatches them.
    rmqup::Status append_raw(std::string_view bytes);

    std::int64_t max_offset(const std::string& topic, int queue_id) const;
    std::int64_t min_offset(const std::string& /*topic*/, int /*queue_id*/) const { return 0; }
    std::int64_t last_store_timestamp(const std::string& topic, int queue_id) const;
    std::int64_t commit_log_max_offset() const { return m_commit_size; }
    std::int64_t earliest_store_timestamp() const { return m_earliest_ts; }

private:
    struct Queue {
        int fd = -1;
        std::int64_t count = 0;
        std::int64_t last_ts = 0;
    };
    MessageStore() = default;
    Queue& queue(const std::string& topic, int queue_id);
    rmqup::Status dispatch_from(std::int64_t offset);
    rmqup::Status add_cq_entry(Queue& q, std::int64_t phys, int size, std::int64_t ts);

    std::string m_root;
    int m_commit_fd = -1;
    std::int64_t m_commit_size = 0;
    std::int64_t m_earliest_ts = -1;
    std::map<std::pair<std::string, int>, Queue> m_queues;
};

}  // namespace rmqsim
