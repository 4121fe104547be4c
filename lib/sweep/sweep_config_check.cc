// Checks a parsed sweep against its base experiment: every varied or pinned
// name must be a setting, and every value a sweep can produce must be one the
// experiment accepts. Values are tried through the experiment parser itself
// (as --set overrides), so the rules live in one place; its messages are
// re-located to the sweep file's line.
#include <algorithm>
#include <filesystem>
#include <set>

#include "config/config_fields.h"
#include "config/experiment_config.h"
#include "core/errors.h"
#include "sweep/sweep_config.h"
#include "sweep/toml_value_text.h"

namespace wb {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

long line(const SweepConfig& sweep, const std::string& key) {
  const auto found = sweep.lines.find(key);
  return found == sweep.lines.end() ? 0 : found->second;
}

[[noreturn]] void fail(const SweepConfig& sweep, long at, const std::string& message) {
  throw ConfigError(located(sweep.source_path, at, message));
}

// "walk.p" -> "walk: sampler, walks_per_node, ...", to point at the right name.
std::string settings_of_section(const std::set<std::string>& known, const std::string& name) {
  const std::string section = name.substr(0, name.rfind('.') + 1);
  std::string list;
  for (const auto& key : known) {
    if (key.compare(0, section.size(), section) == 0 &&
        key.find('.', section.size()) == std::string::npos) {
      list += (list.empty() ? "" : ", ") + key.substr(section.size());
    }
  }
  return list.empty() ? "" : " (" + section.substr(0, section.size() - 1) + " has: " + list + ")";
}

// The texts a parameter can take that are worth trying: every listed value,
// and both ends of a range (the experiment's limits are intervals).
std::vector<std::string> probe_values(const SweepParameter& parameter) {
  switch (parameter.kind) {
    case ParameterKind::kList:
    case ParameterKind::kChoice:
      return parameter.values;
    case ParameterKind::kIntUniform:
      return {std::to_string(static_cast<int64_t>(parameter.min)),
              std::to_string(static_cast<int64_t>(parameter.max))};
    default:
      return {toml_real_text(parameter.min), toml_real_text(parameter.max)};
  }
}

// The experiment parser names an override as "--set walk.p: ..."; in a sweep
// the value came from the sweep file, so that prefix would mislead.
std::string without_override_prefix(const std::string& message, const std::string& name) {
  const std::string prefix = "--set " + name + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

void check_parameter(const SweepConfig& sweep, const SweepParameter& parameter,
                     const std::set<std::string>& known) {
  const std::string where = "parameters." + parameter.name + ": ";
  if (!known.count(parameter.name)) {
    fail(sweep, parameter.line,
         where + "not a setting of the experiment" + settings_of_section(known, parameter.name));
  }
  if (parameter.name == "experiment.seed") {
    fail(sweep, parameter.line, where + "replicate seeds are listed in sweep.seeds");
  }
  if (is_execution_setting(parameter.name)) {
    fail(sweep, parameter.line,
         where +
             "says where a trial runs, not what it computes; set it in the base experiment, "
             "or use workbench sweep --device, --threads or --gpus");
  }
  if (contains(sweep.pinned, parameter.name)) {
    fail(sweep, parameter.line,
         where + "pinned by sweep.pinned (line " + std::to_string(line(sweep, "sweep.pinned")) +
             "), so the sweep may not vary it");
  }
  for (const std::string& value : probe_values(parameter)) {
    try {
      load_experiment_config(sweep.experiment_path, {parameter.name + "=" + value},
                             sweep_directory(sweep));
    } catch (const ConfigError& error) {
      fail(sweep, parameter.line,
           where + "the experiment does not accept " + value + ": " +
               without_override_prefix(error.what(), parameter.name));
    }
  }
}

// A link-prediction metric must be one the base experiment computes, or every
// trial would finish without a score to rank.
void check_metric(const SweepConfig& sweep, const ExperimentConfig& base) {
  if (sweep.metric.compare(0, 5, "link/") != 0) return;
  const auto varied = [&](const std::string& name) {
    return std::any_of(sweep.parameters.begin(), sweep.parameters.end(),
                       [&](const SweepParameter& p) { return p.name == name; });
  };
  const long at = line(sweep, "sweep.metric");
  const std::string rest = sweep.metric.substr(5);
  const size_t slash = rest.find('/');
  const std::string op = rest.substr(0, slash);
  const std::string measure = slash == std::string::npos ? "" : rest.substr(slash + 1);
  // What evaluate_link_prediction records per operator.
  const std::vector<std::string> measures = {"roc_auc",  "ap",  "hits@20",    "hits@50",
                                             "hits@100", "mrr", "val_roc_auc"};
  if (!contains(measures, measure)) {
    fail(sweep, at,
         "sweep.metric: expected link/OPERATOR/MEASURE, MEASURE one of roc_auc, ap, hits@20, "
         "hits@50, hits@100, mrr, val_roc_auc");
  }
  if (!varied("eval.task") && base.eval.task != "link_prediction") {
    fail(sweep, at, "sweep.metric: the base experiment does not evaluate link prediction");
  }
  if (measure == "val_roc_auc" && !varied("eval.validation_fraction") &&
      !(base.eval.validation_fraction > 0)) {
    fail(sweep, at,
         "sweep.metric: validation scores need eval.validation_fraction > 0 in the base "
         "experiment");
  }
  if (op != "dot" && !varied("eval.operators") && !contains(base.eval.operators, op)) {
    std::string list = "dot";
    for (const auto& name : base.eval.operators) list += ", " + name;
    fail(sweep, at,
         "sweep.metric: the base experiment does not score the operator \"" + op +
             "\" (it scores: " + list + ")");
  }
}

}  // namespace

void check_against_experiment(const SweepConfig& sweep) {
  const long experiment_line = line(sweep, "sweep.experiment");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sweep.experiment_path, ec)) {
    fail(sweep, experiment_line,
         "sweep.experiment: experiment file not found: " + sweep.experiment_path);
  }
  ExperimentConfig base;
  try {
    base = load_experiment_config(sweep.experiment_path);
  } catch (const ConfigError& error) {
    fail(sweep, experiment_line,
         std::string("sweep.experiment: the base experiment does not validate: ") + error.what());
  }
  std::set<std::string> known;
  for (const auto& entry : flatten(base)) known.insert(entry.first);
  for (const std::string& name : sweep.pinned) {
    if (!known.count(name)) {
      fail(sweep, line(sweep, "sweep.pinned"),
           "sweep.pinned: " + name + " is not a setting of the experiment" +
               settings_of_section(known, name));
    }
  }
  for (const SweepParameter& parameter : sweep.parameters) check_parameter(sweep, parameter, known);
  check_metric(sweep, base);
}

}  // namespace wb
