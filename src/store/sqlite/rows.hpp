// Column lists and row readers shared by the SQLite files whose queries
// join users or members (each list is qualified: alias the table u / m).
#pragma once

#include "store/records.hpp"
#include "store/sqlite/db.hpp"

namespace parlor::store::sqlite {

#define PARLOR_USER_COLUMNS                                                              \
  "u.id, u.username, u.email, u.display_name, u.avatar_url, u.password_hash, u.status, " \
  "u.custom_status, u.last_seen, u.created_at"
constexpr int kUserColumns = 10;
// The PARLOR_USER_COLUMNS, from column `at` on.
UserRecord read_user(const Query& q, int at = 0);

}  // namespace parlor::store::sqlite
