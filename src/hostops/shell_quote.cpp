// shell_quote: one literal /bin/sh word for any value, so inventory values never become shell syntax.
#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {

std::string shell_quote(const std::string& value) {
    // Inside single quotes nothing is special except the closing quote itself, which is written
    // as '\'' (close, escaped quote, reopen). The empty string becomes '' so it stays one word.
    std::string out;
    out.reserve(value.size() + 2);
    out.push_back('\'');
    for (char c : value) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    out.push_back('\'');
    return out;
}

}  // namespace rmqup
