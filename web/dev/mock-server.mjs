// A development stand-in for parlor: an in-memory server that follows
// shared/API.md closely enough to develop and debug the web client (and its
// e2e specs, with PARLOR_MOCK=1) while the real server is being built. It is
// not Parlor and nothing ships it; the e2e run targets the real binary.
//
//   node dev/mock-server.mjs [--port 8080] [--web-root dist]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', 8080));
const webRoot = opt('--web-root', 'dist');

let nextId = 1;
const id = () => String(nextId++);
const now = () => new Date().toISOString();
const users = new Map(); // id -> {id, username, email, password, display_name, status(set), custom_status, last_seen}
const tokens = new Map(); // token -> user id
const rooms = new Map(); // id -> {id, name, description, type, members: Map(uid->role), rev, messages: [], pinned: Set, archived}
const reads = new Map(); // `${uid}:${rid}` -> last_read_seq
const sockets = new Map(); // uid -> Map(socketId -> {idle})
const files = new Map(); // key -> {info, bytes, owner}
const MAX_UPLOAD = 25 * 1024 * 1024;

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function presenceOf(uid) {
  const u = users.get(uid);
  const socks = sockets.get(uid);
  if (!socks || socks.size === 0) return 'offline';
  if (u.busy) return 'busy';
  return [...socks.values()].every((s) => s.idle) ? 'away' : 'online';
}
function publicUser(u) {
  return {
    id: u.id,
    username: u.username,
    display_name: u.display_name ?? u.username,
    avatar_url: null,
    status: presenceOf(u.id),
    custom_status: u.custom_status ?? null,
    last_seen: u.last_seen ?? null,
  };
}
function counts(uid, r) {
  const last = reads.get(`${uid}:${r.id}`) ?? 0;
  let unread = 0;
  let mention = 0;
  for (const m of r.messages) {
    if (m.seq <= last || m.sender_id === uid || m.deleted) continue;
    unread++;
    if (m.mentions.includes(uid)) mention++;
  }
  return { unread_count: unread, mention_count: mention, last_read_seq: last };
}
function roomView(r, uid) {
  const last = r.messages.reduce((a, m) => Math.max(a, m.seq), 0);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type,
    member_count: r.members.size,
    ...counts(uid, r),
    last_seq: last,
    rev: r.rev,
    role: r.members.get(uid) ?? null,
    pinned_message_ids: [...r.pinned],
    participants: r.type === 'dm' ? [...r.members.keys()].map((u) => publicUser(users.get(u))) : undefined,
    archived: !!r.archived,
  };
}
function msgView(m) {
  const u = users.get(m.sender_id);
  const r = rooms.get(m.room_id);
  const replies = r.messages.filter((x) => x.parent_id === m.id);
  const reactions = [];
  for (const [emoji, set] of m.reactions) if (set.size) reactions.push({ emoji, count: set.size, user_ids: [...set] });
  return {
    id: m.id,
    room_id: m.room_id,
    seq: m.seq,
    rev: m.rev,
    sender_id: m.sender_id,
    sender: { id: u.id, username: u.username, display_name: u.display_name ?? u.username, avatar_url: null },
    content: m.deleted ? '' : m.content,
    mentions: m.deleted ? [] : m.mentions,
    attachments: m.deleted ? [] : (m.attachments ?? []),
    parent_id: m.parent_id,
    reply_count: replies.length,
    last_reply_at: replies.length ? replies[replies.length - 1].created_at : null,
    reactions: m.deleted ? [] : reactions,
    edited: !!m.edited_at,
    edited_at: m.edited_at ?? null,
    deleted: !!m.deleted,
    pinned: r.pinned.has(m.id),
    created_at: m.created_at,
    client_msg_id: m.client_msg_id,
    link_previews: [],
  };
}
function auth(token) {
  const uid = tokens.get(token);
  if (!uid) throw new ApiError(401, 'unauthorized', 'unauthorized');
  return users.get(uid);
}
function room(rid, uid, needMember = true) {
  const r = rooms.get(rid);
  if (!r) throw new ApiError(404, 'not_found', 'no such room');
  if (needMember && !r.members.has(uid) && !(r.type === 'public' && !needMember)) throw new ApiError(403, 'forbidden', 'not a member');
  return r;
}
function findMsg(mid) {
  for (const r of rooms.values()) {
    const m = r.messages.find((x) => x.id === mid);
    if (m) return { r, m };
  }
  throw new ApiError(404, 'not_found', 'no such message');
}

