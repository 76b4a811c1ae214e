#include "tps_window.hpp"

#include "sim_common.hpp"

namespace rmqsim {

void TpsWindow::roll(std::int64_t sec) {
    if (sec <= m_cur_sec)
        return;
    std::int64_t steps = std::min<std::int64_t>(sec - m_cur_sec, k_slots);
    for (std::int64_t i = 1; i <= steps; ++i)
        m_slots[static_cast<std::size_t>((m_cur_sec + i) % k_slots)] = 0;
    m_cur_sec = sec;
}

void TpsWindow::add(std::int64_t now_ms, std::int64_t n) {
    std::int64_t sec = (now_ms - m_start_ms) / 1000;
    if (sec < 0)
        sec = 0;
    roll(sec);
    m_slots[static_cast<std::size_t>(m_cur_sec % k_slots)] += n;
    m_total += n;
}

std::optional<double> TpsWindow::rate(std::int64_t now_ms, int window_s) const {
    std::int64_t sec = (now_ms - m_start_ms) / 1000;
    if (sec < window_s)
        return std::nullopt;
    // Complete seconds (sec-window_s, sec-1]; the current partial second is left out.
    std::int64_t sum = 0;
    for (std::int64_t s = sec - window_s; s < sec; ++s) {
        if (s > m_cur_sec || m_cur_sec - s >= k_slots - 1)
            continue;
        sum += m_slots[static_cast<std::size_t>(s % k_slots)];
    }
    return static_cast<double>(sum) / window_s;
}

std::string TpsWindow::format(std::int64_t now_ms) const {
    std::string out;
    const int windows[] = {10, 60, 600};
    for (int i = 0; i < 3; ++i) {
        if (i > 0)
            out += ' ';
        if (auto r = rate(now_ms, windows[i]))
            out += java_double(*r);
    }
    return out;
}

}  // namespace rmqsim
