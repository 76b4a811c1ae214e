// Wall-clock timestamps as text, for plans, snapshots and reports.
#pragma once

#include <string>

namespace rmqup {

// The current UTC time as ISO-8601 with seconds, e.g. "2026-11-21T13:45:00Z".
std::string iso8601_utc_now();

}  // namespace rmqup
