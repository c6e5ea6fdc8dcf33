// POST /api/search end to end: a message is found as soon as it is acked,
// words and filters, snippets as escaped HTML, cursor pages, access, edits
// and deletes, and bad input.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, register, connect, call, sendOk, createRoom } from "./helpers.mjs";

let server;
before(async () => { server = await startServer({ extraArgs: ["--send-rate-per-s", "1000", "--send-burst", "1000"] }); });
after(async () => { await server?.stop(); });

const search = (token, body) => api(server, "POST", "/api/search", { token, body });
const ids = (r) => r.body.results.map((x) => x.message.id);

test("search finds a message as soon as its ack arrives, with an escaped, marked snippet", async () => {
  const a = await register(server, "sa");
  const room = await createRoom(server, a.token);
  const s = await connect(server, a.token);
  try {
    const m = await sendOk(s, room.id, "Deploy <b>tonight</b> & the \"Crème\" brûlée plan");
    const r = await search(a.token, { query: "creme BRUL" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(ids(r), [m.id]);
    assert.equal(r.body.results[0].message.content, m.content);
    assert.equal(r.body.results[0].snippet,
      "Deploy &lt;b&gt;tonight&lt;/b&gt; &amp; the &quot;<mark>Crème</mark>&quot; <mark>brûlée</mark> plan");
    assert.equal(r.body.next_cursor, null);
    // Query syntax is only text.
    assert.deepEqual(ids(await search(a.token, { query: "tonight OR nothing" })), []);
    assert.deepEqual(ids(await search(a.token, { query: "\"tonight\"" })), [m.id]);
    assert.deepEqual(ids(await search(a.token, { query: "?!" })), []);
  } finally { s.close(); }
});

test("filters, newest first, cursor pages, and only the caller's rooms", async () => {
  const a = await register(server, "sb");
  const b = await register(server, "sc");
  const shared = await createRoom(server, a.token, { type: "private", member_ids: [b.user.id] });
  const hers = await createRoom(server, b.token, { type: "private" });
  const open = await createRoom(server, b.token, { type: "public" });
  const sa = await connect(server, a.token);
  const sb = await connect(server, b.token);
  try {
    const word = `zeppelin${process.pid}`;
    const m1 = await sendOk(sa, shared.id, `${word} one`);
    const m2 = await sendOk(sb, shared.id, `${word} two`);
    const m3 = await sendOk(sb, shared.id, `${word} reply`, { parent_id: m1.id });
    const secret = await sendOk(sb, hers.id, `${word} secret`);
    const pub = await sendOk(sb, open.id, `${word} public`);

    assert.deepEqual(ids(await search(a.token, { query: word })), [m3.id, m2.id, m1.id]);
    assert.deepEqual(ids(await search(b.token, { query: word })), [pub.id, secret.id, m3.id, m2.id, m1.id]);
    assert.deepEqual(ids(await search(a.token, { query: word, sender_id: b.user.id })), [m3.id, m2.id]);
    assert.deepEqual(ids(await search(a.token, { query: word, room_id: open.id })), [pub.id]);
    const denied = await search(a.token, { query: word, room_id: hers.id });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, "forbidden");
    assert.equal((await search(a.token, { query: word, room_id: "999999" })).status, 404);

    const p1 = await search(a.token, { query: word, limit: 2 });
    assert.deepEqual(ids(p1), [m3.id, m2.id]);
    assert.equal(typeof p1.body.next_cursor, "string");
    const p2 = await search(a.token, { query: word, limit: 2, cursor: p1.body.next_cursor });
    assert.deepEqual(ids(p2), [m1.id]);
    assert.equal(p2.body.next_cursor, null);

    const t2 = m2.created_at;
    assert.deepEqual(ids(await search(a.token, { query: word, from: t2 })), [m3.id, m2.id]);
    assert.deepEqual(ids(await search(a.token, { query: word, to: t2 })), [m2.id, m1.id]);
    assert.deepEqual(ids(await search(a.token, { query: word, from: "2000-01-01", to: "2000-01-02" })), []);
    assert.deepEqual(ids(await search(a.token, { query: word, has_file: true })), []);

    // No words, a filter: the room's messages, newest first, snippet = the text.
    const all = await search(a.token, { room_id: shared.id, limit: 1 });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(ids(all), [m3.id]);
    assert.equal(all.body.results[0].snippet, `${word} reply`);
  } finally { sa.close(); sb.close(); }
});

test("edits and deletes change what is found", async () => {
  const a = await register(server, "sd");
  const room = await createRoom(server, a.token);
  const s = await connect(server, a.token);
  try {
    const m = await sendOk(s, room.id, "quarterly numbers");
    assert.deepEqual(ids(await search(a.token, { query: "quarterly", room_id: room.id })), [m.id]);
    assert.equal((await call(s, "edit_message", { message_id: m.id, content: "annual numbers" })).ok, true);
    assert.deepEqual(ids(await search(a.token, { query: "quarterly", room_id: room.id })), []);
    assert.deepEqual(ids(await search(a.token, { query: "annual", room_id: room.id })), [m.id]);
    assert.equal((await call(s, "delete_message", { message_id: m.id })).ok, true);
    assert.deepEqual(ids(await search(a.token, { query: "numbers", room_id: room.id })), []);
    assert.deepEqual(ids(await search(a.token, { room_id: room.id })), []);
  } finally { s.close(); }
});

test("bad search input is invalid and names the field", async () => {
  const a = await register(server, "se");
  const cases = [
    [{}, "query"],
    [{ query: "" }, "query"],
    [{ query: "x".repeat(257) }, "query"],
    [{ query: "x", from: "yesterday" }, "from"],
    [{ query: "x", to: "2026-02-30" }, "to"],
    [{ query: "x", limit: 0 }, "limit"],
    [{ query: "x", limit: 101 }, "limit"],
    [{ query: "x", cursor: "abc" }, "cursor"],
    [{ query: "x", has_file: "yes" }, "has_file"],
    [{ query: "x", room_id: 5 }, "room_id"],
    [{ query: 5 }, "query"],
  ];
  for (const [body, field] of cases) {
    const r = await search(a.token, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status}`);
    assert.equal(r.body.error.code, "invalid");
    assert.match(r.body.error.message, new RegExp(field), JSON.stringify(body));
  }
  // An id that names nothing is not found, like any unknown room.
  assert.equal((await search(a.token, { query: "x", room_id: "r1" })).status, 404);
  assert.equal((await search(null, { query: "x" })).status, 401);
});
