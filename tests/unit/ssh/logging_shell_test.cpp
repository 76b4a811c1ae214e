// rmq-upgrade -v: LoggingShell puts every remote command on the debug log with the host, the
// command with secrets masked, and the exit status; uploads name the path but never the content.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/logging_shell.hpp"

namespace rmqup {
namespace {

// Points the default logger at a string for the test's lifetime, at debug level.
class LogCapture {
public:
    LogCapture() : m_previous(spdlog::default_logger()) {
        auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(m_out));
        logger->set_pattern("%l %v");
        spdlog::set_default_logger(logger);
        spdlog::set_level(spdlog::level::debug);
    }
    ~LogCapture() {
        spdlog::set_default_logger(m_previous);
        spdlog::set_level(spdlog::level::info);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const { return m_out.str(); }

private:
    std::ostringstream m_out;
    std::shared_ptr<spdlog::logger> m_previous;
};

TEST(LoggingShell, LogsHostCommandAndExitStatus) {
    LoggingShell shell(std::make_unique<LocalShell>(), {});
    LogCapture log;

    auto r = shell.exec("echo out; exit 3", ExecOptions{});

    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->exit_status, 3);
    EXPECT_EQ(r->out, "out\n");
    EXPECT_NE(log.text().find("debug local: `echo out; exit 3` -> exit 3 in "), std::string::npos) << log.text();
}

TEST(LoggingShell, MasksGivenSecretsAndSecretSettings) {
    LoggingShell shell(std::make_unique<LocalShell>(), {Secret("hunter2")});
    LogCapture log;

    auto r = shell.exec("true hunter2 secretKey=abc123 --password 'p w' RMQ_SECRET_KEY=xyz", ExecOptions{});

    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto text = log.text();
    for (const char* secret : {"hunter2", "abc123", "p w", "xyz"})
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked: " << text;
    EXPECT_NE(text.find("true ****** secretKey=****** --password ****** RMQ_SECRET_KEY=******"), std::string::npos)
        << text;
}

TEST(LoggingShell, UploadNamesPathNotContent) {
    const auto path = std::filesystem::temp_directory_path() / ("rmqup-logging-shell-" + std::to_string(::getpid()));
    LoggingShell shell(std::make_unique<LocalShell>(), {});
    LogCapture log;

    auto s = shell.upload("aclEnable=true\nsecret content\n", path.string(), 0600);

    ASSERT_TRUE(s.ok()) << s.error().describe();
    std::filesystem::remove(path);
    const auto text = log.text();
    EXPECT_NE(text.find("upload " + path.string() + " (30 bytes, mode 600) -> ok"), std::string::npos) << text;
    EXPECT_EQ(text.find("secret content"), std::string::npos) << text;
}

}  // namespace
}  // namespace rmqup
