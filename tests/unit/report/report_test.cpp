// Final reports: every node appears, text is escaped, the timeline and TPS are drawn, and
// read-only brokers are called out.
#include <gtest/gtest.h>

#include "rmqup/report/report.hpp"

namespace rmqup::engine {
using report::journal_events;
using report::render_html_report;
using report::render_markdown_report;
}  // namespace rmqup::engine

namespace rmqup::engine {
namespace {

struct Given {
    RunSummary summary;
    std::vector<Event> events;

    Given() {
        summary.status = RunStatus::completed;
        summary.cluster = "Cluster<&>\"x\"";
        summary.target_version = "4.9.7";
        summary.started_ms = 1700000000000;
        summary.ended_ms = 1700000300000;
        summary.message = "every node is at 4.9.7";
        add("ns:127.0.0.2:9876", NodeKind::nameserver, "nameserver 127.0.0.2:9876", 0);
        add("broker:evil:0", NodeKind::broker, "<script>alert(1)</script>@0 127.0.0.10:10911", 100000);
        Event s;
        s.kind = EventKind::sample;
        s.wall_ms = 1700000150000;
        s.tps = {{"evil@0", 120.5, 80}, {"other@0", 30, 30}};
        events.push_back(s);
    }

    void add(const std::string& id, NodeKind kind, const std::string& label, std::int64_t offset) {
        NodeOutcome n;
        n.id = id;
        n.kind = kind;
        n.label = label;
        n.final_phase = Phase::done;
        n.version_before = "4.8.0";
        n.version_after = "4.9.7";
        n.started_ms = summary.started_ms + offset;
        n.ended_ms = n.started_ms + 90000;
        n.target_starts = 1;
        summary.nodes.push_back(n);
        Phase prev = Phase::pending;
        std::int64_t t = n.started_ms;
        for (Phase p : {Phase::stop, Phase::start, Phase::await_registration, Phase::done}) {
            Event e;
            e.kind = EventKind::phase;
            e.wall_ms = t;
            e.node = id;
            e.from = prev;
            e.phase = p;
            events.push_back(e);
            prev = p;
            t += 30000;
        }
    }
};

TEST(Report, MarkdownListsEveryNodeAndTheSummary) {
    Given g;
    const std::string md = render_markdown_report(g.summary, g.events);
    EXPECT_NE(md.find("nameserver 127.0.0.2:9876"), std::string::npos);
    EXPECT_NE(md.find("alert(1)"), std::string::npos);
    EXPECT_NE(md.find("| Nodes at target | 2 / 2 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| Read-only brokers left | none |"), std::string::npos);
    EXPECT_NE(md.find("| Duration | 5 min 0 s |"), std::string::npos);
    EXPECT_NE(md.find("peak 150"), std::string::npos);
}

TEST(Report, HtmlIsSelfContainedAndEscapesEverything) {
    Given g;
    const std::string html = render_html_report(g.summary, g.events);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;@0"), std::string::npos);
    EXPECT_NE(html.find("Cluster&lt;&amp;&gt;&quot;x&quot;"), std::string::npos);
    EXPECT_EQ(html.find("http://www.w3.org/2000/svg\" width") == std::string::npos, false);
    EXPECT_EQ(html.find("src="), std::string::npos) << "no external assets";
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_NE(html.find("<polyline"), std::string::npos) << "the TPS line";
    EXPECT_NE(html.find("nameserver 127.0.0.2:9876"), std::string::npos);
    // One bar per phase span of each node.
    size_t rects = 0;
    for (size_t p = html.find("<rect x"); p != std::string::npos; p = html.find("<rect x", p + 1))
        ++rects;
    EXPECT_GE(rects, 8u);
}

TEST(Report, ReadOnlyBrokersAreCalledOut) {
    Given g;
    g.summary.status = RunStatus::paused;
    g.summary.read_only_left = {"broker-a@0 127.0.0.10:10911: READ-ONLY: restoring perm 6 failed"};
    const std::string md = render_markdown_report(g.summary, g.events);
    const std::string html = render_html_report(g.summary, g.events);
    EXPECT_NE(md.find("## READ-ONLY brokers left"), std::string::npos);
    EXPECT_NE(md.find("broker-a@0 127.0.0.10:10911: READ-ONLY"), std::string::npos);
    EXPECT_NE(html.find("READ-ONLY brokers left</h2>"), std::string::npos);
}

TEST(Report, EventsAsJsonLines) {
    Event e;
    e.kind = EventKind::wait;
    e.node = "broker:a:0";
    e.phase = Phase::drain;
    e.message = "drain \"quoted\"";
    e.elapsed_ms = 1000;
    e.left_ms = 2000;
    const std::string j = event_to_json(e);
    EXPECT_NE(j.find("\"event\":\"wait\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"left_ms\":2000"), std::string::npos);
    EXPECT_NE(j.find("\\\"quoted\\\""), std::string::npos);
    EXPECT_EQ(j.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rmqup::engine

namespace rmqup::engine {
namespace {

TEST(Report, JournalRecordsBecomePhaseEventsForAResumedRoll) {
    std::vector<JournalRecord> recs = {
        {1, 100, RecordKind::run_started, "", Phase::pending, Phase::pending, "apply", "", "", 0},
        {2, 200, RecordKind::phase, "broker:a:0", Phase::drain, Phase::confirm_read_only, "", "", "", 0},
        {3, 300, RecordKind::note, "broker:a:0", Phase::drain, Phase::drain, "note", "", "", 0},
        {4, 400, RecordKind::phase, "broker:a:0", Phase::paused, Phase::drain, "interrupted", "", "", 0},
    };
    auto ev = journal_events(recs);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].phase, Phase::drain);
    EXPECT_EQ(ev[1].phase, Phase::paused);
    EXPECT_EQ(ev[1].from, Phase::drain);
    EXPECT_EQ(ev[1].wall_ms, 400);
    EXPECT_EQ(ev[1].message, "interrupted");
}

}  // namespace
}  // namespace rmqup::engine

namespace rmqup::engine {
namespace {

// Each broker's row carries its own put TPS: traffic leaving during the drain and coming back.
TEST(Report, HtmlDrawsEachBrokersOwnPutTps) {
    RunSummary summary;
    summary.status = RunStatus::completed;
    summary.started_ms = 1700000000000;
    summary.ended_ms = 1700000100000;
    for (const char* id : {"broker:broker-a:0", "broker:broker-b:0"}) {
        NodeOutcome n;
        n.id = id;
        n.kind = NodeKind::broker;
        n.label = std::string(id).substr(7);
        summary.nodes.push_back(n);
    }
    std::vector<Event> events;
    for (int i = 0; i < 5; ++i) {
        Event s;
        s.kind = EventKind::sample;
        s.wall_ms = summary.started_ms + i * 20000;
        // broker-a drains to 0 and comes back; broker-b takes its traffic.
        s.tps = {{"broker-a@0", i == 2 ? 0.0 : 100.0, 0}, {"broker-b@0", i == 2 ? 200.0 : 100.0, 0}};
        events.push_back(s);
    }
    const std::string html = render_html_report(summary, events);
    std::size_t lines = 0;
    for (auto p = html.find("class=\"broker-tps\""); p != std::string::npos; p = html.find("class=\"broker-tps\"", p + 1))
        ++lines;
    EXPECT_EQ(lines, 2u) << html;
    EXPECT_NE(html.find("broker-a:0: own put TPS, peak 100.0 msg/s"), std::string::npos);
    EXPECT_NE(html.find("broker-b:0: own put TPS, peak 200.0 msg/s"), std::string::npos);
}

}  // namespace
}  // namespace rmqup::engine
