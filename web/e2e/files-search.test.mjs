// Files and search: one user attaches an image and a text file, another sees
// the thumbnail (loaded from /thumbs/) and the file card (linking /files/…),
// also after a reload; a search finds messages by a word's prefix with the
// match in <mark>, and a result jumps to an older message in the room.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { io } from 'socket.io-client';
import { contextFor, messageBodies, newRoom, newUser, openPage, send, shot, until, untilEq, upToDate, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const tmp = mkdtempSync(join(tmpdir(), 'parlor-e2e-files-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** A valid RGB PNG of width × height: a gradient with a stripe. */
function makePng(width, height) {
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3;
      const stripe = Math.abs(x - y) < 12;
      raw[o] = stripe ? 255 : Math.round((x * 255) / width);
      raw[o + 1] = stripe ? 255 : Math.round((y * 255) / height);
      raw[o + 2] = stripe ? 255 : 140;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The attachments of the room's message whose body includes `text`, as the page shows them. */
async function attachmentsOf(page, text) {
  const msg = page.locator('.room-view [data-testid="message"]').filter({ hasText: text });
  return msg.locator('[data-testid="attachments"]').evaluate((el) => ({
    images: [...el.querySelectorAll('[data-testid="attachment-image"]')].map((a) => {
      const img = a.querySelector('img');
      return { href: a.getAttribute('href'), src: img?.getAttribute('src'), alt: img?.alt, loaded: !!img?.complete && img.naturalWidth > 0, natural: img?.naturalWidth };
    }),
    files: [...el.querySelectorAll('[data-testid="attachment-file"]')].map((c) => ({
      name: c.querySelector('.attachment-name')?.textContent,
      href: c.querySelector('a.attachment-name')?.getAttribute('href'),
      download: c.querySelector('a.attachment-download')?.getAttribute('href'),
    })),
  }));
}

/** Waits until the message shows one loaded thumbnail and one file card; returns them. */
async function expectAttachments(page, text, names, what) {
  let seen;
  await until(async () => {
    seen = await attachmentsOf(page, text);
    return seen.images.length === 1 && seen.images[0].loaded && seen.files.length === 1;
  }, `${what}: a loaded thumbnail and a file card`, 15000).catch((e) => {
    throw new Error(`${e.message}; last seen ${JSON.stringify(seen)}`);
  });
  const [img] = seen.images;
  const [file] = seen.files;
  assert.match(img.src, /^\/thumbs\/[0-9a-f]+\.jpg$/, `${what}: the thumbnail comes from /thumbs/`);
  assert.equal(img.alt, names.png);
  assert.match(img.href, new RegExp(`^/files/[0-9a-f]+/${names.png.replace('.', '\\.')}$`), `${what}: the image links the full file`);
  assert.ok(img.natural > 0 && img.natural <= 400, `${what}: thumbnail width ${img.natural}`);
  assert.equal(file.name, names.txt);
  assert.match(file.href, new RegExp(`^/files/[0-9a-f]+/${names.txt.replace('.', '\\.')}$`), `${what}: the card links /files/…`);
  assert.equal(file.download, file.href);
  return { img, file };
}

test('attachments: an image and a text file reach the other user, with a loaded thumbnail, and stay after a reload', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'files', [bo]);
  const names = { png: 'sunset.png', txt: 'notes.txt' };
  const pngPath = join(tmp, names.png);
  const txtPath = join(tmp, names.txt);
  const txtBody = 'Packing list:\n- tent\n- stove\n';
  writeFileSync(pngPath, makePng(480, 320));
  writeFileSync(txtPath, txtBody);

  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  const pb = await openPage(cb, server, `#/r/${room.id}`);

  // The image through the paperclip (its file chooser), the text file straight into the hidden input.
  const [chooser] = await Promise.all([pa.waitForEvent('filechooser'), pa.locator('.room-view .composer').getByRole('button', { name: 'Attach files' }).click()]);
  assert.ok(chooser.isMultiple(), 'the file input takes several files');
  await chooser.setFiles(pngPath);
  await pa.locator('.room-view .composer [data-testid="file-input"]').setInputFiles(txtPath);
  const chips = pa.locator('.room-view .composer [data-testid="upload-chip"]');
  await until(async () => (await chips.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status')))).join() === 'done,done', 'both uploads done', 15000);
  assert.deepEqual(await chips.locator('.upload-name').allInnerTexts(), [names.png, names.txt]);
  assert.equal(await chips.locator('img.upload-preview').count(), 1, 'the image chip shows a preview');

  const text = 'Photos from the trip, and the list';
  await send(pa, text);
  await until(async () => (await chips.count()) === 0, 'chips cleared after sending');

  // Bo sees the message with both attachments, the thumbnail loaded.
  await until(async () => (await messageBodies(pb)).includes(text), 'message at Bo');
  const { img, file } = await expectAttachments(pb, text, names, 'Bo, live');
  await expectAttachments(pa, text, names, 'Ana, own message');

  // The links serve the bytes with the sniffed type (never as something the browser would run).
  const full = await fetch(server.url + img.href);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'image/png');
  assert.equal(Buffer.from(await full.arrayBuffer()).subarray(1, 4).toString('latin1'), 'PNG');
  const thumb = await fetch(server.url + img.src);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  const txt = await fetch(server.url + file.href);
  assert.equal(txt.status, 200);
  assert.match(txt.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(txt.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await txt.text(), txtBody);

  // History: after a reload the message still carries its files.
  await pb.reload();
  await upToDate(pb);
  await until(async () => (await messageBodies(pb)).includes(text), 'message after reload');
  const again = await expectAttachments(pb, text, names, 'Bo, after reload');
  assert.equal(again.img.src, img.src);
  assert.equal(again.file.href, file.href);
  await ca.close();
  await cb.close();
});

/** Sends `count` messages as `user` over Socket.IO (waiting out the rate limit). */
async function seed(user, roomId, count, content) {
  const socket = io(server.url, { auth: { token: user.token }, transports: ['websocket'] });
  await new Promise((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  try {
    for (let i = 0; i < count; i++) {
      for (;;) {
        const ack = await socket.timeout(10000).emitWithAck('send_message', { room_id: roomId, content: content(i), client_msg_id: `seed-${roomId}-${i}` });
        if (ack.ok) break;
        if (ack.error?.code !== 'rate_limited') throw new Error(JSON.stringify(ack));
        await new Promise((r) => setTimeout(r, ack.error.retry_after_ms ?? 200));
      }
    }
  } finally {
    socket.close();
  }
}

test('search: a word prefix finds messages with the match marked; a result jumps to an older message', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'wildlife', [bo]);
  const other = await newRoom(server, ana, 'elsewhere', [bo]);
  const ca = await contextFor(browser, ana);
  const pa = await openPage(ca, server, `#/r/${room.id}`);

  const word = 'quokkas';
  const sent = [`First ${word} spotted near the ferry`, `Two more ${word} by the lighthouse`, `The ${word} ate my sandwich`];
  for (const t of sent) await send(pa, t);
  await untilEq(async () => (await messageBodies(pa)).join('|'), sent.join('|'), 'three messages sent');
  // Filler after them, so the oldest match is far out of view (and past the first history page).
  await seed(bo, room.id, 70, (i) => `filler chatter ${i}`);
  await seed(bo, other.id, 1, () => `Are there ${word} in this room too?`);
  await until(async () => (await messageBodies(pa)).includes('filler chatter 69'), 'filler at Ana');
  const oldest = pa.locator('.room-view [data-testid="message"]').filter({ hasText: sent[0] });
  assert.equal(await oldest.count(), 0, 'the oldest match is not mounted before the jump');

  // Search this room for a prefix of the word.
  await pa.getByTestId('open-search').click();
  const panel = pa.getByTestId('search-panel');
  const input = panel.getByRole('searchbox', { name: 'Search messages' });
  await input.fill(word.slice(0, 5));
  const results = panel.getByTestId('search-result');
  const snippets = panel.getByTestId('search-snippet');
  await untilEq(async () => (await snippets.allInnerTexts()).join('|'), [...sent].reverse().join('|'), 'results in this room, newest first');
  const marks = await panel.locator('[data-testid="search-snippet"] mark').allInnerTexts();
  assert.deepEqual(marks, [word, word, word], 'each snippet marks the matched word');
  assert.equal(await panel.getByRole('button', { name: 'This room', exact: true }).getAttribute('aria-pressed'), 'true');

  // All rooms adds the other room's match; "Has files" leaves nothing (none has files).
  await panel.getByRole('button', { name: 'All rooms', exact: true }).click();
  await untilEq(async () => await results.count(), 4, 'results in all rooms');
  assert.ok((await results.first().innerText()).includes('#elsewhere'), 'the newest match is in the other room');
  await panel.getByRole('button', { name: 'Has files', exact: true }).click();
  await panel.getByTestId('search-empty').waitFor();
  await panel.getByRole('button', { name: 'Has files', exact: true }).click();
  await panel.getByRole('button', { name: 'This room', exact: true }).click();
  await untilEq(async () => await results.count(), 3, 'back to this room');

  // The oldest result opens its message in the room, scrolled into view and highlighted.
  const target = results.last();
  const targetId = await target.getAttribute('data-message-id');
  await target.click();
  const row = pa.locator(`.room-view [data-testid="message"][data-message-id="${targetId}"]`);
  await until(async () => (await row.count()) === 1 && (await row.getAttribute('class')).split(' ').includes('highlighted'), 'the jumped-to message highlighted');
  assert.ok((await row.innerText()).includes(sent[0]));
  const inView = await row.evaluate((el) => {
    const list = el.closest('.vlist').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
  });
  assert.ok(inView, 'the message is scrolled into view');
  // The highlight is a flash: it goes away again.
  await until(async () => !(await row.getAttribute('class')).split(' ').includes('highlighted'), 'the highlight fading', 8000);
  await ca.close();
});

test('a profile picture: uploaded from the profile, shown to others, removed again', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'faces', [bo]);
  const picPath = join(tmp, 'me.png');
  writeFileSync(picPath, makePng(200, 200));
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  const pb = await openPage(cb, server, `#/r/${room.id}`);
  await send(pa, 'look at my face');
  await until(async () => (await messageBodies(pb)).includes('look at my face'), 'message at Bo');

  await pa.getByRole('button', { name: 'Profile', exact: true }).click();
  await pa.getByTestId('avatar-input').setInputFiles(picPath);
  await pa.getByText('Picture changed.').waitFor();
  // Bo sees it beside Ana's message (the profile change reaches him with her next event or a fresh look).
  const anaAvatar = (page) => page.locator(`.room-view [data-testid="message"] .avatar img`).first();
  await until(async () => /^\/thumbs\/[0-9a-f]{32}\.jpg$/.test((await anaAvatar(pa).getAttribute('src').catch(() => '')) ?? ''), 'own avatar shown');
  await pb.reload();
  await until(async () => /^\/thumbs\/[0-9a-f]{32}\.jpg$/.test((await anaAvatar(pb).getAttribute('src').catch(() => '')) ?? ''), 'avatar at Bo');
  const loaded = await anaAvatar(pb).evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(loaded, 'the avatar image loads');
  await shot(pa, 'profile-picture');

  await pa.getByRole('button', { name: 'Remove picture' }).click();
  await pa.getByText('Picture removed.').waitFor();
  await until(async () => (await pa.locator('.room-view [data-testid="message"] .avatar img').count()) === 0, 'initials again');
  await ca.close();
  await cb.close();
});
