-- What a user's files take, for the upload quota (store: stored_bytes_of).
CREATE INDEX IF NOT EXISTS files_by_uploader ON files (uploader_id);
