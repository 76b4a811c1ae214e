// The journal file: JSON lines, mode 0600, one orchestrator at a time, torn last line tolerated,
// and no secret ever written to it (nor to events or reports).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "rmqup/report/report.hpp"

namespace rmqup::test {
namespace {

std::string temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() / ("rmqup-engine-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    return d.string();
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Journal, RecordRoundTripsThroughJson) {
    engine::JournalRecord r;
    r.seq = 7;
    r.wall_ms = 1700000000123;
    r.kind = engine::RecordKind::phase;
    r.node = "broker:broker-a:0";
    r.from = Phase::drain;
    r.phase = Phase::stop;
    r.message = "quote \" and newline \n";
    auto back = engine::record_from_json(engine::record_to_json(r));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->seq, 7);
    EXPECT_EQ(back->node, r.node);
    EXPECT_EQ(back->from, Phase::drain);
    EXPECT_EQ(back->phase, Phase::stop);
    EXPECT_EQ(back->message, r.message);
}

TEST(Journal, FileIsPrivateLockedAndReloadable) {
    const std::string dir = temp_dir("file");
    {
        auto j = engine::FileJournal::open(dir, engine::JournalOpen::fresh);
        ASSERT_TRUE(j.ok()) << j.error().describe();
        ASSERT_TRUE((*j)->append({0, 1, engine::RecordKind::run_started, "", Phase::pending, Phase::pending, "apply", "", "", 0}).ok());
        ASSERT_TRUE((*j)->append({0, 2, engine::RecordKind::phase, "ns:a", Phase::stop, Phase::pending, "", "", "", 0}).ok());
        struct stat st {};
        ASSERT_EQ(::stat(engine::FileJournal::journal_path(dir).c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        // A second orchestrator is refused while the first holds the lock.
        auto second = engine::FileJournal::open(dir, engine::JournalOpen::resume);
        ASSERT_FALSE(second.ok());
        EXPECT_EQ(second.error().kind, ErrorKind::conflict);
    }
    // A fresh apply refuses an existing journal; resume reads it back and continues the numbering.
    auto fresh = engine::FileJournal::open(dir, engine::JournalOpen::fresh);
    ASSERT_FALSE(fresh.ok());
    auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
    ASSERT_TRUE(j.ok());
    auto recs = (*j)->load();
    ASSERT_TRUE(recs.ok());
    ASSERT_EQ(recs->size(), 2u);
    EXPECT_EQ((*recs)[1].phase, Phase::stop);
    ASSERT_TRUE((*j)->append({0, 3, engine::RecordKind::note, "ns:a", Phase::stop, Phase::stop, "x", "", "", 0}).ok());
    EXPECT_EQ((*(*j)->load())[2].seq, 3);
    std::filesystem::remove_all(dir);
}

TEST(Journal, TornLastLineFromACrashIsIgnored) {
    const std::string dir = temp_dir("torn");
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(engine::FileJournal::journal_path(dir));
        out << R"({"seq":1,"ts":1,"kind":"phase","node":"n","phase":"stop","from":"drain"})" << "\n"
            << R"({"seq":2,"ts":2,"kind":"pha)";
    }
    auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
    ASSERT_TRUE(j.ok()) << j.error().describe();
    auto recs = (*j)->load();
    ASSERT_TRUE(recs.ok());
    EXPECT_EQ(recs->size(), 1u);
    std::filesystem::remove_all(dir);
}

TEST(Journal, TornTailIsTruncatedSoTheNextRecordIsNotGluedOntoIt) {
    const std::string dir = temp_dir("torn-append");
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(engine::FileJournal::journal_path(dir));
        out << R"({"seq":1,"ts":1,"kind":"phase","node":"n","phase":"stop","from":"drain"})" << "\n"
            << R"({"seq":2,"ts":2,"kind":"pha)";
    }
    {
        auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
        ASSERT_TRUE(j.ok()) << j.error().describe();
        engine::JournalRecord r;
        r.kind = engine::RecordKind::phase;
        r.node = "n";
        r.from = Phase::stop;
        r.phase = Phase::restore_config;
        ASSERT_TRUE((*j)->append(r).ok());
        ASSERT_TRUE((*j)->append(r).ok());
    }
    // Reopened after the appends: every record reads back (no corruption in the middle).
    auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
    ASSERT_TRUE(j.ok()) << j.error().describe() << "\n" << slurp(engine::FileJournal::journal_path(dir));
    auto recs = (*j)->load();
    ASSERT_TRUE(recs.ok());
    ASSERT_EQ(recs->size(), 3u);
    EXPECT_EQ(recs->back().seq, 3);
    EXPECT_EQ(slurp(engine::FileJournal::journal_path(dir)).find("\"pha{"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Journal, ACompleteLastRecordWithoutNewlineIsKeptAndTheNextOneStartsOnItsOwnLine) {
    const std::string dir = temp_dir("no-newline");
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(engine::FileJournal::journal_path(dir));
        out << R"({"seq":1,"ts":1,"kind":"phase","node":"n","phase":"stop","from":"drain"})";
    }
    {
        auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
        ASSERT_TRUE(j.ok()) << j.error().describe();
        engine::JournalRecord r;
        r.kind = engine::RecordKind::note;
        r.node = "n";
        ASSERT_TRUE((*j)->append(r).ok());
    }
    auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
    ASSERT_TRUE(j.ok()) << j.error().describe();
    auto recs = (*j)->load();
    ASSERT_TRUE(recs.ok());
    EXPECT_EQ(recs->size(), 2u);
    std::filesystem::remove_all(dir);
}

