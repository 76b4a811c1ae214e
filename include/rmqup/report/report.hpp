// The final report of a run (apply, resume, rollback, rehearsal): Markdown and a self-contained
// HTML page built from the run's summary and its events (src/report/). Pure functions except the
// write_* pair, which create the folder and write the files.
#pragma once

#include <string>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/engine/engine.hpp"
#include "rmqup/engine/journal.hpp"
#include "rmqup/engine/reporter.hpp"

namespace rmqup::report {

using engine::Event;
using engine::JournalRecord;
using engine::RunSummary;

// Phase events rebuilt from journal records (earlier runs of a resumed roll), so the report of a
// `resume` shows the whole roll's timeline: prepend them to the events of the current run.
std::vector<Event> journal_events(const std::vector<JournalRecord>& records);

// The final report as Markdown: summary, per-node table, read-only brokers left, failures.
std::string render_markdown_report(const RunSummary& summary, const std::vector<Event>& events);
// A self-contained HTML page (inline CSS and SVG): the same plus a timeline of every node's
// phases and the cluster's put TPS around them. All text is HTML-escaped.
std::string render_html_report(const RunSummary& summary, const std::vector<Event>& events);
// Writes <dir>/report.md (creating dir). Errors: io, naming the folder or file that failed.
Status write_markdown_report(const std::string& dir, const RunSummary& summary, const std::vector<Event>& events);
// Writes <dir>/report.html (creating dir). Errors: io, naming the folder or file that failed.
Status write_html_report(const std::string& dir, const RunSummary& summary, const std::vector<Event>& events);

}  // namespace rmqup::report
