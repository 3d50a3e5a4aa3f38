// fault_proxy: sits between a client and an API server and makes the server
// wrong in one chosen way, so that the conformance suite can be shown to
// catch each wrong behaviour. See BUILD for the flags.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/fault_proxy/faults.h"
#include "tools/fault_proxy/flags.h"
#include "tools/fault_proxy/proxy.h"

namespace fault_proxy {
namespace {

void PrintFaults() {
  for (const Fault& fault : AllFaults()) {
    std::printf("%.*s\t%.*s\n", static_cast<int>(fault.name.size()), fault.name.data(),
                static_cast<int>(fault.description.size()), fault.description.data());
  }
}

// Serves until SIGTERM or SIGINT; the exit status.
int Serve(const Flags& flags) {
  // Blocked before any thread starts, so that every thread inherits the
  // mask and only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  FaultState state(std::random_device{}());
  Proxy proxy(flags, *flags.fault, state);
  if (const base::Status listening = proxy.Listen(); !listening) {
    std::fprintf(stderr, "fault_proxy: %s\n", listening.error().Describe().c_str());
    return listening.error().exit_status();
  }
  std::printf("listening on %s\n", proxy.url().c_str());
  std::fflush(stdout);
  std::thread server([&proxy] { proxy.Serve(); });
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  proxy.Stop();
  server.join();
  return 0;
}

}  // namespace
}  // namespace fault_proxy

int main(int argc, char** argv) {
  const base::Expected<fault_proxy::Flags> flags =
      fault_proxy::ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags) {
    std::fprintf(stderr, "fault_proxy: %s\n%s", flags.error().Describe().c_str(),
                 fault_proxy::kUsage);
    return flags.error().exit_status();
  }
  if (flags->help) {
    std::fputs(fault_proxy::kUsage, stdout);
    return 0;
  }
  if (flags->list) {
    fault_proxy::PrintFaults();
    return 0;
  }
  return fault_proxy::Serve(*flags);
}
