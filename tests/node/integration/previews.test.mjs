// Link previews end to end: a message linking to a page (served by this
// test on loopback, which the server may fetch only with
// --link-preview-private) gets the page's title, description and image as
// a change of its own (message_edited, the next rev), which sync returns
// too; an edit drops and refetches them; pages without a title, errors and
// redirects behave.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startServer, api, register, connect, call, sendOk, createRoom, waitEvent, sleep, png, jpegSize } from "./helpers.mjs";

let server, pages, base, imageLoads = 0;
before(async () => {
  const image = png(800, 400);
  pages = http.createServer((req, res) => {
    if (req.url === "/img/q.jpg") {
      imageLoads++;
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(image);
    }
    if (req.url === "/fake-image") {
      res.writeHead(200, { "content-type": "image/png" });
      return res.end("<html>not an image</html>");
    }
    if (req.url === "/badimage") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(`<title>Broken image</title><meta property="og:image" content="${base}/fake-image">`);
    }
    if (req.url === "/article") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html><head><title>fallback</title>
        <meta property="og:title" content="Quokkas &amp; friends">
        <meta property="og:description" content="Small marsupials.">
        <meta property="og:image" content="/img/q.jpg">
        <meta property="og:site_name" content="Wildlife"></head><body>...</body></html>`);
    } else if (req.url === "/long") {
      // A long page (with its length given): only its head is needed.
      const head = "<html><head><title>A long page</title></head><body>";
      const body = Buffer.concat([Buffer.from(head), Buffer.alloc(3 * 1024 * 1024, "x"), Buffer.from("</body></html>")]);
      res.writeHead(200, { "content-type": "text/html", "content-length": body.length });
      res.end(body);
    } else if (req.url === "/moved") {
      res.writeHead(302, { location: "/plain" });
      res.end();
    } else if (req.url === "/plain") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<title>Just a title</title>");
    } else if (req.url === "/notitle") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<p>nothing</p>");
    } else if (req.url === "/image") {
      res.writeHead(200, { "content-type": "image/png" });
      res.end(Buffer.alloc(10));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => pages.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${pages.address().port}`;
  server = await startServer({ extraArgs: ["--send-rate-per-s", "1000", "--send-burst", "1000", "--link-preview-private", "true"] });
});
after(async () => { await server?.stop(); pages?.close(); });

test("a linked page's preview arrives as the message's next change, and sync has it", async () => {
  const a = await register(server, "pa");
  const room = await createRoom(server, a.token);
  const s = await connect(server, a.token);
  try {
    const m = await sendOk(s, room.id, `look: ${base}/article, and ${base}/moved! (${base}/long)`);
    assert.deepEqual(m.link_previews, []);
    const ev = await waitEvent(s, "message_edited", (p) => p.message.id === m.id);
    assert.equal(ev.message.rev, m.rev + 1);
    assert.equal(ev.message.edited, false);
    assert.equal(ev.message.content, m.content);
    // The page's image is fetched once and kept as a thumbnail of ours, so
    // readers never load it from the linked site.
    const imageUrl = ev.message.link_previews[0]?.image_url;
    assert.match(imageUrl, /^\/thumbs\/[0-9a-f]{32}\.jpg$/);
    assert.equal(imageLoads, 1);
    const thumb = await fetch(server.url + imageUrl);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get("content-type"), "image/jpeg");
    assert.deepEqual(jpegSize(Buffer.from(await thumb.arrayBuffer())), { width: 400, height: 200 });
    assert.deepEqual(ev.message.link_previews, [
      { url: `${base}/article`, title: "Quokkas & friends", description: "Small marsupials.",
        image_url: imageUrl, site_name: "Wildlife" },
      { url: `${base}/moved`, title: "Just a title", description: null, image_url: null, site_name: null },
      { url: `${base}/long`, title: "A long page", description: null, image_url: null, site_name: null },
    ]);
    const sync = await call(s, "sync", { cursors: { [room.id]: m.rev } });
    assert.equal(sync.ok, true);
    const synced = sync.rooms.find((r) => r.room_id === room.id).messages;
    assert.deepEqual(synced.map((x) => [x.id, x.rev]), [[m.id, m.rev + 1]]);
    assert.deepEqual(synced[0].link_previews, ev.message.link_previews);

    // An edit drops the old previews; the new text's arrive after it.
    const edited = await call(s, "edit_message", { message_id: m.id, content: `now ${base}/plain ${base}/badimage` });
    assert.equal(edited.ok, true);
    assert.deepEqual(edited.message.link_previews, []);
    const again = await waitEvent(s, "message_edited", (p) => p.message.id === m.id && p.message.rev > edited.message.rev);
    assert.equal(again.message.rev, edited.message.rev + 1);
    assert.deepEqual(again.message.link_previews.map((p) => [p.title, p.image_url]),
                     [["Just a title", null], ["Broken image", null]]);
    // The replaced previews' thumbnail went with them; so do a deleted message's.
    assert.equal((await fetch(server.url + imageUrl)).status, 404);
    const m2 = await sendOk(s, room.id, `again ${base}/article`);
    const ev2 = await waitEvent(s, "message_edited", (p) => p.message.id === m2.id);
    const image2 = ev2.message.link_previews[0].image_url;
    assert.equal((await fetch(server.url + image2)).status, 200);
    assert.equal((await call(s, "delete_message", { message_id: m2.id })).ok, true);
    assert.equal((await fetch(server.url + image2)).status, 404);
  } finally { s.close(); }
});

test("no preview for pages without a title, non-HTML, errors, or no links", async () => {
  const a = await register(server, "pb");
  const room = await createRoom(server, a.token);
  const s = await connect(server, a.token);
  try {
    const m = await sendOk(s, room.id, `${base}/notitle ${base}/image ${base}/missing http://127.0.0.1:1/closed`);
    await sendOk(s, room.id, "no links at all");
    await sleep(1500);
    assert.equal(s.events.filter((e) => e.event === "message_edited").length, 0);
    const hist = await api(server, "GET", `/api/rooms/${room.id}/messages`, { token: a.token });
    assert.deepEqual(hist.body.messages.find((x) => x.id === m.id).link_previews, []);
  } finally { s.close(); }
});

test("without --link-preview-private, loopback pages are not fetched", async () => {
  const strict = await startServer({ extraArgs: ["--send-rate-per-s", "1000", "--send-burst", "1000"] });
  try {
    const a = await register(strict, "pc");
    const room = await createRoom(strict, a.token);
    const s = await connect(strict, a.token);
    try {
      let hits = 0;
      pages.on("request", () => { hits++; });
      await sendOk(s, room.id, `${base}/article`);
      await sleep(1500);
      assert.equal(hits, 0);
      assert.equal(s.events.filter((e) => e.event === "message_edited").length, 0);
    } finally { s.close(); }
  } finally { await strict.stop(); }
});
