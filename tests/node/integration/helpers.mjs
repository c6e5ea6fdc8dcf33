// Shared helpers for the integration tests: start a real parlor process on a
// free loopback port with a fresh data dir, register users over REST, and
// connect socket.io-client sockets with ack-returning emits.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";
import { deflateSync } from "node:zlib";
import { io } from "socket.io-client";

const repo = resolve(new URL("../../..", import.meta.url).pathname);
export const PARLOR_BIN = process.env.PARLOR_BIN || join(repo, "build/release/src/app/parlor");

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// Starts parlor; resolves when /healthz answers. `extraArgs` are passed on.
// Returns { url, port, dataDir, proc, stop(signal), kill(), restart() }.
export async function startServer({ extraArgs = [], dataDir, port, keepData = false } = {}) {
  port = port || (await freePort());
  const ownDir = !dataDir;
  dataDir = dataDir || mkdtempSync(join(tmpdir(), "parlor-it-"));
  // Two I/O threads whatever the machine: sockets of one room then live on
  // different threads, so broadcasts cross threads as in production.
  const args = ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--log-level", "warn",
                "--jwt-secret", "integration-test-secret", "--io-threads", "2", ...extraArgs];
  const proc = spawn(PARLOR_BIN, args, { stdio: ["ignore", "inherit", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((ok) => proc.once("exit", (code, sig) => ok({ code, sig })));
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {}
    if (proc.exitCode !== null || i > 100) throw new Error(`parlor did not start (${args.join(" ")})`);
    await sleep(50);
  }
  const server = {
    url, port, dataDir, proc, exited,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const r = await exited;
      if (ownDir && !keepData) rmSync(dataDir, { recursive: true, force: true });
      return r;
    },
    async kill() {
      proc.kill("SIGKILL");
      return exited;
    },
  };
  return server;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function api(server, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(server.url + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { raw: text }; }
  return { status: r.status, body: json };
}

let userCounter = 0;
// Registers a fresh user; returns { token, user, username, password }.
export async function register(server, name) {
  const username = `${name || "u"}${process.pid}x${++userCounter}`;
  const password = "correct horse battery";
  const r = await api(server, "POST", "/api/auth/register", {
    body: { username, email: `${username}@example.test`, password },
  });
  if (r.status !== 200) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...r.body, username, password };
}

// Connects a socket.io-client socket with the token; resolves once connected.
export async function connect(server, token, opts = {}) {
  const socket = io(server.url, { auth: { token }, forceNew: true, reconnection: false, ...opts });
  socket.events = [];
  socket.onAny((event, payload) => socket.events.push({ event, payload }));
  await new Promise((ok, fail) => {
    socket.once("connect", ok);
    socket.once("connect_error", (e) => fail(Object.assign(new Error(e.message), { data: e.data })));
  });
  return socket;
}

// Emits with an ack; resolves with the ack's single argument.
export function call(socket, event, payload, timeoutMs = 5000) {
  return socket.timeout(timeoutMs).emitWithAck(event, payload);
}

let msgCounter = 0;
// send_message with a fresh client_msg_id; fails the test unless acked ok.
// Resolves with the stored message.
export async function sendOk(socket, roomId, content, extra = {}) {
  const ack = await call(socket, "send_message", {
    room_id: roomId, content, client_msg_id: `m${process.pid}-${++msgCounter}`, ...extra,
  });
  if (!ack?.ok) throw new Error(`send_message failed: ${JSON.stringify(ack)}`);
  return ack.message;
}

// Waits until `predicate(events)` holds for the socket's recorded events.
export async function waitFor(socket, predicate, timeoutMs = 5000, what = "condition") {
  const start = Date.now();
  for (;;) {
    const hit = predicate(socket.events);
    if (hit) return hit;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// Waits for the next event of that name (optionally matching), recorded or future.
export function waitEvent(socket, event, match = () => true, timeoutMs = 5000) {
  return waitFor(socket, (evs) => evs.find((e) => e.event === event && match(e.payload))?.payload,
                 timeoutMs, event);
}

export async function createRoom(server, token, { name, type = "public", member_ids = [], description = "" } = {}) {
  const r = await api(server, "POST", "/api/rooms", {
    token, body: { name: name || `room-${process.pid}-${++userCounter}`, description, type, member_ids },
  });
  if (r.status !== 200) throw new Error(`create room: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.room;
}

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// A real PNG of w x h RGBA pixels.
export function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(Buffer.from([0]));
    for (let x = 0; x < w; x++) rows.push(Buffer.from([x * 40 % 256, y * 60 % 256, 128, 200]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0)),
  ]);
}

// The frame size of a baseline or progressive JPEG.
export function jpegSize(b) {
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xc0 || marker === 0xc2) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

