// Parses and validates experiment files: the one place where user settings
// are checked, so every later stage can trust its struct.
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_fields.h"
#include "config/experiment_config.h"
#include "config/toml_ascii.h"
#include "core/errors.h"

namespace wb {
namespace {

std::string format_real(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string join_choices(const Choices& choices) {
  std::string text;
  for (const auto& choice : choices) {
    if (!text.empty()) text += ", ";
    text += "\"" + choice + "\"";
  }
  return text;
}

toml::table* find_table(toml::table& root, const std::string& dotted, bool create) {
  toml::table* table = &root;
  std::stringstream parts(dotted);
  std::string part;
  while (std::getline(parts, part, '.')) {
    toml::node* child = table->get(part);
    if (child == nullptr) {
      if (!create) return nullptr;
      child = &table->insert_or_assign(part, toml::table{}).first->second;
    }
    table = child->as_table();
    if (table == nullptr) return nullptr;
  }
  return table;
}

// Reads each field from the document, checking type and range, and remembers
// which keys it consumed so that unknown keys can be reported afterwards.
class FieldReader {
 public:
  FieldReader(toml::table& root, std::string source, std::set<std::string> overridden)
      : root_(root), source_(std::move(source)), overridden_(std::move(overridden)) {}

  void section(const std::string& name) {
    section_ = name;
    known_sections_.insert(name);
    table_ = find_table(root_, name, false);
    if (table_ == nullptr && root_.at_path(name))
      fail(root_.at_path(name).node(), "", "expected a table");
  }

  void field(const char* key, int64_t& out, IntRange range) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    const auto value = node->value<int64_t>();
    if (!node->is_integer() || !value) fail(node, key, "expected an integer");
    if (*value < range.min || *value > range.max) {
      fail(node, key,
           "expected an integer in [" + std::to_string(range.min) + ", " +
               std::to_string(range.max) + "], got " + std::to_string(*value));
    }
    out = *value;
  }

  void field(const char* key, double& out, RealRange range) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    if (!node->is_number()) fail(node, key, "expected a number");
    out = *node->value<double>();
    check_range(node, key, out, range);
  }

  void field(const char* key, std::vector<double>& out, RealRange range) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(node, key, "expected a list of numbers");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_number()) fail(&item, key, "expected a list of numbers");
      out.push_back(*item.value<double>());
      check_range(&item, key, out.back(), range);
    }
  }

  void field(const char* key, bool& out) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    if (!node->is_boolean()) fail(node, key, "expected true or false");
    out = *node->value<bool>();
  }

  void field(const char* key, std::string& out, const Choices& choices) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    if (!node->is_string()) fail(node, key, "expected a string");
    out = *node->value<std::string>();
    check_choice(node, key, out, choices);
  }

  void field(const char* key, std::vector<std::string>& out, const Choices& choices) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(node, key, "expected a list of strings");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) fail(&item, key, "expected a list of strings");
      out.push_back(*item.value<std::string>());
      check_choice(&item, key, out.back(), choices);
    }
  }

  // Every key of the document must have been consumed by a field.
  void reject_unknown_keys() const {
    for (const auto& [key, node] : root_) {
      const std::string name(key.str());
      if (!known_sections_.count(name)) {
        const long line = static_cast<long>(node.source().begin.line);
        throw ConfigError(located(
            source_, line,
            "unknown section [" + name + "] (expected one of: " + known_section_list() + ")"));
      }
      reject_unknown_in(name, *node.as_table());
    }
  }

  [[noreturn]] void fail(const toml::node* node, const std::string& key,
                         const std::string& message) const {
    const std::string full_key = key.empty() ? section_ : section_ + "." + key;
    if (overridden_.count(full_key)) throw ConfigError("--set " + full_key + ": " + message);
    const long line = node ? static_cast<long>(node->source().begin.line) : 0;
    throw ConfigError(located(source_, line, full_key + ": " + message));
  }

 private:
  const toml::node* take(const char* key) {
    consumed_.insert(section_ + "." + key);
    return table_ ? table_->get(key) : nullptr;
  }

  void check_range(const toml::node* node, const char* key, double value, RealRange range) const {
    const bool below = range.min_exclusive ? value <= range.min : value < range.min;
    const bool above = range.max_exclusive ? value >= range.max : value > range.max;
    if (std::isnan(value) || below || above) {
      fail(node, key,
           "expected a number in " + std::string(range.min_exclusive ? "(" : "[") +
               format_real(range.min) + ", " + format_real(range.max) +
               (range.max_exclusive ? ")" : "]") + ", got " + format_real(value));
    }
  }

  void check_choice(const toml::node* node, const char* key, const std::string& value,
                    const Choices& choices) const {
    if (choices.empty()) return;
    for (const auto& choice : choices) {
      if (value == choice) return;
    }
    fail(node, key,
         "unknown value \"" + value + "\" (expected one of " + join_choices(choices) + ")");
  }

  void reject_unknown_in(const std::string& section, const toml::table& table) const {
    for (const auto& [key, node] : table) {
      const std::string full = section + "." + std::string(key.str());
      if (consumed_.count(full)) continue;
      if (known_sections_.count(full) && node.is_table()) {
        reject_unknown_in(full, *node.as_table());
        continue;
      }
      const long line = static_cast<long>(node.source().begin.line);
      const std::string message =
          "unknown key " + full + " (expected one of: " + known_key_list(section) + ")";
      if (overridden_.count(full)) throw ConfigError("--set " + full + ": " + message);
      throw ConfigError(located(source_, line, message));
    }
  }

  std::string known_key_list(const std::string& section) const {
    std::string text;
    for (const auto& full : consumed_) {
      if (full.compare(0, section.size() + 1, section + ".") != 0) continue;
      const std::string key = full.substr(section.size() + 1);
      if (key.find('.') == std::string::npos) text += (text.empty() ? "" : ", ") + key;
    }
    return text;
  }

  std::string known_section_list() const {
    std::string text;
    for (const auto& name : known_sections_) text += (text.empty() ? "" : ", ") + name;
    return text;
  }

  toml::table& root_;
  std::string source_;
  std::set<std::string> overridden_;
  std::string section_;
  toml::table* table_ = nullptr;
  std::set<std::string> consumed_;
  std::set<std::string> known_sections_;
};

