#ifndef TOOLS_HTML_PAGE_PAGE_STYLE_H_
#define TOOLS_HTML_PAGE_PAGE_STYLE_H_

#include <string_view>

namespace html_page {

// The page's stylesheet, put inline in its <style> (no network, file://).
std::string_view PageCss();

// The page's one script, put inline in its <script nonce=...>. It carries
// no data: it reads the items, grades and counts from the DOM.
std::string_view PageJs();

}  // namespace html_page

#endif  // TOOLS_HTML_PAGE_PAGE_STYLE_H_
