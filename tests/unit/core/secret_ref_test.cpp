// Secret references ("${ENV}", "file:/path"), resolved in core for every user (SSH passphrases,
// ACL keys).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "rmqup/core/secret_ref.hpp"

namespace rmqup {
namespace {

struct ScratchDir {
    ScratchDir() {
        char tmpl[] = "/tmp/rmqup-secret-ref-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    std::string path;
};

TEST(SecretRef, ResolvesEnvFileAndEmpty) {
    ScratchDir dir;
    ::setenv("RMQUP_TEST_PASSPHRASE", "s3cret", 1);
    auto env = resolve_secret_ref("${RMQUP_TEST_PASSPHRASE}");
    ASSERT_TRUE(env.ok());
    EXPECT_EQ(env->reveal(), "s3cret");
    std::ofstream(dir / "pass") << "from-file\n";
    auto file = resolve_secret_ref("file:" + (dir / "pass"));
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->reveal(), "from-file");
    auto none = resolve_secret_ref("");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST(SecretRef, ErrorsNeverEchoTheValue) {
    ::unsetenv("RMQUP_TEST_MISSING");
    auto missing = resolve_secret_ref("${RMQUP_TEST_MISSING}");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::invalid_input);
    auto literal = resolve_secret_ref("hunter2");
    ASSERT_FALSE(literal.ok());
    EXPECT_EQ(literal.error().describe().find("hunter2"), std::string::npos);
}

TEST(SecretRef, AnAccessKeyIsAReferenceOrTheKeyItself) {
    ::setenv("RMQUP_TEST_ACCESS_KEY", "rocketmq2", 1);
    auto from_env = resolve_access_key("${RMQUP_TEST_ACCESS_KEY}");
    ASSERT_TRUE(from_env.ok());
    EXPECT_EQ(*from_env, "rocketmq2");
    auto literal = resolve_access_key("RocketMQ");
    ASSERT_TRUE(literal.ok());
    EXPECT_EQ(*literal, "RocketMQ");
    ::unsetenv("RMQUP_TEST_ACCESS_KEY_MISSING");
    EXPECT_FALSE(resolve_access_key("${RMQUP_TEST_ACCESS_KEY_MISSING}").ok());
}

}  // namespace
}  // namespace rmqup
