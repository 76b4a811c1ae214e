#include "remoting/fastjson_reader.hpp"

#include <charconv>
#include <cstdlib>

namespace rmqup::rmq::fj {
namespace {

// Deep enough for every RocketMQ body; bounds recursion on hostile input.
constexpr int k_max_depth = 64;

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    Result<Value> parse_document() {
        Value v;
        RMQUP_TRY(parse_value(v, 0));
        skip_ws();
        if (m_pos != m_text.size())
            return fail("trailing characters");
        return v;
    }

private:
    Error fail(const std::string& what) const {
        return make_error(ErrorKind::protocol, "bad JSON: " + what + " at offset " + std::to_string(m_pos));
    }

    void skip_ws() {
        while (m_pos < m_text.size() &&
               (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    Status parse_value(Value& out, int depth) {
        if (depth > k_max_depth)
            return fail("nesting too deep");
        skip_ws();
        if (at_end())
            return fail("unexpected end");
        char c = peek();
        if (c == '{')
            return parse_object(out, depth);
        if (c == '[')
            return parse_array(out, depth);
        if (c == '"') {
            out.kind = Kind::string;
            return parse_string(out.text);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            out.kind = Kind::number;
            return parse_number(out.text);
        }
        if (match_word("true") || match_word("false")) {
            out.kind = Kind::boolean;
            out.text = c == 't' ? "true" : "false";
            return ok_status();
        }
        if (match_word("null")) {
            out.kind = Kind::null;
            return ok_status();
        }
        return fail("unexpected character");
    }

    bool match_word(std::string_view w) {
        if (m_text.substr(m_pos, w.size()) != w)
            return false;
        m_pos += w.size();
        return true;
    }

    Status parse_number(std::string& out) {
        std::size_t start = m_pos;
        if (peek() == '-')
            ++m_pos;
        bool digits = false;
        while (!at_end()) {
            char c = peek();
            if ((c >= '0' && c <= '9')) {
                digits = true;
            } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
                break;
            }
            ++m_pos;
        }
        if (!digits)
            return fail("bad number");
        out.assign(m_text.substr(start, m_pos - start));
        return ok_status();
    }

    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    Result<std::uint32_t> parse_hex4() {
        if (m_pos + 4 > m_text.size())
            return fail("short \\u escape");
        std::uint32_t v = 0;
        auto r = std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + 4, v, 16);
        if (r.ec != std::errc() || r.ptr != m_text.data() + m_pos + 4)
            return fail("bad \\u escape");
        m_pos += 4;
        return v;
    }

    Status parse_string(std::string& out) {
        ++m_pos;  // opening quote
        out.clear();
        while (true) {
            if (at_end())
                return fail("unterminated string");
            char c = m_text[m_pos++];
            if (c == '"')
                return ok_status();
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (at_end())
                return fail("unterminated escape");
            char e = m_text[m_pos++];
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                auto cp = parse_hex4();
                if (!cp)
                    return std::move(cp).error();
                std::uint32_t code = *cp;
                // A surrogate pair encodes one code point; a lone surrogate is kept as U+FFFD.
                if (code >= 0xD800 && code <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
                    m_pos += 2;
                    auto lo = parse_hex4();
                    if (!lo)
                        return std::move(lo).error();
                    if (*lo >= 0xDC00 && *lo <= 0xDFFF)
                        code = 0x10000 + ((code - 0xD800) << 10) + (*lo - 0xDC00);
                    else
                        code = 0xFFFD;
                } else if (code >= 0xD800 && code <= 0xDFFF) {
                    code = 0xFFFD;
                }
                append_utf8(out, code);
                break;
            }
            default: return fail("bad escape");
            }
        }
    }

    Status parse_array(Value& out, int depth) {
        out.kind = Kind::array;
        ++m_pos;
        skip_ws();
        if (!at_end() && peek() == ']') {
            ++m_pos;
            return ok_status();
        }
        while (true) {
            Value item;
            RMQUP_TRY(parse_value(item, depth + 1));
            out.items.push_back(std::move(item));
            skip_ws();
            if (at_end())
                return fail("unterminated array");
            char c = m_text[m_pos++];
            if (c == ']')
                return ok_status();
            if (c != ',')
                return fail("expected , or ]");
        }
    }

