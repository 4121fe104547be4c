#include "store/sqlite_handle.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

namespace wb {
namespace {

// Each attempt already waits up to the busy timeout for locks, so retries only
// cover the cases SQLite reports at once; a handful with short pauses suffices.
constexpr int kMaxAttempts = 20;
constexpr int kFirstPauseMs = 2;
constexpr int kLongestPauseMs = 100;

void pause_before_retry(int attempt) {
  const int pause_ms = std::min(kLongestPauseMs, kFirstPauseMs << std::min(attempt, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
}

// Some errors (busy, I/O, full disk) end the transaction inside SQLite
// already; a ROLLBACK then would fail and hide the original error.
void roll_back_if_open(Database& db) noexcept {
  if (sqlite3_get_autocommit(db.get()) == 0) {
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

// SQLite's "disk I/O error" does not say what went wrong; the system's errno
// does (a full disk, a file size limit, a read-only file system).
std::string describe(sqlite3* db, int code) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  const int primary = code & 0xff;
  const int system = db != nullptr ? sqlite3_system_errno(db) : 0;
  if (system != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                      primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)) {
    detail += std::string(": ") + std::strerror(system);
  }
  return detail;
}

}  // namespace

SqliteError::SqliteError(int code, const std::string& path, const std::string& detail,
                         const std::string& doing)
    : Error(located(path, 0, detail + (doing.empty() ? "" : " (" + doing + ")"))),
      code_(code),
      detail_(detail) {}

bool SqliteError::busy() const {
  const int primary = code_ & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Database::Database(const std::string& path) : path_(path) {
  const int code = sqlite3_open_v2(
      path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, nullptr);
  if (code != SQLITE_OK) {
    const std::string detail = describe(db_, code);
    sqlite3_close(db_);
    throw SqliteError(code, path, detail, "opening");
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  // Statements are owned by Statement objects that the store scopes inside
  // its calls, so none are left here and close cannot fail with SQLITE_BUSY.
  sqlite3_close(db_);
}

void Database::exec(const char* sql) {
  const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) throw error(code, sql);
}

void Database::set_busy_timeout(int milliseconds) {
  const int code = sqlite3_busy_timeout(db_, milliseconds);
  if (code != SQLITE_OK) throw error(code, "setting the busy timeout");
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

SqliteError Database::error(int code, const std::string& doing) const {
  return SqliteError(code, path_, describe(db_, code), doing);
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
  const int code = sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr);
  if (code != SQLITE_OK) throw db.error(code, sql);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::check_bind(int code) {
  if (code != SQLITE_OK) throw db_.error(code, sqlite3_sql(stmt_));
}

Statement& Statement::bind_int64(int index, int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_text(int index, const std::string& value) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

bool Statement::step() {
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  SqliteError failure = db_.error(code, sqlite3_sql(stmt_));
  reset();
  throw failure;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const {
  if (column_is_null(index)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return "";
  const int bytes = sqlite3_column_bytes(stmt_, index);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(bytes));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

void in_transaction(Database& db, TransactionMode mode, const std::function<void()>& body) {
  const char* begin = mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN";
  for (int attempt = 1;; ++attempt) {
    try {
      db.exec(begin);
      body();
      db.exec("COMMIT");
      return;
    } catch (const SqliteError& e) {
      roll_back_if_open(db);
      if (!e.busy() || attempt >= kMaxAttempts) throw;
    } catch (...) {
      roll_back_if_open(db);
      throw;
    }
    pause_before_retry(attempt);
  }
}

void retry_when_busy(const std::function<void()>& body) {
  for (int attempt = 1;; ++attempt) {
    try {
      body();
      return;
    } catch (const SqliteError& e) {
      if (!e.busy() || attempt >= kMaxAttempts) throw;
    }
    pause_before_retry(attempt);
  }
}

}  // namespace wb
