#include "duration_text.hpp"

#include <cstdio>

namespace rmqup::plan_detail {

std::string duration_text(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms == 0) return "0s";
    if (ms % 1000 != 0) return std::to_string(ms) + "ms";
    auto s = ms / 1000;
    std::string out;
    if (s >= 3600) {
        out += std::to_string(s / 3600) + "h";
        s %= 3600;
    }
    if (s >= 60) {
        out += std::to_string(s / 60) + "m";
        s %= 60;
    }
    if (s > 0) out += std::to_string(s) + "s";
    return out;
}

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace rmqup::plan_detail
