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

namespace {

namespace fs = std::filesystem;

struct Run {
    int rc = -1;
    std::string out;  // stdout and stderr
};

// Runs a /bin/sh command line (bounded by timeout(1)) and returns its exit status and output.
Run run(const std::string& command, int seconds = 120) {
    const std::string line = "timeout " + std::to_string(seconds) + " sh -c '" + command + "' 2>&1";
    Run r;
    FILE* p = ::popen(line.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = ::pclose(p);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return r;
}

bool have(const std::string& program) { return run("command -v " + program + " >/dev/null").rc == 0; }

// One package for the whole suite: building it takes a few seconds (strip, dpkg-shlibdeps, xz).
class Package : public testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!have("dpkg-deb")) return;
        s_tmp = fs::temp_directory_path() / ("rmqup-package-" + std::to_string(::getpid()));
        fs::create_directories(s_tmp / "root");
        if (const char* given = std::getenv("RMQUP_TEST_DEB"); given != nullptr && *given != '\0') {
            s_deb = given;
        } else {
            auto built = run("cd " RMQUP_BINARY_DIR " && cpack -G DEB -B " + (s_tmp / "out").string(), 240);
            s_build_log = built.out;
            for (const auto& e : fs::directory_iterator(s_tmp / "out"))
                if (e.path().extension() == ".deb") s_deb = e.path();
        }
        if (!s_deb.empty()) s_extract = run("dpkg-deb -x " + s_deb.string() + " " + (s_tmp / "root").string());
    }

    static void TearDownTestSuite() {
        std::error_code ec;
        if (!s_tmp.empty()) fs::remove_all(s_tmp, ec);
    }

    void SetUp() override {
        if (!have("dpkg-deb")) GTEST_SKIP() << "dpkg-deb is not installed (package dpkg): the .deb cannot be checked";
        ASSERT_FALSE(s_deb.empty()) << "cpack made no .deb:\n" << s_build_log;
        ASSERT_EQ(s_extract.rc, 0) << s_extract.out;
    }

    static fs::path root() { return s_tmp / "root"; }
    static std::string bin(const std::string& name) { return (root() / "usr/bin" / name).string(); }

    static inline fs::path s_tmp;
    static inline fs::path s_deb;
    static inline std::string s_build_log;
    static inline Run s_extract;
};

TEST_F(Package, FileNameIsNameVersionArch) {
    EXPECT_EQ(s_deb.filename().string().rfind("rmq-upgrade_", 0), 0U) << s_deb;
    EXPECT_NE(s_deb.filename().string().find("_amd64.deb"), std::string::npos) << s_deb;
}

TEST_F(Package, DependsOnTheSharedRuntimeLibraries) {
    auto depends = run("dpkg-deb -f " + s_deb.string() + " Depends");
    ASSERT_EQ(depends.rc, 0) << depends.out;
    for (const char* lib : {"libssl3", "libssh2-1", "libyaml-cpp", "zlib1g", "libstdc++6", "libc6"})
        EXPECT_NE(depends.out.find(lib), std::string::npos) << "Depends lacks " << lib << ": " << depends.out;
}

TEST_F(Package, ExtractedBinariesRun) {
    auto version = run(bin("rmq-upgrade") + " --version");
    EXPECT_EQ(version.rc, 0) << version.out;
    EXPECT_EQ(version.out.rfind("rmq-upgrade " RMQUP_VERSION " (git ", 0), 0U) << version.out;
    // Built from a git checkout: the revision is HEAD's (refreshed at every build, not only at configure).
    auto head = run("git -c safe.directory=* -C " RMQUP_SOURCE_DIR " rev-parse --short=12 HEAD");
    if (head.rc == 0) EXPECT_NE(version.out.find("(git " + head.out.substr(0, 12)), std::string::npos) << version.out;

    auto help = run(bin("rmq-upgrade") + " --help");
    EXPECT_EQ(help.rc, 0) << help.out;
    EXPECT_NE(help.out.find("Usage: rmq-upgrade [OPTIONS] SUBCOMMAND"), std::string::npos) << help.out;

    auto sim = run(bin("rmq-sim") + " --help");
    EXPECT_EQ(sim.rc, 0) << sim.out;

    const auto example = root() / "usr/share/doc/rmq-upgrade/examples/two-masters.yaml";
    auto valid = run(bin("rmq-upgrade") + " validate -i " + example.string());
    EXPECT_EQ(valid.rc, 0) << valid.out;
    EXPECT_NE(valid.out.find("valid"), std::string::npos) << valid.out;
}

TEST_F(Package, ExecutablesArePieLinkedToSharedLibraries) {
    for (const char* name : {"rmq-upgrade", "rmq-sim"}) {
        auto header = run("readelf -h " + bin(name));
        EXPECT_NE(header.out.find("DYN (Position-Independent Executable file)"), std::string::npos)
            << name << ":\n" << header.out;
    }
    auto needed = run("readelf -d " + bin("rmq-upgrade"));
    for (const char* lib : {"libcrypto.so", "libssh2.so", "libyaml-cpp.so", "libz.so", "libstdc++.so"})
        EXPECT_NE(needed.out.find(lib), std::string::npos) << "rmq-upgrade does not link " << lib << ":\n" << needed.out;
}

TEST_F(Package, ManPagesMatchHelp) {
    for (const char* name : {"rmq-upgrade", "rmq-sim"}) {
        const auto page = root() / "usr/share/man/man1" / (std::string(name) + ".1.gz");
        ASSERT_TRUE(fs::exists(page)) << page << " missing (help2man not installed when building?)";
    }
    auto man = run("gzip -dc " + (root() / "usr/share/man/man1/rmq-upgrade.1.gz").string());
    auto help = run(bin("rmq-upgrade") + " --help");
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

TEST_F(Package, ShipsCompletionDocsExamplesAndCopyright) {
    for (const char* path : {"usr/share/bash-completion/completions/rmq-upgrade",
                             "usr/share/bash-completion/completions/rmq-sim", "usr/share/doc/rmq-upgrade/copyright",
                             "usr/share/doc/rmq-upgrade/changelog.gz", "usr/share/doc/rmq-upgrade/README.md",
                             "usr/share/doc/rmq-upgrade/docs/inventory.md",
                             "usr/share/doc/rmq-upgrade/examples/two-masters.yaml"}) {
        EXPECT_TRUE(fs::exists(root() / path)) << path << " is not in the package";
    }
}

TEST_F(Package, BashCompletionOffersSubcommandsAndOptions) {
    const std::string prelude = "PATH=" + (root() / "usr/bin").string() + ":$PATH; . " +
                                (root() / "usr/share/bash-completion/completions/rmq-upgrade").string() + "; ";
    auto sub = run("bash -c \"" + prelude + "COMP_WORDS=(rmq-upgrade val); COMP_CWORD=1; _rmq_upgrade; echo \\${COMPREPLY[*]}\"");
    EXPECT_EQ(sub.out, "validate\n");
    auto opt = run("bash -c \"" + prelude +
                   "COMP_WORDS=(rmq-upgrade broker perm --bro); COMP_CWORD=3; _rmq_upgrade; echo \\${COMPREPLY[*]}\"");
    EXPECT_EQ(opt.out, "--broker\n");
}

TEST_F(Package, LintianReportsNoErrors) {
    if (!have("lintian")) GTEST_SKIP() << "lintian is not installed (scripts/setup.sh installs it)";
    auto lint = run("lintian --fail-on error " + s_deb.string(), 240);
    EXPECT_EQ(lint.rc, 0) << lint.out;
}

}  // namespace
