// The Debian package: built with cpack from this build tree (or taken from $RMQUP_TEST_DEB),
// extracted with dpkg-deb -x into a temporary directory, and its binaries run from there: --version,
// --help, rmq-sim --help, validate of an installed example inventory. Also: Depends from
// dpkg-shlibdeps, PIE executables linked to Debian's shared libraries, man pages that match --help,
// bash completion, docs and copyright, and lintian without errors when lintian is installed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "run_capture.hpp"

namespace {

namespace fs = std::filesystem;

struct CommandRun {
    int rc = -1;
    std::string out;  // stdout and stderr
};

// Runs a /bin/sh command line (bounded by timeout(1)) and returns its exit status and output.
CommandRun run(const std::string& command, int seconds = 120) {
    auto run = rmqup::test::run_shell(command, std::chrono::seconds(seconds), rmqup::test::Stderr::merged);
    CommandRun r;
    r.out = std::move(run.out);
    r.rc = run.exit_code;
    return r;
}

bool have(const std::string& program) { return run("command -v " + program + " >/dev/null").rc == 0; }

// The extracted package: built once (cpack: strip, dpkg-shlibdeps, xz; seconds), then inspected by
// the checks below. One test, so that ctest builds the package once, not once per check.
class Package {
public:
    // Builds (or takes $RMQUP_TEST_DEB) and extracts the package into a fresh temporary directory.
    Package() : m_tmp(fs::temp_directory_path() / ("rmqup-package-" + std::to_string(::getpid()))) {
        fs::create_directories(m_tmp / "root");
        if (const char* given = std::getenv("RMQUP_TEST_DEB"); given != nullptr && *given != '\0') {
            m_deb = given;
        } else {
            auto built = run("cd " RMQUP_BINARY_DIR " && cpack -G DEB -B " + (m_tmp / "out").string(), 240);
            m_build_log = built.out;
            if (fs::exists(m_tmp / "out"))
                for (const auto& e : fs::directory_iterator(m_tmp / "out"))
                    if (e.path().extension() == ".deb") m_deb = e.path();
        }
        if (!m_deb.empty()) m_extract = run("dpkg-deb -x " + m_deb.string() + " " + root().string());
    }
    ~Package() {
        std::error_code ec;
        fs::remove_all(m_tmp, ec);
    }
    Package(const Package&) = delete;
    Package& operator=(const Package&) = delete;

