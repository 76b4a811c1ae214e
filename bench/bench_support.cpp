#include "bench_support.hpp"

#include <sys/resource.h>
#include <time.h>

namespace rmqup::bench {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void add_group(test::FakeAdmin& admin, const std::string& cluster, const std::string& name,
               const std::string& master_address, const std::string& slave_address, const std::string& version_desc) {
    for (int id = 0; id < 2; ++id) {
        test::FakeBroker b;
        b.cluster = cluster;
        b.name = name;
        b.id = id;
        b.address = id == 0 ? master_address : slave_address;
        b.version_desc = version_desc;
        b.commit_log_max_offset = 1 << 20;
        b.disk_ratio = 0.4;
        admin.add(std::move(b));
    }
}

}  // namespace rmqup::bench
