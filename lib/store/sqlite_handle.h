#pragma once
// RAII ownership of a SQLite connection and its prepared statements, and the
// one place that turns SQLite result codes into wb errors naming the file.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/errors.h"

namespace wb {

// A failed SQLite call. The extended result code is kept so that callers can
// tell contention (worth retrying) from real failures.
class SqliteError : public Error {
 public:
  SqliteError(int code, const std::string& path, const std::string& detail,
              const std::string& doing);
  int code() const { return code_; }
  // SQLite's own words, e.g. "file is not a database".
  const std::string& detail() const { return detail_; }
  // Another connection holds a lock we need: SQLITE_BUSY or SQLITE_LOCKED.
  bool busy() const;

 private:
  int code_;
  std::string detail_;
};

class Database {
 public:
  // Opens the file read-write, creating it when missing. SQLite reads nothing
  // yet, so a file that is not a database is only noticed on first use.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }
  // SQLite's own mutex covers single calls only; a transaction and its
  // statements must hold this so that threads sharing the connection do not
  // interleave inside each other's transactions.
  std::mutex& mutex() { return mutex_; }

  // Runs SQL that returns no rows of interest (DDL, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  void set_busy_timeout(int milliseconds);
  int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const;
  // The error for a failed call, "<path>: <sqlite message> (<doing>)". Read
  // before anything else touches the connection, which overwrites the message.
  SqliteError error(int code, const std::string& doing) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameter indices start at 1, as in SQLite.
  Statement& bind_int64(int index, int64_t value);
  // SQLite stores NaN as NULL; column_double() turns it back into NaN.
  Statement& bind_double(int index, double value);
  Statement& bind_text(int index, const std::string& value);

  // Advances to the next row; false once there are no more. On failure the
  // statement is reset, so it can be reused after the error is handled.
  bool step();
  // Runs a statement that returns no rows and makes it ready for new bindings.
  void run();
  // Rewinds and clears the bindings.
  void reset();

  // Column indices start at 0, as in SQLite.
  int64_t column_int64(int index) const;
  double column_double(int index) const;     // NULL -> NaN
  std::string column_text(int index) const;  // NULL -> ""
  bool column_is_null(int index) const;

 private:
  void check_bind(int code);

  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

enum class TransactionMode {
  kRead,   // BEGIN: a consistent snapshot, never blocks writers in WAL mode
  kWrite,  // BEGIN IMMEDIATE: takes the write lock up front (see in_transaction)
};

// Runs body between BEGIN and COMMIT, rolling back when it throws, so that a
// failed multi-row write leaves nothing behind. When SQLite reports the file
// busy or locked the whole transaction is retried with a growing pause: the
// busy timeout does not cover every case, e.g. a deferred transaction that
// upgrades to writing in WAL mode fails at once rather than deadlock, which is
// why writes start with BEGIN IMMEDIATE. body may run more than once and must
// keep its effects inside the transaction. The caller holds db.mutex().
void in_transaction(Database& db, TransactionMode mode, const std::function<void()>& body);

// Retries one call that is not inside a transaction (e.g. switching to WAL)
// while it fails with a busy/locked SqliteError.
void retry_when_busy(const std::function<void()>& body);

}  // namespace wb
