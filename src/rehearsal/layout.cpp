#include "rehearsal/layout.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rmqup::rehearsal {

namespace {

namespace fs = std::filesystem;

std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

Status write_text(const std::string& path, const std::string& text, int mode) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return make_error(ErrorKind::io, std::string("cannot write: ") + std::strerror(errno)).with("file " + path);
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
        return make_error(ErrorKind::io, std::string("chmod: ") + std::strerror(errno)).with("file " + path);
    return ok_status();
}

Status make_dir(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return make_error(ErrorKind::io, "cannot create directory: " + ec.message()).with("dir " + path);
    return ok_status();
}

// bin/mqbroker and bin/mqnamesrv as the release has them (operations fact 29): an inherited
// ROCKETMQ_HOME wins over the script's own folder, then ${ROCKETMQ_HOME}/bin/<runner> runs.
std::string launcher(const std::string& script, const std::string& runner, const std::string& version) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Rehearsal stand-in for RocketMQ " << version << "'s bin/" << script
      << ": honours an inherited ROCKETMQ_HOME exactly like the real one.\n"
      << "if [ -z \"$ROCKETMQ_HOME\" ]; then\n"
      << "  ROCKETMQ_HOME=$(cd \"$(dirname \"$0\")/..\" && pwd)\n"
      << "fi\n"
      << "export ROCKETMQ_HOME\n"
      << "exec sh \"${ROCKETMQ_HOME}/bin/" << runner << "\" \"$@\"\n";
    return s.str();
}

// bin/runbroker.sh and bin/runserver.sh: Java found like the real scripts (JAVA_HOME, then
// $HOME/jdk/java, then /usr/java: fact 30), then rmq-sim of this home's version in place of the
// JVM, with the classpath the real JVM gets, so the process tells which home it runs from.
std::string runner(const std::string& script, const std::string& sim_mode, const std::string& version,
                   const LayoutOptions& opts, const Layout& layout, bool fail_start) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Rehearsal stand-in for RocketMQ " << version << "'s bin/" << script << ".\n"
      << "[ ! -e \"$JAVA_HOME/bin/java\" ] && JAVA_HOME=$HOME/jdk/java\n"
      << "[ ! -e \"$JAVA_HOME/bin/java\" ] && JAVA_HOME=/usr/java\n"
      << "[ ! -e \"$JAVA_HOME/bin/java\" ] && { echo \"Please set the JAVA_HOME variable in your environment, We need "
         "java(x64)!\" >&2; exit 1; }\n"
      << "BASE_DIR=$(cd \"$(dirname \"$0\")/..\" && pwd)\n"
      << "echo \"$(date +%s) " << script << " " << version << " $*\" >> " << sh_quote(layout.starts_log()) << "\n"
      << "exec " << sh_quote(opts.sim_bin) << " " << sim_mode << " -cp \"${BASE_DIR}/conf:${BASE_DIR}/lib/*\" --version "
      << version << (fail_start ? " --fail-start" : "");
    if (sim_mode == "broker" && opts.sim_register_interval_ms)
        s << " --register-interval-ms " << *opts.sim_register_interval_ms;
    s << " \"$@\"\n";
    return s.str();
}

// A JAVA_HOME whose bin/java answers `java -version` like a Java 8 runtime (the rehearsal's
// "JVM" is rmq-sim; the planner checks the Java the start scripts will find).
std::string fake_java() {
    return "#!/bin/sh\n"
           "# Rehearsal stand-in for a Java 8 runtime: only `java -version` is used.\n"
           "echo 'openjdk version \"1.8.0_392\"' >&2\n"
           "echo 'OpenJDK Runtime Environment (build 1.8.0_392-b08)' >&2\n";
}

// bin/mqshutdown: like RocketMQ's, stops every process of the kind it is given (by this home's
// rmq-sim command line only). The orchestrator never uses it: it stops one exact PID.
std::string shutdown_script(const std::string& version, const LayoutOptions& opts) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << "# Rehearsal stand-in for RocketMQ " << version << "'s bin/mqshutdown {broker|namesrv}.\n"
      << "case \"$1\" in\n"
      << "  broker) kind=broker ;;\n"
      << "  namesrv) kind=namesrv ;;\n"
      << "  *) echo \"Useage: mqshutdown (broker|namesrv)\" >&2; exit 1 ;;\n"
      << "esac\n"
      << "pids=$(pgrep -f -- " << sh_quote(opts.sim_bin + " ") << "\"$kind -cp .* --version " << version << "\")\n"
      << "[ -n \"$pids\" ] || { echo \"No mq$kind running.\"; exit 0; }\n"
      << "kill $pids && echo \"The mq$kind($pids) is running...\" && echo \"Send shutdown request to mq$kind($pids) OK\"\n";
    return s.str();
}

