// Writes a resolved config back out: as TOML (saved with every run, so it can
// be re-run exactly) and as flat "section.key" pairs (for the store).
#include <toml++/toml.h>

#include <map>
#include <sstream>

#include "config/config_fields.h"
#include "config/experiment_config.h"

namespace wb {
namespace {

class TomlWriter {
 public:
  void section(const std::string& name) {
    table_ = &root_;
    std::stringstream parts(name);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (!table_->contains(part)) table_->insert(part, toml::table{});
      table_ = table_->get(part)->as_table();
    }
  }
  template <class Range>
  void field(const char* key, int64_t& value, Range) {
    table_->insert_or_assign(key, value);
  }
  template <class Range>
  void field(const char* key, double& value, Range) {
    table_->insert_or_assign(key, value);
  }
  void field(const char* key, bool& value) { table_->insert_or_assign(key, value); }
  void field(const char* key, std::string& value, const Choices&) {
    table_->insert_or_assign(key, value);
  }
  void field(const char* key, std::vector<double>& values, RealRange) {
    toml::array array;
    for (double value : values) array.push_back(value);
    table_->insert_or_assign(key, std::move(array));
  }
  void field(const char* key, std::vector<std::string>& values, const Choices&) {
    toml::array array;
    for (const auto& value : values) array.push_back(value);
    table_->insert_or_assign(key, std::move(array));
  }
  const toml::table& root() const { return root_; }

 private:
  toml::table root_;
  toml::table* table_ = &root_;
};

class Flattener {
 public:
  void section(const std::string& name) { section_ = name; }
  template <class Range>
  void field(const char* key, int64_t& value, Range) {
    add(key, std::to_string(value));
  }
  template <class Range>
  void field(const char* key, double& value, Range) {
    add(key, real_text(value));
  }
  void field(const char* key, std::vector<double>& values, RealRange) {
    std::string text;
    for (double value : values) text += (text.empty() ? "" : ",") + real_text(value);
    add(key, text);
  }
  void field(const char* key, bool& value) { add(key, value ? "true" : "false"); }
  void field(const char* key, std::string& value, const Choices&) { add(key, value); }
  void field(const char* key, std::vector<std::string>& values, const Choices&) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
    add(key, text);
  }
  std::vector<std::pair<std::string, std::string>> pairs;

 private:
  static std::string real_text(double value) {
    std::ostringstream text;
    text.precision(17);
    text << value;
    return text.str();
  }
  void add(const char* key, std::string value) {
    pairs.emplace_back(section_ + "." + key, std::move(value));
  }
  std::string section_;
};

}  // namespace

std::string to_toml(const ExperimentConfig& config) {
  ExperimentConfig copy = config;  // the visitor takes non-const references
  TomlWriter writer;
  visit_config_fields(copy, writer);
  std::ostringstream text;
  text << writer.root() << "\n";
  return text.str();
}

std::vector<std::pair<std::string, std::string>> flatten(const ExperimentConfig& config) {
  ExperimentConfig copy = config;
  Flattener flattener;
  visit_config_fields(copy, flattener);
  return std::move(flattener.pairs);
}

bool is_default_setting(const std::string& key, const std::string& value) {
  static const std::map<std::string, std::string> defaults = [] {
    const auto flat = flatten(ExperimentConfig{});
    return std::map<std::string, std::string>(flat.begin(), flat.end());
  }();
  const auto found = defaults.find(key);
  return found != defaults.end() && found->second == value;
}

}  // namespace wb
