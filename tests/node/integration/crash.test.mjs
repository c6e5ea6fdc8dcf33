// Crash safety: clients send while the server is killed with SIGKILL; after
// a restart on the same data dir every acked message is stored exactly once,
// in seq order with dense revs, and resending the unacked ones with the same
// client_msg_id creates no duplicates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, api, register, connect, createRoom, sleep } from "./helpers.mjs";

const CLIENTS = 8;

test("SIGKILL mid-stream loses no acked message and resends create no duplicates", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "parlor-crash-"));
  const args = ["--send-rate-per-s", "100000", "--send-burst", "100000"];
  let server = await startServer({ dataDir, extraArgs: args });
  const port = server.port;
  try {
    const owner = await register(server, "crash");
    const room = await createRoom(server, owner.token, { name: "crash-" + Date.now() });
    const users = [owner];
    for (let i = 1; i < CLIENTS; i++) {
      const u = await register(server, "crash");
      await api(server, "POST", `/api/rooms/${room.id}/members`, { token: owner.token, body: { user_ids: [u.user.id] } });
      users.push(u);
    }
    const sockets = await Promise.all(users.map((u) => connect(server, u.token, { transports: ["websocket"] })));

    const acked = new Map();   // client_msg_id -> message
    const sent = [];           // { socketIndex, client_msg_id, content }
    let stop = false;
    const loops = sockets.map(async (s, i) => {
      for (let n = 0; !stop; n++) {
        const client_msg_id = `crash-${i}-${n}`;
        const content = `from ${i} number ${n}`;
        sent.push({ i, client_msg_id, content });
        try {
          const r = await s.timeout(3000).emitWithAck("send_message", { room_id: room.id, content, client_msg_id });
          if (r.ok) acked.set(client_msg_id, r.message);
        } catch { return; }  // the server died under us
      }
    });
    await sleep(700);
    await server.kill();
    stop = true;
    await Promise.all(loops);
    for (const s of sockets) s.close();
    assert.ok(acked.size > 20, `enough traffic before the kill (${acked.size} acked)`);

    server = await startServer({ dataDir, port, extraArgs: args });
    const all = [];
    let before = "";
    for (;;) {
      const page = await api(server, "GET", `/api/rooms/${room.id}/messages?limit=100${before}`, { token: owner.token });
      assert.equal(page.status, 200);
      all.unshift(...page.body.messages);
      if (!page.body.has_more) break;
      before = `&before=${page.body.messages[0].id}`;
    }
    const byClientId = new Map(all.map((m) => [m.client_msg_id, m]));
    assert.equal(byClientId.size, all.length, "no duplicates");
    for (const [cid, m] of acked) {
      const stored = byClientId.get(cid);
      assert.ok(stored, `acked ${cid} survived`);
      assert.equal(stored.id, m.id);
      assert.equal(stored.seq, m.seq);
    }
    const seqs = all.map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, "dense seq/rev, in order");

    // resend everything that was attempted (acked or not) with the same ids
    const sockets2 = await Promise.all(users.map((u) => connect(server, u.token)));
    for (const { i, client_msg_id, content } of sent) {
      const r = await sockets2[i].timeout(5000).emitWithAck("send_message", { room_id: room.id, content, client_msg_id });
      assert.equal(r.ok, true, JSON.stringify(r));
      if (acked.has(client_msg_id)) assert.equal(r.message.id, acked.get(client_msg_id).id);
    }
    const again = await Promise.all(sent.map(({ i, client_msg_id, content }) =>
      sockets2[i].timeout(5000).emitWithAck("send_message", { room_id: room.id, content, client_msg_id })));
    const ids = new Set(again.map((r) => r.message.id));
    assert.equal(ids.size, sent.length, "each client_msg_id maps to exactly one message");
    const sync = await sockets2[0].timeout(5000).emitWithAck("sync", { cursors: { [room.id]: 0 }, limit_per_room: 500 });
    const entry = sync.rooms.find((r) => r.room_id === room.id);
    const revs = entry.messages.map((m) => m.rev);
    assert.deepEqual(revs, revs.map((_, k) => k + 1).slice(0, revs.length), "revs dense from 1");
    for (const s of sockets2) s.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
