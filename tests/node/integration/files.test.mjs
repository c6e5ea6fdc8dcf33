// Uploads end to end: POST /api/upload (multipart), what the server finds in
// the bytes, the file and thumbnail links, attachments on messages (ack,
// broadcast, history, search), and every refusal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startServer, api, register, connect, call, sendOk, createRoom, waitEvent, png, jpegSize } from "./helpers.mjs";

let server;
before(async () => {
  server = await startServer({ extraArgs: ["--send-rate-per-s", "1000", "--send-burst", "1000", "--max-upload-bytes", "200000"] });
});
after(async () => { await server?.stop(); });

async function upload(token, bytes, name, type = "application/octet-stream", field = "file", srv = server) {
  const form = new FormData();
  form.append("note", "ignored");
  form.append(field, new Blob([bytes], { type }), name);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const r = await fetch(`${srv.url}/api/upload`, { method: "POST", headers, body: form });
  return { status: r.status, body: await r.json() };
}

async function get(path, headers = {}, srv = server) {
  const r = await fetch(srv.url + path, { headers });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

test("an image upload: sniffed type, size, thumbnail, and both links serve the bytes", async () => {
  const a = await register(server, "fa");
  const bytes = png(600, 300);
  const r = await upload(a.token, bytes, "holiday photo.png", "text/plain");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const f = r.body;
  assert.equal(typeof f.id, "string");
  assert.equal(f.file_name, "holiday photo.png");
  assert.equal(f.file_size, bytes.length);
  assert.equal(f.content_type, "image/png");  // the bytes say so, not the client
  assert.equal(f.width, 600);
  assert.equal(f.height, 300);
  assert.match(f.url, /^\/files\/[0-9a-f]{32}\/holiday%20photo\.png$/);
  assert.match(f.thumbnail_url, /^\/thumbs\/[0-9a-f]{32}\.jpg$/);

  const file = await get(f.url);
  assert.equal(file.status, 200);
  assert.deepEqual(file.bytes, bytes);
  assert.equal(file.headers.get("content-type"), "image/png");
  assert.equal(file.headers.get("x-content-type-options"), "nosniff");
  assert.match(file.headers.get("content-disposition"), /^inline; filename="holiday photo.png"/);
  const thumb = await get(f.thumbnail_url);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get("content-type"), "image/jpeg");
  assert.deepEqual([...thumb.bytes.subarray(0, 2)], [0xff, 0xd8]);
  assert.deepEqual(jpegSize(thumb.bytes), { width: 400, height: 200 });

  // The link is the permission: anything else is 404.
  const key = f.url.split("/")[2];
  assert.equal((await get(`/files/${key}/other.png`)).status, 404);
  assert.equal((await get(`/files/${"0".repeat(32)}/holiday%20photo.png`)).status, 404);
  assert.equal((await get(`/files/${key}`)).status, 404);
  assert.equal((await get(`/files/${key.toUpperCase()}/holiday%20photo.png`)).status, 404);
  assert.equal((await get(`/thumbs/${key}`)).status, 404);
});

test("a download resumes or seeks with a byte range", async () => {
  const a = await register(server, "fr");
  const bytes = Buffer.alloc(150000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
  const f = (await upload(a.token, bytes, "data.bin")).body;
  const whole = await get(f.url);
  assert.equal(whole.headers.get("accept-ranges"), "bytes");
  assert.deepEqual(whole.bytes, bytes);

  const part = await get(f.url, { range: "bytes=100000-" });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get("content-range"), "bytes 100000-149999/150000");
  assert.equal(part.headers.get("content-disposition"), whole.headers.get("content-disposition"));
  assert.deepEqual(part.bytes, bytes.subarray(100000));
  const tail = await get(f.url, { range: "bytes=-16" });
  assert.equal(tail.status, 206);
  assert.deepEqual(tail.bytes, bytes.subarray(bytes.length - 16));

  const outside = await get(f.url, { range: "bytes=150000-" });
  assert.equal(outside.status, 416);
  assert.equal(outside.headers.get("content-range"), "bytes */150000");
  // A link that names nothing stays 404 whatever the range.
  assert.equal((await get(`/files/${"0".repeat(32)}/data.bin`, { range: "bytes=0-1" })).status, 404);
});