TEST(Journal, LastStatesKeepsTheLatestPhasePerNode) {
    std::vector<engine::JournalRecord> recs = {
        {1, 0, engine::RecordKind::phase, "a", Phase::stop, Phase::drain, "", "", "", 0},
        {2, 0, engine::RecordKind::phase, "b", Phase::drain, Phase::confirm_read_only, "", "", "", 0},
        {3, 0, engine::RecordKind::phase, "a", Phase::paused, Phase::stop, "interrupted", "", "", 0},
    };
    auto st = engine::last_states(recs);
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].second.phase, Phase::paused);
    EXPECT_EQ(st[0].second.from, Phase::stop);
    EXPECT_EQ(st[1].second.phase, Phase::drain);
}

TEST(Secrets, NeverInJournalEventsOrReports) {
    const std::string secret = "s3cr3t-DO-NOT-LEAK-42";
    ::setenv("RMQUP_TEST_ACL_SECRET", secret.c_str(), 1);
    ::setenv("RMQUP_TEST_SSH_PASS", secret.c_str(), 1);
    const std::string dir = temp_dir("secrets");
    Harness h;
    h.plan.acl_access_key_ref = "rocketmq2";
    h.plan.acl_secret_key_ref = "${RMQUP_TEST_ACL_SECRET}";
    for (auto& host : h.plan.hosts)
        host.passphrase_ref = "${RMQUP_TEST_SSH_PASS}";
    h.cluster.brokers["127.0.0.10:10911"].stubborn_tps = 50;  // a failure path too
    std::string events;
    {
        auto j = engine::FileJournal::open(dir, engine::JournalOpen::fresh);
        ASSERT_TRUE(j.ok());
        std::ostringstream ev;
        engine::JsonLinesReporter json(ev);
        engine::TeeReporter tee;
        tee.add(json);
        tee.add(h.reporter);
        engine::EngineDeps d{h.admin, h.deps().hosts, h.clock, **j, tee, &h.interrupt};
        auto s = engine::run_apply(h.plan, d);
        ASSERT_TRUE(s.ok());
        ASSERT_TRUE(report::write_markdown_report(dir, *s, h.reporter.events()).ok());
        ASSERT_TRUE(report::write_html_report(dir, *s, h.reporter.events()).ok());
        events = ev.str();
    }
    for (const char* f : {"journal.jsonl", "report.md", "report.html"}) {
        const std::string text = slurp(dir + "/" + f);
        EXPECT_FALSE(text.empty()) << f;
        EXPECT_EQ(text.find(secret), std::string::npos) << f;
    }
    EXPECT_FALSE(events.empty());
    EXPECT_EQ(events.find(secret), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

TEST(Journal, CrashMidRunThenResumeFromTheFile) {
    const std::string dir = temp_dir("crash");
    Harness h;
    {
        auto j = engine::FileJournal::open(dir, engine::JournalOpen::fresh);
        ASSERT_TRUE(j.ok());
        FaultyJournal crashing(**j, 30, JournalFault::crash);  // in the middle of the broker-a group
        auto d = h.deps(&crashing);
        EXPECT_THROW((void)engine::run_apply(h.plan, d), SimulatedCrash);
    }  // the lock is released as the process would on death
    auto j = engine::FileJournal::open(dir, engine::JournalOpen::resume);
    ASSERT_TRUE(j.ok()) << j.error().describe();
    auto d = h.deps(j->get());
    auto r = engine::run_resume(h.plan, d);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->status, engine::RunStatus::completed);
    for (const auto& [addr, b] : h.cluster.brokers)
        EXPECT_EQ(b.proc.starts_of_target, 1) << addr;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rmqup::test
