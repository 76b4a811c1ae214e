#include "message_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>

#include "rmqup/remoting/bodies.hpp"

namespace rmqsim {

namespace fs = std::filesystem;
namespace rmq = rmqup::rmq;

namespace {
constexpr int k_cq_entry = 20;
constexpr std::uint32_t k_magic_v1 = 0xDAA320A7u;

std::int64_t be64(const char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return static_cast<std::int64_t>(v);
}
std::int32_t be32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return static_cast<std::int32_t>(v);
}
void put_be(char* p, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
        p[i] = static_cast<char>(v & 0xFF);
        v >>= 8;
    }
}
bool pread_all(int fd, char* buf, std::size_t n, std::int64_t off) {
    std::size_t done = 0;
    while (done < n) {
        auto r = ::pread(fd, buf + done, n - done, static_cast<off_t>(off + static_cast<std::int64_t>(done)));
        if (r <= 0)
            return false;
        done += static_cast<std::size_t>(r);
    }
    return true;
}
bool write_all(int fd, const char* buf, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        auto r = ::write(fd, buf + done, n - done);
        if (r <= 0)
            return false;
        done += static_cast<std::size_t>(r);
    }
    return true;
}
rmqup::Error io_error(const std::string& what) {
    return rmqup::make_error(rmqup::ErrorKind::io, what + ": " + std::strerror(errno));
}
// Topic names are file names here; keep them safe.
std::string safe_name(const std::string& topic) {
    std::string s = topic;
    for (auto& c : s)
        if (c == '/' || c == '\0')
            c = '_';
    return s;
}
}  // namespace

const char* to_string(GetStatus s) {
    switch (s) {
    case GetStatus::found: return "FOUND";
    case GetStatus::no_message_in_queue: return "NO_MESSAGE_IN_QUEUE";
    case GetStatus::offset_overflow_one: return "OFFSET_OVERFLOW_ONE";
    case GetStatus::offset_overflow_badly: return "OFFSET_OVERFLOW_BADLY";
    case GetStatus::offset_too_small: return "OFFSET_TOO_SMALL";
    }
    return "UNKNOWN";
}

MessageStore::~MessageStore() {
    if (m_commit_fd >= 0)
        ::close(m_commit_fd);
    for (auto& [k, q] : m_queues)
        if (q.fd >= 0)
            ::close(q.fd);
}

