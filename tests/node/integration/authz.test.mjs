// The authorization matrix, end to end: for every endpoint and event, a
// caller who is not logged in, not a member, or lacks the role gets the
// contract's error, and the stored state (read back) is unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, register, connect, call, createRoom } from "./helpers.mjs";

let server, owner, member, outsider, room, msg, so, sm, sx, dm;

before(async () => {
  server = await startServer();
  owner = await register(server, "zown");
  member = await register(server, "zmem");
  outsider = await register(server, "zout");
  room = await createRoom(server, owner.token, { name: "priv-" + Date.now(), type: "private", member_ids: [member.user.id] });
  so = await connect(server, owner.token);
  sm = await connect(server, member.token);
  sx = await connect(server, outsider.token);
  msg = (await call(so, "send_message", { room_id: room.id, content: "owner's words", client_msg_id: "authz-1" })).message;
  dm = (await api(server, "POST", "/api/direct-messages", { token: owner.token, body: { participant_ids: [member.user.id] } })).body.conversation;
});
after(async () => { for (const s of [so, sm, sx]) s?.close(); await server?.stop(); });

// Everything a caller could change, read back by the owner.
async function snapshot() {
  const [r, members, msgs, pinned, hist, dmMsgs] = await Promise.all([
    api(server, "GET", `/api/rooms/${room.id}`, { token: owner.token }),
    api(server, "GET", `/api/rooms/${room.id}/members`, { token: owner.token }),
    api(server, "GET", `/api/rooms/${room.id}/messages`, { token: owner.token }),
    api(server, "GET", `/api/rooms/${room.id}/pinned`, { token: owner.token }),
    api(server, "GET", `/api/messages/${msg.id}/history`, { token: owner.token }),
    api(server, "GET", `/api/rooms/${dm.id}/messages`, { token: owner.token }),
  ]);
  const strip = (x) => JSON.parse(JSON.stringify(x, (k, v) => (["unread_count", "mention_count", "last_read_seq", "status", "last_seen"].includes(k) ? undefined : v)));
  return strip({ room: r.body, members: members.body, msgs: msgs.body, pinned: pinned.body, hist: hist.body, dm: dmMsgs.body });
}

test("REST without a token: 401 unauthorized on every endpoint but register/login", async () => {
  const routes = [
    ["POST", "/api/auth/logout"], ["GET", "/api/auth/me"], ["GET", "/api/users?query=a"], ["GET", `/api/users/${owner.user.id}`],
    ["PATCH", "/api/users/me", { display_name: "x" }], ["GET", "/api/rooms"], ["POST", "/api/rooms", { name: "x", type: "public" }],
    ["GET", `/api/rooms/${room.id}`], ["PATCH", `/api/rooms/${room.id}`, { name: "x" }], ["GET", `/api/rooms/${room.id}/members`],
    ["POST", `/api/rooms/${room.id}/members`, { user_ids: [outsider.user.id] }], ["DELETE", `/api/rooms/${room.id}/members/${member.user.id}`],
    ["GET", `/api/rooms/${room.id}/messages`], ["GET", `/api/rooms/${room.id}/pinned`], ["GET", "/api/direct-messages"],
    ["POST", "/api/direct-messages", { participant_ids: [member.user.id] }], ["GET", `/api/messages/${msg.id}/thread`],
    ["GET", `/api/messages/${msg.id}/history`], ["POST", `/api/messages/${msg.id}/reactions`, { emoji: "👍" }],
  ];
  const before = await snapshot();
  for (const [method, path, body] of routes) {
    for (const token of [undefined, "not-a-jwt", owner.token.slice(0, -3) + "abc"]) {
      const r = await api(server, method, path, { token, body });
      assert.equal(r.status, 401, `${method} ${path} token=${String(token).slice(0, 8)}`);
      assert.equal(r.body.error.code, "unauthorized");
    }
  }
  assert.deepEqual(await snapshot(), before);
});

test("socket without a valid token is refused with {message: unauthorized}", async () => {
  for (const token of [undefined, "", "x.y.z", owner.token + "x"]) {
    await assert.rejects(connect(server, token), (e) => e.message === "unauthorized");
  }
});