    Status parse_key(Member& m, int depth) {
        skip_ws();
        if (at_end())
            return fail("unterminated object");
        char c = peek();
        if (c == '"') {
            m.key_kind = KeyKind::string;
            return parse_string(m.key);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            m.key_kind = KeyKind::bare;
            return parse_number(m.key);
        }
        if (c == '{') {
            // fastjson writes a bean-valued key as a whole object; keep its raw text.
            std::size_t start = m_pos;
            Value ignored;
            RMQUP_TRY(parse_object(ignored, depth + 1));
            m.key_kind = KeyKind::object;
            m.key.assign(m_text.substr(start, m_pos - start));
            return ok_status();
        }
        return fail("expected a key");
    }

    Status parse_object(Value& out, int depth) {
        if (depth > k_max_depth)
            return fail("nesting too deep");
        out.kind = Kind::object;
        ++m_pos;
        skip_ws();
        if (!at_end() && peek() == '}') {
            ++m_pos;
            return ok_status();
        }
        while (true) {
            Member m;
            RMQUP_TRY(parse_key(m, depth));
            skip_ws();
            if (at_end() || m_text[m_pos] != ':')
                return fail("expected :");
            ++m_pos;
            RMQUP_TRY(parse_value(m.value, depth + 1));
            out.members.push_back(std::move(m));
            skip_ws();
            if (at_end())
                return fail("unterminated object");
            char c = m_text[m_pos++];
            if (c == '}')
                return ok_status();
            if (c != ',')
                return fail("expected , or }");
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

Error missing(std::string_view key, const char* want) {
    return make_error(ErrorKind::protocol, "JSON field '" + std::string(key) + "' missing or not " + want);
}

}  // namespace

const Value* Value::find(std::string_view key) const {
    for (const auto& m : members)
        if (m.key_kind != KeyKind::object && m.key == key)
            return &m.value;
    return nullptr;
}

Result<Value> parse(std::string_view text) { return Parser(text).parse_document(); }

Result<std::int64_t> to_int64(const Value& v) {
    if (v.kind != Kind::number && v.kind != Kind::string)
        return make_error(ErrorKind::protocol, "not an integer");
    std::int64_t out = 0;
    const char* end = v.text.data() + v.text.size();
    auto r = std::from_chars(v.text.data(), end, out);
    if (r.ec != std::errc() || r.ptr != end)
        return make_error(ErrorKind::protocol, "not an integer: '" + v.text + "'");
    return out;
}

Result<double> to_double(const Value& v) {
    if (v.kind != Kind::number && v.kind != Kind::string)
        return make_error(ErrorKind::protocol, "not a number");
    double out = 0;
    const char* end = v.text.data() + v.text.size();
    auto r = std::from_chars(v.text.data(), end, out);
    if (r.ec != std::errc() || r.ptr != end)
        return make_error(ErrorKind::protocol, "not a number: '" + v.text + "'");
    return out;
}

Result<std::string> get_string(const Value& obj, std::string_view key) {
    const Value* v = obj.find(key);
    if (v == nullptr || (v->kind != Kind::string && v->kind != Kind::number && v->kind != Kind::boolean))
        return missing(key, "a string");
    return v->text;
}

Result<std::int64_t> get_int64(const Value& obj, std::string_view key) {
    const Value* v = obj.find(key);
    if (v == nullptr)
        return missing(key, "an integer");
    auto r = to_int64(*v);
    if (!r)
        return missing(key, "an integer");
    return r;
}

Result<double> get_double(const Value& obj, std::string_view key) {
    const Value* v = obj.find(key);
    if (v == nullptr)
        return missing(key, "a number");
    auto r = to_double(*v);
    if (!r)
        return missing(key, "a number");
    return r;
}

Result<bool> get_bool(const Value& obj, std::string_view key) {
    const Value* v = obj.find(key);
    if (v == nullptr || (v->kind != Kind::boolean && v->kind != Kind::string))
        return missing(key, "a boolean");
    return v->text == "true";
}

std::optional<std::string> opt_string(const Value& obj, std::string_view key) {
    auto r = get_string(obj, key);
    if (!r)
        return std::nullopt;
    return *r;
}

std::optional<std::int64_t> opt_int64(const Value& obj, std::string_view key) {
    auto r = get_int64(obj, key);
    if (!r)
        return std::nullopt;
    return *r;
}

}  // namespace rmqup::rmq::fj
