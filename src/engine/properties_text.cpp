#include "properties_text.hpp"

#include <sstream>
#include <vector>

namespace rmqup::engine::detail {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return {};
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// Splits one properties line into key and value; nullopt for comments and blank lines.
std::optional<std::pair<std::string, std::string>> split_line(const std::string& raw) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == '!')
        return std::nullopt;
    auto sep = line.find_first_of("=: \t");
    if (sep == std::string::npos)
        return std::make_pair(line, std::string());
    std::string key = trim(line.substr(0, sep));
    std::string rest = trim(line.substr(sep));
    if (!rest.empty() && (rest[0] == '=' || rest[0] == ':'))
        rest = trim(rest.substr(1));
    return std::make_pair(key, rest);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
        out.push_back(l);
    return out;
}

}  // namespace

std::optional<std::string> property_value(const std::string& text, const std::string& key) {
    std::optional<std::string> v;
    for (const auto& l : lines_of(text)) {
        auto kv = split_line(l);
        if (kv && kv->first == key)
            v = kv->second;  // the last assignment wins, as in java.util.Properties
    }
    return v;
}

std::string set_property(const std::string& text, const std::string& key, const std::string& value) {
    auto lines = lines_of(text);
    std::vector<std::string> out;
    int last = -1;
    for (size_t i = 0; i < lines.size(); ++i) {
        auto kv = split_line(lines[i]);
        if (kv && kv->first == key)
            last = static_cast<int>(i);
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        auto kv = split_line(lines[i]);
        if (kv && kv->first == key) {
            if (static_cast<int>(i) == last)
                out.push_back(key + "=" + value);
            continue;
        }
        out.push_back(lines[i]);
    }
    if (last < 0)
        out.push_back(key + "=" + value);
    std::string joined;
    for (const auto& l : out) {
        joined += l;
        joined += '\n';
    }
    return joined;
}

std::string apply_properties(std::string text, const rmq::Properties& overrides) {
    for (const auto& [k, v] : overrides)
        text = set_property(text, k, v);
    return text;
}

}  // namespace rmqup::engine::detail
