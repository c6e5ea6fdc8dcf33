-- A message's rev equals its seq until it is first changed (edit, delete,
-- pin, reaction, reply): sync finds unchanged messages through
-- messages_by_room_seq, so the rev index only holds changed ones. Every new
-- message then writes one index leaf less (see docs/BENCHMARKS.md).
DROP INDEX messages_by_room_rev;
CREATE INDEX messages_changed_by_room_rev ON messages (room_id, rev, seq) WHERE rev != seq;
