// Parses sweep files: the [sweep] settings and the [parameters] to vary. Every
// message names the file, the line and the key, as experiment files do.
#include "sweep/sweep_config.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/toml_ascii.h"
#include "core/errors.h"
#include "sweep/toml_value_text.h"

namespace wb {
namespace {

long line_of(const toml::node* node) {
  return node ? static_cast<long>(node->source().begin.line) : 0;
}

// Reads the keys of one table, remembering which it consumed so that the rest
// can be reported as unknown.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string file, std::string prefix)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

  const toml::node* take(const std::string& key) {
    consumed_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }

  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
    const toml::node* node = take(key);
    if (node == nullptr) return fallback;
    if (!node->is_integer()) fail(node, key, "expected an integer");
    const int64_t value = *node->value<int64_t>();
    if (value < min || value > max) {
      fail(node, key,
           "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
               "], got " + std::to_string(value));
    }
    return value;
  }

  std::string text(const std::string& key, std::string fallback,
                   const std::vector<std::string>& choices = {}) {
    const toml::node* node = take(key);
    if (node == nullptr) return fallback;
    if (!node->is_string()) fail(node, key, "expected a string");
    std::string value = *node->value<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), value) == choices.end()) {
      std::string list;
      for (const auto& choice : choices) list += (list.empty() ? "\"" : ", \"") + choice + "\"";
      fail(node, key, "unknown value \"" + value + "\" (expected one of " + list + ")");
    }
    return value;
  }

  const toml::array* array(const std::string& key) {
    const toml::node* node = take(key);
    if (node == nullptr) return nullptr;
    if (!node->is_array()) fail(node, key, "expected a list");
    return node->as_array();
  }

  void reject_unknown_keys(const std::set<std::string>& subtables = {}) const {
    if (table_ == nullptr) return;
    for (const auto& [key, node] : *table_) {
      const std::string name(key.str());
      if (!consumed_.count(name) && !subtables.count(name)) fail(&node, name, "unknown key");
    }
  }

  [[noreturn]] void fail(const toml::node* node, const std::string& key,
                         const std::string& message) const {
    throw ConfigError(located(file_, line_of(node), prefix_ + "." + key + ": " + message));
  }

  long line(const std::string& key) const { return table_ ? line_of(table_->get(key)) : 0; }

 private:
  const toml::table* table_;
  std::string file_;
  std::string prefix_;
  std::set<std::string> consumed_;
};

std::vector<std::string> value_texts(const toml::array& array, const TableReader& reader,
                                     const std::string& key) {
  std::vector<std::string> values;
  std::set<std::string> seen;
  for (const toml::node& item : array) {
    try {
      values.push_back(toml_value_text(item));
    } catch (const ConfigError& error) {
      reader.fail(&item, key, error.what());
    }
    if (!seen.insert(values.back()).second) {
      reader.fail(&item, key, "the value " + values.back() + " is listed twice");
    }
  }
  if (values.empty()) reader.fail(&array, key, "empty list: give at least one value");
  return values;
}

SweepParameter read_distribution(const toml::table& table, const std::string& name,
                                 const std::string& file) {
  TableReader reader(&table, file, "parameters." + name);
  SweepParameter parameter;
  parameter.name = name;
  parameter.line = line_of(&table);
  const std::string distribution =
      reader.text("distribution", "", {"uniform", "log_uniform", "int_uniform", "choice"});
  if (distribution == "choice") {
    parameter.kind = ParameterKind::kChoice;
    const toml::array* values = reader.array("values");
    if (values == nullptr) reader.fail(&table, "values", "a choice needs a list of values");
    parameter.values = value_texts(*values, reader, "values");
    reader.reject_unknown_keys();
    return parameter;
  }
  parameter.kind = distribution == "uniform"       ? ParameterKind::kUniform
                   : distribution == "log_uniform" ? ParameterKind::kLogUniform
                                                   : ParameterKind::kIntUniform;
  const toml::node* min = reader.take("min");
  const toml::node* max = reader.take("max");
  reader.reject_unknown_keys();
  for (const auto& [bound, key] : {std::pair{min, "min"}, std::pair{max, "max"}}) {
    if (bound == nullptr) reader.fail(&table, key, distribution + " needs a min and a max");
    if (parameter.kind == ParameterKind::kIntUniform && !bound->is_integer()) {
      reader.fail(bound, key, "int_uniform bounds must be integers");
    }
    if (!bound->is_number()) reader.fail(bound, key, "expected a number");
  }
  parameter.min = *min->value<double>();
  parameter.max = *max->value<double>();
  if (!(parameter.min < parameter.max)) {
    reader.fail(
        min, "min",
        "min (" + toml_value_text(*min) + ") must be below max (" + toml_value_text(*max) + ")");
  }
  if (parameter.kind == ParameterKind::kLogUniform && parameter.min <= 0) {
    reader.fail(min, "min", "log_uniform needs min > 0");
  }
  return parameter;
}

