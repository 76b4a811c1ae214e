// Typed, located reads from a yaml-cpp tree: every problem becomes one diagnostic
// "<source>:<line>:<col>: <what is wrong>; allowed: <...>", collected rather than thrown,
// so one run reports every mistake in an inventory.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rmqup::inventory_detail {

enum class Need { optional, required };

class YamlReader {
public:
    explicit YamlReader(std::string source) : m_source(std::move(source)) {}

    // Records "<source>:<line>:<col>: what" at mark (yaml-cpp marks are 0-based).
    void error(const YAML::Mark& mark, const std::string& what);
    const std::vector<std::string>& diagnostics() const { return m_diags; }
    std::string location(const YAML::Mark& mark) const;  // "<source>:<line>:<col>"

    // Reports every key of map that is not in allowed (with the closest allowed key as a hint).
    // Returns false (after an error) when node is not a map.
    bool expect_map(const YAML::Node& node, std::string_view where, const std::vector<std::string>& allowed);
    bool expect_sequence(const YAML::Node& node, std::string_view where);

    // Typed scalars. Missing keys give nullopt (an error as well when required).
    std::optional<std::string> str(const YAML::Node& map, const char* key, Need need, std::string_view where);
    std::optional<std::int64_t> integer(const YAML::Node& map, const char* key, std::int64_t min, std::int64_t max);
    std::optional<double> number(const YAML::Node& map, const char* key, double min);
    std::optional<bool> boolean(const YAML::Node& map, const char* key);
    std::optional<std::chrono::milliseconds> duration(const YAML::Node& map, const char* key);
    // A scalar that must be one of choices.
    std::optional<std::string> choice(const YAML::Node& map, const char* key, const std::vector<std::string>& choices);

private:
    std::string m_source;
    std::vector<std::string> m_diags;
};

// "45s", "2m", "500ms", "1h" -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// Closest candidate by edit distance, if close enough to be a plausible typo.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace rmqup::inventory_detail
