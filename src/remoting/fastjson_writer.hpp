// Writes JSON text the way fastjson does: caller-chosen field order, bare integer keys, object keys,
// fastjson string escaping and Java Double.toString number formatting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rmqup::rmq::fj {

// fastjson string escaping: \" \\ \b \f \n \r \t, other control chars as \u00XX, '/' and
// non-ASCII left as is. Returns the quoted text.
std::string quote(std::string_view s);

// Java Double.toString: 0.0, 12.5, 0.30000000000000004, 1.0E10, 1.0E-5; NaN/Infinity -> null.
std::string java_double(double d);

// Streaming writer. Commas are inserted automatically; a key must precede each value in an object.
class Writer {
public:
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    // A quoted key.
    void key(std::string_view k);
    // An unquoted key such as a Long map key (fastjson writes {0:"..."}), or a whole JSON object text.
    void raw_key(std::string_view k);

    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(std::int64_t n);
    void value(int n) { value(static_cast<std::int64_t>(n)); }
    void value(bool b);
    void value_double(double d);
    // Already-encoded JSON text.
    void raw_value(std::string_view json);

    // Shorthands for object fields.
    template <typename T>
    void field(std::string_view k, const T& v) {
        key(k);
        value(v);
    }

    const std::string& str() const { return m_out; }
    std::string take() { return std::move(m_out); }

private:
    void before_value();
    void before_key();

    std::string m_out;
    std::vector<bool> m_first;  // per open container: no element written yet
    bool m_after_key = false;
};

}  // namespace rmqup::rmq::fj
