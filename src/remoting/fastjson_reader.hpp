// Lenient reader for fastjson text: accepts bare integer keys ({0:"a"}) and whole JSON objects used
// as keys ({{"topic":"T"}:{...}}), keeps member order, and keeps number text as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqup::rmq::fj {

enum class Kind { null, boolean, number, string, array, object };
enum class KeyKind { string, bare, object };  // "k", 0, {"topic":..}

struct Member;

// One JSON value. Strings hold unescaped text; numbers and booleans hold their text as written.
struct Value {
    Kind kind = Kind::null;
    std::string text;
    std::vector<Value> items;     // array
    std::vector<Member> members;  // object, wire order

    bool is_object() const { return kind == Kind::object; }
    bool is_array() const { return kind == Kind::array; }
    // The member value for a string or bare key, or nullptr.
    const Value* find(std::string_view key) const;
};

struct Member {
    std::string key;  // unescaped text for string keys, the number text for bare keys, raw JSON for object keys
    KeyKind key_kind = KeyKind::string;
    Value value;
};

// Parses one fastjson value (the whole text, trailing whitespace allowed).
Result<Value> parse(std::string_view text);

// Typed accessors: a protocol error when the value is missing or of another kind. `what` names the field.
Result<std::string> get_string(const Value& obj, std::string_view key);
Result<std::int64_t> get_int64(const Value& obj, std::string_view key);
Result<double> get_double(const Value& obj, std::string_view key);
Result<bool> get_bool(const Value& obj, std::string_view key);
// Value conversions (string values holding numbers are accepted, as fastjson does).
Result<std::int64_t> to_int64(const Value& v);
Result<double> to_double(const Value& v);
// Optional members: nullopt when absent or null.
std::optional<std::string> opt_string(const Value& obj, std::string_view key);
std::optional<std::int64_t> opt_int64(const Value& obj, std::string_view key);

}  // namespace rmqup::rmq::fj
