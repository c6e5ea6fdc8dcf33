// Issue 4, presence acceptance: many tabs of one user produce one online
// and one offline update, seen by exactly the users who share a room; a
// socket that stops answering Engine.IO pings (a sleeping laptop) is closed
// by the server within pingInterval + pingTimeout and only then counts as
// gone, while another open tab keeps the user online.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, register, connect, call, api, createRoom, waitEvent, waitFor, sleep,
} from "./helpers.mjs";

const FAST = ["--send-rate-per-s", "1000", "--send-burst", "1000"];

// Presence updates about `userId` a socket has received so far.
const updatesAbout = (socket, userId) =>
  socket.events
    .filter((e) => e.event === "presence_update" && String(e.payload.user_id) === String(userId))
    .map((e) => e.payload);

// Lets anything already on its way arrive before asserting that something
// did NOT happen (a settling pause, not a timing assertion).
const settle = () => sleep(400);

// A bare Engine.IO v4 long-polling client speaking Socket.IO: it can stop
// answering pings at will, which is what a sleeping laptop looks like to the
// server (the TCP side stays quiet, nothing is closed).
async function rawClient(server, token) {
  const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
  const first = await fetch(base);
  const text = await first.text();
  assert.equal(text[0], "0", `open packet expected, got ${text}`);
  const open = JSON.parse(text.slice(1));
  const url = `${base}&sid=${encodeURIComponent(open.sid)}`;
  const post = (body) =>
    fetch(url, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" } });
  const client = { open, packets: [], answering: true, closedByServer: false, stopped: false };
  let ok = await post(`40${JSON.stringify({ token })}`);
  assert.equal(ok.status, 200);
  await ok.text();
  client.loop = (async () => {
    while (client.answering) {
      let res;
      try {
        res = await fetch(url);
      } catch {
        client.closedByServer = true;
        return;
      }
      if (res.status !== 200) {
        await res.text();
        client.closedByServer = true;
        return;
      }
      const body = await res.text();
      for (const p of body.split("\x1e")) {
        if (p === "2") {
          if (client.answering) await (await post("3")).text();
        } else if (p === "1") {
          client.closedByServer = true;
          return;
        } else if (p.length > 0) {
          client.packets.push(p);
        }
      }
    }
  })();
  const start = Date.now();
  while (!client.packets.some((p) => p.startsWith("40") || p.startsWith("44"))) {
    if (Date.now() - start > 5000) throw new Error("raw client: no CONNECT answer");
    await sleep(10);
  }
  assert.ok(client.packets.some((p) => p.startsWith("40{")), `refused: ${client.packets}`);
  // Stops answering and polling: the laptop lid closes.
  client.sleep = () => {
    client.answering = false;
  };
  // Polls once more: true when the server has already dropped the session.
  // (A live session would hold this poll open: it gives up after waitMs.)
  client.isGone = async (waitMs = 1000) => {
    let res;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(waitMs) });
    } catch (e) {
      return e.name !== "TimeoutError";  // reset by the server: gone
    }
    const body = await res.text();
    return res.status !== 200 || body.split("\x1e").includes("1");
  };
  return client;
}

let server;
before(async () => {
  server = await startServer({ extraArgs: FAST });
});
after(async () => {
  await server?.stop();
});

test("three tabs: closing two keeps the user online, the third sends one offline", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  const carol = await register(server, "carol");
  const dave = await register(server, "dave");  // shares no room with alice
  await createRoom(server, alice.token, { member_ids: [bob.user.id] });
  const dm = await api(server, "POST", "/api/direct-messages", {
    token: alice.token, body: { participant_ids: [carol.user.id] },
  });
  assert.equal(dm.status, 200, JSON.stringify(dm.body));

  const bobS = await connect(server, bob.token);
  const carolS = await connect(server, carol.token);
  const daveS = await connect(server, dave.token);
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await connect(server, alice.token));

  for (const s of [bobS, carolS]) {
    await waitEvent(s, "presence_update", (p) => String(p.user_id) === String(alice.user.id) && p.status === "online");
  }
  const me = await api(server, "GET", `/api/users/${alice.user.id}`, { token: bob.token });
  assert.equal(me.body.user.status, "online");

  tabs[0].disconnect();
  tabs[1].disconnect();
  await settle();
  for (const s of [bobS, carolS]) {
    assert.deepEqual(updatesAbout(s, alice.user.id).map((p) => p.status), ["online"],
                     "closing two of three tabs must not change presence");
  }
  const still = await api(server, "GET", `/api/users/${alice.user.id}`, { token: bob.token });
  assert.equal(still.body.user.status, "online");

  const closedAt = Date.now();
  tabs[2].disconnect();
  for (const s of [bobS, carolS]) {
    await waitEvent(s, "presence_update", (p) => String(p.user_id) === String(alice.user.id) && p.status === "offline");
  }
  await settle();
  for (const s of [bobS, carolS]) {
    const ups = updatesAbout(s, alice.user.id);
    assert.deepEqual(ups.map((p) => p.status), ["online", "offline"]);
    const off = ups[1];
    assert.equal(typeof off.last_seen, "string");
    assert.match(off.last_seen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The server's clock and ours are the same machine's.
    assert.ok(Math.abs(Date.parse(off.last_seen) - closedAt) < 60000);
    assert.equal(off.custom_status ?? "", "");
  }
  assert.deepEqual(updatesAbout(daveS, alice.user.id), [], "no update to users sharing no room");
  const gone = await api(server, "GET", `/api/users/${alice.user.id}`, { token: bob.token });
  assert.equal(gone.body.user.status, "offline");
  assert.equal(gone.body.user.last_seen, updatesAbout(bobS, alice.user.id)[1].last_seen);

  // The snapshot in sync agrees.
  const snap = await call(bobS, "sync", { cursors: {} });
  assert.equal(snap.ok, true);
  const entry = snap.presence.find((u) => String(u.id) === String(alice.user.id));
  assert.ok(entry, "sync's presence lists users sharing a room");
  assert.equal(entry.status, "offline");
  assert.ok(!snap.presence.some((u) => String(u.id) === String(dave.user.id)));
  for (const s of [bobS, carolS, daveS]) s.disconnect();
});

