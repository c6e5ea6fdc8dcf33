-- A message's link previews, as the JSON array clients receive ('' = none).
-- Filled after the message is stored, once the linked pages are fetched; an
-- edit or a delete empties it.
ALTER TABLE messages ADD COLUMN link_previews TEXT NOT NULL DEFAULT '';
