#pragma once
// The page `frugal serve` answers at GET /: plain HTML and JavaScript compiled into the binary
// (src/apps/serve/web_page.html, no CDN), for asking questions of a context or classifying text.
#include <string>

namespace frugal::serve {

const std::string& web_page_html();

}  // namespace frugal::serve