test("other files: cleaned name, no thumbnail, served as a download", async () => {
  const a = await register(server, "fb");
  const html = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>\n");
  const r = await upload(a.token, html, "..\\..\\évil.html", "image/png");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.file_name, "évil.html");
  assert.equal(r.body.content_type, "text/html");
  assert.equal(r.body.thumbnail_url, null);
  assert.equal(r.body.width, null);
  const file = await get(r.body.url);
  assert.equal(file.status, 200);
  assert.deepEqual(file.bytes, html);
  assert.match(file.headers.get("content-disposition"), /^attachment; filename="__vil.html"; filename\*=UTF-8''%C3%A9vil.html$/);
  assert.match(file.headers.get("content-security-policy"), /default-src 'none'/);
});

test("refusals: no token, not multipart, no file part, empty, too large", async () => {
  const a = await register(server, "fc");
  assert.equal((await upload(null, Buffer.from("x"), "x.txt")).status, 401);
  const json = await api(server, "POST", "/api/upload", { token: a.token, body: { file: "x" } });
  assert.equal(json.status, 400);
  assert.equal(json.body.error.code, "invalid");
  const other = await upload(a.token, Buffer.from("x"), "x.txt", "text/plain", "attachment");
  assert.equal(other.status, 400);
  assert.match(other.body.error.message, /file/);
  const empty = await upload(a.token, Buffer.alloc(0), "empty.txt");
  assert.equal(empty.status, 400);
  assert.match(empty.body.error.message, /empty/);
  const big = await upload(a.token, Buffer.alloc(200001, 7), "big.bin");
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, "too_large");
  const huge = await fetch(`${server.url}/api/upload`, {
    method: "POST", headers: { authorization: `Bearer ${a.token}`, "content-type": "multipart/form-data; boundary=x" },
    body: Buffer.alloc(400000, 7),
  }).catch((e) => ({ status: "closed", e }));
  assert.ok(huge.status === 413 || huge.status === "closed", String(huge.status));
  const broken = await fetch(`${server.url}/api/upload`, {
    method: "POST", headers: { authorization: `Bearer ${a.token}`, "content-type": "multipart/form-data; boundary=xyz" },
    body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nno end",
  });
  assert.equal(broken.status, 400);
  assert.equal((await broken.json()).error.code, "invalid");
  assert.equal((await api(server, "GET", "/api/upload", { token: a.token })).status, 405);
});

test("attachments: sent with a message (text optional), broadcast, in history and search, removed with the last message that attaches them", async () => {
  const a = await register(server, "fd");
  const b = await register(server, "fe");
  const room = await createRoom(server, a.token, { member_ids: [b.user.id] });
  const sa = await connect(server, a.token);
  const sb = await connect(server, b.token);
  try {
    const img = (await upload(a.token, png(20, 10), "dot.png")).body;
    const doc = (await upload(a.token, Buffer.from("minutes of the meeting\n"), "notes.txt")).body;
    const hers = (await upload(b.token, Buffer.from("hers\n"), "hers.txt")).body;

    const m = await sendOk(sa, room.id, "", { attachment_ids: [doc.id, img.id] });
    assert.equal(m.content, "");
    assert.deepEqual(m.attachments, [doc, img]);
    const seen = await waitEvent(sb, "new_message", (p) => p.message.id === m.id);
    assert.deepEqual(seen.message.attachments, [doc, img]);
    const hist = await api(server, "GET", `/api/rooms/${room.id}/messages`, { token: b.token });
    assert.deepEqual(hist.body.messages.find((x) => x.id === m.id).attachments, [doc, img]);
    const found = await api(server, "POST", "/api/search", { token: b.token, body: { room_id: room.id, has_file: true } });
    assert.deepEqual(found.body.results.map((x) => x.message.id), [m.id]);

    const bad = async (ids, why) => {
      const ack = await call(sa, "send_message", { room_id: room.id, content: "x", client_msg_id: `bad-${Math.random()}`, attachment_ids: ids });
      assert.equal(ack.ok, false, JSON.stringify(ids));
      assert.equal(ack.error.code, "invalid");
      assert.match(ack.error.message, why);
    };
    await bad([hers.id], /uploaded/);
    await bad(["987654"], /no such file/);
    await bad([doc.id, doc.id], /twice/);
    await bad(Array.from({ length: 11 }, () => doc.id), /too many/);
    await bad("x", /array/);
    const blank = await call(sa, "send_message", { room_id: room.id, content: " ", client_msg_id: "blank" });
    assert.equal(blank.ok, false);  // no text and no file

    // A caption may be added and removed again; a text-only message cannot be emptied.
    const captioned = await call(sa, "edit_message", { message_id: m.id, content: "the files" });
    assert.equal(captioned.ok, true, JSON.stringify(captioned));
    const uncaptioned = await call(sa, "edit_message", { message_id: m.id, content: "  " });
    assert.equal(uncaptioned.ok, true, JSON.stringify(uncaptioned));
    assert.equal(uncaptioned.message.content, "");
    assert.deepEqual(uncaptioned.message.attachments, [doc, img]);
    const plain = await sendOk(sa, room.id, "words only");
    const emptied = await call(sa, "edit_message", { message_id: plain.id, content: "" });
    assert.equal(emptied.ok, false);
    assert.equal(emptied.error.code, "invalid");
    assert.equal((await call(sa, "edit_message", { message_id: m.id, content: 5 })).error.code, "invalid");

    // The image is shared again in a second message.
    const m2 = await sendOk(sa, room.id, "again", { attachment_ids: [img.id] });
    assert.equal((await call(sa, "delete_message", { message_id: m.id })).ok, true);
    const after = await api(server, "GET", `/api/rooms/${room.id}/messages`, { token: b.token });
    assert.deepEqual(after.body.messages.find((x) => x.id === m.id).attachments, []);
    // A file goes with the last message that attaches it: its link stops
    // working and it cannot be attached again.
    assert.equal((await get(doc.url)).status, 404);
    const again = await call(sa, "send_message", { room_id: room.id, content: "x", client_msg_id: "again", attachment_ids: [doc.id] });
    assert.equal(again.ok, false);
    assert.equal((await get(img.url)).status, 200);
    assert.equal((await get(img.thumbnail_url)).status, 200);
    assert.equal((await call(sa, "delete_message", { message_id: m2.id })).ok, true);
    assert.equal((await get(img.url)).status, 404);
    assert.equal((await get(img.thumbnail_url)).status, 404);
  } finally { sa.close(); sb.close(); }
});

