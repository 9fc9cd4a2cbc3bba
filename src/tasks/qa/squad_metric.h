#pragma once
// The SQuAD answer metric, exactly as the official evaluate-v1.1.py / evaluate-v2.0.py:
// normalize = Python str.lower(), drop the 32 ASCII punctuation characters, replace the
// words a/an/the (re's \b(a|an|the)\b on Unicode word characters) with a space, then
// split on Python whitespace. EM = equal token sequences; F1 = bag-of-tokens overlap.
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

std::vector<std::string> squad_tokens(std::string_view text);
std::string squad_normalize(std::string_view text);  // tokens joined by single spaces

bool squad_exact(std::string_view gold, std::string_view prediction);

enum class SquadMetricVersion { V1_1, V2_0 };
// v1.1: 0 when nothing overlaps (so two empty answers score 0).
// v2.0: when either side has no tokens, 1 if both have none, else 0.
double squad_f1(std::string_view gold, std::string_view prediction, SquadMetricVersion version);
double squad_f1_tokens(const std::vector<std::string>& gold, const std::vector<std::string>& prediction,
                       SquadMetricVersion version);

}  // namespace frugal
