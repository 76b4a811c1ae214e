// Java properties text (broker config bodies) and the message property string (\x01/\x02).
#include "remoting/java_hash_order.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq {

Properties parse_properties(std::string_view text) {
    Properties out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        auto first = line.find_first_not_of(" \t\f");
        if (first == std::string_view::npos)
            continue;
        line.remove_prefix(first);
        if (line.front() == '#' || line.front() == '!')
            continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            out.emplace_back(std::string(line), std::string());
        else
            out.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return out;
}

std::string format_properties(const Properties& props) {
    std::string out;
    for (const auto& [k, v] : props) {
        out += k;
        out += '=';
        out += v;
        out += '\n';
    }
    return out;
}

std::map<std::string, std::string> parse_message_properties(std::string_view text) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto sep = text.find('\x02', pos);
        std::string_view piece = text.substr(pos, sep == std::string_view::npos ? std::string_view::npos : sep - pos);
        pos = sep == std::string_view::npos ? text.size() : sep + 1;
        auto nv = piece.find('\x01');
        if (nv == std::string_view::npos || nv == 0)
            continue;  // Java skips pieces without a name/value separator
        out[std::string(piece.substr(0, nv))] = std::string(piece.substr(nv + 1));
    }
    return out;
}

std::string format_message_properties(const std::map<std::string, std::string>& props) {
    // Message.properties is a HashMap: written in its iteration order, no trailing \x02 (4.9.7+).
    std::vector<const std::pair<const std::string, std::string>*> entries;
    std::vector<std::int32_t> hashes;
    for (const auto& e : props) {
        entries.push_back(&e);
        hashes.push_back(java_string_hash(e.first));
    }
    std::string out;
    for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::hash_map)) {
        if (!out.empty())
            out += '\x02';
        out += entries[i]->first;
        out += '\x01';
        out += entries[i]->second;
    }
    return out;
}

}  // namespace rmqup::rmq
