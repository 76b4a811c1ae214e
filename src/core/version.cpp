#include "rmqup/core/version.hpp"

#include <cctype>
#include <vector>

namespace rmqup {

namespace {

// The MQVersion.Version constants in declaration order (their ordinal is the index): 3.0.0 has
// alpha/beta entries, 3.0.1-3.0.15, 3.1.0-3.2.9 then 3.3.1-3.9.9 (no x.y.0), then every 4.y.z
// and 5.y.z with z in 0..9; each release is preceded by its SNAPSHOT.
std::vector<std::string> build_enum_names() {
    std::vector<std::string> names = {"V3_0_0_SNAPSHOT",       "V3_0_0_ALPHA1", "V3_0_0_BETA1",
                                      "V3_0_0_BETA2",          "V3_0_0_BETA3",  "V3_0_0_BETA4",
                                      "V3_0_0_BETA5",          "V3_0_0_BETA6_SNAPSHOT", "V3_0_0_BETA6",
                                      "V3_0_0_BETA7_SNAPSHOT", "V3_0_0_BETA7",  "V3_0_0_BETA8_SNAPSHOT",
                                      "V3_0_0_BETA8",          "V3_0_0_BETA9_SNAPSHOT", "V3_0_0_BETA9",
                                      "V3_0_0_FINAL"};
    auto add = [&](int major, int minor, int patch) {
        std::string base = "V" + std::to_string(major) + "_" + std::to_string(minor) + "_" + std::to_string(patch);
        names.push_back(base + "_SNAPSHOT");
        names.push_back(base);
    };
    for (int z = 1; z <= 15; ++z) add(3, 0, z);
    for (int y = 1; y <= 2; ++y)
        for (int z = 0; z <= 9; ++z) add(3, y, z);
    for (int y = 3; y <= 9; ++y)
        for (int z = 1; z <= 9; ++z) add(3, y, z);
    for (int x = 4; x <= 5; ++x)
        for (int y = 0; y <= 9; ++y)
            for (int z = 0; z <= 9; ++z) add(x, y, z);
    return names;
}

const std::vector<std::string>& enum_names() {
    static const std::vector<std::string> k_names = build_enum_names();
    return k_names;
}

// Releases whose MQVersion.CURRENT_VERSION at the tag is the SNAPSHOT constant
// (rocketmq-4.0.0-incubating, rocketmq-all-4.1.0-incubating, rocketmq-all-4.2.0).
bool reports_snapshot(const RmqVersion& v) {
    return v.major == 4 && v.minor <= 2 && v.patch == 0;
}

// Index of the release constant in the enum, computed from the layout build_enum_names() lists.
std::optional<int> release_index(const RmqVersion& v) {
    const int x = v.major, y = v.minor, z = v.patch;
    if (x == 3 && y == 0 && z == 0)
        return 15;  // V3_0_0_FINAL
    if (x == 3 && y == 0 && z >= 1 && z <= 15)
        return 15 + 2 * z;
    if (x == 3 && (y == 1 || y == 2) && z >= 0 && z <= 9)
        return 47 + (y - 1) * 20 + 2 * z;
    if (x == 3 && y >= 3 && y <= 9 && z >= 1 && z <= 9)
        return 87 + (y - 3) * 18 + (z - 1) * 2;
    if ((x == 4 || x == 5) && y >= 0 && y <= 9 && z >= 0 && z <= 9)
        return (x == 4 ? 213 : 413) + 20 * y + 2 * z;
    return std::nullopt;
}

}  // namespace

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

std::optional<RmqVersion> RmqVersion::from_ordinal(int ordinal) {
    auto name = mq_version_name(ordinal);
    if (name.empty())
        return std::nullopt;
    return parse(name);
}

std::string RmqVersion::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string RmqVersion::desc() const {
    if (auto o = ordinal())
        return mq_version_name(*o);
    return "V" + std::to_string(major) + "_" + std::to_string(minor) + "_" + std::to_string(patch);
}

std::optional<int> RmqVersion::ordinal() const {
    auto index = release_index(*this);
    if (!index)
        return std::nullopt;
    return reports_snapshot(*this) ? *index - 1 : *index;
}

std::string mq_version_name(int ordinal) {
    const auto& names = enum_names();
    if (ordinal < 0 || static_cast<std::size_t>(ordinal) >= names.size())
        return "";
    return names[static_cast<std::size_t>(ordinal)];
}

}  // namespace rmqup
