// Raw Engine.IO / Socket.IO misuse against a real parlor-conformance: each
// gets the protocol's error or a close, and the server keeps serving.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import {
  startServer, handshake, poll, post, rawSocket, metric, within, sleep,
} from "./helpers.mjs";

let server;
before(async () => {
  // A long heartbeat so only the tests that want a timeout see one.
  server = await startServer({ args: ["--ping-interval", "5000", "--ping-timeout", "5000"] });
});
after(async () => {
  await server.stop();
});

async function expectError(res, status, code) {
  assert.equal(res.status, status);
  if (code !== undefined) assert.deepEqual((await res.json()).code, code);
}

async function alive() {
  const { sid } = await handshake(server.url);
  assert.equal(typeof sid, "string");
}

test("unknown sid: 400 with code 1", async () => {
  await expectError(await poll(server.url, "no-such-sid"), 400, 1);
  await expectError(await post(server.url, "no-such-sid", "4x"), 400, 1);
});

test("unknown transport: 400 with code 0; bad protocol version: code 5", async () => {
  await expectError(await fetch(`${server.url}/socket.io/?EIO=4&transport=carrier-pigeon`), 400, 0);
  await expectError(await fetch(`${server.url}/socket.io/?EIO=4`), 400, 0);
  await expectError(await fetch(`${server.url}/socket.io/?EIO=3&transport=polling`), 400, 5);
  await expectError(
    await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { method: "PUT" }),
    400,
    2
  );
});

test("malformed Engine.IO packet over polling closes the session", async () => {
  const { sid } = await handshake(server.url);
  await expectError(await post(server.url, sid, "zzz"), 400, 3);
  await expectError(await poll(server.url, sid), 400, 1);
  await alive();
});

test("bad base64 in a polling payload closes the session", async () => {
  const { sid } = await handshake(server.url);
  assert.equal((await post(server.url, sid, "b!!!!")).status, 400);
  await expectError(await poll(server.url, sid), 400, 1);
});

test("malformed Socket.IO packets close the connection", async () => {
  for (const bad of ["4abc", '42{}', '42abc["x"]', '42["connect"]', "47", '452-["x"]']) {
    const ws = rawSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await ws.next(); // open packet
    ws.send("40");
    assert.match(await ws.next(), /^40\{"sid":/);
    await ws.next(); // auth echo
    ws.send(bad);
    if (bad.startsWith("452-")) ws.send("a text frame where an attachment belongs");
    await within(ws.closed, 5000, `close after ${bad}`);
  }
  await alive();
});

test("oversize polling body: 413", async () => {
  const { sid } = await handshake(server.url);
  const res = await post(server.url, sid, "4" + "x".repeat(1000001));
  assert.equal(res.status, 413);
  await alive();
});

test("oversize WebSocket message closes the connection", async () => {
  const ws = rawSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`);
  await ws.next();
  ws.send("4" + "x".repeat(1000001));
  const code = await within(ws.closed, 5000, "close");
  // 1009 (message too big) when the close frame wins the race with the
  // socket teardown, 1006 (no close frame) otherwise.
  assert.ok([1006, 1009].includes(code), `close code ${code}`);
  await alive();
});

test("a second concurrent GET closes the session; the first gets the close packet", async () => {
  const { sid } = await handshake(server.url);
  const first = poll(server.url, sid);
  await sleep(50);
  const second = await poll(server.url, sid);
  assert.ok([400, 500].includes(second.status));
  const res = await first;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "1");
  await expectError(await poll(server.url, sid), 400, 1);
});

test("client close over polling: the parked GET gets a noop, then the sid is gone", async () => {
  const { sid } = await handshake(server.url);
  const parked = poll(server.url, sid);
  await sleep(50);
  assert.equal(await (await post(server.url, sid, "1")).text(), "ok");
  assert.equal(await (await parked).text(), "6");
  await expectError(await poll(server.url, sid), 400, 1);

  // A GET that arrives just after the close packet gets the same noop once.
  const second = await handshake(server.url);
  assert.equal(await (await post(server.url, second.sid, "1")).text(), "ok");
  assert.equal(await (await poll(server.url, second.sid)).text(), "6");
  await expectError(await poll(server.url, second.sid), 400, 1);
});

test("a cancelled long-poll closes the session", async () => {
  const { sid } = await handshake(server.url);
  const controller = new AbortController();
  const pending = poll(server.url, sid).catch(() => {});
  void pending;
  const aborted = fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}&x=1`, {
    signal: controller.signal,
  }).catch(() => {});
  void aborted;
  // Whichever of the two is parked, the other one ends the session.
  await sleep(50);
  controller.abort();
  for (let i = 0; i < 100; i++) {
    const r = await poll(server.url, sid);
    if (r.status === 400) return;
    await sleep(20);
  }
  assert.fail("session still open");
});

test("WebSocket garbage: bad frames and unmasked data close the connection", async () => {
  const { port } = server;
  const sock = net.connect(port, "127.0.0.1");
  await new Promise((ok) => sock.once("connect", ok));
  sock.write(
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\n"
  );
  let received = "";
  sock.on("data", (d) => (received += d.toString("latin1")));
  const closed = new Promise((ok) => sock.once("close", ok));
  sock.on("error", () => {});
  while (!received.includes("\r\n\r\n")) await sleep(10);
  assert.match(received, /^HTTP\/1\.1 101/);
  // An unmasked client frame with a reserved opcode: a protocol violation.
  sock.write(Buffer.from([0x83, 0x05, 1, 2, 3, 4, 5]));
  sock.write(Buffer.alloc(4096, 0xff));
  await within(closed, 5000, "the server to drop the connection");
  await alive();
});

test("HTTP garbage gets a 400 and the server stays up", async () => {
  const sock = net.connect(server.port, "127.0.0.1");
  await new Promise((ok) => sock.once("connect", ok));
  let received = "";
  sock.on("data", (d) => (received += d));
  sock.on("error", () => {});
  const closed = new Promise((ok) => sock.once("close", ok));
  sock.write("THIS IS NOT HTTP\r\n\r\n");
  await within(closed, 5000, "close");
  assert.match(received, /^HTTP\/1\.1 400/);
  await alive();
});

test("unknown /api path: 404 in the contract's error format", async () => {
  const res = await fetch(`${server.url}/api/nothing/here`);
  assert.equal(res.status, 404);
  assert.deepEqual(Object.keys((await res.json()).error).sort(), ["code", "message"]);
});

test("/healthz and /metrics", async () => {
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  for (const name of [
    "parlor_eio_open_connections{transport=\"polling\"}",
    "parlor_eio_open_connections{transport=\"websocket\"}",
    "parlor_eio_handshakes_total",
    "parlor_eio_packets_in_total",
    "parlor_eio_packets_out_total",
    "parlor_eio_bytes_in_total",
    "parlor_eio_bytes_out_total",
    "parlor_eio_slow_consumers_dropped_total",
    "parlor_eio_errors_total",
  ])
    assert.ok(text.includes(name + " "), `${name} in /metrics`);
  assert.ok((await metric(server.url, "parlor_eio_handshakes_total")) > 0);
});

test("CORS: origin reflected with credentials, preflight answered", async () => {
  const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
    headers: { Origin: "http://example.test" },
  });
  assert.equal(res.headers.get("access-control-allow-origin"), "http://example.test");
  assert.equal(res.headers.get("access-control-allow-credentials"), "true");
  const pre = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
    method: "OPTIONS",
    headers: { Origin: "http://example.test", "Access-Control-Request-Method": "POST" },
  });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get("access-control-allow-methods"), /POST/);
});