// "section.key" of a "section.key=value" assignment, split at its last dot.
struct OverrideKey {
  std::string section, key;
  std::string full() const { return section + "." + key; }
};

OverrideKey override_key(const std::string& assignment) {
  const size_t equals = assignment.find('=');
  const size_t dot = assignment.rfind('.', equals);
  if (equals == std::string::npos || dot == std::string::npos || dot == 0) {
    throw ConfigError("--set " + assignment + ": expected section.key=value");
  }
  return {assignment.substr(0, dot), assignment.substr(dot + 1, equals - dot - 1)};
}

void apply_override(toml::table& root, const std::string& assignment,
                    std::set<std::string>& overridden) {
  const auto [section, key] = override_key(assignment);
  const std::string value = assignment.substr(assignment.find('=') + 1);
  toml::table* table = find_table(root, section, true);
  if (table == nullptr)
    throw ConfigError("--set " + assignment + ": " + section + " is not a table");
  try {
    toml::table parsed = toml::parse(toml_as_ascii("value = " + value, "--set"));
    table->insert_or_assign(key, std::move(*parsed.get("value")));
  } catch (const toml::parse_error&) {
    table->insert_or_assign(key, value);  // a bare word: take it as a string
  } catch (const ConfigError&) {
    table->insert_or_assign(key, value);  // a bare word with non-ASCII characters
  }
  overridden.insert(section + "." + key);
}

