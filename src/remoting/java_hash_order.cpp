#include "remoting/java_hash_order.hpp"

#include <algorithm>
#include <numeric>

namespace rmqup::rmq {
namespace {

// Decodes one UTF-8 sequence at s[i]; invalid bytes count as U+FFFD (as Java's decoder does).
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
    auto b = static_cast<unsigned char>(s[i]);
    int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
    if (extra == 0) {
        ++i;
        return b;
    }
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
        ++i;
        return 0xFFFD;
    }
    std::uint32_t cp = b & (0x3Fu >> extra);
    for (int k = 1; k <= extra; ++k) {
        auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((c & 0xC0) != 0x80) {
            i += static_cast<std::size_t>(k);
            return 0xFFFD;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    i += static_cast<std::size_t>(extra) + 1;
    return cp;
}

}  // namespace

std::int32_t java_string_hash(std::string_view utf8) {
    std::uint32_t h = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::uint32_t cp = next_code_point(utf8, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return static_cast<std::int32_t>(h);
}

std::size_t java_table_capacity(std::size_t initial_capacity, std::size_t size, JavaTable kind) {
    std::size_t cap = std::max<std::size_t>(initial_capacity, 1);
    while (true) {
        std::size_t threshold = cap - cap / 4;
        bool grow = kind == JavaTable::hash_map ? size > threshold : size >= threshold;
        if (!grow || cap >= (std::size_t{1} << 30))
            return cap;
        cap *= 2;
    }
}

std::vector<std::size_t> java_iteration_order(const std::vector<std::int32_t>& hashes, std::size_t initial_capacity,
                                              JavaTable kind) {
    const std::size_t cap = java_table_capacity(initial_capacity, hashes.size(), kind);
    auto bucket = [&](std::size_t i) {
        auto h = static_cast<std::uint32_t>(hashes[i]);
        return (h ^ (h >> 16)) & (cap - 1);
    };
    std::vector<std::size_t> order(hashes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bucket(a) < bucket(b); });
    return order;
}

}  // namespace rmqup::rmq
