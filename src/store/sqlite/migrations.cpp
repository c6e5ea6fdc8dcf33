// Applies the embedded migrations in version order, once each.
#include "store/sqlite/migrations.hpp"

#include <chrono>
#include <string>

#include "store/store.hpp"

namespace parlor::store::sqlite {
namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t applied_version(Db& db) {
  static constexpr char sql[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
  auto q = db.query(sql);
  return q.step() ? q.int64(0) : 0;
}

}  // namespace

void apply_migrations(Db& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  for (const Migration& m : migrations()) {
    if (applied_version(db) >= m.version) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      // Checked again under the write lock: another process may have won.
      if (applied_version(db) < m.version) {
        db.exec(m.sql);
        static constexpr char record[] =
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";
        db.query(record).bind(1, m.version).bind(2, m.name).bind(3, now_ms()).run();
      }
      db.exec("COMMIT");
    } catch (const Error& e) {
      if (db.in_transaction()) db.exec("ROLLBACK");
      throw Error(std::string("migration ") + m.name + ": " + e.what());
    }
  }
}

}  // namespace parlor::store::sqlite
