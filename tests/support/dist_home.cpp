// Distribution-shaped RocketMQ homes and fake JAVA_HOMEs for tests (see dist_home.hpp). The scripts
// are written here from the documented behaviour (operations facts 28-30), not copied.
#include "dist_home.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rmqup/core/version.hpp"
#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup::test {
namespace {

Status write_text(const std::string& path, const std::string& text, int mode) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return make_error(ErrorKind::io, std::string("cannot write: ") + std::strerror(errno)).with(path);
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
        return make_error(ErrorKind::io, std::string("chmod: ") + std::strerror(errno)).with(path);
    }
    return ok_status();
}

Status make_dirs(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return make_error(ErrorKind::io, "cannot create: " + ec.message()).with(path);
    return ok_status();
}

// bin/mqbroker, bin/mqnamesrv: ROCKETMQ_HOME from the environment when set (fact 29).
std::string launcher(const std::string& version, const char* runner, const char* main_class) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Test stand-in for RocketMQ " << version << "'s launcher: an inherited ROCKETMQ_HOME wins,\n"
      << "# otherwise the folder above this script (symlinks of $0 resolved).\n"
      << "if [ -z \"$ROCKETMQ_HOME\" ]; then\n"
      << "  self=$(readlink -f -- \"$0\" 2>/dev/null || printf '%s' \"$0\")\n"
      << "  ROCKETMQ_HOME=$(cd \"$(dirname -- \"$self\")/..\" && pwd)\n"
      << "fi\n"
      << "export ROCKETMQ_HOME\n"
      << "sh ${ROCKETMQ_HOME}/bin/" << runner << " " << main_class << " \"$@\"\n";
    return s.str();
}

// bin/runbroker.sh, bin/runserver.sh: Java as the real scripts pick it (fact 30), then rmq-sim.
std::string runner(const DistHomeOptions& o, const char* sim_mode) {
    const auto v = RmqVersion::parse(o.version);
    const bool refuses_java9 = v && *v < RmqVersion{4, 9, 3};
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Test stand-in for RocketMQ " << o.version << "'s run script: rmq-sim instead of the JVM.\n"
      << "[ ! -e \"$JAVA_HOME/bin/java\" ] && JAVA_HOME=$HOME/jdk/java\n"
      << "[ ! -e \"$JAVA_HOME/bin/java\" ] && JAVA_HOME=/usr/java\n"
      << "if [ ! -e \"$JAVA_HOME/bin/java\" ]; then\n"
      << "  echo \"ERROR: Please set the JAVA_HOME variable in your environment, We need java(x64)! !!\"\n"
      << "  exit 1\n"
      << "fi\n"
      << "export JAVA_HOME\n"
      << "BASE_DIR=$(dirname $0)/..\n"
      << "CLASSPATH=.:${BASE_DIR}/conf:${BASE_DIR}/lib/*\n";
    if (refuses_java9) {
        s << "major=$(\"$JAVA_HOME/bin/java\" -version 2>&1 | head -n 1 | cut -d'\"' -f2 | sed 's/^1\\.//' | "
             "cut -d. -f1)\n"
          << "if [ -n \"$major\" ] && [ \"$major\" -ge 9 ]; then\n"
          << "  echo \"-Djava.ext.dirs=$JAVA_HOME/jre/lib/ext:${BASE_DIR}/lib:$JAVA_HOME/lib/ext is not supported.  "
             "Use -classpath instead.\"\n"
          << "  echo \"Error: Could not create the Java Virtual Machine.\"\n"
          << "  exit 1\n"
          << "fi\n";
    }
    s << "main=$1\n"
      << "shift\n"
      << "version=$(ls \"${BASE_DIR}/lib\" | sed -n 's/^rocketmq-broker-\\(.*\\)\\.jar$/\\1/p' | head -n 1)\n"
      << "exec " << shell_quote(o.sim_bin) << " " << sim_mode
      << " -cp \"$CLASSPATH\" \"$main\" --version \"$version\" \"$@\"\n";
    return s.str();
}

constexpr const char* k_modules[] = {"rocketmq-broker",   "rocketmq-namesrv", "rocketmq-common", "rocketmq-client",
                                     "rocketmq-remoting", "rocketmq-store",   "rocketmq-acl",    "rocketmq-tools",
                                     "rocketmq-srvutil",  "rocketmq-logging", "rocketmq-filter"};

}  // namespace

Status write_dist_home(const std::string& home, const DistHomeOptions& options) {
    for (const char* dir : {"/bin", "/lib", "/conf", "/benchmark"}) RMQUP_TRY(make_dirs(home + dir));
    if (options.write_logs) RMQUP_TRY(make_dirs(home + "/logs"));
    RMQUP_TRY(write_text(home + "/bin/mqbroker", launcher(options.version, "runbroker.sh",
                                                          "org.apache.rocketmq.broker.BrokerStartup"), 0755));
    RMQUP_TRY(write_text(home + "/bin/mqnamesrv", launcher(options.version, "runserver.sh",
                                                           "org.apache.rocketmq.namesrv.NamesrvStartup"), 0755));
    RMQUP_TRY(write_text(home + "/bin/runbroker.sh", runner(options, "broker"), 0755));
    RMQUP_TRY(write_text(home + "/bin/runserver.sh", runner(options, "namesrv"), 0755));
    for (const char* module : k_modules) {
        RMQUP_TRY(write_text(home + "/lib/" + module + "-" + options.version + ".jar", "", 0644));
    }
    RMQUP_TRY(write_text(home + "/lib/netty-all-4.1.65.Final.jar", "", 0644));
    RMQUP_TRY(write_text(home + "/conf/broker.conf",
                         "brokerClusterName = DefaultCluster\nbrokerName = broker-a\nbrokerId = 0\n", 0644));
    RMQUP_TRY(write_text(home + "/conf/plain_acl.yml",
                         "# sample accounts shipped with RocketMQ " + options.version +
                             "\nglobalWhiteRemoteAddresses:\n- 10.10.103.*\n- 192.168.0.*\naccounts:\n"
                             "- accessKey: RocketMQ\n  secretKey: 12345678\n  admin: false\n",
                         0644));
    RMQUP_TRY(write_text(home + "/conf/tools.yml", "accessKey: rocketmq2\nsecretKey: 12345678\n", 0644));
    RMQUP_TRY(write_text(home + "/README.md", "Apache RocketMQ " + options.version + " (test home)\n", 0644));
    return ok_status();
}

Status write_fake_java_home(const std::string& java_home, const std::string& version) {
    RMQUP_TRY(make_dirs(java_home + "/bin"));
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Test stand-in for a JDK's java: only -version.\n"
      << "echo 'openjdk version \"" << version << "\" 2023-10-17' >&2\n"
      << "echo 'OpenJDK Runtime Environment (build " << version << ")' >&2\n"
      << "echo 'OpenJDK 64-Bit Server VM (build " << version << ", mixed mode)' >&2\n";
    return write_text(java_home + "/bin/java", s.str(), 0755);
}

}  // namespace rmqup::test
