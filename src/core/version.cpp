#include "rmqup/core/version.hpp"

#include <cctype>

namespace rmqup {

std::optional<RmqVersion> RmqVersion::parse(std::string_view text) {
    if (!text.empty() && (text[0] == 'V' || text[0] == 'v')) text.remove_prefix(1);
    int parts[3] = {0, 0, 0};
    int n = 0;
    std::size_t i = 0;
    while (n < 3) {
        if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
        int v = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            v = v * 10 + (text[i] - '0');
            if (v > 100000) return std::nullopt;
            ++i;
        }
        parts[n++] = v;
        if (n == 3) break;
        if (i >= text.size() || (text[i] != '.' && text[i] != '_')) return std::nullopt;
        ++i;
    }
    // Allow suffixes such as "-incubating", "_SNAPSHOT", "-rc1"; nothing else digit-like.
    if (i < text.size() && text[i] != '-' && text[i] != '_') return std::nullopt;
    return RmqVersion{parts[0], parts[1], parts[2]};
}

std::string RmqVersion::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string RmqVersion::desc() const {
    return "V" + std::to_string(major) + "_" + std::to_string(minor) + "_" + std::to_string(patch);
}

std::optional<int> RmqVersion::ordinal() const {
    // MQVersion.Version lists a SNAPSHOT and a release entry for every x.y.z with z in 0..9;
    // anchors from the enum: V4_8_0 = 373, V5_0_0 = 413 (see docs/protocol notes).
    if (patch < 0 || patch > 9 || minor < 0 || minor > 9) return std::nullopt;
    if (major == 4 && minor >= 1) return 373 + (minor - 8) * 20 + patch * 2;
    if (major == 5) return 413 + minor * 20 + patch * 2;
    return std::nullopt;
}

}  // namespace rmqup
