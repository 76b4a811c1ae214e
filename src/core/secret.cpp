#include "rmqup/core/secret.hpp"

namespace rmqup {

std::string redact(std::string text, const std::vector<Secret>& secrets) {
    for (const Secret& s : secrets) {
        if (s.empty()) continue;
        const std::string& needle = s.reveal();
        std::string::size_type pos = 0;
        while ((pos = text.find(needle, pos)) != std::string::npos) {
            text.replace(pos, needle.size(), Secret::masked());
            pos += Secret::masked().size();
        }
    }
    return text;
}

}  // namespace rmqup
