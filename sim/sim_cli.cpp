#include "sim_cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "broker.hpp"
#include "load_generator.hpp"
#include "namesrv.hpp"
#include "rmqup/core/version.hpp"
#include "sim_common.hpp"

namespace rmqsim {

namespace {
std::optional<rmqup::RmqVersion> version_flag(const std::string& text) {
    // Any release MQVersion lists (3.0.0-5.9.9): its header version is known.
    auto v = rmqup::RmqVersion::parse(text);
    if (!v || !v->ordinal()) {
        std::fprintf(stderr, "rmq-sim: unknown --version %s\n", text.c_str());
        return std::nullopt;
    }
    return v;
}

// A distribution-shaped home's runbroker.sh/runserver.sh exec rmq-sim like java: `-cp <classpath>`
// then the main class. CLI11 has no single-dash long options, so -cp/-classpath and its value are
// dropped before parsing; the main class is an ignored positional of broker and namesrv.
std::vector<char*> without_classpath(int argc, char** argv) {
    std::vector<char*> out;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "-cp" || a == "-classpath") && i + 1 < argc) {
            ++i;
            continue;
        }
        out.push_back(argv[i]);
    }
    return out;
}

// namesrv's flags, kept alive while CLI11 parses into them.
struct NamesrvFlags {
    std::string listen;
    std::string config;
    std::string version = "4.9.7";
    std::string main_class;
    NamesrvOptions opts;
    bool fail = false;
    std::int64_t slow_ms = 0;
};

// Runs the NameServer as flags say; the process exit code.
int run_namesrv_command(NamesrvFlags& f) {
    if (f.fail) {
        std::fprintf(stderr, "rmq-sim namesrv: failing at start (--fail-start)\n");
        return 1;
    }
    auto v = version_flag(f.version);
    if (!v)
        return 2;
    f.opts.version = *v;
    if (!f.config.empty()) {
        auto st = load_namesrv_config(f.config, f.opts);
        if (!st.ok()) {
            std::fprintf(stderr, "rmq-sim namesrv: %s\n", st.error().describe().c_str());
            return 1;
        }
    }
    if (!f.listen.empty()) {
        auto hp = split_host_port(f.listen);
        if (!hp) {
            std::fprintf(stderr, "rmq-sim namesrv: bad --listen %s\n", f.listen.c_str());
            return 2;
        }
        f.opts.listen_host = hp->first;
        f.opts.listen_port = hp->second;
    }
    if (f.slow_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(f.slow_ms));
    return run_namesrv(f.opts);
}

void add_namesrv_command(CLI::App& app, NamesrvFlags& f, int& rc) {
    auto* ns = app.add_subcommand("namesrv", "run a simulated NameServer");
    ns->add_option("main-class", f.main_class, "ignored Java main class (NamesrvStartup), as the start scripts pass it");
    ns->add_option("--listen", f.listen, "ip:port to bind (default 127.0.0.1:9876)");
    ns->add_option("-c,--config", f.config, "namesrv.properties (listenPort, rmqsimListenAddress)");
    ns->add_option("--version", f.version, "RocketMQ version to imitate (3.2.6, 4.1.0, 4.6.0, 4.8.0, 4.9.7, 5.3.3)");
    ns->add_option("--broker-expiry-ms", f.opts.broker_expiry_ms, "drop a broker after this long without registration");
    ns->add_option("--delay-ms", f.opts.delay_ms, "fault: delay every response");
    ns->add_option("--exit-after-ms", f.opts.exit_after_ms, "fault: exit(1) abruptly after N ms");
    ns->add_option("--slow-start-ms", f.slow_ms, "fault: wait before binding");
    ns->add_flag("--fail-start", f.fail, "fault: exit 1 at once");
    ns->callback([&f, &rc] { rc = run_namesrv_command(f); });
}

struct BrokerFlags {
    BrokerOptions opts;
    std::string version = "4.9.7";
    std::string main_class;
};

void add_broker_command(CLI::App& app, BrokerFlags& f, int& rc) {
    auto* br = app.add_subcommand("broker", "run a simulated broker");
    BrokerOptions& bo = f.opts;
    br->add_option("main-class", f.main_class, "ignored Java main class (BrokerStartup), as the start scripts pass it");
    br->add_option("-c,--config", bo.config_path, "broker.properties")->required();
    br->add_option("--version", f.version, "RocketMQ version to imitate (3.2.6, 4.1.0, 4.6.0, 4.8.0, 4.9.7, 5.3.3)");
    br->add_option("--register-interval-ms", bo.register_interval_ms, "registration period (default registerNameServerPeriod)");
    br->add_option("--runtime-info-error-ms", bo.runtime_info_error_ms, "SYSTEM_ERROR on runtime info this long after start (0: off)");
    br->add_option("--replicate-interval-ms", bo.replicate_interval_ms, "slave: replication poll period");
    br->add_option("--slow-start-ms", bo.slow_start_ms, "fault: wait before binding");
    br->add_flag("--fail-start", bo.fail_start, "fault: exit 1 at once");
    br->add_option("--exit-after-ms", bo.exit_after_ms, "fault: exit(1) abruptly (no unregister) after N ms");
    br->add_flag("--no-register", bo.no_register, "fault: never register with the NameServers");
    br->add_option("--delay-ms", bo.delay_ms, "fault: delay every response");
    br->callback([&f, &rc] {
        auto v = version_flag(f.version);
        if (!v) {
            rc = 2;
            return;
        }
        f.opts.version = *v;
        rc = run_broker(f.opts);
    });
}

