#include "rmqup/engine/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rmqup::engine {

namespace {

constexpr Phase k_all_phases[] = {
    Phase::pending,        Phase::skipped,   Phase::set_read_only,      Phase::confirm_read_only,
    Phase::drain,          Phase::stop,      Phase::restore_config,     Phase::start,
    Phase::await_registration, Phase::set_read_write, Phase::confirm_read_write, Phase::verify,
    Phase::done,           Phase::rolling_back, Phase::rolled_back,     Phase::paused,
    Phase::failed,
};

std::optional<Phase> phase_from_name(const std::string& s) {
    for (Phase p : k_all_phases)
        if (s == phase_name(p))
            return p;
    return std::nullopt;
}

std::optional<RecordKind> kind_from_name(const std::string& s) {
    for (RecordKind k : {RecordKind::run_started, RecordKind::phase, RecordKind::note, RecordKind::run_ended,
                         RecordKind::awaiting_approval, RecordKind::approved, RecordKind::baseline})
        if (s == record_kind_name(k))
            return k;
    return std::nullopt;
}

Error sys_error(const std::string& what, const std::string& path) {
    return make_error(ErrorKind::io, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

const char* record_kind_name(RecordKind k) {
    switch (k) {
    case RecordKind::run_started: return "run_started";
    case RecordKind::phase: return "phase";
    case RecordKind::note: return "note";
    case RecordKind::run_ended: return "run_ended";
    case RecordKind::awaiting_approval: return "awaiting_approval";
    case RecordKind::approved: return "approved";
    case RecordKind::baseline: return "baseline";
    }
    return "unknown";
}

std::string record_to_json(const JournalRecord& r) {
    nlohmann::json j;
    j["seq"] = r.seq;
    j["ts"] = r.wall_ms;
    j["kind"] = record_kind_name(r.kind);
    if (!r.node.empty())
        j["node"] = r.node;
    if (r.kind == RecordKind::phase || r.kind == RecordKind::note) {
        j["phase"] = phase_name(r.phase);
        j["from"] = phase_name(r.from);
    }
    if (!r.message.empty())
        j["msg"] = r.message;
    if (!r.plan_hash.empty())
        j["plan"] = r.plan_hash;
    if (!r.gate.empty())
        j["gate"] = r.gate;
    if (r.kind == RecordKind::baseline)
        j["value"] = r.value;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<JournalRecord> record_from_json(const std::string& line) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return make_error(ErrorKind::invalid_input, "journal line is not a JSON object");
    JournalRecord r;
    r.seq = j.value("seq", std::int64_t{0});
    r.wall_ms = j.value("ts", std::int64_t{0});
    auto kind = kind_from_name(j.value("kind", std::string()));
    if (!kind)
        return make_error(ErrorKind::invalid_input, "journal record has an unknown kind");
    r.kind = *kind;
    r.node = j.value("node", std::string());
    if (j.contains("phase")) {
        auto p = phase_from_name(j.value("phase", std::string()));
        auto f = phase_from_name(j.value("from", std::string("pending")));
        if (!p || !f)
            return make_error(ErrorKind::invalid_input, "journal record has an unknown phase");
        r.phase = *p;
        r.from = *f;
    }
    r.message = j.value("msg", std::string());
    r.plan_hash = j.value("plan", std::string());
    r.gate = j.value("gate", std::string());
    if (j.contains("value") && j["value"].is_number())
        r.value = j["value"].get<double>();
    return r;
}

GateState gate_state(const std::vector<JournalRecord>& records) {
    GateState g;
    for (const auto& r : records) {
        if (r.kind == RecordKind::awaiting_approval) {
            g.awaiting = r.gate;
        } else if (r.kind == RecordKind::approved) {
            g.approved.push_back(r.gate);
            if (g.awaiting == r.gate)
                g.awaiting.clear();
        } else if (r.kind == RecordKind::baseline && !g.baseline_put_tps) {
            g.baseline_put_tps = r.value;
        }
    }
    return g;
}

Status MemoryJournal::append(JournalRecord r) {
    r.seq = static_cast<std::int64_t>(m_records.size()) + 1;
    m_records.push_back(std::move(r));
    return ok_status();
}

Result<std::vector<JournalRecord>> MemoryJournal::load() { return m_records; }

namespace {

// The records of a journal file, and the byte length of its intact part: a torn last line
// (a crash mid-write) is left out of both; anything else unreadable is corruption.
struct Loaded {
    std::vector<JournalRecord> records;
    std::size_t intact_bytes = 0;
    bool needs_newline = false;  // the intact part ends with a complete record but no '\n'
};

Result<Loaded> load_file(const std::string& path) {
    Loaded out;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return out;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::size_t pos = 0;
    int line_no = 0;
    while (pos < text.size()) {
        const std::size_t eol = text.find('\n', pos);
        const bool last = eol == std::string::npos;
        const std::string line = text.substr(pos, last ? std::string::npos : eol - pos);
        const std::size_t next = last ? text.size() : eol + 1;
        ++line_no;
        if (!line.empty()) {
            auto r = record_from_json(line);
            if (!r.ok()) {
                if (next >= text.size())
                    break;  // torn tail: dropped here, truncated by open()
                return std::move(r).error().with(path + ":" + std::to_string(line_no));
            }
            out.records.push_back(std::move(r).value());
        }
        out.intact_bytes = next;
        out.needs_newline = last && !line.empty();
        pos = next;
    }
    return out;
}

// Makes a new or truncated file's directory entry durable.
void fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

FileJournal::FileJournal(std::string path, int fd, int lock_fd, std::int64_t next_seq)
    : m_path(std::move(path)), m_fd(fd), m_lock_fd(lock_fd), m_next_seq(next_seq) {}

FileJournal::~FileJournal() {
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_lock_fd >= 0) {
        ::flock(m_lock_fd, LOCK_UN);
        ::close(m_lock_fd);
    }
}

Result<std::unique_ptr<FileJournal>> FileJournal::open(const std::string& dir, JournalOpen mode) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return make_error(ErrorKind::io, "cannot create journal directory " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
    const std::string lock_path = dir + "/lock";
    int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0)
        return sys_error("cannot open lock file", lock_path);
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(lock_fd);
        return make_error(ErrorKind::conflict, "another rmq-upgrade holds the lock " + lock_path +
                                                   ": only one orchestrator may drive a cluster");
    }
    const std::string path = journal_path(dir);
    auto loaded = load_file(path);
    if (!loaded.ok()) {
        ::close(lock_fd);
        return std::move(loaded).error();
    }
    auto* existing = &loaded->records;
    if (mode == JournalOpen::fresh && !existing->empty()) {
        ::close(lock_fd);
        return make_error(ErrorKind::conflict, "journal " + path + " already holds a run: use `rmq-upgrade resume "
                                               "--journal " + dir + "` or a new --journal directory");
    }
    if (mode == JournalOpen::resume && existing->empty()) {
        ::close(lock_fd);
        return make_error(ErrorKind::invalid_input, "no journal to resume at " + path);
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        ::close(lock_fd);
        return sys_error("cannot open journal", path);
    }
    ::fchmod(fd, 0600);
    // A torn last record is cut off, so that the next record does not glue onto it.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) > loaded->intact_bytes) {
        if (::ftruncate(fd, static_cast<off_t>(loaded->intact_bytes)) != 0) {
            Error e = sys_error("cannot truncate the torn tail of journal", path);
            ::close(fd);
            ::close(lock_fd);
            return e;
        }
    }
    if (loaded->needs_newline && ::write(fd, "\n", 1) != 1) {
        Error e = sys_error("cannot write journal", path);
        ::close(fd);
        ::close(lock_fd);
        return e;
    }
    ::fsync(fd);
    fsync_dir(dir);
    std::int64_t next = existing->empty() ? 1 : existing->back().seq + 1;
    return std::unique_ptr<FileJournal>(new FileJournal(path, fd, lock_fd, next));
}

