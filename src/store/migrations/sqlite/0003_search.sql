-- Full-text search over message content: FTS5 with external content, so the
-- text is stored once, in messages. Every message whose id is at most
-- search_state.indexed_up_to has exactly one row here, holding its current
-- content (edits and deletes replace it); newer messages are added in
-- batches by the writer, and before every search (store/sqlite/search.cpp),
-- so sending a message does not pay for the index.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content,
  content = 'messages',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE search_state (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_up_to INTEGER NOT NULL
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO search_state (id, indexed_up_to) SELECT 1, coalesce(max(id), 0) FROM messages;
