#include "engagevoice/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace engagevoice {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

// The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and
// parentheses, so the split starts after the last ')'. Field 3 (state) is index 0.
std::optional<std::vector<std::string>> stat_fields(const std::string& proc_root) {
    auto text = read_file(proc_root + "/stat");
    if (!text) {
        return std::nullopt;
    }
    auto close = text->rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream rest(text->substr(close + 1));
    std::vector<std::string> fields;
    for (std::string field; rest >> field;) {
        fields.push_back(field);
    }
    return fields;
}

std::optional<double> field_as_double(const std::vector<std::string>& fields, std::size_t index) {
    if (index >= fields.size()) {
        return std::nullopt;
    }
    try {
        return std::stod(fields[index]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The system's boot time, for turning the start time in clock ticks into a Unix time.
std::optional<double> boot_time(const std::string& proc_root) {
    auto text = read_file(proc_root + "/../stat");
    if (!text) {
        return std::nullopt;
    }
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("btime ", 0) == 0) {
            std::istringstream value(line.substr(6));
            double seconds = 0;
            if (value >> seconds) {
                return seconds;
            }
        }
    }
    return std::nullopt;
}

std::optional<double> open_fds(const std::string& proc_root) {
    DIR* dir = opendir((proc_root + "/fd").c_str());
    if (dir == nullptr) {
        return std::nullopt;
    }
    double count = 0;
    while (const dirent* entry = readdir(dir)) {
        if (entry->d_name[0] != '.') {
            ++count;
        }
    }
    closedir(dir);
    return count - 1;  // the descriptor of the directory listing itself
}

std::optional<double> max_fds() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        return std::nullopt;
    }
    return static_cast<double>(limit.rlim_cur);
}

void add(std::vector<MetricFamily>& out, const char* name, const char* help, MetricType type,
         std::optional<double> value) {
    if (!value) {
        return;
    }
    ClientMetric metric;
    if (type == MetricType::Counter) {
        metric.counter.value = *value;
    } else {
        metric.gauge.value = *value;
    }
    out.push_back(MetricFamily{name, help, type, {metric}});
}

}  // namespace

ProcessCollector::ProcessCollector(std::string proc_root) : proc_root_(std::move(proc_root)) {}

std::vector<MetricFamily> ProcessCollector::Collect() const {
    std::vector<MetricFamily> out;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    auto fields = stat_fields(proc_root_).value_or(std::vector<std::string>{});

    // Indexes in /proc/<pid>/stat minus 3: utime 14, stime 15, starttime 22, vsize 23, rss 24.
    auto utime = field_as_double(fields, 11);
    auto stime = field_as_double(fields, 12);
    auto start = field_as_double(fields, 19);
    auto vsize = field_as_double(fields, 20);
    auto rss = field_as_double(fields, 21);
    auto btime = boot_time(proc_root_);

    std::optional<double> cpu;
    if (utime && stime) {
        cpu = (*utime + *stime) / ticks;
    }
    std::optional<double> start_time;
    if (start && btime) {
        start_time = *btime + *start / ticks;
    }

    add(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
        MetricType::Counter, cpu);
    add(out, "process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
        open_fds(proc_root_));
    add(out, "process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
        max_fds());
    add(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
        vsize);
    add(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
        MetricType::Gauge, rss ? std::optional<double>(*rss * page) : std::nullopt);
    add(out, "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.", MetricType::Gauge, start_time);
    return out;
}

}  // namespace engagevoice