void validate_combinations(const ExperimentConfig& c) {
  if (c.graph.path.empty() == c.graph.generator.empty()) {
    throw ConfigError(located(c.source_path, 0,
                              "graph: set exactly one of graph.path (an edge list) or "
                              "graph.generator"));
  }
  if ((c.train.trainer == "external") == c.train.embeddings.empty()) {
    throw ConfigError(located(c.source_path, 0,
                              "train.embeddings: train.trainer = \"external\" scores vectors "
                              "trained elsewhere and needs train.embeddings (word2vec text or a "
                              ".npy); other trainers train their own and take none"));
  }
  if (!c.train.embeddings_ids.empty() && c.train.embeddings.empty()) {
    throw ConfigError(located(c.source_path, 0,
                              "train.embeddings_ids names the rows of train.embeddings, which "
                              "is not set"));
  }
  if (c.train.trainer == "external" && std::find(c.export_.formats.begin(), c.export_.formats.end(),
                                                 "walks") != c.export_.formats.end()) {
    throw ConfigError(located(c.source_path, 0,
                              "export.formats: train.trainer = \"external\" draws no walks to "
                              "export"));
  }
  if (c.train.amp == "fp16" && c.experiment.device == "cpu") {
    throw ConfigError(located(c.source_path, 0,
                              "train.amp = \"fp16\" needs experiment.device = \"cuda\"; use "
                              "\"bf16\" on the CPU"));
  }
  if (c.train.negative_sharing == "window" && c.train.trainer != "fused") {
    throw ConfigError(located(c.source_path, 0,
                              "train.negative_sharing = \"window\" needs train.trainer = "
                              "\"fused\"; the torch trainer shares negatives with \"batch\""));
  }
  if (c.train.negative_sharing == "batch" && c.train.trainer != "torch") {
    throw ConfigError(located(c.source_path, 0,
                              "train.negative_sharing = \"batch\" needs train.trainer = "
                              "\"torch\"; the fused trainers share negatives with \"window\""));
  }
  if (c.train.batching == "device" && c.train.trainer != "torch") {
    throw ConfigError(located(c.source_path, 0,
                              "train.batching = \"device\" needs train.trainer = \"torch\"; the "
                              "fused trainers read the walks directly"));
  }
  if (c.train.storage != "fp32" && (c.train.trainer != "fused" || c.experiment.device == "cpu")) {
    throw ConfigError(located(c.source_path, 0,
                              "train.storage = \"" + c.train.storage +
                                  "\" needs train.trainer = \"fused\" on experiment.device = "
                                  "\"cuda\" (half-precision tables are a GPU fast path)"));
  }
  const auto& formats = c.export_.formats;
  if (c.walk.storage == "regenerate" &&
      (c.train.trainer != "fused" || c.experiment.device == "cuda" ||
       std::find(formats.begin(), formats.end(), "walks") != formats.end())) {
    throw ConfigError(located(c.source_path, 0,
                              "walk.storage = \"regenerate\" draws each walk again as the "
                              "trainer reads it: it needs train.trainer = \"fused\" on the "
                              "CPU, and export.formats without \"walks\""));
  }
  if (c.eval.task == "node_classification" && c.eval.labels.empty()) {
    throw ConfigError(located(c.source_path, 0,
                              "eval.labels: eval.task = \"node_classification\" needs a labels "
                              "file (`node label ...`, `node label` or `node,label` lines)"));
  }
  // With eval.task = "none" the choices are inert, so a node classification
  // experiment can be rerun without its evaluation by changing one setting.
  if ((!c.eval.classifier_l2_choices.empty() || c.eval.normalize_choices.size() > 1) &&
      (c.eval.task == "link_prediction" || c.eval.validation_fraction <= 0) &&
      c.eval.task != "none") {
    throw ConfigError(located(c.source_path, 0,
                              "eval.classifier_l2_choices and several eval.normalize_choices need "
                              "eval.task = \"node_classification\" and eval.validation_fraction > "
                              "0 (the choice is made on validation nodes, never on test nodes)"));
  }
  if (c.eval.normalize_choices.empty()) {
    throw ConfigError(
        located(c.source_path, 0, "eval.normalize_choices: list at least one of \"none\", \"l2\""));
  }
  if (c.eval.validation_edges == "held_out" &&
      !(c.eval.validation_fraction > 0 && c.eval.test_fraction + c.eval.validation_fraction < 1)) {
    throw ConfigError(located(c.source_path, 0,
                              "eval.validation_edges = \"held_out\" needs eval.validation_fraction "
                              "> 0, and eval.test_fraction + eval.validation_fraction < 1 (both "
                              "are fractions of the graph's edges)"));
  }
  if (c.eval.task == "link_prediction" && c.eval.operators.empty()) {
    throw ConfigError(located(c.source_path, 0, "eval.operators: list at least one operator"));
  }
}

}  // namespace

ExperimentConfig parse_experiment_config(const std::string& toml_text,
                                         const std::string& source_name,
                                         const std::vector<std::string>& overrides) {
  const std::string ascii = toml_as_ascii(toml_text, source_name);
  toml::table root;
  try {
    root = toml::parse(ascii, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(located(source_name, static_cast<long>(error.source().begin.line),
                              "TOML syntax error: " + std::string(error.description())));
  }
  std::set<std::string> overridden;
  for (const auto& assignment : overrides) apply_override(root, assignment, overridden);

  ExperimentConfig config;
  config.source_path = source_name;
  config.experiment.name = std::filesystem::path(source_name).stem().string();
  FieldReader reader(root, source_name, overridden);
  visit_config_fields(config, reader);
  reader.reject_unknown_keys();
  validate_combinations(config);
  return config;
}

ExperimentConfig load_experiment_config(const std::string& path,
                                        const std::vector<std::string>& overrides,
                                        const std::string& overrides_directory) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ConfigError(located(path, 0, "experiment file not found"));
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  ExperimentConfig config = parse_experiment_config(text.str(), path, overrides);
  // Files named relative to the file that names them, so experiments run from
  // anywhere, and a name typed after --set means what it means to the shell.
  std::set<std::string> overridden;
  for (const auto& assignment : overrides) overridden.insert(override_key(assignment).full());
  const std::pair<std::string*, const char*> named_files[] = {
      {&config.graph.path, "graph.path"},
      {&config.eval.labels, "eval.labels"},
      {&config.train.embeddings, "train.embeddings"},
      {&config.train.embeddings_ids, "train.embeddings_ids"}};
  for (const auto& [named, key] : named_files) {
    if (named->empty() || !std::filesystem::path(*named).is_relative()) continue;
    const bool from_overrides = overridden.count(key) > 0 && !overrides_directory.empty();
    const std::filesystem::path base = from_overrides
                                           ? std::filesystem::absolute(overrides_directory)
                                           : std::filesystem::absolute(path).parent_path();
    *named = (base / *named).lexically_normal().string();
  }
  return config;
}

}  // namespace wb
