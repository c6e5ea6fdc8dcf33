// Issue 3 end to end: accounts, rooms, DMs, membership, messages, threads,
// reactions, pins, history and the change stream, through REST and the
// official socket.io-client against a real parlor process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, register, connect, call, waitEvent, createRoom, sleep } from "./helpers.mjs";

let server;
before(async () => { server = await startServer({ extraArgs: ["--send-rate-per-s", "1000", "--send-burst", "1000"] }); });
after(async () => { await server?.stop(); });

const send = (s, room_id, content, extra = {}) =>
  call(s, "send_message", { room_id, content, client_msg_id: `c-${Math.random()}`, ...extra });

test("register, login by username and email, me, logout revokes token and its sockets", async () => {
  const a = await register(server, "acc");
  assert.ok(a.token && a.user.id && typeof a.user.id === "string");
  assert.equal(a.user.username, a.username);
  for (const login of [a.username, a.username.toUpperCase(), `${a.username}@example.test`]) {
    const key = login.includes("@") ? "email" : "username";
    const r = await api(server, "POST", "/api/auth/login", { body: { [key]: login, password: a.password } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.user.id, a.user.id);
  }
  const bad = await api(server, "POST", "/api/auth/login", { body: { username: a.username, password: "nope-nope-nope" } });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, "unauthorized");
  const dup = await api(server, "POST", "/api/auth/register", {
    body: { username: a.username.toUpperCase(), email: "other@example.test", password: "long enough pw" } });
  assert.equal(dup.status, 409);
  const me = await api(server, "GET", "/api/auth/me", { token: a.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, a.user.id);

  const s = await connect(server, a.token);
  const closed = new Promise((ok) => s.once("disconnect", ok));
  const out = await api(server, "POST", "/api/auth/logout", { token: a.token });
  assert.equal(out.status, 200);
  await closed;
  assert.equal((await api(server, "GET", "/api/auth/me", { token: a.token })).status, 401);
  await assert.rejects(connect(server, a.token), (e) => e.message === "unauthorized");
  await assert.rejects(connect(server, "garbage"), (e) => e.message === "unauthorized");
});

test("validation errors name the field and change nothing", async () => {
  const cases = [
    { username: "", email: "x@example.test", password: "long enough pw" },
    { username: "ok_name_1", email: "not-an-email", password: "long enough pw" },
    { username: "ok_name_2", email: "y@example.test", password: "" },
    { username: 42, email: "z@example.test", password: "long enough pw" },
  ];
  for (const body of cases) {
    const r = await api(server, "POST", "/api/auth/register", { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.code, "invalid");
    assert.ok(r.body.error.message.length > 0);
  }
  const r = await api(server, "POST", "/api/auth/login", { body: { username: "ok_name_1", password: "long enough pw" } });
  assert.equal(r.status, 401, "nothing was created");
});

test("rooms: create, list, get, rename by admins only, members, invite, kick, leave, events", async () => {
  const owner = await register(server, "own");
  const bob = await register(server, "bob");
  const carol = await register(server, "car");
  const so = await connect(server, owner.token);
  const sb = await connect(server, bob.token);
  const room = await createRoom(server, owner.token, { name: "general-" + Date.now(), type: "public" });
  assert.equal(room.type, "public");
  assert.equal(room.role, "owner");
  assert.equal(room.member_count, 1);

  const listed = await api(server, "GET", "/api/rooms?type=public", { token: bob.token });
  assert.ok(listed.body.rooms.some((r) => r.id === room.id), "public room visible to non-members");

  const joined = await call(sb, "join_room", { room_id: room.id });
  assert.equal(joined.ok, true, JSON.stringify(joined));
  assert.equal(joined.room.member_count, 2);
  await waitEvent(so, "member_joined", (p) => p.room_id === room.id && p.user.id === bob.user.id);

  const rename = await api(server, "PATCH", `/api/rooms/${room.id}`, { token: bob.token, body: { name: "hijack" } });
  assert.equal(rename.status, 403);
  assert.equal((await api(server, "GET", `/api/rooms/${room.id}`, { token: owner.token })).body.room.name, room.name);
  const ok = await api(server, "PATCH", `/api/rooms/${room.id}`, { token: owner.token, body: { name: room.name + "-x", description: "d" } });
  assert.equal(ok.status, 200);
  await waitEvent(sb, "room_updated", (p) => p.room.id === room.id && p.room.name === room.name + "-x");

  // private room: invisible and unjoinable for outsiders, invite works
  const priv = await createRoom(server, owner.token, { name: "secret-" + Date.now(), type: "private" });
  assert.equal((await api(server, "GET", `/api/rooms/${priv.id}`, { token: carol.token })).status, 403);
  const sc = await connect(server, carol.token);
  const refused = await call(sc, "join_room", { room_id: priv.id });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, "forbidden");
  const invite = await api(server, "POST", `/api/rooms/${priv.id}/members`, { token: owner.token, body: { user_ids: [carol.user.id] } });
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  await waitEvent(sc, "room_joined", (p) => p.room.id === priv.id);
  // carol's open socket receives the room's messages at once
  const m = await send(so, priv.id, "welcome carol");
  assert.equal(m.ok, true);
  await waitEvent(sc, "new_message", (p) => p.message.id === m.message.id);

  // members cannot kick; admins can; kicked user gets room_left and no more messages
  const members = await api(server, "GET", `/api/rooms/${priv.id}/members`, { token: carol.token });
  assert.equal(members.body.members.length, 2);
  assert.ok(members.body.members.some((u) => u.id === owner.user.id && u.role === "owner"));
  const kickByMember = await api(server, "DELETE", `/api/rooms/${priv.id}/members/${owner.user.id}`, { token: carol.token });
  assert.equal(kickByMember.status, 403);
  const kick = await api(server, "DELETE", `/api/rooms/${priv.id}/members/${carol.user.id}`, { token: owner.token });
  assert.equal(kick.status, 200);
  await waitEvent(sc, "room_left", (p) => p.room_id === priv.id);
  const after = await send(so, priv.id, "carol is gone");
  await waitEvent(so, "new_message", (p) => p.message.id === after.message.id);
  await sleep(100);
  assert.ok(!sc.events.some((e) => e.event === "new_message" && e.payload.message.id === after.message.id));
  const denied = await send(sc, priv.id, "let me in");
  assert.equal(denied.ok, false);
  assert.equal(denied.error.code, "forbidden");

  // leave via event
  const left = await call(sb, "leave_room", { room_id: room.id });
  assert.equal(left.ok, true);
  await waitEvent(so, "member_left", (p) => p.room_id === room.id && p.user_id === bob.user.id);
  for (const s of [so, sb, sc]) s.close();
});

test("roles: the owner makes admins, hands the room over, and a leaving owner's room passes on", async () => {
  const owner = await register(server, "rol");
  const ann = await register(server, "ann");
  const ben = await register(server, "ben");
  const sa = await connect(server, ann.token);
  const sb = await connect(server, ben.token);
  const room = await createRoom(server, owner.token, { type: "private", member_ids: [ann.user.id, ben.user.id] });
  const role = async (token, userId, body) =>
    api(server, "PATCH", `/api/rooms/${room.id}/members/${userId}`, { token, body });
  const roles = async () => Object.fromEntries(
    (await api(server, "GET", `/api/rooms/${room.id}/members`, { token: owner.token })).body.members.map((u) => [u.id, u.role]));

  // Only the owner, only real roles, only members.
  assert.equal((await role(ann.token, ben.user.id, { role: "admin" })).status, 403);
  assert.equal((await role(owner.token, ben.user.id, { role: "king" })).body.error.code, "invalid");
  assert.equal((await role(owner.token, owner.user.id, { role: "member" })).body.error.code, "invalid");
  assert.equal((await role(owner.token, "999999", { role: "admin" })).status, 404);

  const made = await role(owner.token, ann.user.id, { role: "admin" });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await waitEvent(sa, "room_updated", (p) => p.room.id === room.id && p.room.role === "admin");
  // An admin may invite and rename now; a plain member still may not.
  assert.equal((await api(server, "PATCH", `/api/rooms/${room.id}`, { token: ann.token, body: { description: "by ann" } })).status, 200);
  assert.equal((await api(server, "PATCH", `/api/rooms/${room.id}`, { token: ben.token, body: { description: "by ben" } })).status, 403);

  // Handing over: ben becomes owner, the old owner an admin.
  assert.equal((await role(owner.token, ben.user.id, { role: "owner" })).status, 200);
  await waitEvent(sb, "room_updated", (p) => p.room.id === room.id && p.room.role === "owner");
  assert.deepEqual(await roles(), { [owner.user.id]: "admin", [ann.user.id]: "admin", [ben.user.id]: "owner" });

  // The owner leaves: the longest-standing admin takes over.
  assert.equal((await api(server, "DELETE", `/api/rooms/${room.id}/members/${ben.user.id}`, { token: ben.token })).status, 200);
  assert.deepEqual(await roles(), { [owner.user.id]: "owner", [ann.user.id]: "admin" });
  sa.close();
  sb.close();
});

test("direct messages: one conversation per participant set", async () => {
  const a = await register(server, "dma");
  const b = await register(server, "dmb");
  const r1 = await api(server, "POST", "/api/direct-messages", { token: a.token, body: { participant_ids: [b.user.id] } });
  assert.equal(r1.status, 200, JSON.stringify(r1.body));
  const r2 = await api(server, "POST", "/api/direct-messages", { token: b.token, body: { participant_ids: [a.user.id] } });
  assert.equal(r2.body.conversation.id, r1.body.conversation.id);
  const sa = await connect(server, a.token);
  const sb = await connect(server, b.token);
  const m = await call(sa, "send_message", { dm_id: r1.body.conversation.id, content: "hi", client_msg_id: "dm-1" });
  assert.equal(m.ok, true);
  await waitEvent(sb, "new_message", (p) => p.message.id === m.message.id);
  const list = await api(server, "GET", "/api/direct-messages", { token: b.token });
  const conv = list.body.conversations.find((c) => c.id === r1.body.conversation.id);
  assert.equal(conv.last_message.id, m.message.id);
  assert.equal(conv.participants.length, 2);
  sa.close(); sb.close();
});

test("messages: send, resend, edit with history, react, pin, thread, delete tombstone; revs dense", async () => {
  const a = await register(server, "msa");
  const b = await register(server, "msb");
  const room = await createRoom(server, a.token, { name: "msgs-" + Date.now(), member_ids: [b.user.id] });
  const sa = await connect(server, a.token);
  const sb = await connect(server, b.token);
  const revs = [];

  const first = await call(sa, "send_message", { room_id: room.id, content: `hello @${b.username}`, client_msg_id: "same-id" });
  assert.equal(first.ok, true);
  assert.deepEqual(first.message.mentions, [b.user.id]);
  // the ack and the room's broadcast splice the same serialized message
  const seen = await waitEvent(sb, "new_message", (p) => p.message.id === first.message.id);
  assert.deepEqual(seen, { message: first.message });
  assert.deepEqual(Object.keys(first).sort(), ["message", "ok"]);
  revs.push(first.message.rev);
  const again = await call(sa, "send_message", { room_id: room.id, content: `hello @${b.username}`, client_msg_id: "same-id" });
  assert.equal(again.message.id, first.message.id, "resend returns the original");
  assert.equal(again.message.seq, first.message.seq);
  await waitEvent(sb, "new_message", (p) => p.message.id === first.message.id);

  const edited = await call(sa, "edit_message", { message_id: first.message.id, content: "hello all" });
  assert.equal(edited.ok, true);
  assert.equal(edited.message.edited, true);
  assert.deepEqual(edited.message.mentions, []);
  revs.push(edited.message.rev);
  await waitEvent(sb, "message_edited", (p) => p.message.rev === edited.message.rev);
  const notMine = await call(sb, "edit_message", { message_id: first.message.id, content: "mine now" });
  assert.equal(notMine.error.code, "forbidden");
  const hist = await api(server, "GET", `/api/messages/${first.message.id}/history`, { token: b.token });
  assert.deepEqual(hist.body.edits.map((e) => e.content), [`hello @${b.username}`]);

  const r1 = await call(sb, "add_reaction", { message_id: first.message.id, emoji: "👍" });
  assert.equal(r1.ok, true);
  revs.push((await waitEvent(sa, "reaction_added", (p) => p.emoji === "👍")).rev);
  const r2 = await call(sa, "add_reaction", { message_id: first.message.id, emoji: "👍" });
  assert.deepEqual(r2.message.reactions, [{ emoji: "👍", count: 2, user_ids: [b.user.id, a.user.id] }]);
  revs.push(r2.message.rev);
  const dupReact = await call(sa, "add_reaction", { message_id: first.message.id, emoji: "👍" });
  assert.equal(dupReact.message.reactions[0].count, 2, "one per user per emoji");

  // Any member pins (here not the room's owner).
  assert.equal((await call(sb, "pin_message", { message_id: first.message.id })).ok, true);
  revs.push((await waitEvent(sa, "message_pinned", (p) => p.message_id === first.message.id)).rev);
  const pinned = await api(server, "GET", `/api/rooms/${room.id}/pinned`, { token: b.token });
  assert.deepEqual(pinned.body.messages.map((m) => m.id), [first.message.id]);

  const reply = await call(sb, "send_message", { room_id: room.id, content: "in thread", client_msg_id: "r1", parent_id: first.message.id });
  assert.equal(reply.ok, true);
  assert.equal(reply.message.parent_id, first.message.id);
  revs.push(reply.message.rev);
  const thread = await api(server, "GET", `/api/messages/${first.message.id}/thread`, { token: a.token });
  assert.equal(thread.body.parent_message.reply_count, 1);
  assert.deepEqual(thread.body.replies.map((m) => m.id), [reply.message.id]);

  const delByOther = await call(sb, "delete_message", { message_id: first.message.id });
  assert.equal(delByOther.error.code, "forbidden");
  assert.equal((await call(sa, "delete_message", { message_id: first.message.id })).ok, true);
  const del = await waitEvent(sb, "message_deleted", (p) => p.message_id === first.message.id);
  revs.push(del.rev);
  const page = await api(server, "GET", `/api/rooms/${room.id}/messages`, { token: b.token });
  const tomb = page.body.messages.find((m) => m.id === first.message.id);
  assert.equal(tomb.deleted, true);
  assert.equal(tomb.content, "");
  const threadAfter = await api(server, "GET", `/api/messages/${first.message.id}/thread`, { token: a.token });
  assert.equal(threadAfter.body.replies.length, 1, "thread keeps its shape");

  // every change took the next value of the room's counter
  const sorted = [...revs].sort((x, y) => x - y);
  assert.deepEqual(revs, sorted);
  for (let i = 1; i < sorted.length; i++) assert.equal(sorted[i], sorted[i - 1] + 1, `dense revs ${sorted}`);
  sa.close(); sb.close();
});

test("history pages: newest first page, before, after, around, has_more", async () => {
  const a = await register(server, "his");
  const room = await createRoom(server, a.token, { name: "hist-" + Date.now() });
  const sa = await connect(server, a.token);
  const ids = [];
  for (let i = 0; i < 25; i++) ids.push((await send(sa, room.id, `m${i}`)).message.id);
  const get = (q) => api(server, "GET", `/api/rooms/${room.id}/messages?${q}`, { token: a.token });
  const latest = await get("limit=10");
  assert.deepEqual(latest.body.messages.map((m) => m.id), ids.slice(15));
  assert.equal(latest.body.has_more, true);
  const older = await get(`limit=10&before=${ids[15]}`);
  assert.deepEqual(older.body.messages.map((m) => m.id), ids.slice(5, 15));
  const oldest = await get(`limit=10&before=${ids[5]}`);
  assert.deepEqual(oldest.body.messages.map((m) => m.id), ids.slice(0, 5));
  assert.equal(oldest.body.has_more, false);
  const newer = await get(`limit=10&after=${ids[20]}`);
  assert.deepEqual(newer.body.messages.map((m) => m.id), ids.slice(21));
  assert.equal(newer.body.has_more, false);
  const around = await get(`limit=5&around=${ids[12]}`);
  assert.ok(around.body.messages.some((m) => m.id === ids[12]));
  assert.equal(around.body.messages.length, 5);
  const bad = await get("limit=abc");
  assert.equal(bad.status, 400);
  const unknown = await get("before=999999999");
  assert.equal(unknown.status, 404);
  sa.close();
});

test("sync returns every change after the cursor, in rev order, paging with has_more", async () => {
  const a = await register(server, "syn");
  const room = await createRoom(server, a.token, { name: "sync-" + Date.now() });
  const sa = await connect(server, a.token);
  for (let i = 0; i < 12; i++) await send(sa, room.id, `s${i}`);
  const r = await call(sa, "sync", { cursors: { [room.id]: 3 }, limit_per_room: 5 });
  assert.equal(r.ok, true);
  const entry = r.rooms.find((x) => x.room_id === room.id);
  assert.deepEqual(entry.messages.map((m) => m.rev), [4, 5, 6, 7, 8]);
  assert.equal(entry.has_more, true);
  assert.equal(entry.cursor, 8);
  const r2 = await call(sa, "sync", { cursors: { [room.id]: entry.cursor }, limit_per_room: 50 });
  const e2 = r2.rooms.find((x) => x.room_id === room.id);
  assert.deepEqual(e2.messages.map((m) => m.rev), [9, 10, 11, 12]);
  assert.equal(e2.has_more, false);
  assert.ok(typeof r2.server_time === "string");
  sa.close();
});

test("bad input: wrong types, missing fields, unknown ids, huge and invalid strings", async () => {
  const a = await register(server, "bad");
  const room = await createRoom(server, a.token, { name: "bad-" + Date.now() });
  const sa = await connect(server, a.token);
  const expect = async (event, payload, code) => {
    const r = await call(sa, event, payload);
    assert.equal(r.ok, false, `${event} ${JSON.stringify(payload).slice(0, 80)}`);
    assert.equal(r.error.code, code, `${event}: ${JSON.stringify(r.error)}`);
  };
  await expect("send_message", null, "invalid");
  await expect("send_message", { room_id: room.id, content: 5, client_msg_id: "x" }, "invalid");
  await expect("send_message", { room_id: room.id, content: "no id" }, "invalid");
  await expect("send_message", { room_id: "999999", content: "x", client_msg_id: "y" }, "not_found");
  await expect("send_message", { room_id: room.id, content: "x".repeat(40001), client_msg_id: "z" }, "too_large");
  await expect("send_message", { room_id: room.id, content: "   ", client_msg_id: "w" }, "invalid");
  await expect("edit_message", { message_id: "999999", content: "x" }, "not_found");
  await expect("add_reaction", { message_id: [], emoji: "x" }, "invalid");
  await expect("join_room", {}, "invalid");
  await expect("no_such_event_anywhere", {}, "invalid");
  assert.equal((await call(sa, "join_room", { room_id: room.id })).ok, true);
  const page = await api(server, "GET", `/api/rooms/${room.id}/messages`, { token: a.token });
  assert.equal(page.body.messages.length, 0, "nothing was stored");
  // invalid UTF-8 cannot be produced by socket.io-client's JSON; REST raw body:
  const raw = await fetch(`${server.url}/api/rooms`, {
    method: "POST", headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
    body: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  });
  assert.equal(raw.status, 400);
  const notJson = await fetch(`${server.url}/api/rooms`, {
    method: "POST", headers: { authorization: `Bearer ${a.token}` }, body: "{nope",
  });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.code, "invalid");

  // Half an emoji (a lone UTF-16 surrogate, which JSON.stringify escapes)
  // is stored as U+FFFD over both ways in, and the socket stays connected.
  const half = "cut " + String.fromCharCode(0xd83d);
  const cut = await call(sa, "send_message", { room_id: room.id, content: half, client_msg_id: "half" });
  assert.equal(cut.ok, true, JSON.stringify(cut));
  assert.equal(cut.message.content, "cut \ufffd");
  assert.equal(sa.connected, true);
  const restCut = await api(server, "POST", "/api/rooms", { token: a.token, body: { name: String.fromCharCode(0xdc00) + "room", type: "public" } });
  assert.equal(restCut.status, 200, JSON.stringify(restCut.body));
  assert.equal(restCut.body.room.name, "\ufffdroom");
  sa.close();
});

