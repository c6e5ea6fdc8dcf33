// A client's picture of its rooms, kept the way the contract says a real
// client keeps it: apply live change events in rev order, call `sync` with
// the per-room cursors after (re)connecting or on a gap, page with has_more,
// and drop live events the sync already covered. Used by the catch-up and
// randomized tests to compare what different clients ended up with.
import { call, api } from "./helpers.mjs";

const CHANGE_EVENTS = [
  "new_message", "message_edited", "message_deleted", "reaction_added",
  "reaction_removed", "message_pinned", "message_unpinned",
];

// The parts of a message every client must agree on.
export function pick(m) {
  return {
    id: String(m.id),
    seq: m.seq,
    content: m.deleted ? "" : m.content,
    deleted: !!m.deleted,
    pinned: !!m.pinned,
    edited: !m.deleted && !!m.edited,  // a tombstone's edit flag carries nothing
    parent_id: m.parent_id ?? null,
    reactions: normReactions(m.deleted ? [] : m.reactions || []),
  };
}

function normReactions(list) {
  return list
    .map((r) => ({ emoji: r.emoji, user_ids: [...r.user_ids].map(String).sort() }))
    .filter((r) => r.user_ids.length > 0)
    .sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0));
}

// Sorted by seq: the room as a user sees it.
export function roomView(messages) {
  return [...messages.values()].sort((a, b) => a.seq - b.seq);
}

export class RoomModel {
  // rooms: ids to follow (strings). limitPerRoom: sync page size.
  constructor(rooms, { limitPerRoom = 20 } = {}) {
    this.rooms = new Map(rooms.map((id) => [String(id), { cursor: 0, messages: new Map() }]));
    this.limitPerRoom = limitPerRoom;
    this.gaps = 0;          // live events whose rev was not cursor+1
    this.removed = new Set();
    this.syncing = false;
    this.buffer = [];
    this.socket = null;
  }

  // Starts following the socket's change events. Call before connecting so
  // nothing is missed; events that arrive during a sync wait for it.
  attach(socket) {
    this.socket = socket;
    for (const ev of CHANGE_EVENTS) {
      socket.on(ev, (p) => {
        if (this.syncing) this.buffer.push([ev, p]);
        else this.apply(ev, p);
      });
    }
  }

  // Call before (re)connecting: live events wait for the next sync(), so a
  // change that arrives before the sync's answer cannot move the cursor
  // past what the sync still has to deliver.
  hold() {
    this.syncing = true;
  }

  room(id) {
    return this.rooms.get(String(id));
  }

  apply(ev, p) {
    const roomId = String(ev === "new_message" || ev === "message_edited" ? p.message.room_id : p.room_id);
    const r = this.room(roomId);
    if (!r) return;
    const rev = ev === "new_message" || ev === "message_edited" ? p.message.rev : p.rev;
    if (rev <= r.cursor) return;  // already covered by a sync
    if (rev !== r.cursor + 1) {
      this.gaps++;
      this.resync = true;  // a real client calls sync now; the caller does (see settle)
    }
    r.cursor = rev;
    const id = String(ev === "new_message" || ev === "message_edited" ? p.message.id : p.message_id);
    const m = r.messages.get(id);
    switch (ev) {
      case "new_message":
      case "message_edited":
        r.messages.set(id, pick(p.message));
        break;
      case "message_deleted":
        if (m) Object.assign(m, { deleted: true, content: "", reactions: [], edited: false });
        break;
      case "reaction_added":
      case "reaction_removed": {
        if (!m) break;
        const uid = String(p.user_id);
        const list = m.reactions.map((x) => ({ emoji: x.emoji, user_ids: [...x.user_ids] }));
        let entry = list.find((x) => x.emoji === p.emoji);
        if (ev === "reaction_added") {
          if (!entry) list.push((entry = { emoji: p.emoji, user_ids: [] }));
          if (!entry.user_ids.includes(uid)) entry.user_ids.push(uid);
        } else if (entry) {
          entry.user_ids = entry.user_ids.filter((u) => u !== uid);
        }
        m.reactions = normReactions(list);
        break;
      }
      case "message_pinned":
      case "message_unpinned":
        if (m) m.pinned = ev === "message_pinned";
        break;
    }
  }

  // One full catch-up: sync every followed room from its cursor, paging
  // until no room has more, then apply the live events that came meanwhile.
  async sync() {
    this.syncing = true;
    this.resync = false;
    try {
      let pending = new Set(this.rooms.keys());
      let last = null;
      while (pending.size > 0) {
        const cursors = {};
        for (const id of pending) cursors[id] = this.rooms.get(id).cursor;
        const ack = await call(this.socket, "sync", { cursors, limit_per_room: this.limitPerRoom }, 10000);
        if (!ack || !ack.ok) throw new Error(`sync failed: ${JSON.stringify(ack)}`);
        last = ack;
        for (const id of ack.removed_room_ids || []) {
          this.removed.add(String(id));
          this.rooms.delete(String(id));
          pending.delete(String(id));
        }
        const next = new Set();
        for (const entry of ack.rooms || []) {
          const r = this.room(entry.room_id);
          if (!r) continue;
          let prev = 0;
          for (const msg of entry.messages) {
            if (msg.rev < prev) throw new Error(`sync out of rev order in room ${entry.room_id}`);
            prev = msg.rev;
            r.messages.set(String(msg.id), pick(msg));
          }
          if (entry.cursor > r.cursor) r.cursor = entry.cursor;
          if (entry.has_more) next.add(String(entry.room_id));
        }
        pending = next;
      }
      return last;
    } finally {
      this.syncing = false;
      const buffered = this.buffer;
      this.buffer = [];
      for (const [ev, p] of buffered) this.apply(ev, p);
    }
  }

  // Syncs again while a gap was seen (what a client does on a gap).
  async settle() {
    for (let i = 0; this.resync && i < 5; i++) await this.sync();
  }
}

// Every message of a room as stored, oldest first, through REST paging.
export async function storedHistory(server, token, roomId) {
  const all = new Map();
  let before = null;
  for (;;) {
    const q = before ? `&before=${before}` : "";
    const r = await api(server, "GET", `/api/rooms/${roomId}/messages?limit=100${q}`, { token });
    if (r.status !== 200) throw new Error(`history: ${r.status} ${JSON.stringify(r.body)}`);
    for (const m of r.body.messages) all.set(String(m.id), pick(m));
    if (!r.body.has_more || r.body.messages.length === 0) break;
    before = r.body.messages[0].id;
  }
  return roomView(all);
}

// The room's current change counter (what a fully caught-up cursor equals).
export async function roomRev(server, token, roomId) {
  const r = await api(server, "GET", `/api/rooms/${roomId}`, { token });
  if (r.status !== 200) throw new Error(`room: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.room.rev;
}