test("outsider (not a member of a private room): forbidden or not_found everywhere, nothing changes", async () => {
  const before = await snapshot();
  const rest = [
    ["GET", `/api/rooms/${room.id}`], ["PATCH", `/api/rooms/${room.id}`, { name: "pwned" }], ["GET", `/api/rooms/${room.id}/members`],
    ["POST", `/api/rooms/${room.id}/members`, { user_ids: [outsider.user.id] }], ["DELETE", `/api/rooms/${room.id}/members/${member.user.id}`],
    ["GET", `/api/rooms/${room.id}/messages`], ["GET", `/api/rooms/${room.id}/pinned`], ["GET", `/api/messages/${msg.id}/thread`],
    ["GET", `/api/messages/${msg.id}/history`], ["POST", `/api/messages/${msg.id}/reactions`, { emoji: "👍" }],
    ["GET", `/api/rooms/${dm.id}/messages`],
  ];
  for (const [method, path, body] of rest) {
    const r = await api(server, method, path, { token: outsider.token, body });
    assert.ok([403, 404].includes(r.status), `${method} ${path}: ${r.status}`);
    assert.ok(["forbidden", "not_found"].includes(r.body.error.code));
  }
  const events = [
    ["join_room", { room_id: room.id }], ["send_message", { room_id: room.id, content: "hi", client_msg_id: "x1" }],
    ["send_message", { dm_id: dm.id, content: "hi", client_msg_id: "x2" }],
    ["send_message", { room_id: room.id, content: "hi", client_msg_id: "x3", parent_id: msg.id }],
    ["edit_message", { message_id: msg.id, content: "pwned" }], ["delete_message", { message_id: msg.id }],
    ["add_reaction", { message_id: msg.id, emoji: "👍" }], ["remove_reaction", { message_id: msg.id, emoji: "👍" }],
    ["pin_message", { message_id: msg.id }], ["unpin_message", { message_id: msg.id }],
    ["typing_start", { room_id: room.id }], ["typing_stop", { room_id: room.id }],
    ["mark_read", { room_id: room.id, message_id: msg.id }],
  ];
  for (const [event, payload] of events) {
    const r = await call(sx, event, payload);
    assert.equal(r.ok, false, `${event} must fail for an outsider`);
    assert.ok(["forbidden", "not_found"].includes(r.error.code), `${event}: ${r.error.code}`);
  }
  const sync = await call(sx, "sync", { cursors: { [room.id]: 0 } });
  assert.ok(!(sync.rooms || []).some((r) => r.room_id === room.id && r.messages.length > 0), "sync leaks nothing");
  assert.ok(sync.removed_room_ids.includes(room.id));
  assert.deepEqual(await snapshot(), before);
});

test("member without the role: no rename, archive, kick, or editing/deleting others' messages", async () => {
  const before = await snapshot();
  const rest = [
    ["PATCH", `/api/rooms/${room.id}`, { name: "renamed" }], ["PATCH", `/api/rooms/${room.id}`, { archived: true }],
    ["DELETE", `/api/rooms/${room.id}/members/${owner.user.id}`],
  ];
  for (const [method, path, body] of rest) {
    const r = await api(server, method, path, { token: member.token, body });
    assert.equal(r.status, 403, `${method} ${path}`);
    assert.equal(r.body.error.code, "forbidden");
  }
  for (const [event, payload] of [
    ["edit_message", { message_id: msg.id, content: "pwned" }], ["delete_message", { message_id: msg.id }],
  ]) {
    const r = await call(sm, event, payload);
    assert.equal(r.ok, false, event);
    assert.equal(r.error.code, "forbidden", `${event}: ${JSON.stringify(r.error)}`);
  }
  assert.deepEqual(await snapshot(), before);
});

test("archived rooms are read-only", async () => {
  const pub = await createRoom(server, owner.token, { name: "arch-" + Date.now(), member_ids: [member.user.id] });
  const m = await call(so, "send_message", { room_id: pub.id, content: "before", client_msg_id: "arch-1" });
  assert.equal((await api(server, "PATCH", `/api/rooms/${pub.id}`, { token: owner.token, body: { archived: true } })).status, 200);
  const r = await call(sm, "send_message", { room_id: pub.id, content: "after", client_msg_id: "arch-2" });
  assert.equal(r.ok, false);
  assert.equal(r.error.code, "forbidden");
  const page = await api(server, "GET", `/api/rooms/${pub.id}/messages`, { token: member.token });
  assert.deepEqual(page.body.messages.map((x) => x.id), [m.message.id]);
});

// The writer keeps what a send read (room, membership, sender) for the next
// send of the same user in the same room: each change below comes right
// after such a send and must be seen by the next one.
test("a member who just sent cannot send once removed or once the room is archived", async () => {
  const kicked = await createRoom(server, owner.token, { name: "kick-" + Date.now(), member_ids: [member.user.id] });
  assert.equal((await call(sm, "send_message", { room_id: kicked.id, content: "one", client_msg_id: "kick-1" })).ok, true);
  assert.equal((await api(server, "DELETE", `/api/rooms/${kicked.id}/members/${member.user.id}`, { token: owner.token })).status, 200);
  const afterKick = await call(sm, "send_message", { room_id: kicked.id, content: "two", client_msg_id: "kick-2" });
  assert.equal(afterKick.ok, false);
  assert.ok(["forbidden", "not_found"].includes(afterKick.error.code), afterKick.error.code);

  const archived = await createRoom(server, owner.token, { name: "arch2-" + Date.now(), member_ids: [member.user.id] });
  assert.equal((await call(sm, "send_message", { room_id: archived.id, content: "one", client_msg_id: "arch2-1" })).ok, true);
  assert.equal((await api(server, "PATCH", `/api/rooms/${archived.id}`, { token: owner.token, body: { archived: true } })).status, 200);
  const afterArchive = await call(sm, "send_message", { room_id: archived.id, content: "two", client_msg_id: "arch2-2" });
  assert.equal(afterArchive.ok, false);
  assert.equal(afterArchive.error.code, "forbidden");

  for (const id of [kicked.id, archived.id]) {
    const page = await api(server, "GET", `/api/rooms/${id}/messages`, { token: owner.token });
    assert.deepEqual(page.body.messages.map((x) => x.content), ["one"]);
  }
});
