// Human forms of durations and numbers for plan output. Internal to src/plan.
#pragma once

#include <chrono>
#include <string>

namespace rmqup::plan_detail {

// 45000 ms -> "45s", 90000 -> "1m30s", 500 -> "500ms", 0 -> "0s".
std::string duration_text(std::chrono::milliseconds d);
// 1 -> "1", 0.5 -> "0.5".
std::string number_text(double v);

}  // namespace rmqup::plan_detail
