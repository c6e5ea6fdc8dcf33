// Issue 4, unread acceptance: two tabs of one user show the same unread and
// mention counts after reads in either tab, after mentions, and after edits
// that add or remove a mention and deletes; counts match the server's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, register, connect, call, api, createRoom, waitFor, sleep, sendOk } from "./helpers.mjs";

const FAST = ["--send-rate-per-s", "1000", "--send-burst", "1000"];

let server;
before(async () => {
  server = await startServer({ extraArgs: FAST });
});
after(async () => {
  await server?.stop();
});

// One tab's badge for one room, kept by the rules in docs/API.md: count
// new top-level messages from others and `mention`s past last_read_seq;
// an `unread_update` replaces everything.
function badge(socket, me, roomId) {
  const b = { unread_count: 0, mention_count: 0, last_read_seq: 0, updates: 0 };
  socket.on("new_message", ({ message: m }) => {
    if (String(m.room_id) !== String(roomId)) return;
    if (m.parent_id == null && String(m.sender_id) !== String(me) && m.seq > b.last_read_seq) b.unread_count++;
  });
  socket.on("mention", ({ message: m }) => {
    // A mention added by an edit is only a notification: its count comes
    // with the unread_update that follows it.
    if (m.edited) return;
    if (String(m.room_id) === String(roomId) && m.seq > b.last_read_seq) b.mention_count++;
  });
  socket.on("unread_update", (u) => {
    if (String(u.room_id) !== String(roomId)) return;
    Object.assign(b, { unread_count: u.unread_count, mention_count: u.mention_count, last_read_seq: u.last_read_seq });
    b.updates++;
  });
  return b;
}

const counts = (b) => [b.unread_count, b.mention_count, b.last_read_seq];

