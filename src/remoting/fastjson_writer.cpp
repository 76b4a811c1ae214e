#include "remoting/fastjson_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace rmqup::rmq::fj {

std::string quote(std::string_view s) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(k_hex[c >> 4]);
                out.push_back(k_hex[c & 0xF]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
    return out;
}

std::string java_double(double d) {
    if (std::isnan(d) || std::isinf(d))
        return "null";
    if (d == 0)
        return std::signbit(d) ? "-0.0" : "0.0";
    // Shortest round-trip digits, then laid out as Java does: plain in [1e-3, 1e7), else d.dddE<n>.
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, r.ptr);
    bool neg = sci[0] == '-';
    if (neg)
        sci.erase(0, 1);
    auto epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    int exp = std::atoi(sci.c_str() + epos + 1);
    std::string digits;
    for (char c : mant)
        if (c != '.')
            digits.push_back(c);
    std::string out = neg ? "-" : "";
    if (exp >= -3 && exp < 7) {
        if (exp < 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-exp - 1), '0');
            out += digits;
        } else {
            auto int_len = static_cast<std::size_t>(exp) + 1;
            if (digits.size() <= int_len) {
                out += digits;
                out.append(int_len - digits.size(), '0');
                out += ".0";
            } else {
                out += digits.substr(0, int_len);
                out += '.';
                out += digits.substr(int_len);
            }
        }
    } else {
        out += digits.substr(0, 1);
        out += '.';
        out += digits.size() > 1 ? digits.substr(1) : "0";
        out += 'E';
        out += std::to_string(exp);
    }
    return out;
}

void Writer::before_value() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out.push_back(',');
        m_first.back() = false;
    }
}

void Writer::before_key() {
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out.push_back(',');
        m_first.back() = false;
    }
}

void Writer::begin_object() {
    before_value();
    m_out.push_back('{');
    m_first.push_back(true);
}

void Writer::end_object() {
    m_out.push_back('}');
    m_first.pop_back();
}

void Writer::begin_array() {
    before_value();
    m_out.push_back('[');
    m_first.push_back(true);
}

void Writer::end_array() {
    m_out.push_back(']');
    m_first.pop_back();
}

void Writer::key(std::string_view k) {
    before_key();
    m_out += quote(k);
    m_out.push_back(':');
    m_after_key = true;
}

void Writer::raw_key(std::string_view k) {
    before_key();
    m_out += k;
    m_out.push_back(':');
    m_after_key = true;
}

void Writer::value(std::string_view s) {
    before_value();
    m_out += quote(s);
}

void Writer::value(std::int64_t n) {
    before_value();
    m_out += std::to_string(n);
}

void Writer::value(bool b) {
    before_value();
    m_out += b ? "true" : "false";
}

void Writer::value_double(double d) {
    before_value();
    m_out += java_double(d);
}

void Writer::raw_value(std::string_view json) {
    before_value();
    m_out += json;
}

}  // namespace rmqup::rmq::fj
