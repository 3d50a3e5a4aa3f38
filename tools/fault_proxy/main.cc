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

int main(int argc, char** argv) {
  using namespace fault_proxy;
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  const std::optional<Flags> flags = ParseFlags(args, &error);
  if (!flags) {
    std::fprintf(stderr, "fault_proxy: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (flags->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (flags->list) {
    for (const Fault& fault : AllFaults()) {
      std::printf("%.*s\t%.*s\n", static_cast<int>(fault.name.size()), fault.name.data(),
                  static_cast<int>(fault.description.size()), fault.description.data());
    }
    return 0;
  }

  // Blocked before any thread starts, so that every thread inherits the
  // mask and only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  FaultState state(std::random_device{}());
  Proxy proxy(*flags, *flags->fault, state);
  if (!proxy.Listen(&error)) {
    std::fprintf(stderr, "fault_proxy: %s\n", error.c_str());
    return 1;
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
