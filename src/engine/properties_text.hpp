// Internal: edits Java .properties text in place (keeps comments, order and unknown keys).
#pragma once

#include <optional>
#include <string>

#include "rmqup/remoting/model.hpp"

namespace rmqup::engine::detail {

// The value of key in text, if a `key=value` / `key: value` / `key value` line sets it.
std::optional<std::string> property_value(const std::string& text, const std::string& key);
// text with key set to value: the last line setting key is replaced (earlier ones removed),
// or a line is appended.
std::string set_property(const std::string& text, const std::string& key, const std::string& value);
// Applies every override in order.
std::string apply_properties(std::string text, const rmq::Properties& overrides);

}  // namespace rmqup::engine::detail