// [parameters] may name settings as quoted dotted keys ("walk.p" = [...]) or
// as nested tables ([parameters.walk] p = [...]); both give "walk.p".
void read_parameters(const toml::table& table, const std::string& prefix, const std::string& file,
                     std::vector<SweepParameter>& out) {
  TableReader reader(&table, file, "parameters");
  for (const auto& [key, node] : table) {
    const std::string name = (prefix.empty() ? "" : prefix + ".") + std::string(key.str());
    if (const toml::array* array = node.as_array()) {
      SweepParameter parameter;
      parameter.name = name;
      parameter.line = line_of(&node);
      parameter.values = value_texts(*array, reader, name);
      out.push_back(std::move(parameter));
    } else if (const toml::table* sub = node.as_table()) {
      if (sub->contains("distribution")) {
        out.push_back(read_distribution(*sub, name, file));
      } else {
        read_parameters(*sub, name, file, out);
      }
    } else {
      reader.fail(&node, name,
                  "expected a list of values or a table with a distribution "
                  "(uniform, log_uniform, int_uniform, choice)");
    }
  }
}

void read_early_stopping(TableReader& sweep, const toml::table* root_sweep, const std::string& file,
                         EarlyStoppingSettings& out) {
  const toml::node* node = root_sweep ? root_sweep->get("early_stopping") : nullptr;
  if (node == nullptr) return;
  if (!node->is_table()) sweep.fail(node, "early_stopping", "expected a table");
  TableReader reader(node->as_table(), file, "sweep.early_stopping");
  out.rule = reader.text("rule", out.rule, {"none", "median"});
  out.min_trials = reader.integer("min_trials", out.min_trials, 1, 1'000'000);
  out.warmup_steps = reader.integer("warmup_steps", out.warmup_steps, 0, INT64_MAX);
  reader.reject_unknown_keys();
}

void read_sweep_section(const toml::table& root, SweepConfig& sweep) {
  const toml::node* section = root.get("sweep");
  if (section != nullptr && !section->is_table()) {
    throw ConfigError(located(sweep.source_path, line_of(section), "sweep: expected a table"));
  }
  const toml::table* table = section ? section->as_table() : nullptr;
  TableReader reader(table, sweep.source_path, "sweep");
  sweep.name = reader.text("name", sweep.name);
  if (sweep.name.empty()) reader.fail(reader.take("name"), "name", "must not be empty");
  const std::string experiment = reader.text("experiment", "");
  if (experiment.empty()) {
    throw ConfigError(located(sweep.source_path, reader.line("experiment"),
                              "sweep.experiment: name the base experiment file"));
  }
  const auto base = std::filesystem::absolute(sweep.source_path).parent_path();
  sweep.experiment_path = (base / experiment).lexically_normal().string();
  sweep.method = reader.text("method", sweep.method, {"grid", "random"});
  sweep.metric = reader.text("metric", sweep.metric);
  if (sweep.metric.empty()) reader.fail(reader.take("metric"), "metric", "must not be empty");
  sweep.goal = reader.text("goal", sweep.goal, {"maximize", "minimize"});
  sweep.trials = reader.integer("trials", 0, 1, 1'000'000);
  if (sweep.method == "random" && sweep.trials == 0) {
    throw ConfigError(located(sweep.source_path, reader.line("method"),
                              "sweep.trials: random search needs a budget (trials = N)"));
  }
  sweep.max_attempts = reader.integer("max_attempts", sweep.max_attempts, 1, 1000);
  sweep.seed = reader.integer("seed", sweep.seed, 0, INT64_MAX);
  if (const toml::array* seeds = reader.array("seeds")) {
    std::set<int64_t> seen;
    for (const toml::node& item : *seeds) {
      const auto value = item.value<int64_t>();
      if (!item.is_integer() || *value < 0) reader.fail(&item, "seeds", "expected integers >= 0");
      if (!seen.insert(*value).second) {
        reader.fail(&item, "seeds", "seed " + std::to_string(*value) + " is listed twice");
      }
      sweep.seeds.push_back(*value);
    }
    if (sweep.seeds.empty()) reader.fail(seeds, "seeds", "empty list: give at least one seed");
  }
  if (const toml::array* pinned = reader.array("pinned")) {
    for (const toml::node& item : *pinned) {
      if (!item.is_string()) reader.fail(&item, "pinned", "expected a list of setting names");
      sweep.pinned.push_back(*item.value<std::string>());
    }
  }
  read_early_stopping(reader, table, sweep.source_path, sweep.early_stopping);
  reader.reject_unknown_keys({"early_stopping"});
  for (const char* key : {"experiment", "metric", "seeds", "pinned"}) {
    sweep.lines[std::string("sweep.") + key] = reader.line(key);
  }
}

