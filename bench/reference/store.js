// The reference's in-memory "database": users, tokens, rooms, messages.
// Single-process mode calls it directly; in cluster mode it lives in the
// primary and workers reach it over IPC (see server.js), the way a real
// deployment would reach Redis or a database.
"use strict";

const { randomBytes, scryptSync } = require("crypto");

// Bounded history so long benchmark runs do not grow without limit.
const MAX_MESSAGES_PER_ROOM = 20000;

class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const nowIso = () => new Date().toISOString();

class Store {
  constructor() {
    this.nextId = 1;
    this.users = new Map(); // id -> user
    this.byName = new Map(); // username -> id
    this.passwords = new Map(); // id -> hash
    this.tokens = new Map(); // token -> user id
    this.rooms = new Map(); // id -> room state
  }

  newId() {
    return String(this.nextId++);
  }

  publicUser(u) {
    return {
      id: u.id,
      username: u.username,
      display_name: u.display_name,
      avatar_url: u.avatar_url,
      status: "online",
      custom_status: "",
      last_seen: u.last_seen,
    };
  }

  // Passwords are hashed cheaply: the reference measures the chat path, not login.
  hash(password, salt) {
    return scryptSync(password, salt, 16, { N: 1024 }).toString("hex");
  }

  register({ username, email, password }) {
    if (typeof username !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(username))
      throw new ApiError("invalid", "bad username");
    if (typeof password !== "string" || password.length < 1)
      throw new ApiError("invalid", "bad password");
    if (this.byName.has(username)) throw new ApiError("conflict", "username taken");
    const id = this.newId();
    const user = {
      id,
      username,
      email: email || "",
      display_name: username,
      avatar_url: "",
      last_seen: nowIso(),
    };
    const salt = randomBytes(8).toString("hex");
    this.users.set(id, user);
    this.byName.set(username, id);
    this.passwords.set(id, salt + ":" + this.hash(password, salt));
    return { token: this.issue(id), user: this.publicUser(user) };
  }

  login({ username, email, password }) {
    let id = this.byName.get(username);
    if (!id && email) for (const u of this.users.values()) if (u.email === email) id = u.id;
    if (!id) throw new ApiError("unauthorized", "bad credentials");
    const [salt, hash] = this.passwords.get(id).split(":");
    if (this.hash(String(password), salt) !== hash)
      throw new ApiError("unauthorized", "bad credentials");
    const u = this.users.get(id);
    return { token: this.issue(id), user: { id, username: u.username, avatar_url: u.avatar_url } };
  }

