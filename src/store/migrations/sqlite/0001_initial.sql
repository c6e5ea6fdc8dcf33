-- The first schema: users, login-token revocations, rooms, membership,
-- messages with their mentions, reactions and edit history.
-- Counters (rooms.rev, last_seq, member_count) are kept by the store's
-- statements, not by triggers, so each write costs exactly what it says.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT    NOT NULL COLLATE NOCASE UNIQUE,
  email         TEXT    NOT NULL COLLATE NOCASE UNIQUE,
  display_name  TEXT    NOT NULL DEFAULT '',
  avatar_url    TEXT    NOT NULL DEFAULT '',
  password_hash TEXT    NOT NULL DEFAULT '',
  status        TEXT    NOT NULL DEFAULT '',
  custom_status TEXT    NOT NULL DEFAULT '',
  last_seen     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE revoked_tokens (
  jti        TEXT    PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);

CREATE TABLE rooms (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL DEFAULT '',
  description  TEXT    NOT NULL DEFAULT '',
  type         TEXT    NOT NULL CHECK (type IN ('public', 'private', 'dm')),
  archived     INTEGER NOT NULL DEFAULT 0,
  created_by   INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL DEFAULT 0,
  rev          INTEGER NOT NULL DEFAULT 0,
  last_seq     INTEGER NOT NULL DEFAULT 0,
  member_count INTEGER NOT NULL DEFAULT 0,
  dm_key       TEXT    -- NULL unless type = 'dm'
);
CREATE UNIQUE INDEX rooms_by_dm_key ON rooms (dm_key) WHERE dm_key IS NOT NULL;
CREATE INDEX rooms_public_by_name ON rooms (archived, name) WHERE type = 'public';

CREATE TABLE members (
  room_id       INTEGER NOT NULL REFERENCES rooms (id),
  user_id       INTEGER NOT NULL REFERENCES users (id),
  role          TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at     INTEGER NOT NULL DEFAULT 0,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id, room_id);

CREATE TABLE messages (
  id             INTEGER PRIMARY KEY,
  room_id        INTEGER NOT NULL REFERENCES rooms (id),
  seq            INTEGER NOT NULL,
  rev            INTEGER NOT NULL,
  sender_id      INTEGER NOT NULL REFERENCES users (id),
  content        TEXT    NOT NULL DEFAULT '',
  mentions       TEXT    NOT NULL DEFAULT '',  -- user ids joined by ',' (as given)
  parent_id      INTEGER REFERENCES messages (id),
  reply_count    INTEGER NOT NULL DEFAULT 0,
  last_reply_at  INTEGER NOT NULL DEFAULT 0,
  edited_at      INTEGER NOT NULL DEFAULT 0,
  deleted        INTEGER NOT NULL DEFAULT 0,
  pinned         INTEGER NOT NULL DEFAULT 0,
  pinned_order   INTEGER NOT NULL DEFAULT 0,  -- the rev of the pin, for newest-pin-first
  created_at     INTEGER NOT NULL DEFAULT 0,
  client_msg_id  TEXT,                        -- NULL when none was given
  attachment_ids TEXT    NOT NULL DEFAULT ''  -- ids joined by ','
);
CREATE UNIQUE INDEX messages_by_room_seq ON messages (room_id, seq);
CREATE INDEX messages_by_room_rev ON messages (room_id, rev);
CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_msg_id);
CREATE INDEX messages_by_parent ON messages (parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE INDEX messages_pinned ON messages (room_id, pinned_order) WHERE pinned = 1;

-- One row per mentioned user of a live message; room_id and seq are copied
-- from the message so counting mentions reads this index alone.
CREATE TABLE mentions (
  message_id INTEGER NOT NULL REFERENCES messages (id),
  user_id    INTEGER NOT NULL,
  room_id    INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
CREATE INDEX mentions_by_user ON mentions (user_id, room_id, seq);

-- The rowid keeps reaction order: first reaction first.
CREATE TABLE reactions (
  id         INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  emoji      TEXT    NOT NULL
);
CREATE UNIQUE INDEX reactions_unique ON reactions (message_id, user_id, emoji);

CREATE TABLE edits (
  id         INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id),
  content    TEXT    NOT NULL,
  edited_at  INTEGER NOT NULL
);
CREATE INDEX edits_by_message ON edits (message_id, id);
