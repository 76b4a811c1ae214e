// Time behind an interface: the engine never reads the system clock or sleeps directly,
// so tests drive a 30 s drain wait in microseconds with ManualClock.
#pragma once

#include <chrono>
#include <cstdint>

namespace rmqup {

using Millis = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic time since an arbitrary epoch.
    virtual Millis now() const = 0;
    // Wall-clock time in ms since the Unix epoch (for journals and reports only).
    virtual std::int64_t wall_ms() const = 0;
    // Waits d (real clock) or advances time by d (manual clock).
    virtual void sleep_for(Millis d) = 0;
};

// The real clock: steady_clock, system_clock and std::this_thread::sleep_for.
class SystemClock final : public Clock {
public:
    Millis now() const override;
    std::int64_t wall_ms() const override;
    void sleep_for(Millis d) override;
};

// A clock for tests: time moves only when sleep_for or advance is called.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t wall_start_ms = 1700000000000) : m_wall0(wall_start_ms) {}
    Millis now() const override { return m_now; }
    std::int64_t wall_ms() const override { return m_wall0 + m_now.count(); }
    void sleep_for(Millis d) override { m_now += d; }
    void advance(Millis d) { m_now += d; }

private:
    Millis m_now{0};
    std::int64_t m_wall0;
};

}  // namespace rmqup