  issue(userId) {
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, userId);
    return token;
  }

  // -> public user, or throws unauthorized
  auth(token) {
    const id = this.tokens.get(token);
    if (!id) throw new ApiError("unauthorized", "unauthorized");
    return this.publicUser(this.users.get(id));
  }

  roomView(r, userId) {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      type: r.type,
      member_count: r.members.size,
      unread_count: 0,
      mention_count: 0,
      last_read_seq: r.seq,
      last_seq: r.seq,
      rev: r.rev,
      role: r.members.get(userId) || "member",
      pinned_message_ids: [],
      participants: [],
      archived: false,
    };
  }

  createRoom(userId, { name, description, type, member_ids }) {
    if (typeof name !== "string" || name.length === 0) throw new ApiError("invalid", "bad name");
    type = type || "public";
    if (type !== "public" && type !== "private") throw new ApiError("invalid", "bad type");
    const r = {
      id: this.newId(),
      name,
      description: description || "",
      type,
      members: new Map([[userId, "owner"]]),
      seq: 0,
      rev: 0,
      messages: [], // ascending rev; rev == seq here since messages never change
      byClientId: new Map(),
    };
    for (const m of member_ids || []) if (this.users.has(String(m))) r.members.set(String(m), "member");
    this.rooms.set(r.id, r);
    return { room: this.roomView(r, userId), member_ids: [...r.members.keys()] };
  }

  room(id) {
    const r = this.rooms.get(String(id));
    if (!r) throw new ApiError("not_found", "no such room");
    return r;
  }

  addMembers(userId, roomId, { user_ids }) {
    const r = this.room(roomId);
    if (!r.members.has(userId) && r.type !== "public") throw new ApiError("not_found", "no such room");
    const added = [];
    for (const m of user_ids || [])
      if (this.users.has(String(m)) && !r.members.has(String(m))) {
        r.members.set(String(m), "member");
        added.push(String(m));
      }
    return { room: this.roomView(r, userId), added };
  }

  // join_room: public rooms, or rooms the caller is already in
  join(userId, roomId) {
    const r = this.room(roomId);
    if (!r.members.has(userId)) {
      if (r.type !== "public") throw new ApiError("not_found", "no such room");
      r.members.set(userId, "member");
    }
    return { room: this.roomView(r, userId) };
  }

  roomsOf(userId) {
    const ids = [];
    for (const r of this.rooms.values()) if (r.members.has(userId)) ids.push(r.id);
    return ids;
  }

  send(userId, { room_id, dm_id, content, client_msg_id }) {
    const r = this.room(room_id || dm_id);
    if (!r.members.has(userId)) throw new ApiError("forbidden", "not a member");
    if (typeof content !== "string") throw new ApiError("invalid", "content must be a string");
    if (content.length > 40000) throw new ApiError("too_large", "message too long");
    if (client_msg_id) {
      const prior = r.byClientId.get(userId + "/" + client_msg_id);
      if (prior) return { message: prior, duplicate: true };
    }
    const u = this.users.get(userId);
    r.seq = ++r.rev;
    const message = {
      id: this.newId(),
      room_id: r.id,
      seq: r.seq,
      rev: r.rev,
      sender_id: userId,
      sender: { id: u.id, username: u.username, display_name: u.display_name, avatar_url: u.avatar_url },
      content,
      mentions: [],
      attachments: [],
      parent_id: null,
      reply_count: 0,
      last_reply_at: null,
      reactions: [],
      edited: false,
      edited_at: null,
      deleted: false,
      pinned: false,
      created_at: nowIso(),
      client_msg_id: client_msg_id || null,
      link_previews: [],
    };
    r.messages.push(message);
    if (client_msg_id) r.byClientId.set(userId + "/" + client_msg_id, message);
    if (r.messages.length > MAX_MESSAGES_PER_ROOM) {
      const old = r.messages.splice(0, r.messages.length - MAX_MESSAGES_PER_ROOM);
      for (const m of old) if (m.client_msg_id) r.byClientId.delete(m.sender_id + "/" + m.client_msg_id);
    }
    return { message, duplicate: false };
  }

  sync(userId, { cursors, limit_per_room }) {
    const limit = Math.min(Math.max(Number(limit_per_room) || 100, 1), 1000);
    const rooms = [];
    const removed = [];
    for (const [roomId, cursorRaw] of Object.entries(cursors || {})) {
      const r = this.rooms.get(roomId);
      if (!r || !r.members.has(userId)) {
        removed.push(roomId);
        continue;
      }
      const cursor = Number(cursorRaw) || 0;
      // messages are in ascending rev: binary search the first rev > cursor
      let lo = 0;
      let hi = r.messages.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (r.messages[mid].rev <= cursor) lo = mid + 1;
        else hi = mid;
      }
      const messages = r.messages.slice(lo, lo + limit);
      rooms.push({
        room_id: r.id,
        messages,
        has_more: lo + limit < r.messages.length,
        cursor: messages.length ? messages[messages.length - 1].rev : Math.max(cursor, 0),
        unread_count: 0,
        mention_count: 0,
        last_read_seq: r.seq,
      });
    }
    return { rooms, removed_room_ids: removed, presence: [], server_time: nowIso() };
  }
}

module.exports = { Store, ApiError };
