#include "remoting/language_code.hpp"

#include <array>

namespace rmqup::rmq {
namespace {

constexpr std::array<std::string_view, 14> k_languages = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS"};

}  // namespace

std::optional<int> language_ordinal(std::string_view name) {
    for (std::size_t i = 0; i < k_languages.size(); ++i)
        if (k_languages[i] == name)
            return static_cast<int>(i);
    return std::nullopt;
}

std::optional<std::string> language_name(int ordinal) {
    if (ordinal < 0 || static_cast<std::size_t>(ordinal) >= k_languages.size())
        return std::nullopt;
    return std::string(k_languages[static_cast<std::size_t>(ordinal)]);
}

}  // namespace rmqup::rmq