void check_parameter_shapes(const SweepConfig& sweep) {
  std::set<std::string> names;
  for (const SweepParameter& parameter : sweep.parameters) {
    const std::string where = "parameters." + parameter.name + ": ";
    if (!names.insert(parameter.name).second) {
      throw ConfigError(located(sweep.source_path, parameter.line, where + "varied twice"));
    }
    if (sweep.method == "grid" && parameter.kind != ParameterKind::kList) {
      throw ConfigError(located(sweep.source_path, parameter.line,
                                where + "a distribution needs sweep.method = \"random\"; a grid "
                                        "takes a list of values"));
    }
  }
}

}  // namespace

std::string sweep_directory(const SweepConfig& sweep) {
  return std::filesystem::absolute(sweep.source_path).parent_path().string();
}

SweepConfig parse_sweep_config(const std::string& toml_text, const std::string& source_path) {
  toml::table root;
  try {
    root = toml::parse(toml_as_ascii(toml_text, source_path), source_path);
  } catch (const toml::parse_error& error) {
    throw ConfigError(located(source_path, static_cast<long>(error.source().begin.line),
                              "TOML syntax error: " + std::string(error.description())));
  }
  SweepConfig sweep;
  sweep.source_path = source_path;
  sweep.name = std::filesystem::path(source_path).stem().string();
  for (const auto& [key, node] : root) {
    if (key.str() != "sweep" && key.str() != "parameters") {
      throw ConfigError(
          located(source_path, line_of(&node),
                  "unknown section [" + std::string(key.str()) + "] (known: sweep, parameters)"));
    }
  }
  read_sweep_section(root, sweep);
  const toml::node* parameters = root.get("parameters");
  if (parameters == nullptr || !parameters->is_table() || parameters->as_table()->empty()) {
    throw ConfigError(located(source_path, line_of(parameters),
                              "[parameters]: nothing to vary; list at least one setting, e.g. "
                              "\"walk.p\" = [0.5, 1, 2]"));
  }
  read_parameters(*parameters->as_table(), "", source_path, sweep.parameters);
  // toml++ keeps keys sorted; the file's order is the one users expect.
  std::stable_sort(
      sweep.parameters.begin(), sweep.parameters.end(),
      [](const SweepParameter& a, const SweepParameter& b) { return a.line < b.line; });
  check_parameter_shapes(sweep);

  root.at_path("sweep.experiment").ref<std::string>() = sweep.experiment_path;
  std::ostringstream spec;
  spec << root;
  sweep.spec_toml = spec.str();
  return sweep;
}

SweepConfig load_sweep_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ConfigError(located(path, 0, "sweep file not found"));
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  SweepConfig sweep = parse_sweep_config(text.str(), path);
  check_against_experiment(sweep);
  return sweep;
}

}  // namespace wb
