// The exporter's main mode: load the configuration, start a poller per account, serve HTTP until
// a signal says stop.
#pragma once

#include "engagevoice/command_line.hpp"

namespace engagevoice {

// Runs until SIGTERM or SIGINT; returns the process exit code. Start-up errors (bad config,
// an address that cannot be bound) are logged once and give 1.
int serve(const ServeFlags& flags);

// --config.check: loads the configuration, prints what is wrong or that it is fine, returns
// 0 or 1.
int check_config(const ServeFlags& flags);

}  // namespace engagevoice
