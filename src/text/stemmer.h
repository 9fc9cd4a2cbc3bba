#pragma once
// English stems from the Snowball stemmer (Porter 2; Debian's libstemmer), e.g. for matching
// "stands" with "stand" and "invaded" with "invade" in the QA reader's lexical-match features.
#include <string>

namespace frugal {

// The Snowball English stem of a lower-cased UTF-8 word. Thread-safe (one stemmer per thread).
std::string english_stem(const std::string& word);

}  // namespace frugal
