// Versioned schema migrations. Each is one SQL file in
// src/store/migrations/sqlite/NNNN_name.sql, embedded at build time; the
// applied versions are recorded in schema_migrations.
#pragma once

#include <vector>

#include "store/sqlite/db.hpp"

namespace parlor::store::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every known migration, ascending version (generated: migration_list.cpp).
const std::vector<Migration>& migrations();

// Applies, each in its own write transaction, every migration newer than the
// database's latest applied one. Safe to run on every start-up and from
// several processes at once. Throws store::Error.
void apply_migrations(Db& db);

}  // namespace parlor::store::sqlite
