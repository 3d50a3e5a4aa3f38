#ifndef REFERENCE_SERVER_SANDBOX_INIT_IMAGE_H_
#define REFERENCE_SERVER_SANDBOX_INIT_IMAGE_H_

#include "base/expected.h"

namespace sandbox {

// A close-on-exec memfd holding sandbox_init, sealed against every change,
// for the launch to exec (init.h). The caller owns it.
base::Expected<int> OpenInitImage();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_IMAGE_H_
