// Time behind an interface: the engine never reads the system clock or sleeps directly,
// so tests drive a 30 s drain wait in microseconds with ManualClock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

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
    // The engine runs the nodes of a wave on n threads: it calls begin_concurrent(n) before starting
    // them and each thread calls end_concurrent() when it ends. Real clocks ignore both; ManualClock
    // uses them to move time only when every one of those threads waits (see ManualClock).
    virtual void begin_concurrent(int n) { (void)n; }
    virtual void end_concurrent() {}
};

// The real clock: steady_clock, system_clock and std::this_thread::sleep_for.
class SystemClock final : public Clock {
public:
    Millis now() const override;
    std::int64_t wall_ms() const override;
    void sleep_for(Millis d) override;
};

// A clock for tests: time moves only when sleep_for or advance is called. Thread-safe.
// With no concurrent threads announced, sleep_for(d) advances time by d at once. Between
// begin_concurrent(n) and the n-th end_concurrent(), a sleep_for blocks until every announced thread
// that has not ended is asleep; then time jumps to the earliest wake-up and that sleeper returns
// (virtual time: two nodes draining 45 s at once take 45 s, not 90 s).
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t wall_start_ms = 1700000000000) : m_wall0(wall_start_ms) {}
    Millis now() const override;
    std::int64_t wall_ms() const override;
    void sleep_for(Millis d) override;
    void advance(Millis d);
    void begin_concurrent(int n) override;
    void end_concurrent() override;

private:
    // Wakes the earliest sleeper when every active thread sleeps; call with m_mu held.
    void release_if_all_asleep();
    mutable std::mutex m_mu;
    std::condition_variable m_cv;
    Millis m_now{0};
    std::int64_t m_wall0;
    int m_active = 0;                                   // announced threads that have not ended
    std::multimap<Millis, std::thread::id> m_sleepers;  // wake-up time -> sleeping thread
    std::thread::id m_released;                         // the sleeper allowed to wake next
};

}  // namespace rmqup