test("/metrics counts the store's writes and commits", async () => {
  const read = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name) => {
      const line = text.split("\n").find((l) => l.startsWith(name + " "));
      assert.ok(line, `${name} in /metrics`);
      return Number(line.split(" ").pop());
    };
    return Object.fromEntries(
      ["parlor_store_writes_total", "parlor_store_commits_total", "parlor_store_reads_total",
       "parlor_store_refused_total", "parlor_store_write_queue", "parlor_store_read_queue",
       "parlor_store_largest_batch"].map((n) => [n, value(n)]));
  };
  const before = await read();
  const a = await register(server, "metrics-a");
  const room = await createRoom(server, a.token, { name: "metrics-" + Date.now() });
  const s = await connect(server, a.token);
  for (let i = 0; i < 3; i++) assert.equal((await send(s, room.id, `m${i}`)).ok, true);
  s.close();
  const after = await read();
  // Register, create and three sends are at least five write jobs.
  assert.ok(after.parlor_store_writes_total >= before.parlor_store_writes_total + 5, JSON.stringify({ before, after }));
  assert.ok(after.parlor_store_commits_total > before.parlor_store_commits_total);
  assert.ok(after.parlor_store_commits_total <= after.parlor_store_writes_total);
  assert.ok(after.parlor_store_largest_batch >= 1);
});
