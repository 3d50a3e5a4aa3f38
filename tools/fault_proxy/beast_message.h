#ifndef TOOLS_FAULT_PROXY_BEAST_MESSAGE_H_
#define TOOLS_FAULT_PROXY_BEAST_MESSAGE_H_

#include "boost/beast/http.hpp"
#include "tools/fault_proxy/message.h"

namespace fault_proxy {

// Beast messages as the faults' plain data (every header, in order, as
// sent), shared by the proxy, its upstream client and the test upstream.
Request RequestFromBeast(const boost::beast::http::request<boost::beast::http::string_body>& in);
Response ResponseFromBeast(const boost::beast::http::response<boost::beast::http::string_body>& in);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_BEAST_MESSAGE_H_
