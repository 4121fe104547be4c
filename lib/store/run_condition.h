#pragma once
// The conditions of `workbench runs list --where`: "params.train.dimension=128",
// "scores.link/hadamard/roc_auc>=0.9", "inputs.graph=9174a7c11f1b". Parsed
// once, then tested against each run's params, scores and input digests.
#include <map>
#include <string>

namespace wb {

struct RunCondition {
  enum class Source { kParams, kScores, kInputs };
  enum class Op { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

  std::string text;  // as given, for messages
  Source source = Source::kParams;
  std::string key;  // "train.dimension", "link/hadamard/roc_auc"
  Op op = Op::kEqual;
  std::string value;  // surrounding quotes removed
};

// "section.key op value" with section params, scores or inputs and op one of
// = != < <= > >=; spaces around the key and the value are ignored, and the
// value may be quoted. Throws wb::Error naming the condition when it is
// malformed, compares a score with something that is not a number, or an
// input with an operator other than = and != or a value that is not hex.
RunCondition parse_run_condition(const std::string& text);

// Whether a run with these params, scores and inputs (role -> sha256)
// satisfies the condition. Values that both read as numbers compare as
// numbers ("0.10" = "0.1"), others as text; an input's value is a prefix of
// its digest, as `runs compare` shows the first 12 digits. A run without the
// key never matches, not even for !=; a NaN score matches only !=.
bool condition_holds(const RunCondition& condition,
                     const std::map<std::string, std::string>& params,
                     const std::map<std::string, double>& scores,
                     const std::map<std::string, std::string>& inputs = {});

}  // namespace wb