async function serverCounts(token, roomId) {
  const r = await api(server, "GET", `/api/rooms/${roomId}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return [r.body.room.unread_count, r.body.room.mention_count, r.body.room.last_read_seq];
}

const send = sendOk;

test("unread and mention counts agree across two tabs", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  const room = await createRoom(server, bob.token, { member_ids: [alice.user.id] });
  const roomId = String(room.id);
  const bobS = await connect(server, bob.token);
  const tab1 = await connect(server, alice.token);
  const tab2 = await connect(server, alice.token);
  const b1 = badge(tab1, alice.user.id, roomId);
  const b2 = badge(tab2, alice.user.id, roomId);
  const agree = async (what) => {
    const want = await serverCounts(alice.token, roomId);
    await waitFor(tab1, () => String(counts(b1)) === String(want) && String(counts(b2)) === String(want), 5000,
                  `${what}: tabs ${counts(b1)} / ${counts(b2)} vs server ${want}`);
    return want;
  };

  const m1 = await send(bobS, roomId, "hello");
  const m2 = await send(bobS, roomId, `hey @${alice.username} look`);
  const m3 = await send(bobS, roomId, "third");
  assert.deepEqual(m2.mentions.map(String), [String(alice.user.id)]);
  for (const t of [tab1, tab2]) {
    await waitFor(t, (evs) => evs.some((e) => e.event === "mention" && String(e.payload.message.id) === String(m2.id)),
                  5000, "mention");
  }
  assert.deepEqual(await agree("after three messages"), [3, 1, 0]);
  const synced = await call(tab2, "sync", { cursors: { [roomId]: 0 } });
  const entry = synced.rooms.find((r) => String(r.room_id) === roomId);
  assert.deepEqual([entry.unread_count, entry.mention_count, entry.last_read_seq], [3, 1, 0]);

  // Reading in tab 1 updates tab 2 and sends bob a receipt.
  const r1 = await call(tab1, "mark_read", { room_id: roomId, message_id: m2.id });
  assert.equal(r1.ok, true, JSON.stringify(r1));
  assert.deepEqual([r1.unread_count, r1.mention_count], [1, 0]);
  assert.deepEqual(await agree("after tab 1 read"), [1, 0, m2.seq]);
  const receipt = await waitFor(bobS, (evs) => evs.find((e) => e.event === "read_receipt" &&
      String(e.payload.user_id) === String(alice.user.id) && e.payload.last_read_seq === m2.seq), 5000, "receipt");
  assert.equal(String(receipt.payload.room_id), roomId);
  // The member list says the same, for a client that opens the room later.
  const listed = await api(server, "GET", `/api/rooms/${roomId}/members`, { token: bob.token });
  assert.equal(listed.body.members.find((m) => String(m.id) === String(alice.user.id)).last_read_seq, m2.seq);

  // Reading an older message in tab 2 moves nothing back.
  const back = await call(tab2, "mark_read", { room_id: roomId, message_id: m1.id });
  assert.equal(back.ok, true);
  assert.deepEqual([back.unread_count, back.mention_count], [1, 0]);
  assert.deepEqual(await agree("after a backwards read"), [1, 0, m2.seq]);

  // Reading everything in tab 2.
  const r2 = await call(tab2, "mark_read", { room_id: roomId, message_id: m3.id });
  assert.deepEqual([r2.unread_count, r2.mention_count], [0, 0]);
  assert.deepEqual(await agree("after tab 2 read all"), [0, 0, m3.seq]);

  // An edit that adds a mention, then one that removes it, then a delete.
  const m4 = await send(bobS, roomId, "no mention yet");
  assert.deepEqual(await agree("new message"), [1, 0, m3.seq]);
  const e1 = await call(bobS, "edit_message", { message_id: m4.id, content: `now @${alice.username}` });
  assert.equal(e1.ok, true, JSON.stringify(e1));
  assert.deepEqual(await agree("edit adds a mention"), [1, 1, m3.seq]);
  const e2 = await call(bobS, "edit_message", { message_id: m4.id, content: "mention gone" });
  assert.equal(e2.ok, true);
  assert.deepEqual(await agree("edit removes the mention"), [1, 0, m3.seq]);
  const m5 = await send(bobS, roomId, `again @${alice.username}`);
  assert.deepEqual(await agree("second mention"), [2, 1, m3.seq]);
  const d = await call(bobS, "delete_message", { message_id: m5.id });
  assert.equal(d.ok, true);
  assert.deepEqual(await agree("delete"), [1, 0, m3.seq]);
  assert.ok(b1.updates >= 4 && b2.updates === b1.updates, "both tabs got the same updates");

  // Refusals change nothing.
  const outsider = await register(server, "mallory");
  const malS = await connect(server, outsider.token);
  const refused = await call(malS, "mark_read", { room_id: roomId, message_id: m4.id });
  assert.equal(refused.ok, false);
  assert.ok(["forbidden", "not_found"].includes(refused.error.code));
  const missing = await call(tab1, "mark_read", { room_id: roomId, message_id: "999999999" });
  assert.equal(missing.ok, false);
  assert.equal(missing.error.code, "not_found");
  await sleep(100);
  assert.deepEqual(await serverCounts(alice.token, roomId), [1, 0, m3.seq]);
  for (const s of [bobS, tab1, tab2, malS]) s.disconnect();
});

test("mentions by id (send_message's mentions) count like @username ones", async () => {
  const carol = await register(server, "carol");
  const dave = await register(server, "dave");
  const outsider = await register(server, "erin");
  const room = await createRoom(server, dave.token, { member_ids: [carol.user.id] });
  const roomId = String(room.id);
  const daveS = await connect(server, dave.token);
  const carolS = await connect(server, carol.token);
  const ack = await call(daveS, "send_message", {
    room_id: roomId, content: "have a look", client_msg_id: "by-id-1",
    mentions: [carol.user.id, carol.user.id, outsider.user.id, "999999"],
  });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  // Existing users, once each; only members are notified and counted.
  assert.deepEqual(ack.message.mentions, [carol.user.id, outsider.user.id]);
  await waitFor(carolS, (evs) => evs.some((e) => e.event === "mention" && e.payload.message.id === ack.message.id),
                5000, "mention by id");
  assert.equal((await serverCounts(carol.token, roomId))[1], 1);
  // An edit keeps the mentions given by id (it cannot pass ids); the text's
  // own mentions follow the new text.
  const withName = await call(daveS, "send_message", {
    room_id: roomId, content: `@${outsider.user.username} and by id`, client_msg_id: "by-id-3", mentions: [carol.user.id],
  });
  assert.deepEqual(withName.message.mentions.sort(), [carol.user.id, outsider.user.id].sort());
  const edited = await call(daveS, "edit_message", { message_id: withName.message.id, content: "nobody by name now" });
  assert.equal(edited.ok, true, JSON.stringify(edited));
  assert.deepEqual(edited.message.mentions, [carol.user.id]);
  const first = await call(daveS, "edit_message", { message_id: ack.message.id, content: "have another look" });
  assert.deepEqual(first.message.mentions, [carol.user.id, outsider.user.id]);
  const bad = await call(daveS, "send_message", { room_id: roomId, content: "x", client_msg_id: "by-id-2", mentions: [5] });
  assert.equal(bad.error.code, "invalid");
  daveS.close();
  carolS.close();
});
