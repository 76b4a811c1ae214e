#include "rmqup/core/clock.hpp"

#include <algorithm>
#include <thread>

namespace rmqup {

Millis SystemClock::now() const {
    return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

std::int64_t SystemClock::wall_ms() const {
    return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void SystemClock::sleep_for(Millis d) {
    if (d.count() > 0) std::this_thread::sleep_for(d);
}

Millis ManualClock::now() const {
    std::lock_guard<std::mutex> lock(m_mu);
    return m_now;
}

std::int64_t ManualClock::wall_ms() const {
    std::lock_guard<std::mutex> lock(m_mu);
    return m_wall0 + m_now.count();
}

void ManualClock::advance(Millis d) {
    std::lock_guard<std::mutex> lock(m_mu);
    m_now += d;
}

void ManualClock::begin_concurrent(int n) {
    std::lock_guard<std::mutex> lock(m_mu);
    m_active += n;
}

void ManualClock::end_concurrent() {
    std::lock_guard<std::mutex> lock(m_mu);
    if (m_active > 0) --m_active;
    release_if_all_asleep();
    m_cv.notify_all();
}

void ManualClock::release_if_all_asleep() {
    if (m_sleepers.empty() || m_released != std::thread::id()) return;
    if (static_cast<int>(m_sleepers.size()) < m_active) return;
    auto first = m_sleepers.begin();
    if (first->first > m_now) m_now = first->first;
    m_released = first->second;
    m_sleepers.erase(first);
}

void ManualClock::sleep_for(Millis d) {
    std::unique_lock<std::mutex> lock(m_mu);
    if (m_active == 0) {
        if (d.count() > 0) m_now += d;
        return;
    }
    const auto self = std::this_thread::get_id();
    m_sleepers.emplace(m_now + std::max(d, Millis(0)), self);
    release_if_all_asleep();
    m_cv.notify_all();
    m_cv.wait(lock, [&] { return m_released == self; });
    m_released = std::thread::id();
}

}  // namespace rmqup