test("uploads are rate limited per user", async () => {
  const slow = await startServer({ extraArgs: ["--send-rate-per-s", "0.5", "--send-burst", "2"] });
  try {
    const a = await register(slow, "ff");
    const post = () => {
      const form = new FormData();
      form.append("file", new Blob([Buffer.from("x\n")]), "x.txt");
      return fetch(`${slow.url}/api/upload`, { method: "POST", headers: { authorization: `Bearer ${a.token}` }, body: form });
    };
    assert.equal((await post()).status, 200);
    assert.equal((await post()).status, 200);
    const third = await post();
    assert.equal(third.status, 429);
    const body = await third.json();
    assert.equal(body.error.code, "rate_limited");
    assert.ok(body.error.retry_after_ms > 0);
  } finally { await slow.stop(); }
});

test("each user's stored files stay within --upload-quota-mib", async () => {
  // 0.01 MiB = 10,485 bytes per user.
  const small = await startServer({ extraArgs: ["--upload-quota-mib", "0.01", "--send-rate-per-s", "1000", "--send-burst", "1000"] });
  try {
    const a = await register(small, "fq");
    const b = await register(small, "fr");
    const room = await createRoom(small, a.token);
    const sa = await connect(small, a.token);
    try {
      const six = Buffer.alloc(6000, 0x61);
      const first = await upload(a.token, six, "one.txt", "text/plain", "file", small);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const m = await sendOk(sa, room.id, "", { attachment_ids: [first.body.id] });
      // 6,000 + 6,000 would pass the quota: refused, and nothing is stored.
      const over = await upload(a.token, six, "two.txt", "text/plain", "file", small);
      assert.equal(over.status, 413);
      assert.equal(over.body.error.code, "too_large");
      assert.match(over.body.error.message, /quota/);
      assert.equal((await upload(a.token, Buffer.alloc(4000, 0x62), "fits.txt", "text/plain", "file", small)).status, 200);
      // Everyone has a quota of their own.
      assert.equal((await upload(b.token, six, "hers.txt", "text/plain", "file", small)).status, 200);
      // Several at once cannot pass it together either.
      const racing = await Promise.all([1, 2, 3].map((i) => upload(a.token, Buffer.alloc(300, 0x63), `r${i}.txt`, "text/plain", "file", small)));
      assert.equal(racing.filter((r) => r.status === 200).length, 1, JSON.stringify(racing.map((r) => r.status)));
      // A delete gives the room back.
      assert.equal((await call(sa, "delete_message", { message_id: m.id })).ok, true);
      assert.equal((await upload(a.token, six, "two.txt", "text/plain", "file", small)).status, 200);
    } finally { sa.close(); }
  } finally { await small.stop(); }
});