    const fs::path& deb() const { return m_deb; }
    const std::string& build_log() const { return m_build_log; }
    const CommandRun& extract() const { return m_extract; }
    fs::path root() const { return m_tmp / "root"; }
    std::string bin(const std::string& name) const { return (root() / "usr/bin" / name).string(); }

private:
    fs::path m_tmp;
    fs::path m_deb;
    std::string m_build_log;
    CommandRun m_extract;
};

void expect_name_version_arch(const Package& p) {
    EXPECT_EQ(p.deb().filename().string(), "rmq-upgrade_" RMQUP_VERSION "_amd64.deb");
}

void expect_depends_on_shared_runtime_libraries(const Package& p) {
    auto depends = run("dpkg-deb -f " + p.deb().string() + " Depends");
    ASSERT_EQ(depends.rc, 0) << depends.out;
    for (const char* lib : {"libssl3", "libssh2-1", "libyaml-cpp", "zlib1g", "libstdc++6", "libc6"})
        EXPECT_NE(depends.out.find(lib), std::string::npos) << "Depends lacks " << lib << ": " << depends.out;
}

void expect_extracted_binaries_run(const Package& p) {
    auto version = run(p.bin("rmq-upgrade") + " --version");
    EXPECT_EQ(version.rc, 0) << version.out;
    EXPECT_EQ(version.out.rfind("rmq-upgrade " RMQUP_VERSION " (git ", 0), 0U) << version.out;
    // Built from a git checkout: the revision is HEAD's (refreshed at every build, not only at configure).
    auto head = run("git -c safe.directory=* -C " RMQUP_SOURCE_DIR " rev-parse --short=12 HEAD");
    if (head.rc == 0) {
        EXPECT_NE(version.out.find("(git " + head.out.substr(0, 12)), std::string::npos) << version.out;
    }

    auto help = run(p.bin("rmq-upgrade") + " --help");
    EXPECT_EQ(help.rc, 0) << help.out;
    EXPECT_NE(help.out.find("Usage: rmq-upgrade [OPTIONS] SUBCOMMAND"), std::string::npos) << help.out;

    // -v: each remote request on the diagnostic log, which is stderr (stdout carries the output).
    const std::string unreachable = p.bin("rmq-upgrade") + " -v cluster -n 127.0.0.1:1 --timeout-ms 500";
    auto log = run(unreachable + " >/dev/null");
    EXPECT_EQ(log.rc, 3) << log.out;
    EXPECT_NE(log.out.find("debug request GET_BROKER_CLUSTER_INFO (106) to 127.0.0.1:1: failed after "),
              std::string::npos)
        << log.out;
    auto out = run(unreachable + " 2>/dev/null");
    EXPECT_EQ(out.out.find("debug"), std::string::npos) << out.out;

    auto sim = run(p.bin("rmq-sim") + " --help");
    EXPECT_EQ(sim.rc, 0) << sim.out;

    const auto example = p.root() / "usr/share/doc/rmq-upgrade/examples/two-masters.yaml";
    auto valid = run(p.bin("rmq-upgrade") + " validate -i " + example.string());
    EXPECT_EQ(valid.rc, 0) << valid.out;
    EXPECT_NE(valid.out.find(": valid: "), std::string::npos) << valid.out;
}

void expect_pie_linked_to_shared_libraries(const Package& p) {
    for (const char* name : {"rmq-upgrade", "rmq-sim"}) {
        auto header = run("readelf -h " + p.bin(name));
        EXPECT_NE(header.out.find("DYN (Position-Independent Executable file)"), std::string::npos)
            << name << ":\n" << header.out;
    }
    auto needed = run("readelf -d " + p.bin("rmq-upgrade"));
    for (const char* lib : {"libcrypto.so", "libssh2.so", "libyaml-cpp.so", "libz.so", "libstdc++.so"})
        EXPECT_NE(needed.out.find(lib), std::string::npos) << "rmq-upgrade does not link " << lib << ":\n" << needed.out;
}

void expect_man_pages_match_help(const Package& p) {
    for (const char* name : {"rmq-upgrade", "rmq-sim"}) {
        const auto page = p.root() / "usr/share/man/man1" / (std::string(name) + ".1.gz");
        ASSERT_TRUE(fs::exists(page)) << page << " missing (help2man not installed when building?)";
    }
    // roff escapes - as \-: compare the text without the escapes.
    auto man = run("gzip -dc " + (p.root() / "usr/share/man/man1/rmq-upgrade.1.gz").string());
    for (auto at = man.out.find("\\-"); at != std::string::npos; at = man.out.find("\\-", at)) man.out.erase(at, 1);
    auto help = run(p.bin("rmq-upgrade") + " --help");
    // Every subcommand listed by --help is in the page.
    const auto subs = help.out.find("Subcommands:");
    ASSERT_NE(subs, std::string::npos) << help.out;
    std::size_t at = subs;
    int seen = 0;
    while ((at = help.out.find("\n  ", at)) != std::string::npos) {
        at += 3;
        const std::string name = help.out.substr(at, help.out.find(' ', at) - at);
        EXPECT_NE(man.out.find(name), std::string::npos) << "man page lacks subcommand " << name;
        ++seen;
    }
    EXPECT_GE(seen, 10) << help.out;
}

void expect_completion_docs_examples_copyright(const Package& p) {
    for (const char* path : {"usr/share/bash-completion/completions/rmq-upgrade",
                             "usr/share/bash-completion/completions/rmq-sim", "usr/share/doc/rmq-upgrade/copyright",
                             "usr/share/doc/rmq-upgrade/changelog.gz", "usr/share/doc/rmq-upgrade/README.md",
                             "usr/share/doc/rmq-upgrade/docs/inventory.md",
                             "usr/share/doc/rmq-upgrade/examples/two-masters.yaml"}) {
        EXPECT_TRUE(fs::exists(p.root() / path)) << path << " is not in the package";
    }
}

void expect_completion_offers_subcommands_and_options(const Package& p) {
    const std::string prelude = "PATH=" + (p.root() / "usr/bin").string() + ":$PATH; . " +
                                (p.root() / "usr/share/bash-completion/completions/rmq-upgrade").string() + "; ";
    auto sub = run("bash -c \"" + prelude + "COMP_WORDS=(rmq-upgrade val); COMP_CWORD=1; _rmq_upgrade; echo \\${COMPREPLY[*]}\"");
    EXPECT_EQ(sub.out, "validate\n");
    auto opt = run("bash -c \"" + prelude +
                   "COMP_WORDS=(rmq-upgrade broker perm --bro); COMP_CWORD=3; _rmq_upgrade; echo \\${COMPREPLY[*]}\"");
    EXPECT_EQ(opt.out, "--broker\n");
}

void expect_lintian_clean_of_errors(const Package& p) {
    if (!have("lintian")) {
        std::printf("lintian is not installed (scripts/setup.sh installs it): not run\n");
        return;
    }
    auto lint = run("lintian --fail-on error " + p.deb().string(), 240);
    EXPECT_EQ(lint.rc, 0) << lint.out;
}

TEST(Package, BuildsExtractsAndRuns) {
    if (!have("dpkg-deb")) GTEST_SKIP() << "dpkg-deb is not installed (package dpkg): the .deb cannot be checked";
    const Package p;
    ASSERT_FALSE(p.deb().empty()) << "cpack made no .deb:\n" << p.build_log();
    ASSERT_EQ(p.extract().rc, 0) << p.extract().out;

    { SCOPED_TRACE("file name"); expect_name_version_arch(p); }
    { SCOPED_TRACE("Depends"); expect_depends_on_shared_runtime_libraries(p); }
    { SCOPED_TRACE("extracted binaries"); expect_extracted_binaries_run(p); }
    { SCOPED_TRACE("PIE, shared libraries"); expect_pie_linked_to_shared_libraries(p); }
    { SCOPED_TRACE("man pages"); expect_man_pages_match_help(p); }
    { SCOPED_TRACE("installed files"); expect_completion_docs_examples_copyright(p); }
    { SCOPED_TRACE("bash completion"); expect_completion_offers_subcommands_and_options(p); }
    { SCOPED_TRACE("lintian"); expect_lintian_clean_of_errors(p); }
}

}  // namespace
