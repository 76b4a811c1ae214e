// What the benchmarks share: wall and CPU timing, peak RSS, and the in-memory cluster they plan or
// discover against (the tests' FakeAdmin, tests/support/fake_admin.hpp).
#pragma once

#include <chrono>
#include <string>

#include "fake_admin.hpp"

namespace rmqup::bench {

// Wall milliseconds since t0.
double ms_since(std::chrono::steady_clock::time_point t0);
// CPU milliseconds this process has used so far (CLOCK_PROCESS_CPUTIME_ID).
double cpu_now_ms();
// Peak resident set size of this process so far, in MB (getrusage ru_maxrss).
double peak_rss_mb();

// A master (brokerId 0) and a slave (brokerId 1) of group `name` in `cluster`, both running
// version_desc ("V4_8_0"), with a 1 MiB commitLog and a 40% full disk; no topics yet.
void add_group(test::FakeAdmin& admin, const std::string& cluster, const std::string& name,
               const std::string& master_address, const std::string& slave_address,
               const std::string& version_desc = "V4_8_0");

}  // namespace rmqup::bench
