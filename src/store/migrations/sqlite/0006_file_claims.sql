-- An upload is claimed once a stored message attaches it. Unclaimed uploads
-- (a message never sent, a draft abandoned) are removed after a while
-- (chat/files/sweep.cpp); the partial index keeps finding them cheap.
ALTER TABLE files ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
UPDATE files SET claimed = 1 WHERE id IN (
  SELECT CAST(j.value AS INTEGER) FROM messages AS m, json_each('[' || m.attachment_ids || ']') AS j
  WHERE m.attachment_ids != '');
CREATE INDEX files_unclaimed ON files (created_at) WHERE claimed = 0;