struct LoadFlags {
    LoadOptions opts;
    std::string namesrv;
    std::string duration = "10s";
    std::string client_version;
    bool json = false;
    bool no_consume = false;
};

// "ip:port;ip:port" -> its non-empty addresses.
std::vector<std::string> split_namesrv_addrs(const std::string& list) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        auto end = list.find(';', pos);
        if (end == std::string::npos)
            end = list.size();
        if (end > pos)
            out.push_back(list.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

// Runs the load generator as flags say and prints its report; the process exit code (3: loss).
int run_load_command(LoadFlags& f) {
    LoadOptions& lo = f.opts;
    auto d = parse_duration_ms(f.duration);
    if (!d) {
        std::fprintf(stderr, "rmq-sim load: bad --duration %s\n", f.duration.c_str());
        return 2;
    }
    lo.duration_ms = *d;
    if (!f.client_version.empty()) {
        auto cv = rmqup::RmqVersion::parse(f.client_version);
        auto ordinal = cv ? cv->ordinal() : std::nullopt;
        if (!ordinal) {
            std::fprintf(stderr, "rmq-sim load: unknown --client-version %s\n", f.client_version.c_str());
            return 2;
        }
        lo.client_version = *ordinal;
    }
    lo.consume = !f.no_consume;
    if (const char* sk = std::getenv("RMQ_SECRET_KEY"))
        lo.secret_key = sk;
    lo.namesrv_addrs = split_namesrv_addrs(f.namesrv);
    auto r = run_load(lo);
    if (!r.ok()) {
        std::fprintf(stderr, "rmq-sim load: %s\n", r.error().describe().c_str());
        return 1;
    }
    std::string out = f.json ? format_report_json(*r) + "\n" : format_report(*r);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return r->lost > 0 ? 3 : 0;
}

void add_load_command(CLI::App& app, LoadFlags& f, int& rc) {
    auto* ld = app.add_subcommand("load", "producer + consumer load with loss accounting");
    LoadOptions& lo = f.opts;
    ld->add_option("-n,--namesrv", f.namesrv, "NameServer addresses 'ip:port;ip:port'")->required();
    ld->add_option("--topic", lo.topic, "topic (auto-created when missing)");
    ld->add_option("--rate", lo.rate, "messages per second (0: as fast as --max-inflight allows)");
    ld->add_option("--duration", f.duration, "send phase length: 120s, 1500ms, 2m");
    ld->add_option("--route-refresh-ms", lo.route_refresh_ms, "route poll period (default 30000)");
    ld->add_option("--heartbeat-ms", lo.heartbeat_ms, "heartbeat period (default 30000)");
    ld->add_option("--drain-ms", lo.drain_ms, "grace period for receiving after the last send");
    ld->add_option("--group", lo.consumer_group, "consumer group");
    ld->add_option("--producer-group", lo.producer_group, "producer group");
    ld->add_option("--body-size", lo.body_size, "message body bytes (default 1024)");
    ld->add_option("--max-inflight", lo.max_inflight, "pipelined sends in flight");
    ld->add_option("--send-timeout-ms", lo.send_timeout_ms, "send timeout");
    ld->add_flag("--no-consume", f.no_consume, "producer only");
    ld->add_option("--access-key", lo.access_key, "ACL access key; the secret comes from $RMQ_SECRET_KEY");
    ld->add_option("--client-version", f.client_version,
                   "client release whose MQVersion ordinal the requests carry (default 4.9.7), e.g. 4.1.0");
    ld->add_option("--client-language", lo.client_language, "client language code the requests carry (default JAVA)");
    ld->add_flag("--json", f.json, "print one JSON object");
    ld->callback([&f, &rc] { rc = run_load_command(f); });
}

}  // namespace

int run_sim_cli(int argc, char** argv) {
    CLI::App app{"rmq-sim: a protocol-faithful RocketMQ NameServer, broker and load generator"};
    app.require_subcommand(1);
    int rc = 0;
    NamesrvFlags namesrv;
    BrokerFlags broker;
    LoadFlags load;
    add_namesrv_command(app, namesrv, rc);
    add_broker_command(app, broker, rc);
    add_load_command(app, load, rc);
    try {
        auto args = without_classpath(argc, argv);
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return rc;
}

}  // namespace rmqsim
