#pragma once
// A name -> factory table for the pluggable pieces (samplers, trainers). Each
// registry lists its entries explicitly, because a static library drops
// self-registering objects that nothing references.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"

namespace wb {

template <class T>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  // `config_key` names the TOML setting that selects an entry, for messages.
  Registry(std::string config_key, std::vector<std::pair<std::string, Factory>> entries)
      : config_key_(std::move(config_key)), entries_(std::move(entries)) {}

  std::unique_ptr<T> make(const std::string& name) const {
    for (const auto& [known, factory] : entries_) {
      if (known == name) return factory();
    }
    std::string known_names;
    for (const auto& known : names()) known_names += " \"" + known + "\"";
    throw ConfigError(config_key_ + ": unknown name \"" + name + "\" (known:" + known_names + ")");
  }

  std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& entry : entries_) result.push_back(entry.first);
    return result;
  }

 private:
  std::string config_key_;
  std::vector<std::pair<std::string, Factory>> entries_;
};

}  // namespace wb
