#include "reference_server/sandbox/policy.h"

namespace sandbox {

std::vector<Bind> Policy::DefaultBinds() {
  // What every language runtime reads. /etc is curated: no shadow, no ssh
  // keys, no host names; passwd, group, hosts and hostname are generated. A
  // language's own files (/etc/java-17-openjdk, ...) are its entry's
  // "binds" in languages.json.
  return {
      {"/usr", true},
      {"/bin", false},
      {"/sbin", false},
      {"/lib", false},
      {"/lib32", false},
      {"/lib64", false},
      {"/libx32", false},
      {"/etc/alternatives", false},
      {"/etc/ld.so.cache", false},
      {"/etc/ld.so.conf", false},
      {"/etc/ld.so.conf.d", false},
      {"/etc/localtime", false},
      {"/etc/ssl", false},
      {"/etc/ca-certificates", false},
      {"/etc/mime.types", false},
  };
}

}  // namespace sandbox
