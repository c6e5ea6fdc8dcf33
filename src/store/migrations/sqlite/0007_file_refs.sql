-- files.claimed now counts the stored messages that attach the file (a
-- preview thumbnail: 1 while its message keeps it). Deleting a message
-- releases its files, and a file that no message attaches any more is
-- removed, as Zulip does. Files of messages deleted before this version
-- keep the claim they had: their links were documented to stay.
CREATE TEMP TABLE file_refs (file_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO file_refs (file_id, n)
  SELECT CAST(j.value AS INTEGER), count(*)
  FROM messages AS m, json_each('[' || m.attachment_ids || ']') AS j
  WHERE m.attachment_ids != '' GROUP BY 1;
UPDATE files SET claimed = max(claimed, (SELECT n FROM file_refs WHERE file_id = files.id))
  WHERE id IN (SELECT file_id FROM file_refs);
DROP TABLE file_refs;
