// shell_quote: hostile values stay one literal word when /bin/sh reads them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {
namespace {

// What /bin/sh prints for command.
std::string sh_run(const std::string& command) {
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) return "<popen failed>";
    std::string out;
    char buf[256];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

// What /bin/sh prints for `printf %s <quoted>`.
std::string sh_echo(const std::string& quoted) { return sh_run("printf %s " + quoted); }

TEST(ShellQuote, WrapsInSingleQuotes) {
    EXPECT_EQ(shell_quote("abc"), "'abc'");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("'"), "''\\'''");
}

TEST(ShellQuote, HostileValuesRoundTripThroughShellLiterally) {
    const std::string sentinel = "/tmp/rmqup-quote-pwned-" + std::to_string(::getpid());
    ::unlink(sentinel.c_str());
    const std::string values[] = {
        "; rm -rf /",
        "$(touch " + sentinel + ")",
        "`touch " + sentinel + "`",
        "a\nb; touch " + sentinel,
        "it's \"quoted\"",
        "'; touch " + sentinel + "; echo '",
        "\\'$HOME\\",
        "* ? [a-z] ~ & | > < #",
        "-n",
        "",
    };
    for (const auto& v : values) {
        EXPECT_EQ(sh_echo(shell_quote(v)), v) << "value: " << v;
    }
    EXPECT_NE(::access(sentinel.c_str(), F_OK), 0) << "a quoted value executed a command";
}

TEST(ShellQuote, EmptyStringStaysOneArgument) {
    // Two arguments: '' and 'x' -> printf prints "[]" then "[x]".
    EXPECT_EQ(sh_run("printf '[%s]' " + shell_quote("") + " " + shell_quote("x")), "[][x]");
}

}  // namespace
}  // namespace rmqup
