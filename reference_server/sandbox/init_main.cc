// sandbox_init: the init of every sandbox, exec'd by the launch in the
// sandbox's new namespaces (init.h). Not meant to be run by hand: it
// expects its descriptors where the launch puts them.
#include "reference_server/sandbox/init.h"

int main() { sandbox::InitMain(); }
