// A HostOps shared by the threads of a wave (two nodes of one host with policy.maxPerHost > 1):
// every call holds the host's lock, so one RemoteShell session never runs two commands at once.
#pragma once

#include <memory>
#include <mutex>

#include "rmqup/hostops/host_ops.hpp"

namespace rmqup {

class SerializedHostOps final : public HostOps {
public:
    explicit SerializedHostOps(std::unique_ptr<HostOps> inner) : m_inner(std::move(inner)) {}
    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->identify(spec);
    }
    Status stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->stop(spec, timeout, policy);
    }
    Result<int> start(const ProcessSpec& spec) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->start(spec);
    }
    Result<bool> abort_marker_present(const ProcessSpec& spec) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->abort_marker_present(spec);
    }
    Result<std::string> read_file(const std::string& path) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->read_file(path);
    }
    Status write_file(const std::string& path, const std::string& content, int mode) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->write_file(path, content, mode);
    }
    Status backup_once(const std::string& path, const std::string& backup_path) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->backup_once(path, backup_path);
    }
    Result<bool> path_exists(const std::string& path) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->path_exists(path);
    }
    Result<HostFacts> facts(const FactsRequest& request) override {
        std::lock_guard<std::mutex> lock(m_mu);
        return m_inner->facts(request);
    }

private:
    std::unique_ptr<HostOps> m_inner;
    std::mutex m_mu;
};

}  // namespace rmqup