// A 4.x plain_acl.yml: no address is white-listed (every client must sign), an admin account for
// rmq-upgrade and an application account allowed to send and consume everything.
std::string plain_acl_yml(const AclAccounts& a) {
    std::ostringstream s;
    s << "# Rehearsal ACL (rmq-upgrade rehearse --enable-acl): read by the brokers once aclEnable=true.\n"
      << "globalWhiteRemoteAddresses:\n"
      << "  - 10.10.103.*\n"
      << "accounts:\n"
      << "  - accessKey: " << a.admin_access_key << "\n"
      << "    secretKey: " << a.admin_secret_key << "\n"
      << "    whiteRemoteAddress:\n"
      << "    admin: true\n"
      << "  - accessKey: " << a.client_access_key << "\n"
      << "    secretKey: " << a.client_secret_key << "\n"
      << "    whiteRemoteAddress:\n"
      << "    admin: false\n"
      << "    defaultTopicPerm: PUB|SUB\n"
      << "    defaultGroupPerm: SUB\n";
    return s.str();
}

}  // namespace

std::string nameserver_properties(const NameServerSpec& ns) {
    std::ostringstream s;
    s << "# NameServer " << ns.host << " (rehearsal)\n"
      << "listenPort=" << ns.port << "\n"
      << "rmqsimListenAddress=" << ns.ip << "\n";
    return s.str();
}

std::string broker_properties(const Topology& t, const BrokerSpec& b, const Layout& layout, int register_interval_ms) {
    std::ostringstream s;
    s << "# Broker " << b.label() << " on " << b.host << " (rehearsal)\n"
      << "brokerClusterName=" << t.cluster << "\n"
      << "brokerName=" << b.broker_name << "\n"
      << "brokerId=" << b.broker_id << "\n"
      << "brokerRole=" << b.role << "\n"
      << "flushDiskType=ASYNC_FLUSH\n"
      << "brokerIP1=" << b.ip << "\n"
      << "listenPort=" << b.port << "\n"
      << "namesrvAddr=" << t.namesrv_addr() << "\n"
      << "storePathRootDir=" << layout.store(b.host) << "\n"
      << "brokerPermission=6\n"
      << "autoCreateTopicEnable=true\n"
      << "registerNameServerPeriod=" << register_interval_ms << "\n";
    return s.str();
}

Result<Layout> write_layout(const Topology& t, const LayoutOptions& opts) {
    Layout layout{opts.workdir};
    for (const auto& dir : {opts.workdir + "/conf", opts.workdir + "/store", opts.workdir + "/logs",
                            layout.java_home() + "/bin"})
        RMQUP_TRY(make_dir(dir));
    RMQUP_TRY(write_text(layout.java_home() + "/bin/java", fake_java(), 0755));
    // Homes shaped like the binary release (distribution/release.xml): bin/, conf/, lib/ with the
    // version in the jar names, and no logs/ folder (fact 28).
    for (const auto& version : {opts.from_version, opts.to_version}) {
        const bool fail = version == opts.to_version && opts.target_start == TargetStart::fails;
        const std::string home = layout.home(version);
        const std::string bin = home + "/bin";
        for (const auto& dir : {bin, home + "/conf", home + "/lib"})
            RMQUP_TRY(make_dir(dir));
        for (const char* jar : {"rocketmq-broker", "rocketmq-namesrv", "rocketmq-common", "rocketmq-client",
                                "rocketmq-remoting", "rocketmq-store", "rocketmq-tools"})
            RMQUP_TRY(write_text(home + "/lib/" + jar + "-" + version + ".jar", "", 0644));
        RMQUP_TRY(write_text(bin + "/mqnamesrv", launcher("mqnamesrv", "runserver.sh", version), 0755));
        RMQUP_TRY(write_text(bin + "/mqbroker", launcher("mqbroker", "runbroker.sh", version), 0755));
        RMQUP_TRY(write_text(bin + "/runserver.sh", runner("runserver.sh", "namesrv", version, opts, layout, false), 0755));
        RMQUP_TRY(write_text(bin + "/runbroker.sh", runner("runbroker.sh", "broker", version, opts, layout, fail), 0755));
        RMQUP_TRY(write_text(bin + "/mqshutdown", shutdown_script(version, opts), 0755));
    }
    for (const auto& ns : t.nameservers)
        RMQUP_TRY(write_text(layout.config(ns.host), nameserver_properties(ns), 0644));
    std::string acl_key;
    if (opts.acl) {
        const std::string acl_file = layout.home(opts.to_version) + "/conf/plain_acl.yml";
        RMQUP_TRY(write_text(acl_file, plain_acl_yml(*opts.acl), 0644));
        RMQUP_TRY(write_text(layout.acl_secret(), opts.acl->admin_secret_key, 0600));
        // rmq-sim reads its ACL file from this key; a real broker reads ${ROCKETMQ_HOME}/conf/plain_acl.yml,
        // i.e. this same file once it runs from the target home.
        acl_key = "# rmq-sim only: the plain_acl.yml a real broker of the target home reads\nrmqsimAclFile=" + acl_file + "\n";
    }
    for (const auto& b : t.brokers) {
        RMQUP_TRY(make_dir(layout.store(b.host)));
        RMQUP_TRY(write_text(layout.config(b.host), broker_properties(t, b, layout, opts.register_interval_ms) + acl_key,
                             0644));
    }
    return layout;
}

}  // namespace rmqup::rehearsal
