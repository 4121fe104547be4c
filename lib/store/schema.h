#pragma once
// The run store's tables, and the migrations that bring a file written by an
// older workbench up to the current layout.
#include <string>

namespace wb {

class Database;

// The layout this build reads and writes. Files with a higher version come
// from a newer workbench and are refused rather than misread.
constexpr int kSchemaVersion = 3;

// Brings the file to kSchemaVersion in one write transaction, creating every
// table on a new file. Safe to call from several processes at once.
void migrate_schema(Database& db);

// The version recorded in the file; 0 for a file without the store's tables.
int schema_version(Database& db);

// The current time as the store writes it: ISO-8601 UTC with milliseconds,
// "YYYY-MM-DDTHH:MM:SS.sssZ", which sorts chronologically as text and which
// SQLite's date functions (julianday) read directly.
std::string utc_timestamp();

}  // namespace wb
