#include "store/run_condition.h"

#include <cstdlib>
#include <optional>

#include "core/errors.h"

namespace wb {
namespace {

constexpr const char* kConditionShape =
    "expected section.key op value, with section params, scores or inputs and op one of "
    "= != < <= > >=, e.g. params.train.dimension=128, scores.link/hadamard/roc_auc>=0.9 or "
    "inputs.graph=9174a7c11f1b";

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string without_quotes(const std::string& text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

// Reads the operator at text[at]; returns its length, 0 when there is none.
size_t read_op(const std::string& text, size_t at, RunCondition::Op& op) {
  using Op = RunCondition::Op;
  const bool then_equals = at + 1 < text.size() && text[at + 1] == '=';
  switch (text[at]) {
    case '=':
      op = Op::kEqual;
      return then_equals ? 2 : 1;  // "==" reads as "="
    case '!':
      op = Op::kNotEqual;
      return then_equals ? 2 : 0;
    case '<':
      op = then_equals ? Op::kLessEqual : Op::kLess;
      return then_equals ? 2 : 1;
    case '>':
      op = then_equals ? Op::kGreaterEqual : Op::kGreater;
      return then_equals ? 2 : 1;
    default:
      return 0;
  }
}

template <class T>
bool compare(const T& left, RunCondition::Op op, const T& right) {
  switch (op) {
    case RunCondition::Op::kEqual:
      return left == right;
    case RunCondition::Op::kNotEqual:
      return left != right;
    case RunCondition::Op::kLess:
      return left < right;
    case RunCondition::Op::kLessEqual:
      return left <= right;
    case RunCondition::Op::kGreater:
      return left > right;
    case RunCondition::Op::kGreaterEqual:
      return left >= right;
  }
  return false;
}

[[noreturn]] void malformed(const std::string& text, const std::string& why) {
  throw Error("malformed condition '" + text + "': " + why);
}

}  // namespace

RunCondition parse_run_condition(const std::string& text) {
  RunCondition condition;
  condition.text = text;
  const size_t op_at = text.find_first_of("=!<>");
  if (op_at == std::string::npos) malformed(text, std::string("no operator; ") + kConditionShape);
  const size_t op_length = read_op(text, op_at, condition.op);
  if (op_length == 0) malformed(text, std::string("unknown operator; ") + kConditionShape);

  const std::string subject = trimmed(text.substr(0, op_at));
  const size_t dot = subject.find('.');
  const std::string section = subject.substr(0, dot);
  if (section == "params") {
    condition.source = RunCondition::Source::kParams;
  } else if (section == "scores") {
    condition.source = RunCondition::Source::kScores;
  } else if (section == "inputs") {
    condition.source = RunCondition::Source::kInputs;
  } else {
    malformed(text, "unknown section '" + section + "'; " + kConditionShape);
  }
  condition.key = dot == std::string::npos ? "" : trimmed(subject.substr(dot + 1));
  if (condition.key.empty()) malformed(text, std::string("no key; ") + kConditionShape);

  condition.value = without_quotes(trimmed(text.substr(op_at + op_length)));
  if (condition.value.empty()) malformed(text, std::string("no value; ") + kConditionShape);
  if (condition.source == RunCondition::Source::kScores && !as_number(condition.value)) {
    malformed(text, "scores compare with numbers, not '" + condition.value + "'");
  }
  if (condition.source == RunCondition::Source::kInputs) {
    if (condition.op != RunCondition::Op::kEqual && condition.op != RunCondition::Op::kNotEqual) {
      malformed(text, "inputs compare with = or != only");
    }
    if (condition.value.find_first_not_of("0123456789abcdef") != std::string::npos) {
      malformed(text, "an input's value is (the start of) its lowercase hex sha256, not '" +
                          condition.value + "'");
    }
  }
  return condition;
}

bool condition_holds(const RunCondition& condition,
                     const std::map<std::string, std::string>& params,
                     const std::map<std::string, double>& scores,
                     const std::map<std::string, std::string>& inputs) {
  if (condition.source == RunCondition::Source::kInputs) {
    const auto input = inputs.find(condition.key);
    if (input == inputs.end()) return false;
    const bool starts = input->second.compare(0, condition.value.size(), condition.value) == 0;
    return condition.op == RunCondition::Op::kEqual ? starts : !starts;
  }
  if (condition.source == RunCondition::Source::kScores) {
    const auto score = scores.find(condition.key);
    if (score == scores.end()) return false;
    return compare(score->second, condition.op, *as_number(condition.value));
  }
  const auto param = params.find(condition.key);
  if (param == params.end()) return false;
  const std::optional<double> stored = as_number(param->second);
  const std::optional<double> wanted = as_number(condition.value);
  if (stored && wanted) return compare(*stored, condition.op, *wanted);
  return compare(param->second, condition.op, condition.value);
}

}  // namespace wb
