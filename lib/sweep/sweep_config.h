#pragma once
// A sweep file: which experiment to vary, over which values, how to judge the
// trials and how often to retry them. Everything is checked here, against the
// base experiment too, before any trial starts, so that a typo never costs a
// half-run sweep.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wb {

enum class ParameterKind { kList, kUniform, kLogUniform, kIntUniform, kChoice };

struct SweepParameter {
  std::string name;  // an experiment setting, "section.key"
  ParameterKind kind = ParameterKind::kList;
  std::vector<std::string> values;  // kList, kChoice: each value as TOML text
  double min = 0;                   // kUniform, kLogUniform, kIntUniform (inclusive)
  double max = 0;
  long line = 0;  // where the sweep file defines it
};

struct EarlyStoppingSettings {
  std::string rule = "none";  // none | median
  int64_t min_trials = 3;     // finished trials needed before any pruning
  int64_t warmup_steps = 50;  // no trial is pruned before this training step
};

struct SweepConfig {
  std::string source_path;      // the sweep file
  std::string name;             // defaults to the sweep file's stem
  std::string experiment_path;  // the base experiment, resolved against the sweep file
  std::string method = "grid";  // grid | random
  std::string metric = "link/hadamard/roc_auc";
  std::string goal = "maximize";    // maximize | minimize
  int64_t trials = 0;               // random: points drawn; grid: a cap (0: the whole grid)
  std::vector<int64_t> seeds;       // replicate experiment.seed values; empty: the base seed
  int64_t max_attempts = 2;         // runs a trial may fail or crash before it is given up
  std::vector<std::string> pinned;  // settings the sweep may not vary
  int64_t seed = 0;                 // random search's own seed
  EarlyStoppingSettings early_stopping;
  std::vector<SweepParameter> parameters;  // in the order the file lists them
  std::string spec_toml;  // the file as TOML with the experiment path resolved, for the store
  std::map<std::string, long> lines;  // "sweep.metric" -> its line, for later messages
};

// Reads and validates a sweep file, including every listed value and both
// bounds of every range against the base experiment. Throws ConfigError naming
// the sweep file, the line and the key of the first problem.
SweepConfig load_sweep_config(const std::string& path);

// The sweep file's folder, against which the relative file names among its
// settings resolve.
std::string sweep_directory(const SweepConfig& sweep);

// Only the sweep file's own structure, without looking at the base experiment
// (load_sweep_config does both).
SweepConfig parse_sweep_config(const std::string& toml_text, const std::string& source_path);

// Checks the parameters, pinned keys, seeds and metric against the base
// experiment. Throws ConfigError located in the sweep file.
void check_against_experiment(const SweepConfig& sweep);

}  // namespace wb