test("away when every tab is idle, busy and custom status when set, offline wins", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  await createRoom(server, alice.token, { member_ids: [bob.user.id] });
  const bobS = await connect(server, bob.token);
  const a1 = await connect(server, alice.token);
  const a2 = await connect(server, alice.token);
  const about = () => updatesAbout(bobS, alice.user.id);
  await waitFor(bobS, () => about().length === 1, 5000, "online");

  assert.equal((await call(a1, "activity", { idle: true })).ok, true);
  await settle();
  assert.equal(about().length, 1, "one idle tab of two is not away");
  await call(a2, "activity", { idle: true });
  await waitFor(bobS, () => about().length === 2, 5000, "away");
  assert.equal(about()[1].status, "away");
  await call(a1, "activity", { idle: false });
  await waitFor(bobS, () => about().length === 3, 5000, "back online");
  assert.equal(about()[2].status, "online");

  const set = await call(a1, "set_status", { status: "busy", custom_status: "deep work" });
  assert.equal(set.ok, true, JSON.stringify(set));
  assert.equal(set.user.status, "busy");
  assert.equal(set.user.custom_status, "deep work");
  await waitFor(bobS, () => about().length === 4, 5000, "busy");
  assert.deepEqual([about()[3].status, about()[3].custom_status], ["busy", "deep work"]);
  await call(a1, "activity", { idle: true });  // away is hidden behind busy
  await settle();
  assert.equal(about().length, 4);

  a1.disconnect();
  a2.disconnect();
  await waitFor(bobS, () => about().length === 5, 5000, "offline");
  assert.equal(about()[4].status, "offline");
  await settle();
  assert.equal(about().length, 5, "exactly one update for the last close");

  // The choice survives: the next connection shows busy again.
  const a3 = await connect(server, alice.token);
  await waitFor(bobS, () => about().length === 6, 5000, "busy again");
  assert.equal(about()[5].status, "busy");
  const cleared = await api(server, "PATCH", "/api/users/me", {
    token: alice.token, body: { status: "online", custom_status: "" },
  });
  assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  await waitFor(bobS, () => about().length === 7, 5000, "cleared");
  assert.deepEqual([about()[6].status, about()[6].custom_status], ["online", ""]);
  a3.disconnect();
  bobS.disconnect();
});

test("a tab that stops answering pings is dropped in time; another tab keeps the user online", async () => {
  const pingInterval = 400;
  const pingTimeout = 400;
  // The documented bound: the server notices within pingInterval + pingTimeout.
  const bound = pingInterval + pingTimeout;
  const slack = 3000;  // scheduling and the sweep of a loaded CI machine
  const hb = await startServer({
    extraArgs: [...FAST, "--ping-interval-ms", String(pingInterval), "--ping-timeout-ms", String(pingTimeout)],
  });
  try {
    const alice = await register(hb, "alice");
    const bob = await register(hb, "bob");
    const carol = await register(hb, "carol");
    await createRoom(hb, alice.token, { member_ids: [bob.user.id, carol.user.id] });
    const bobS = await connect(hb, bob.token);

    // Alice: a normal tab and a laptop tab that will fall asleep.
    const awake = await connect(hb, alice.token);
    const laptop = await rawClient(hb, alice.token);
    await waitEvent(bobS, "presence_update", (p) => String(p.user_id) === String(alice.user.id) && p.status === "online");
    laptop.sleep();
    await laptop.loop;
    const dropped = Date.now();
    for (;;) {
      if (await laptop.isGone()) break;
      assert.ok(Date.now() - dropped < bound + slack, "the server kept a silent session too long");
      await sleep(100);
    }
    await settle();
    assert.deepEqual(updatesAbout(bobS, alice.user.id).map((p) => p.status), ["online"],
                     "the open tab keeps alice online");
    const rest = await api(hb, "GET", `/api/users/${alice.user.id}`, { token: bob.token });
    assert.equal(rest.body.user.status, "online");

    // Carol has only a laptop: when it sleeps she goes offline within the bound.
    const carolLaptop = await rawClient(hb, carol.token);
    await waitEvent(bobS, "presence_update", (p) => String(p.user_id) === String(carol.user.id) && p.status === "online");
    carolLaptop.sleep();
    await carolLaptop.loop;
    const off = await waitEvent(
      bobS, "presence_update",
      (p) => String(p.user_id) === String(carol.user.id) && p.status === "offline", bound + slack);
    assert.equal(typeof off.last_seen, "string");
    await settle();
    assert.deepEqual(updatesAbout(bobS, carol.user.id).map((p) => p.status), ["online", "offline"]);

    awake.disconnect();
    await waitEvent(bobS, "presence_update", (p) => String(p.user_id) === String(alice.user.id) && p.status === "offline");
    bobS.disconnect();
  } finally {
    await hb.stop();
  }
});