let io;
const toUser = (uid, ev, p) => io.to(`u:${uid}`).emit(ev, p);
const toRoom = (r, ev, p) => {
  for (const uid of r.members.keys()) toUser(uid, ev, p);
};
function broadcastPresence(uid, before) {
  const after = presenceOf(uid);
  if (after === before) return;
  const u = users.get(uid);
  if (after === 'offline') u.last_seen = now();
  const peers = new Set([uid]);
  for (const r of rooms.values()) if (r.members.has(uid)) for (const m of r.members.keys()) peers.add(m);
  for (const p of peers) toUser(p, 'presence_update', { user_id: uid, status: after, last_seen: u.last_seen ?? null, custom_status: u.custom_status ?? null });
}

function registerUser(username, email, password) {
  if (!username || !password) throw new ApiError(400, 'invalid', 'username and password required');
  for (const u of users.values()) if (u.username === username || u.email === email) throw new ApiError(409, 'conflict', 'taken');
  const u = { id: id(), username, email, password, display_name: username };
  users.set(u.id, u);
  const token = randomUUID();
  tokens.set(token, u.id);
  return { token, user: publicUser(u) };
}

async function rest(method, path, token, body, query) {
  if (method === 'POST' && path === '/api/auth/register') return registerUser(body.username, body.email, body.password);
  if (method === 'POST' && path === '/api/auth/login') {
    const u = [...users.values()].find((x) => (x.username === body.username || x.email === body.email) && x.password === body.password);
    if (!u) throw new ApiError(401, 'unauthorized', 'bad credentials');
    const t = randomUUID();
    tokens.set(t, u.id);
    return { token: t, user: { id: u.id, username: u.username, avatar_url: null } };
  }
  const me = auth(token);
  let m;
  if (path === '/api/auth/me') return { user: publicUser(me) };
  if (path === '/api/auth/logout') {
    tokens.delete(token);
    return { ok: true };
  }
  if (path === '/api/users' && method === 'GET') {
    const q = (query.get('query') ?? '').toLowerCase();
    return { users: [...users.values()].filter((u) => u.username.toLowerCase().includes(q)).slice(0, 20).map(publicUser) };
  }
  if ((m = /^\/api\/users\/([^/]+)$/.exec(path)) && method === 'GET') {
    const u = users.get(m[1]);
    if (!u) throw new ApiError(404, 'not_found', 'no user');
    return { user: publicUser(u) };
  }
  if (path === '/api/rooms' && method === 'GET') {
    const type = query.get('type');
    const list = [...rooms.values()].filter((r) => (type ? r.type === type : true) && (r.members.has(me.id) || (type === 'public' && r.type === 'public')));
    return { rooms: list.map((r) => roomView(r, me.id)) };
  }
  if (path === '/api/rooms' && method === 'POST') {
    if (!body.name) throw new ApiError(400, 'invalid', 'name required');
    const r = { id: id(), name: body.name, description: body.description ?? '', type: body.type === 'private' ? 'private' : 'public', members: new Map([[me.id, 'owner']]), rev: 0, messages: [], pinned: new Set() };
    for (const uid of body.member_ids ?? []) r.members.set(uid, 'member');
    rooms.set(r.id, r);
    for (const uid of r.members.keys()) if (uid !== me.id) toUser(uid, 'room_joined', { room: roomView(r, uid) });
    return { room: roomView(r, me.id) };
  }
  if ((m = /^\/api\/rooms\/([^/]+)$/.exec(path))) {
    const r = room(m[1], me.id, false);
    if (method === 'PATCH') {
      Object.assign(r, Object.fromEntries(Object.entries(body).filter(([k]) => ['name', 'description', 'archived'].includes(k))));
      for (const uid of r.members.keys()) toUser(uid, 'room_updated', { room: roomView(r, uid) });
    }
    return { room: roomView(r, me.id) };
  }
  if ((m = /^\/api\/rooms\/([^/]+)\/members$/.exec(path))) {
    const r = room(m[1], me.id);
    if (method === 'POST') {
      for (const uid of body.user_ids ?? []) {
        if (r.members.has(uid)) continue;
        r.members.set(uid, 'member');
        toRoom(r, 'member_joined', { room_id: r.id, user: publicUser(users.get(uid)) });
        toUser(uid, 'room_joined', { room: roomView(r, uid) });
      }
      return { room: roomView(r, me.id) };
    }
    return { members: [...r.members].map(([uid, role]) => ({ ...publicUser(users.get(uid)), role })) };
  }
  if ((m = /^\/api\/rooms\/([^/]+)\/members\/([^/]+)$/.exec(path)) && method === 'DELETE') {
    const r = room(m[1], me.id);
    r.members.delete(m[2]);
    toUser(m[2], 'room_left', { room_id: r.id });
    toRoom(r, 'member_left', { room_id: r.id, user_id: m[2] });
    return { ok: true };
  }
  if ((m = /^\/api\/rooms\/([^/]+)\/messages$/.exec(path))) {
    const r = room(m[1], me.id, r0(m[1]));
    const limit = Number(query.get('limit') ?? 50);
    const top = r.messages.filter((x) => !x.parent_id);
    const at = (name) => {
      const target = r.messages.find((x) => x.id === query.get(name));
      if (!target) throw new ApiError(404, 'not_found', `${name}: message not found`);
      return top.filter((x) => x.seq < target.seq).length;
    };
    if (query.get('after')) {
      const start = top.length - top.filter((x) => x.seq > r.messages.find((y) => y.id === query.get('after'))?.seq).length;
      return { messages: top.slice(start, start + limit).map(msgView), has_more: start + limit < top.length };
    }
    if (query.get('around')) {
      const i = at('around');
      const start = Math.max(0, i - Math.floor(limit / 2));
      const end = Math.min(top.length, i + limit - Math.floor(limit / 2));
      return { messages: top.slice(start, end).map(msgView), has_more: start > 0 || end < top.length };
    }
    let end = top.length;
    const before = query.get('before');
    if (before) end = top.findIndex((x) => x.id === before);
    const start = Math.max(0, end - limit);
    return { messages: top.slice(start, end).map(msgView), has_more: start > 0 };
  }
  if ((m = /^\/api\/rooms\/([^/]+)\/pinned$/.exec(path))) {
    const r = room(m[1], me.id);
    return { messages: r.messages.filter((x) => r.pinned.has(x.id)).map(msgView) };
  }
  if (path === '/api/direct-messages' && method === 'POST') {
    const ids = [...new Set([me.id, ...(body.participant_ids ?? [])])];
    let r = [...rooms.values()].find((x) => x.type === 'dm' && x.members.size === ids.length && ids.every((i) => x.members.has(i)));
    if (!r) {
      r = { id: id(), name: '', description: '', type: 'dm', members: new Map(ids.map((i) => [i, 'member'])), rev: 0, messages: [], pinned: new Set() };
      rooms.set(r.id, r);
      for (const uid of ids) if (uid !== me.id) toUser(uid, 'room_joined', { room: roomView(r, uid) });
    }
    return { conversation: roomView(r, me.id) };
  }
  if ((m = /^\/api\/messages\/([^/]+)\/thread$/.exec(path))) {
    const { r, m: msg } = findMsg(m[1]);
    room(r.id, me.id);
    return { parent_message: msgView(msg), replies: r.messages.filter((x) => x.parent_id === msg.id).map(msgView) };
  }
  if (path === '/api/search' && method === 'POST') return search(me, body);
  throw new ApiError(404, 'not_found', `no route ${method} ${path}`);
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

// Words (the last also as a prefix), newest first, a cursor of the last id.
function search(me, b) {
  const words = fold(String(b.query ?? '')).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const filtered = b.room_id || b.sender_id || b.from || b.to || b.has_file;
  if (!words.length && !filtered) throw new ApiError(400, 'invalid', 'query: is required without a filter');
  const scope = b.room_id ? [room(b.room_id, me.id, r0(b.room_id))] : [...rooms.values()].filter((r) => r.members.has(me.id));
  const limit = Math.min(100, Math.max(1, Number(b.limit ?? 20)));
  const matches = (m) => {
    const tokens = fold(m.content).split(/[^\p{L}\p{N}]+/u);
    return words.every((w, i) => tokens.some((t) => (i === words.length - 1 ? t.startsWith(w) : t === w)));
  };
  const hits = scope
    .flatMap((r) => r.messages)
    .filter((m) => !m.deleted && (!b.sender_id || m.sender_id === b.sender_id) && (!b.has_file || m.attachments?.length))
    .filter((m) => (!b.from || m.created_at >= b.from) && (!b.to || m.created_at <= b.to) && matches(m))
    .filter((m) => !b.cursor || Number(m.id) < Number(b.cursor))
    .sort((x, y) => Number(y.id) - Number(x.id));
  const page = hits.slice(0, limit);
  const snippet = (m) => {
    if (!words.length) return escapeHtml(m.content.slice(0, 160));
    return m.content
      .split(/([\p{L}\p{N}]+)/u)
      .map((part, i) => (i % 2 && words.some((w) => fold(part).startsWith(w)) ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
      .join('');
  };
  return {
    results: page.map((m) => ({ message: msgView(m), snippet: snippet(m) })),
    next_cursor: hits.length > limit ? page[page.length - 1].id : null,
  };
}

// POST /api/upload: one multipart part named "file". PNG sizes are read from
// the header; the image itself stands in for its thumbnail.
async function upload(req, body) {
  const me = auth((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (body.length > MAX_UPLOAD) throw new ApiError(413, 'too_large', `at most ${MAX_UPLOAD} bytes`);
  let form;
  try {
    form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData();
  } catch {
    throw new ApiError(400, 'invalid', 'body: not multipart');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new ApiError(400, 'invalid', 'file: missing');
  const bytes = Buffer.from(await file.arrayBuffer());
  if (!bytes.length) throw new ApiError(400, 'invalid', 'file: empty');
  const name = (file.name || 'file').split(/[\\/]/).pop();
  const key = randomUUID().replace(/-/g, '');
  const url = `/files/${key}/${encodeURIComponent(name)}`;
  const png = bytes.length > 24 && bytes.toString('latin1', 1, 4) === 'PNG';
  const image = png || /^image\/(jpeg|gif|webp)$/.test(file.type);
  const info = {
    id: id(),
    url,
    file_name: name,
    file_size: bytes.length,
    content_type: png ? 'image/png' : file.type || 'application/octet-stream',
    thumbnail_url: image ? url : null,
    width: png ? bytes.readUInt32BE(16) : null,
    height: png ? bytes.readUInt32BE(20) : null,
  };
  files.set(key, { info, bytes, owner: me.id });
  return info;
}
const r0 = (rid) => rooms.get(rid)?.type !== 'public';

function change(r) {
  r.rev += 1;
  return r.rev;
}

function onSocket(socket) {
  const uid = socket.data.uid;
  const before = presenceOf(uid);
  if (!sockets.has(uid)) sockets.set(uid, new Map());
  sockets.get(uid).set(socket.id, { idle: false });
  socket.join(`u:${uid}`);
  broadcastPresence(uid, before);
  const handle = (ev, fn) =>
    socket.on(ev, (payload, ack) => {
      try {
        const res = fn(payload ?? {});
        if (typeof ack === 'function') ack({ ok: true, ...res });
      } catch (e) {
        if (typeof ack === 'function') ack({ ok: false, error: { code: e.code ?? 'internal', message: e.message } });
      }
    });
  const rid = (p) => p.room_id ?? p.dm_id;
  handle('join_room', (p) => {
    const r = room(rid(p), uid, false);
    if (!r.members.has(uid)) {
      if (r.type !== 'public') throw new ApiError(403, 'forbidden', 'private');
      r.members.set(uid, 'member');
      toRoom(r, 'member_joined', { room_id: r.id, user: publicUser(users.get(uid)) });
    }
    return { room: roomView(r, uid) };
  });
  handle('leave_room', () => ({}));
  handle('sync', (p) => {
    const limit = p.limit_per_room ?? 100;
    const out = [];
    for (const [rid2, cursor] of Object.entries(p.cursors ?? {})) {
      const r = rooms.get(rid2);
      if (!r || !r.members.has(uid)) continue;
      const changed = r.messages.filter((x) => x.rev > cursor).sort((a, b) => a.rev - b.rev);
      const page = changed.slice(0, limit);
      const more = changed.length > limit;
      out.push({ room_id: r.id, messages: page.map(msgView), has_more: more, cursor: more ? page[page.length - 1].rev : r.rev, ...counts(uid, r) });
    }
    const removed = Object.keys(p.cursors ?? {}).filter((x) => !rooms.get(x)?.members.has(uid));
    const peers = new Set();
    for (const r of rooms.values()) if (r.members.has(uid)) for (const m of r.members.keys()) peers.add(m);
    return { rooms: out, removed_room_ids: removed, presence: [...peers].map((x) => publicUser(users.get(x))), server_time: now() };
  });
  handle('send_message', (p) => {
    const r = room(rid(p), uid);
    const content = String(p.content ?? '');
    const ids = p.attachment_ids ?? [];
    if (ids.length > 10) throw new ApiError(400, 'invalid', 'attachment_ids: at most 10');
    const attachments = ids.map((fid) => {
      const f = [...files.values()].find((x) => x.info.id === fid && x.owner === uid);
      if (!f) throw new ApiError(400, 'invalid', 'attachment_ids: unknown file');
      return f.info;
    });
    if (!content.trim() && !attachments.length) throw new ApiError(400, 'invalid', 'empty');
    if (content.length > 40000) throw new ApiError(413, 'too_large', 'too long');
    const dup = r.messages.find((x) => x.sender_id === uid && x.client_msg_id === p.client_msg_id);
    if (dup) return { message: msgView(dup) };
    const rev = change(r);
    const names = [...content.matchAll(/@([A-Za-z0-9_.-]+)/g)].map((x) => x[1]);
    const mentions = [...r.members.keys()].filter((m) => names.includes(users.get(m).username));
    const msg = { id: id(), room_id: r.id, seq: rev, rev, sender_id: uid, content, mentions, attachments, parent_id: p.parent_id ?? null, reactions: new Map(), created_at: now(), client_msg_id: p.client_msg_id };
    r.messages.push(msg);
    const view = msgView(msg);
    toRoom(r, 'new_message', { message: view });
    for (const m of mentions) toUser(m, 'mention', { message: view });
    for (const [sid] of sockets.get(uid) ?? []) io.sockets.sockets.get(sid)?.data.typingIn?.delete(r.id);
    for (const m of r.members.keys()) if (m !== uid) toUser(m, 'user_typing', { room_id: r.id, user_id: uid, username: users.get(uid).username, typing: false });
    return { message: view };
  });
  handle('edit_message', (p) => {
    const { r, m } = findMsg(p.message_id);
    if (m.sender_id !== uid) throw new ApiError(403, 'forbidden', 'not yours');
    m.content = p.content;
    m.edited_at = now();
    m.rev = change(r);
    const view = msgView(m);
    toRoom(r, 'message_edited', { message: view });
    return { message: view };
  });
  handle('delete_message', (p) => {
    const { r, m } = findMsg(p.message_id);
    if (m.sender_id !== uid && !['owner', 'admin'].includes(r.members.get(uid))) throw new ApiError(403, 'forbidden', 'no');
    m.deleted = true;
    m.rev = change(r);
    toRoom(r, 'message_deleted', { message_id: m.id, room_id: r.id, rev: m.rev, parent_id: m.parent_id });
    return {};
  });
  const react = (add) => (p) => {
    const { r, m } = findMsg(p.message_id);
    room(r.id, uid);
    if (!m.reactions.has(p.emoji)) m.reactions.set(p.emoji, new Set());
    const set = m.reactions.get(p.emoji);
    if (add === set.has(uid)) return { message: msgView(m) };
    if (add) set.add(uid);
    else set.delete(uid);
    m.rev = change(r);
    toRoom(r, add ? 'reaction_added' : 'reaction_removed', { message_id: m.id, room_id: r.id, emoji: p.emoji, user_id: uid, rev: m.rev });
    return { message: msgView(m) };
  };
  handle('add_reaction', react(true));
  handle('remove_reaction', react(false));
  const pin = (on) => (p) => {
    const { r, m } = findMsg(p.message_id);
    room(r.id, uid);
    if (on) r.pinned.add(m.id);
    else r.pinned.delete(m.id);
    m.rev = change(r);
    toRoom(r, on ? 'message_pinned' : 'message_unpinned', { message_id: m.id, room_id: r.id, rev: m.rev, user_id: uid });
    return {};
  };
  handle('pin_message', pin(true));
  handle('unpin_message', pin(false));
  const typing = (on) => (p) => {
    const r = room(rid(p), uid);
    for (const m of r.members.keys()) if (m !== uid) toUser(m, 'user_typing', { room_id: r.id, user_id: uid, username: users.get(uid).username, typing: on });
    return {};
  };
  handle('typing_start', typing(true));
  handle('typing_stop', typing(false));
  handle('mark_read', (p) => {
    const r = room(rid(p), uid);
    const { m } = findMsg(p.message_id);
    const key = `${uid}:${r.id}`;
    reads.set(key, Math.max(reads.get(key) ?? 0, m.seq));
    const c = counts(uid, r);
    toUser(uid, 'unread_update', { room_id: r.id, ...c });
    return { unread_count: c.unread_count, mention_count: c.mention_count };
  });
  handle('set_status', (p) => {
    const b = presenceOf(uid);
    const u = users.get(uid);
    if (p.status) u.busy = p.status === 'busy';
    if (p.custom_status !== undefined) u.custom_status = p.custom_status;
    broadcastPresence(uid, b);
    return { user: publicUser(u) };
  });
  handle('activity', (p) => {
    const b = presenceOf(uid);
    sockets.get(uid).get(socket.id).idle = !!p.idle;
    broadcastPresence(uid, b);
    return {};
  });
  socket.on('disconnect', () => {
    const b = presenceOf(uid);
    sockets.get(uid).delete(socket.id);
    broadcastPresence(uid, b);
  });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };
const http = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/')) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const body = url.pathname === '/api/upload' ? '' : raw.toString('utf8');
    try {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const out =
        url.pathname === '/api/upload' && req.method === 'POST'
          ? await upload(req, raw)
          : await rest(req.method, url.pathname, token, body ? JSON.parse(body) : {}, url.searchParams);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
    } catch (e) {
      res.writeHead(e.status ?? 500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: e.code ?? 'internal', message: e.message } }));
    }
    return;
  }
  if (url.pathname === '/healthz') return res.end('ok');
  const fm = /^\/files\/([0-9a-f]+)\//.exec(url.pathname);
  if (fm) {
    const f = files.get(fm[1]);
    if (!f) return res.writeHead(404).end();
    const inline = /^(image|video|audio)\/|^application\/pdf$/.test(f.info.content_type);
    return res
      .writeHead(200, {
        'Content-Type': f.info.content_type,
        'X-Content-Type-Options': 'nosniff',
        ...(inline ? {} : { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(f.info.file_name)}` }),
      })
      .end(f.bytes);
  }
  const file = normalize(url.pathname === '/' ? '/index.html' : url.pathname).replace(/^(\.\.[/\\])+/, '');
  try {
    const data = await readFile(join(webRoot, file));
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(data);
  } catch {
    const data = await readFile(join(webRoot, 'index.html'));
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(data);
  }
});
io = new Server(http, { pingInterval: 2000, pingTimeout: 3000 });
io.use((socket, next) => {
  const uid = tokens.get(socket.handshake.auth?.token);
  if (!uid) return next(Object.assign(new Error('unauthorized'), { data: { message: 'unauthorized' } }));
  socket.data.uid = uid;
  next();
});
io.on('connection', onSocket);
http.listen(port, '127.0.0.1', () => console.log(`mock parlor on http://127.0.0.1:${port}`));
