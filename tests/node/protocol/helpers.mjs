// Helpers for the protocol tests: run a real parlor-conformance process on a
// free loopback port, speak raw Engine.IO over HTTP and WebSocket, and wait
// for events without timing assertions (only generous give-up timeouts).
import { spawn } from "node:child_process";
import { resolve, join } from "node:path";
import WebSocket from "ws";

const repo = resolve(new URL("../../..", import.meta.url).pathname);
export const CONFORMANCE_BIN =
  process.env.PARLOR_CONFORMANCE_BIN || join(repo, "build/release/tools/parlor-conformance");

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts parlor-conformance; `port` 0 picks a free one. Resolves once it
// printed its address. Returns { url, wsUrl, port, proc, stop(signal) }.
export async function startServer({ port = 0, args = [] } = {}) {
  const proc = spawn(CONFORMANCE_BIN, ["--host", "127.0.0.1", "--port", String(port), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((ok) => proc.once("exit", (code, signal) => ok({ code, signal })));
  const actual = await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error("parlor-conformance did not start")), 10000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on [\d.]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    proc.once("exit", () => fail(new Error(`parlor-conformance exited early: ${out}`)));
  });
  const url = `http://127.0.0.1:${actual}`;
  return {
    url,
    wsUrl: url.replace("http", "ws"),
    port: actual,
    proc,
    exited,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

// Rejects after `ms` so a broken server fails the test instead of hanging it.
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

export function once(emitter, event, ms = 5000) {
  return within(new Promise((ok) => emitter.once(event, (...args) => ok(args))), ms, `"${event}"`);
}

export async function handshake(url, path = "/socket.io/") {
  const res = await fetch(`${url}${path}?EIO=4&transport=polling`);
  const text = await res.text();
  return JSON.parse(text.substring(1));
}

export function poll(url, sid, path = "/socket.io/") {
  return fetch(`${url}${path}?EIO=4&transport=polling&sid=${sid}`);
}

export function post(url, sid, body, path = "/socket.io/") {
  return fetch(`${url}${path}?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body });
}

// A raw WebSocket that buffers messages so none is lost between awaits.
export function rawSocket(url) {
  const ws = new WebSocket(url);
  const queue = [];
  const waiters = [];
  ws.on("message", (data, isBinary) => {
    const msg = isBinary ? data : data.toString();
    if (waiters.length) waiters.shift()(msg);
    else queue.push(msg);
  });
  ws.on("error", () => {});
  ws.closed = new Promise((ok) => ws.once("close", (code) => ok(code)));
  ws.opened = new Promise((ok, fail) => {
    ws.once("open", ok);
    ws.once("error", fail);
  });
  ws.next = (ms = 5000) =>
    within(
      new Promise((ok) => (queue.length ? ok(queue.shift()) : waiters.push(ok))),
      ms,
      "a WebSocket message"
    );
  return ws;
}

export async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{"))
      total += Number(line.split(" ").pop());
  }
  return total;
}
