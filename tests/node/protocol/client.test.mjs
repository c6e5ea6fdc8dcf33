// The official socket.io-client 4.8 against a real parlor-conformance:
// both transports, upgrade, acks both ways, binary, rooms, reconnection.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";
import { startServer, once, within, sleep } from "./helpers.mjs";

let server;
const sockets = [];
function client(opts = {}, nsp = "/") {
  const s = io(server.url + nsp, { forceNew: true, reconnection: false, ...opts });
  sockets.push(s);
  return s;
}

before(async () => {
  // A relaxed heartbeat: a loaded CI machine must not turn these into
  // heartbeat tests (those are below and in heartbeat.test.mjs).
  server = await startServer({ args: ["--ping-interval", "2000", "--ping-timeout", "10000"] });
});
after(async () => {
  for (const s of sockets) s.disconnect();
  await server.stop();
});

for (const transports of [["polling"], ["websocket"]]) {
  const name = transports[0];

  test(`${name}: connects with an auth payload and gets it back`, async () => {
    const s = client({ transports, auth: { token: "t-1" } });
    const [auth] = await once(s, "auth");
    assert.deepEqual(auth, { token: "t-1" });
    assert.equal(s.io.engine.transport.name, name);
    assert.equal(typeof s.id, "string");
  });

  test(`${name}: client-to-server ack with the same arguments`, async () => {
    const s = client({ transports });
    await once(s, "connect");
    const reply = await within(
      new Promise((ok) => s.emit("message-with-ack", 1, "two", { three: [3] }, (...a) => ok(a))),
      5000,
      "the ack"
    );
    assert.deepEqual(reply, [1, "two", { three: [3] }]);
  });

  test(`${name}: server-to-client ack`, async () => {
    const s = client({ transports });
    await once(s, "connect");
    s.on("server-ask", (value, ack) => ack({ answered: value }));
    s.emit("request-ack", 42);
    const [result] = await once(s, "server-ask-result");
    assert.deepEqual(result, { answered: 42 });
  });

  test(`${name}: binary attachments both ways`, async () => {
    const s = client({ transports });
    await once(s, "connect");
    s.emit("message", Buffer.from([1, 2, 3]), { nested: Buffer.from([250, 0, 7]), n: 1 });
    const [first, second] = await once(s, "message-back");
    assert.deepEqual([...Buffer.from(first)], [1, 2, 3]);
    assert.deepEqual([...Buffer.from(second.nested)], [250, 0, 7]);
    assert.equal(second.n, 1);
    const acked = await s.timeout(5000).emitWithAck("message-with-ack", Buffer.from("bin"));
    assert.equal(Buffer.from(acked).toString(), "bin");
  });

  test(`${name}: events keep their order`, async () => {
    const s = client({ transports });
    await once(s, "connect");
    const got = [];
    const done = new Promise((ok) =>
      s.on("message-back", (i) => {
        got.push(i);
        if (got.length === 50) ok();
      })
    );
    for (let i = 0; i < 50; i++) s.emit("message", i);
    await within(done, 5000, "50 echoes");
    assert.deepEqual(got, [...Array(50).keys()]);
  });
}

test("upgrades from polling to websocket and keeps working", async () => {
  const s = client({ transports: ["polling", "websocket"] });
  await once(s, "connect");
  if (s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  assert.equal(s.io.engine.transport.name, "websocket");
  s.emit("message", "after upgrade");
  const [back] = await once(s, "message-back");
  assert.equal(back, "after upgrade");
});

test("/ and /custom share one connection; unknown namespaces are refused", async () => {
  const manager = new Manager(server.url, { reconnection: false, transports: ["websocket"] });
  const main = manager.socket("/", { auth: { who: "main" } });
  const custom = manager.socket("/custom", { auth: { who: "custom" } });
  sockets.push(main, custom);
  const [[a], [b]] = await Promise.all([once(main, "auth"), once(custom, "auth")]);
  assert.deepEqual(a, { who: "main" });
  assert.deepEqual(b, { who: "custom" });
  custom.disconnect();
  main.emit("message", "still here");
  assert.deepEqual(await once(main, "message-back"), ["still here"]);

  const bad = client({ transports: ["websocket"] }, "/nope");
  const [err] = await once(bad, "connect_error");
  assert.equal(err.message, "Invalid namespace");
});

test("room broadcast reaches members on both transports, except the excluded sender", async () => {
  const room = `room-${Math.random()}`;
  const a = client({ transports: ["websocket"] });
  const b = client({ transports: ["polling"] });
  const outsider = client({ transports: ["websocket"] });
  await Promise.all([once(a, "connect"), once(b, "connect"), once(outsider, "connect")]);
  assert.deepEqual(await a.timeout(5000).emitWithAck("join", room), true);
  assert.deepEqual(await b.timeout(5000).emitWithAck("join", room), true);
  let outsiderGot = 0;
  outsider.on("room-message", () => outsiderGot++);
  let aGot = 0;
  a.on("room-message", () => aGot++);

  const bGets = once(b, "room-message");
  assert.deepEqual(await a.timeout(5000).emitWithAck("to-room", room, { hi: 1 }, true), true);
  assert.deepEqual(await bGets, [{ hi: 1 }]);

  // Without the exclusion the sender gets it too; a marker message sent
  // after shows nothing else arrived out of turn.
  const aGets = once(a, "room-message");
  const bGets2 = once(b, "room-message");
  await a.timeout(5000).emitWithAck("to-room", room, { hi: 2 }, false);
  assert.deepEqual(await aGets, [{ hi: 2 }]);
  assert.deepEqual(await bGets2, [{ hi: 2 }]);
  assert.equal(aGot, 1);

  // After leaving, b gets nothing more; a still does.
  assert.deepEqual(await b.timeout(5000).emitWithAck("leave", room), true);
  let bAfter = 0;
  b.on("room-message", () => bAfter++);
  const aGets3 = once(a, "room-message");
  await a.timeout(5000).emitWithAck("to-room", room, { hi: 3 }, false);
  await aGets3;
  // b's own echo round trip proves anything sent before it has arrived.
  b.emit("message", "marker");
  await once(b, "message-back");
  assert.equal(bAfter, 0);
  assert.equal(outsiderGot, 0);
});

test("survives several heartbeats", async () => {
  const slow = await startServer({ args: ["--ping-interval", "100", "--ping-timeout", "2000"] });
  try {
    const s = io(slow.url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    sockets.push(s);
    await once(s, "connect");
    let reason = null;
    s.on("disconnect", (r) => (reason = r));
    let pings = 0;
    s.io.engine.on("ping", () => pings++);
    while (pings < 5) await sleep(50);
    assert.equal(reason, null);
    s.emit("message", "alive");
    assert.deepEqual(await once(s, "message-back"), ["alive"]);
  } finally {
    await slow.stop();
  }
});

test("reconnects by itself after the server restarts; SIGTERM exits 0", async () => {
  const first = await startServer();
  const port = first.port;
  const s = io(first.url, {
    forceNew: true,
    transports: ["websocket"],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  sockets.push(s);
  await once(s, "connect");
  const firstId = s.id;
  const gone = once(s, "disconnect", 10000);
  const exit = await first.stop("SIGTERM");
  assert.equal(exit.code, 0, "graceful shutdown exits 0");
  const [reason] = await gone;
  assert.equal(reason, "transport close");
  const second = await startServer({ port });
  try {
    await once(s, "connect", 15000);
    assert.notEqual(s.id, firstId);
    s.emit("message", "back again");
    assert.deepEqual(await once(s, "message-back"), ["back again"]);
  } finally {
    s.disconnect();
    await second.stop();
  }
});