Status FileJournal::append(JournalRecord r) {
    r.seq = m_next_seq;
    std::string line = record_to_json(r) + "\n";
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t w = ::write(m_fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return sys_error("cannot write journal", m_path);
        }
        p += w;
        left -= static_cast<size_t>(w);
    }
    if (::fsync(m_fd) != 0)
        return sys_error("cannot fsync journal", m_path);
    ++m_next_seq;
    return ok_status();
}

Result<std::vector<JournalRecord>> FileJournal::load() {
    auto loaded = load_file(m_path);
    if (!loaded.ok())
        return std::move(loaded).error();
    return std::move(loaded->records);
}

std::vector<std::pair<std::string, NodeJournalState>> last_states(const std::vector<JournalRecord>& records) {
    std::vector<std::pair<std::string, NodeJournalState>> out;
    std::map<std::string, size_t> index;
    for (const auto& r : records) {
        if (r.kind != RecordKind::phase || r.node.empty())
            continue;
        auto [it, inserted] = index.emplace(r.node, out.size());
        if (inserted)
            out.emplace_back(r.node, NodeJournalState{});
        auto& st = out[it->second].second;
        st.phase = r.phase;
        st.from = r.from;
        if (r.phase == Phase::start)
            st.started = true;
    }
    return out;
}

}  // namespace rmqup::engine
