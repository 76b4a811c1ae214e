// Big-endian integer reading/writing over byte strings, bounds-checked on read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rmqup::rmq {

// Appends v big-endian in `bytes` bytes (1, 2, 4 or 8).
inline void put_be(std::string& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Sequential reader; every get fails (returns false) instead of reading past the end.
class ByteReader {
public:
    explicit ByteReader(std::string_view data) : m_data(data) {}

    bool get_u(int bytes, std::uint64_t& out) {
        if (remaining() < static_cast<std::size_t>(bytes))
            return false;
        out = 0;
        for (int i = 0; i < bytes; ++i)
            out = (out << 8) | static_cast<unsigned char>(m_data[m_pos++]);
        return true;
    }
    bool get_i16(std::int16_t& out) { return get_signed(2, out); }
    bool get_i32(std::int32_t& out) { return get_signed(4, out); }
    bool get_i64(std::int64_t& out) { return get_signed(8, out); }
    bool get_bytes(std::size_t n, std::string_view& out) {
        if (remaining() < n)
            return false;
        out = m_data.substr(m_pos, n);
        m_pos += n;
        return true;
    }
    std::size_t remaining() const { return m_data.size() - m_pos; }
    std::size_t position() const { return m_pos; }

private:
    template <typename T>
    bool get_signed(int bytes, T& out) {
        std::uint64_t u = 0;
        if (!get_u(bytes, u))
            return false;
        out = static_cast<T>(u);  // two's complement narrowing, as Java reads it
        return true;
    }

    std::string_view m_data;
    std::size_t m_pos = 0;
};

}  // namespace rmqup::rmq
