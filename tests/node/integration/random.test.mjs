// Issue 4, randomized acceptance: many clients connect, disconnect, send,
// edit and delete at once for a bounded number of steps; afterwards every
// client's view equals the stored history and presence equals the set of
// connected users. The seed is printed; PARLOR_RANDOM_SEED replays a run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, register, connect, call, api, createRoom, waitFor, sleep } from "./helpers.mjs";
import { RoomModel, roomView, storedHistory, roomRev } from "./room-model.mjs";

const FAST = ["--send-rate-per-s", "1000", "--send-burst", "1000"];
const USERS = 6;
const TABS = 2;        // client slots per user
const WORKERS = 3;     // steps running at once
const STEPS = 60;      // per worker

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let server;
before(async () => {
  server = await startServer({ extraArgs: FAST });
});
after(async () => {
  await server?.stop();
});

test("random clients: views equal stored history, presence equals the connected set", async () => {
  const seed = Number(process.env.PARLOR_RANDOM_SEED || Date.now() % 1_000_000_007);
  console.log(`# random seed ${seed}`);
  const rnd = mulberry32(seed);
  const pickOne = (list) => list[Math.floor(rnd() * list.length)];

  const obs = await register(server, "observer");
  const users = [];
  for (let i = 0; i < USERS; i++) users.push(await register(server, `r${i}`));
  const ids = users.map((u) => u.user.id);
  const rooms = [
    String((await createRoom(server, obs.token, { member_ids: ids })).id),
    String((await createRoom(server, obs.token, { type: "private", member_ids: ids })).id),
  ];
  const obsS = await connect(server, obs.token);
  const shown = new Map(ids.map((id) => [String(id), "offline"]));
  obsS.on("presence_update", (p) => shown.set(String(p.user_id), p.status));

  const clients = [];
  for (const u of users) {
    for (let t = 0; t < TABS; t++) {
      clients.push({ u, model: new RoomModel(rooms, { limitPerRoom: 15 }), socket: null, busy: false, mine: [] });
    }
  }
  let counter = 0;

  async function step() {
    const idle = clients.filter((c) => !c.busy);
    if (idle.length === 0) return sleep(5);
    const c = pickOne(idle);
    c.busy = true;
    try {
      const r = rnd();
      if (!c.socket) {
        if (r < 0.6) {
          c.model.hold();
          c.socket = await connect(server, c.u.token);
          c.model.attach(c.socket);
          await c.model.sync();
        }
      } else if (r < 0.15) {
        c.socket.disconnect();
        c.socket = null;
      } else if (r < 0.8) {
        const ack = await call(c.socket, "send_message", {
          room_id: pickOne(rooms), content: `m${++counter} from ${c.u.username}`,
          client_msg_id: `r${process.pid}-${counter}`,
        });
        assert.equal(ack.ok, true, JSON.stringify(ack));
        c.mine.push(ack.message.id);
      } else if (r < 0.9 && c.mine.length > 0) {
        const ack = await call(c.socket, "edit_message", { message_id: pickOne(c.mine), content: `edited ${++counter}` });
        assert.equal(ack.ok, true, JSON.stringify(ack));
      } else if (c.mine.length > 0) {
        const ack = await call(c.socket, "delete_message", { message_id: c.mine.pop() });
        assert.equal(ack.ok, true, JSON.stringify(ack));
      }
      if (c.socket && c.model.resync) await c.model.settle();
    } finally {
      c.busy = false;
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    for (let i = 0; i < STEPS; i++) await step();
  }));

  // Presence equals the connected set, live and in the sync snapshot.
  const expected = new Map(ids.map((id) => [String(id), "offline"]));
  for (const c of clients) if (c.socket) expected.set(String(c.u.user.id), "online");
  const same = () => [...expected].every(([id, st]) => shown.get(id) === st);
  await waitFor(obsS, same, 5000, `presence ${JSON.stringify([...shown])} vs ${JSON.stringify([...expected])}`);
  const snap = await call(obsS, "sync", { cursors: {} });
  for (const [id, st] of expected) {
    const u = snap.presence.find((x) => String(x.id) === id);
    assert.equal(u?.status, st, `sync presence of ${id}`);
  }

  // Every client, the ones away included once they come back, sees the stored history.
  for (const c of clients) {
    if (!c.socket) {
      c.model.hold();
      c.socket = await connect(server, c.u.token);
      c.model.attach(c.socket);
      await c.model.sync();
    }
  }
  for (const roomId of rooms) {
    const stored = await storedHistory(server, obs.token, roomId);
    const rev = await roomRev(server, obs.token, roomId);
    for (const c of clients) {
      const start = Date.now();
      while (c.model.room(roomId).cursor < rev) {
        if (c.model.resync) await c.model.settle();
        assert.ok(Date.now() - start < 10000, `client of ${c.u.username} stuck at ${c.model.room(roomId).cursor} < ${rev}`);
        await sleep(20);
      }
      assert.deepEqual(roomView(c.model.room(roomId).messages).filter((m) => m.parent_id === null), stored,
                       `view of a client of ${c.u.username} in room ${roomId} (seed ${seed})`);
    }
  }
  for (const c of clients) c.socket.disconnect();
  obsS.disconnect();
  const r = await api(server, "GET", `/api/users/${ids[0]}`, { token: obs.token });
  assert.equal(r.status, 200);
});
