// Per-second event counts over the last 600 s, giving the "<10s> <60s> <600s>" rates of
// GET_BROKER_RUNTIME_INFO. A window longer than the uptime is reported empty, like the real one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace rmqsim {

class TpsWindow {
public:
    explicit TpsWindow(std::int64_t start_ms) : m_start_ms(start_ms) {}
    // Counts n events at now_ms.
    void add(std::int64_t now_ms, std::int64_t n = 1);
    // Events per second over the last window_s seconds; nothing if uptime < window_s.
    std::optional<double> rate(std::int64_t now_ms, int window_s) const;
    // "r10 r60 r600" with empty fields for windows without enough samples ("0.0  ").
    std::string format(std::int64_t now_ms) const;
    std::int64_t total() const { return m_total; }

private:
    static constexpr int k_slots = 601;
    void roll(std::int64_t sec);
    std::array<std::int64_t, k_slots> m_slots{};
    std::int64_t m_start_ms;
    std::int64_t m_cur_sec = 0;
    std::int64_t m_total = 0;
};

}  // namespace rmqsim
