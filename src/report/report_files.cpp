// Writing the rendered reports to the --report directory.
#include <filesystem>
#include <fstream>

#include "rmqup/report/report.hpp"

namespace rmqup::report {

using namespace engine;  // the report reads the engine's events and summary

namespace {
Status write_text(const std::string& dir, const std::string& name, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return make_error(ErrorKind::io, "cannot create report directory " + dir + ": " + ec.message());
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return make_error(ErrorKind::io, "cannot write " + path);
    return ok_status();
}
}  // namespace

Status write_markdown_report(const std::string& dir, const RunSummary& summary, const std::vector<Event>& events) {
    return write_text(dir, "report.md", render_markdown_report(summary, events));
}

Status write_html_report(const std::string& dir, const RunSummary& summary, const std::vector<Event>& events) {
    return write_text(dir, "report.html", render_html_report(summary, events));
}

}  // namespace rmqup::report