rmqup::Result<std::unique_ptr<MessageStore>> MessageStore::open(const std::string& root) {
    std::unique_ptr<MessageStore> s(new MessageStore());
    s->m_root = root;
    std::error_code ec;
    fs::create_directories(root + "/commitlog", ec);
    fs::create_directories(root + "/consumequeue", ec);
    if (ec)
        return rmqup::make_error(rmqup::ErrorKind::io, "cannot create store under " + root + ": " + ec.message());
    std::string cl = root + "/commitlog/00000000000000000000";
    s->m_commit_fd = ::open(cl.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (s->m_commit_fd < 0)
        return io_error("open " + cl);
    struct stat st {};
    ::fstat(s->m_commit_fd, &st);
    s->m_commit_size = st.st_size;

    // Load consume queues; entries pointing past the commit log are dropped.
    std::int64_t covered = 0;
    for (const auto& tdir : fs::directory_iterator(root + "/consumequeue", ec)) {
        if (!tdir.is_directory())
            continue;
        for (const auto& qf : fs::directory_iterator(tdir.path(), ec)) {
            int qid = std::atoi(qf.path().filename().c_str());
            auto& q = s->queue(tdir.path().filename().string(), qid);
            if (q.fd < 0)
                return io_error("open consume queue " + qf.path().string());
            struct stat qs {};
            ::fstat(q.fd, &qs);
            std::int64_t n = qs.st_size / k_cq_entry;
            while (n > 0) {
                char e[k_cq_entry];
                if (!pread_all(q.fd, e, k_cq_entry, (n - 1) * k_cq_entry))
                    break;
                std::int64_t phys = be64(e);
                std::int64_t size = be32(e + 8);
                if (phys + size <= s->m_commit_size) {
                    covered = std::max(covered, phys + size);
                    q.last_ts = be64(e + 12);
                    break;
                }
                --n;
            }
            if (::ftruncate(q.fd, n * k_cq_entry) != 0)
                return io_error("truncate consume queue");
            q.count = n;
        }
    }
    RMQUP_TRY(s->dispatch_from(covered));
    if (s->m_commit_size > 0) {
        char head[64];
        if (pread_all(s->m_commit_fd, head, 64, 0))
            s->m_earliest_ts = be64(head + 56);  // STORETIMESTAMP of the first record (IPv4 born host)
    }
    return s;
}

MessageStore::Queue& MessageStore::queue(const std::string& topic, int queue_id) {
    auto key = std::make_pair(topic, queue_id);
    auto it = m_queues.find(key);
    if (it != m_queues.end())
        return it->second;
    std::string dir = m_root + "/consumequeue/" + safe_name(topic);
    std::error_code ec;
    fs::create_directories(dir, ec);
    Queue q;
    std::string file = dir + "/" + std::to_string(queue_id);
    q.fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return m_queues.emplace(key, q).first->second;
}

rmqup::Status MessageStore::add_cq_entry(Queue& q, std::int64_t phys, int size, std::int64_t ts) {
    char e[k_cq_entry];
    put_be(e, static_cast<std::uint64_t>(phys), 8);
    put_be(e + 8, static_cast<std::uint32_t>(size), 4);
    put_be(e + 12, static_cast<std::uint64_t>(ts), 8);  // simplified: store time instead of the tag hash
    if (q.fd < 0 || !write_all(q.fd, e, k_cq_entry))
        return io_error("write consume queue");
    ++q.count;
    q.last_ts = ts;
    return {};
}

rmqup::Status MessageStore::dispatch_from(std::int64_t offset) {
    std::int64_t pos = offset;
    while (pos + 4 <= m_commit_size) {
        char h[4];
        if (!pread_all(m_commit_fd, h, 4, pos))
            break;
        std::int32_t size = be32(h);
        if (size <= 0 || pos + size > m_commit_size)
            break;
        std::string rec(static_cast<std::size_t>(size), '\0');
        if (!pread_all(m_commit_fd, rec.data(), rec.size(), pos))
            break;
        auto msgs = rmq::decode_stored_messages(rec);
        if (!msgs.ok() || msgs->size() != 1)
            break;
        const auto& m = msgs->front();
        auto& q = queue(m.topic, m.queue_id);
        if (m.queue_offset == q.count)  // entries already present are skipped
            RMQUP_TRY(add_cq_entry(q, pos, size, m.store_timestamp));
        if (m_earliest_ts < 0)
            m_earliest_ts = m.store_timestamp;
        pos += size;
    }
    if (pos < m_commit_size) {  // a torn tail (crash mid-write): cut it off
        if (::ftruncate(m_commit_fd, pos) != 0)
            return io_error("truncate commit log");
        m_commit_size = pos;
    }
    return {};
}

rmqup::Result<PutOutcome> MessageStore::put(rmq::StoredMessage m) {
    auto& q = queue(m.topic, m.queue_id);
    m.magic = k_magic_v1;
    m.queue_offset = q.count;
    m.commit_log_offset = m_commit_size;
    m.body_crc = static_cast<int>(
        crc32(0L, reinterpret_cast<const Bytef*>(m.body.data()), static_cast<uInt>(m.body.size())) & 0x7FFFFFFFu);
    m.store_size = 0;
    std::string rec = rmq::encode_stored_message(m);
    put_be(rec.data(), static_cast<std::uint32_t>(rec.size()), 4);
    if (!write_all(m_commit_fd, rec.data(), rec.size()))
        return io_error("append commit log");
    PutOutcome out;
    out.queue_offset = m.queue_offset;
    out.commit_log_offset = m_commit_size;
    out.size = static_cast<int>(rec.size());
    m_commit_size += static_cast<std::int64_t>(rec.size());
    if (m_earliest_ts < 0)
        m_earliest_ts = m.store_timestamp;
    RMQUP_TRY(add_cq_entry(q, out.commit_log_offset, out.size, m.store_timestamp));
    return out;
}

GetOutcome MessageStore::get(const std::string& topic, int queue_id, std::int64_t offset, int max_nums) const {
    GetOutcome out;
    auto it = m_queues.find(std::make_pair(topic, queue_id));
    std::int64_t max = it == m_queues.end() ? 0 : it->second.count;
    out.min_offset = 0;
    out.max_offset = max;
    if (max == 0) {
        out.status = GetStatus::no_message_in_queue;
        out.next_begin_offset = 0;
        return out;
    }
    if (offset < 0) {
        out.status = GetStatus::offset_too_small;
        out.next_begin_offset = 0;
        return out;
    }
    if (offset == max) {
        out.status = GetStatus::offset_overflow_one;
        out.next_begin_offset = offset;
        return out;
    }
    if (offset > max) {
        out.status = GetStatus::offset_overflow_badly;
        out.next_begin_offset = max;
        return out;
    }
    std::int64_t n = std::min<std::int64_t>(std::max(1, max_nums), max - offset);
    std::string cq(static_cast<std::size_t>(n * k_cq_entry), '\0');
    if (!pread_all(it->second.fd, cq.data(), cq.size(), offset * k_cq_entry)) {
        out.status = GetStatus::offset_overflow_one;
        out.next_begin_offset = offset;
        return out;
    }
    for (std::int64_t i = 0; i < n; ++i) {
        const char* e = cq.data() + i * k_cq_entry;
        std::int64_t phys = be64(e);
        std::int32_t size = be32(e + 8);
        std::size_t at = out.body.size();
        out.body.resize(at + static_cast<std::size_t>(size));
        if (!pread_all(m_commit_fd, out.body.data() + at, static_cast<std::size_t>(size), phys)) {
            out.body.resize(at);
            break;
        }
        ++out.count;
        if (out.body.size() > 256 * 1024)  // maxTransferBytesOnMessageInMemory
            break;
    }
    out.status = out.count > 0 ? GetStatus::found : GetStatus::offset_overflow_one;
    out.next_begin_offset = offset + out.count;
    return out;
}

std::string MessageStore::read_raw(std::int64_t from, std::size_t max_bytes) const {
    std::string out;
    std::int64_t pos = from;
    while (pos + 4 <= m_commit_size && out.size() < max_bytes) {
        char h[4];
        if (!pread_all(m_commit_fd, h, 4, pos))
            break;
        std::int32_t size = be32(h);
        if (size <= 0 || pos + size > m_commit_size)
            break;
        std::size_t at = out.size();
        out.resize(at + static_cast<std::size_t>(size));
        if (!pread_all(m_commit_fd, out.data() + at, static_cast<std::size_t>(size), pos)) {
            out.resize(at);
            break;
        }
        pos += size;
    }
    return out;
}

rmqup::Status MessageStore::append_raw(std::string_view bytes) {
    if (bytes.empty())
        return {};
    std::int64_t start = m_commit_size;
    if (!write_all(m_commit_fd, bytes.data(), bytes.size()))
        return io_error("append commit log (replica)");
    m_commit_size += static_cast<std::int64_t>(bytes.size());
    return dispatch_from(start);
}

std::int64_t MessageStore::max_offset(const std::string& topic, int queue_id) const {
    auto it = m_queues.find(std::make_pair(topic, queue_id));
    return it == m_queues.end() ? 0 : it->second.count;
}

std::int64_t MessageStore::last_store_timestamp(const std::string& topic, int queue_id) const {
    auto it = m_queues.find(std::make_pair(topic, queue_id));
    return it == m_queues.end() ? 0 : it->second.last_ts;
}

}  // namespace rmqsim
