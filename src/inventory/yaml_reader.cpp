#include "yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace rmqup::inventory_detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
            auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

bool present(const YAML::Node& map, const char* key) {
    return map.IsMap() && map[key] && !map[key].IsNull();
}

}  // namespace

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    for (const auto& c : candidates) {
        auto d = edit_distance(word, c);
        if (!best || d < best_d) {
            best = c;
            best_d = d;
        }
    }
    // A typo changes a few characters; beyond a third of the word it is another word.
    if (best && best_d <= std::max<std::size_t>(2, word.size() / 3)) return best;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t i = 0;
    double value = 0;
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        value = value * 10 + (text[i] - '0');
        digits = true;
        ++i;
    }
    if (i < text.size() && text[i] == '.') {
        double scale = 0.1;
        for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, scale /= 10) {
            value += (text[i] - '0') * scale;
            digits = true;
        }
    }
    if (!digits) return std::nullopt;
    std::string_view unit = text.substr(i);
    double ms = 0;
    if (unit == "ms") ms = value;
    else if (unit == "s") ms = value * 1000;
    else if (unit == "m") ms = value * 60000;
    else if (unit == "h") ms = value * 3600000;
    else return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

std::string YamlReader::location(const YAML::Mark& mark) const {
    return m_source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void YamlReader::error(const YAML::Mark& mark, const std::string& what) {
    m_diags.push_back(location(mark) + ": " + what);
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view where, const std::vector<std::string>& allowed) {
    if (!node.IsMap()) {
        error(node.Mark(), std::string(where) + " must be a mapping; allowed keys: " + join(allowed, ", "));
        return false;
    }
    std::vector<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        auto key = it->first.Scalar();
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            // yaml-cpp keeps one of the two silently; the operator meant one value.
            error(it->first.Mark(), "duplicate key '" + key + "' in " + std::string(where) + "; allowed: each key once");
            continue;
        }
        seen.push_back(key);
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string msg = "unknown key '" + key + "' in " + std::string(where);
        if (auto hint = closest(key, allowed)) msg += " (did you mean '" + *hint + "'?)";
        error(it->first.Mark(), msg + "; allowed: " + join(allowed, ", "));
    }
    return true;
}

bool YamlReader::expect_sequence(const YAML::Node& node, std::string_view where) {
    if (node.IsSequence()) return true;
    error(node.Mark(), std::string(where) + " must be a list; allowed: a YAML list or JSON array");
    return false;
}

std::optional<std::string> YamlReader::str(const YAML::Node& map, const char* key, Need need, std::string_view where) {
    if (!present(map, key)) {
        if (need == Need::required) error(map.Mark(), std::string("missing key '") + key + "' in " + std::string(where) + "; allowed: a string");
        return std::nullopt;
    }
    auto n = map[key];
    if (!n.IsScalar()) {
        error(n.Mark(), std::string("'") + key + "' must be a string; allowed: a string");
        return std::nullopt;
    }
    if (n.Scalar().empty() && need == Need::required) {
        error(n.Mark(), std::string("'") + key + "' must not be empty; allowed: a non-empty string");
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& map, const char* key, std::int64_t min, std::int64_t max) {
    if (!present(map, key)) return std::nullopt;
    auto n = map[key];
    long long v = 0;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v) || v < min || v > max) {
        error(n.Mark(), std::string("'") + key + "' must be an integer between " + std::to_string(min) + " and " +
                            std::to_string(max) + (n.IsScalar() ? ", got '" + n.Scalar() + "'" : std::string()) +
                            "; allowed: " + std::to_string(min) + ".." + std::to_string(max));
        return std::nullopt;
    }
    return v;
}

std::optional<double> YamlReader::number(const YAML::Node& map, const char* key, double min) {
    if (!present(map, key)) return std::nullopt;
    auto n = map[key];
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !(v >= min)) {
        error(n.Mark(), std::string("'") + key + "' must be a number >= " + std::to_string(static_cast<int>(min)) +
                            (n.IsScalar() ? ", got '" + n.Scalar() + "'" : std::string()) + "; allowed: a number such as 1 or 0.5");
        return std::nullopt;
    }
    return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& map, const char* key) {
    if (!present(map, key)) return std::nullopt;
    auto n = map[key];
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
    error(n.Mark(), std::string("'") + key + "' must be a boolean" +
                        (n.IsScalar() ? ", got '" + n.Scalar() + "'" : std::string()) + "; allowed: true, false");
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& map, const char* key) {
    if (!present(map, key)) return std::nullopt;
    auto n = map[key];
    std::optional<std::chrono::milliseconds> d;
    if (n.IsScalar()) d = parse_duration(n.Scalar());
    if (!d) {
        error(n.Mark(), std::string("'") + key + "' is not a duration" +
                            (n.IsScalar() ? ": '" + n.Scalar() + "'" : std::string()) +
                            "; allowed: a number with a unit ms, s, m or h, e.g. 500ms, 45s, 2m");
    }
    return d;
}

std::optional<std::string> YamlReader::choice(const YAML::Node& map, const char* key, const std::vector<std::string>& choices) {
    if (!present(map, key)) return std::nullopt;
    auto n = map[key];
    if (n.IsScalar() && std::find(choices.begin(), choices.end(), n.Scalar()) != choices.end()) return n.Scalar();
    std::string msg = std::string("invalid value for '") + key + "'";
    if (n.IsScalar()) {
        msg += ": '" + n.Scalar() + "'";
        if (auto hint = closest(n.Scalar(), choices)) msg += " (did you mean '" + *hint + "'?)";
    }
    error(n.Mark(), msg + "; allowed: " + join(choices, ", "));
    return std::nullopt;
}

}  // namespace rmqup::inventory_detail
