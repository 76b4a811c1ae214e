// LanguageCode names and ordinals (remoting/protocol/LanguageCode.java).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rmqup::rmq {

// Ordinal of a language name, or nullopt when the name is not a LanguageCode.
std::optional<int> language_ordinal(std::string_view name);
// Name of an ordinal, or nullopt when out of range.
std::optional<std::string> language_name(int ordinal);

}  // namespace rmqup::rmq
