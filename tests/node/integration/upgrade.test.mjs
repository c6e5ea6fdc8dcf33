// A session closed by the server while its client is upgrading from
// polling to WebSocket: the client has paused polling and listens only on
// the probe until it sends "5", so the disconnect must reach it there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { startServer, api, register, sleep } from "./helpers.mjs";

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test("logging out while a socket is mid-upgrade still disconnects it", async () => {
  for (const pendingPoll of [true, false]) {
    const u = await register(server, pendingPoll ? "upa" : "upb");
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const sid = JSON.parse((await (await fetch(base)).text()).slice(1)).sid;
    await fetch(`${base}&sid=${sid}`, { method: "POST", body: "40" + JSON.stringify({ token: u.token }) });
    assert.match(await (await fetch(`${base}&sid=${sid}`)).text(), /^40/);

    const ws = new WebSocket(`${server.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    const frames = [];
    let closed = false;
    ws.on("message", (d) => frames.push(d.toString()));
    ws.on("close", () => (closed = true));
    await new Promise((ok) => ws.on("open", ok));
    ws.send("2probe");
    for (let i = 0; i < 100 && !frames.includes("3probe"); i++) await sleep(10);
    assert.deepEqual(frames, ["3probe"]);
    // As socket.io-client does: the parked poll ends ("6" once nothing else
    // is queued, such as the user's own presence_update), polling pauses.
    if (pendingPoll) {
      let text;
      for (let i = 0; i < 5 && text !== "6"; i++) text = await (await fetch(`${base}&sid=${sid}`)).text();
      assert.equal(text, "6");
    }

    assert.equal((await api(server, "POST", "/api/auth/logout", { token: u.token })).status, 200);
    await sleep(100);
    ws.send("5");  // the upgrade completes, on the probe
    for (let i = 0; i < 200 && !closed; i++) await sleep(10);
    assert.ok(frames.includes("41"), `the disconnect arrived over the probe: ${JSON.stringify(frames)}`);
    assert.ok(closed, "then the WebSocket closed");
    ws.terminate();
  }
});
