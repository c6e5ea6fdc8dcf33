-- Uploaded files. The bytes live in the data directory under files/, named
-- by storage_key (128 random bits as hex), which is also the file's link:
-- knowing it is the permission to read the file.
CREATE TABLE files (
  id            INTEGER PRIMARY KEY,
  storage_key   TEXT    NOT NULL UNIQUE,
  uploader_id   INTEGER NOT NULL REFERENCES users (id),
  file_name     TEXT    NOT NULL,
  file_size     INTEGER NOT NULL,
  content_type  TEXT    NOT NULL,
  width         INTEGER,  -- images only
  height        INTEGER,
  has_thumbnail INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
