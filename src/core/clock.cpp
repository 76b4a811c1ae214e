#include "rmqup/core/clock.hpp"

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

}  // namespace rmqup
