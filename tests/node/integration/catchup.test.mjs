// Issue 4, catch-up acceptance: a client that was away while others sent,
// edited, reacted, pinned and deleted, then reconnected and synced (with
// more senders busy during its sync) ends with exactly the room state of a
// client that never left, and of the stored history; rooms it was removed
// from meanwhile are reported.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, register, connect, call, api, createRoom, sleep, sendOk } from "./helpers.mjs";
import { RoomModel, roomView, storedHistory, roomRev } from "./room-model.mjs";

const FAST = ["--send-rate-per-s", "1000", "--send-burst", "1000"];

let server;
before(async () => {
  server = await startServer({ extraArgs: FAST });
});
after(async () => {
  await server?.stop();
});

const send = sendOk;
async function ok(socket, event, payload) {
  const ack = await call(socket, event, payload);
  assert.equal(ack.ok, true, `${event}: ${JSON.stringify(ack)}`);
  return ack;
}

// Waits until the model has applied everything up to the room's rev.
async function caughtUp(model, token, roomId, what) {
  const target = await roomRev(server, token, roomId);
  const start = Date.now();
  while ((model.room(roomId)?.cursor ?? -1) < target) {
    if (model.resync) await model.settle();
    if (Date.now() - start > 10000) {
      throw new Error(`${what}: cursor ${model.room(roomId)?.cursor} never reached rev ${target}`);
    }
    await sleep(20);
  }
}

test("a reconnecting client catches up exactly, even with senders busy during its sync", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  const carol = await register(server, "carol");  // stays connected
  const dave = await register(server, "dave");    // goes away and comes back
  const members = [bob.user.id, carol.user.id, dave.user.id];
  const room = await createRoom(server, alice.token, { member_ids: members });
  const side = await createRoom(server, alice.token, { type: "private", member_ids: [dave.user.id] });
  const roomId = String(room.id);

  const aliceS = await connect(server, alice.token);
  const bobS = await connect(server, bob.token);
  const carolModel = new RoomModel([roomId], { limitPerRoom: 7 });
  const daveModel = new RoomModel([roomId, String(side.id)], { limitPerRoom: 7 });
  // attach before the first sync, as a client does on "connect"
  const carolS = await connect(server, carol.token);
  carolModel.attach(carolS);
  await carolModel.sync();
  const daveS = await connect(server, dave.token);
  daveModel.attach(daveS);
  await daveModel.sync();

  // Some shared history while everyone is here.
  const early = [];
  for (let i = 0; i < 5; i++) early.push(await send(i % 2 ? aliceS : bobS, roomId, `early ${i}`));
  await caughtUp(daveModel, dave.token, roomId, "dave before leaving");

  daveS.disconnect();
  // While dave is away: every kind of change, on old and new messages
  // (even-numbered ones are bob's, odd ones alice's; alice owns the room).
  const away = [];
  for (let i = 0; i < 12; i++) away.push(await send(i % 2 ? aliceS : bobS, roomId, `away ${i}`));
  await ok(bobS, "edit_message", { message_id: early[0].id, content: "early 0, edited" });
  await ok(aliceS, "edit_message", { message_id: away[3].id, content: "away 3, edited" });
  await ok(aliceS, "edit_message", { message_id: away[3].id, content: "away 3, edited twice" });
  await ok(aliceS, "add_reaction", { message_id: early[1].id, emoji: "👍" });
  await ok(bobS, "add_reaction", { message_id: early[1].id, emoji: "👍" });
  await ok(bobS, "add_reaction", { message_id: away[0].id, emoji: "🎉" });
  await ok(bobS, "remove_reaction", { message_id: early[1].id, emoji: "👍" });
  await ok(aliceS, "pin_message", { message_id: early[2].id });
  await ok(aliceS, "pin_message", { message_id: away[5].id });
  await ok(aliceS, "unpin_message", { message_id: early[2].id });
  await ok(aliceS, "delete_message", { message_id: early[3].id });
  await ok(aliceS, "delete_message", { message_id: away[7].id });  // her own
  await ok(aliceS, "add_reaction", { message_id: away[8].id, emoji: "🔥" });
  await ok(aliceS, "delete_message", { message_id: away[8].id });
  const kicked = await api(server, "DELETE", `/api/rooms/${side.id}/members/${dave.user.id}`, { token: alice.token });
  assert.equal(kicked.status, 200, JSON.stringify(kicked.body));

  // Dave comes back (the same client reconnecting) and syncs while alice
  // and bob keep sending and editing.
  let stop = false;
  const busy = async (socket, tag) => {
    let n = 0;
    while (!stop) {
      const m = await send(socket, roomId, `${tag} during sync ${n++}`);
      if (n % 3 === 0) await ok(socket, "edit_message", { message_id: m.id, content: `${m.content} (edited)` });
      if (n % 4 === 0) await ok(socket, "add_reaction", { message_id: m.id, emoji: "✅" });
    }
  };
  const senders = [busy(aliceS, "alice"), busy(bobS, "bob")];
  await sleep(50);
  daveModel.hold();
  daveS.connect();
  await new Promise((res) => daveS.once("connect", res));
  const synced = await daveModel.sync();
  assert.ok(synced.server_time);
  await sleep(300);  // live traffic keeps flowing after the sync
  stop = true;
  await Promise.all(senders);

  assert.ok(daveModel.removed.has(String(side.id)), "sync reports the room dave was removed from");
  await caughtUp(carolModel, carol.token, roomId, "carol");
  await caughtUp(daveModel, dave.token, roomId, "dave");
  assert.equal(carolModel.gaps, 0, "a client that stayed sees every change in rev order");
  assert.equal(daveModel.gaps, 0, "after the sync, live events continue without a gap");

  const stored = await storedHistory(server, alice.token, roomId);
  const carolView = roomView(carolModel.room(roomId).messages);
  const daveView = roomView(daveModel.room(roomId).messages);
  assert.deepEqual(daveView, carolView);
  assert.deepEqual(carolView, stored);
  assert.ok(stored.length >= 17);
  assert.ok(stored.find((m) => m.id === String(early[3].id)).deleted);
  assert.equal(stored.find((m) => m.id === String(away[3].id)).content, "away 3, edited twice");

  for (const s of [aliceS, bobS, carolS, daveS]) s.disconnect();
});

test("a large gap pages with has_more and nothing twice", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  const room = await createRoom(server, alice.token, { member_ids: [bob.user.id] });
  const aliceS = await connect(server, alice.token);
  for (let i = 0; i < 45; i++) await send(aliceS, room.id, `m${i}`);
  const bobS = await connect(server, bob.token);
  const seen = new Set();
  let cursor = 0;
  let pages = 0;
  for (;;) {
    const ack = await call(bobS, "sync", { cursors: { [room.id]: cursor }, limit_per_room: 10 });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const entry = ack.rooms.find((r) => String(r.room_id) === String(room.id));
    pages++;
    let prev = cursor;
    for (const m of entry.messages) {
      assert.ok(m.rev > prev, "rev order");
      prev = m.rev;
      assert.ok(!seen.has(m.id), "nothing twice");
      seen.add(m.id);
    }
    assert.ok(entry.messages.length <= 10);
    cursor = entry.cursor;
    if (!entry.has_more) break;
  }
  assert.equal(seen.size, 45);
  assert.ok(pages >= 5);
  assert.equal(cursor, await roomRev(server, alice.token, room.id));
  aliceS.disconnect();
  bobS.disconnect();
});
