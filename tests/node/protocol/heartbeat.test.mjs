// Heartbeats end half-open connections, no CONNECT within connectTimeout
// closes, and a consumer that stops reading is dropped at its queue bound.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, handshake, poll, rawSocket, metric, within, sleep } from "./helpers.mjs";

test("a WebSocket that never answers pings is closed", async () => {
  const server = await startServer({ args: ["--ping-interval", "100", "--ping-timeout", "100"] });
  try {
    const ws = rawSocket(`${server.wsUrl}/engine.io/?EIO=4&transport=websocket`);
    await ws.next(); // open
    assert.equal(await ws.next(), "2");
    await within(ws.closed, 5000, "the heartbeat timeout");
  } finally {
    await server.stop();
  }
});

test("a polling session that stops polling is closed by the heartbeat", async () => {
  const server = await startServer({ args: ["--ping-interval", "100", "--ping-timeout", "100"] });
  try {
    const { sid } = await handshake(server.url, "/engine.io/");
    for (let i = 0; i < 200; i++) {
      await sleep(25);
      if ((await metric(server.url, "parlor_eio_open_connections")) === 0) break;
    }
    const res = await poll(server.url, sid, "/engine.io/");
    assert.equal(res.status, 400);
  } finally {
    await server.stop();
  }
});

test("answering pings keeps a raw WebSocket open", async () => {
  const server = await startServer({ args: ["--ping-interval", "50", "--ping-timeout", "2000"] });
  try {
    const ws = rawSocket(`${server.wsUrl}/engine.io/?EIO=4&transport=websocket`);
    await ws.next();
    for (let i = 0; i < 5; i++) {
      assert.equal(await ws.next(), "2");
      ws.send("3");
    }
    ws.send("4still-here");
    let msg;
    do msg = await ws.next();
    while (msg === "2");
    assert.equal(msg, "4still-here");
    ws.close();
  } finally {
    await server.stop();
  }
});

test("no CONNECT within connectTimeout closes the connection", async () => {
  const server = await startServer({
    args: ["--ping-interval", "5000", "--ping-timeout", "5000", "--connect-timeout", "200"],
  });
  try {
    const ws = rawSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await ws.next();
    await within(ws.closed, 5000, "the connect timeout");
  } finally {
    await server.stop();
  }
});

test("a slow consumer is disconnected at its send-queue bound and counted", async () => {
  const server = await startServer({
    args: ["--ping-interval", "10000", "--ping-timeout", "10000", "--max-send-queue", "65536"],
  });
  try {
    const ws = rawSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`);
    await ws.next();
    ws.send("40");
    await ws.next();
    await ws.next();
    // Stop reading: the kernel buffers fill, then the server-side queue.
    ws._socket.pause();
    ws.send('42["flood",3000,20000]');
    for (let i = 0; i < 400; i++) {
      if ((await metric(server.url, "parlor_eio_slow_consumers_dropped_total")) >= 1) break;
      await sleep(25);
    }
    assert.equal(await metric(server.url, "parlor_eio_slow_consumers_dropped_total"), 1);
    ws._socket.resume();
    await within(ws.closed, 10000, "the connection to close");
    // The server is fine.
    const { sid } = await handshake(server.url);
    assert.equal(typeof sid, "string");
  } finally {
    await server.stop();
  }
});