test("an uploaded picture as avatar: kept while it is the avatar, released when replaced", async () => {
  const a = await register(server, "fav");
  const b = await register(server, "fbv");
  const pic = (await upload(a.token, png(64, 64), "me.png")).body;
  const next = (await upload(a.token, png(32, 32), "me2.png")).body;
  const doc = (await upload(a.token, Buffer.from("not a picture\n"), "notes.txt")).body;
  const hers = (await upload(b.token, png(8, 8), "hers.png")).body;
  const patch = (token, avatar_url) => api(server, "PATCH", "/api/users/me", { token, body: { avatar_url } });

  // Someone else's picture, or a file that is no picture: refused, nothing changes.
  for (const url of [hers.thumbnail_url, doc.url, "/thumbs/0123456789abcdef0123456789abcdef.jpg"]) {
    const r = await patch(a.token, url);
    assert.equal(r.status, 400, url);
    assert.equal(r.body.error.code, "invalid");
  }
  const set = await patch(a.token, pic.thumbnail_url);
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body.user.avatar_url, pic.thumbnail_url);
  // The avatar claims its file: no message attaches it, yet it is no unclaimed upload.
  const attach = await connect(server, a.token);
  try {
    const room = await createRoom(server, a.token);
    const ack = await call(attach, "send_message", { room_id: room.id, content: "", client_msg_id: "avatar-too", attachment_ids: [pic.id] });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    // Deleting the message leaves the file: the avatar still holds it.
    assert.equal((await call(attach, "delete_message", { message_id: ack.message.id })).ok, true);
  } finally { attach.close(); }
  assert.equal((await get(pic.thumbnail_url)).status, 200);

  // A new avatar releases the old one, which nothing else holds: it goes.
  assert.equal((await patch(a.token, next.url)).status, 200);
  assert.equal((await get(pic.thumbnail_url)).status, 404);
  assert.equal((await get(pic.url)).status, 404);
  assert.equal((await get(next.url)).status, 200);
  // An outside picture, or none, release it too.
  assert.equal((await patch(a.token, "https://avatars.example/a.png")).status, 200);
  assert.equal((await get(next.url)).status, 404);
  assert.equal((await patch(a.token, "")).status, 200);
});

test("uploads no message attached are removed after --unclaimed-upload-hours", async () => {
  // 3.6 s: the sweep then runs every second.
  const srv = await startServer({ extraArgs: ["--unclaimed-upload-hours", "0.001"] });
  try {
    const a = await register(srv, "fs");
    const room = await createRoom(srv, a.token);
    const sa = await connect(srv, a.token);
    const abandoned = (await upload(a.token, png(40, 40), "draft.png", "image/png", "file", srv)).body;
    const sent = (await upload(a.token, png(40, 40), "sent.png", "image/png", "file", srv)).body;
    await sendOk(sa, room.id, "", { attachment_ids: [sent.id] });
    const key = (f) => f.url.split("/")[2];
    const onDisk = (f) => existsSync(join(srv.dataDir, "files", key(f).slice(0, 2), key(f)));
    assert.ok(onDisk(abandoned) && onDisk(sent));

    const deadline = Date.now() + 15000;
    while ((await get(abandoned.url, {}, srv)).status !== 404) {
      assert.ok(Date.now() < deadline, "the unclaimed upload was never removed");
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await get(abandoned.thumbnail_url, {}, srv)).status, 404);
    while (onDisk(abandoned)) {
      assert.ok(Date.now() < deadline, "the unclaimed upload's bytes stayed on disk");
      await new Promise((r) => setTimeout(r, 100));
    }
    // Attached: kept, and attaching the removed one now is refused.
    assert.equal((await get(sent.url, {}, srv)).status, 200);
    assert.ok(onDisk(sent));
    const ack = await call(sa, "send_message", { room_id: room.id, content: "late", client_msg_id: "late-1", attachment_ids: [abandoned.id] });
    assert.equal(ack.ok, false);
    sa.disconnect();
  } finally {
    await srv.stop();
  }
});
