// A long room opens with one page fetched, mounts only the rows in view, and
// scrolling up loads older pages while the reader's place stays put.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { api, contextFor, newRoom, newUser, openPage, shot, until, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function seed(user, roomId, from, count) {
  const socket = io(server.url, { auth: { token: user.token }, transports: ['websocket'] });
  await new Promise((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  for (let i = from; i < from + count; i++) {
    for (;;) {
      const ack = await socket.timeout(10000).emitWithAck('send_message', {
        room_id: roomId,
        content: `history ${String(i).padStart(3, '0')}`,
        client_msg_id: `seed-${roomId}-${i}`,
      });
      if (ack.ok) break;
      if (ack.error?.code !== 'rate_limited') throw new Error(JSON.stringify(ack));
      await new Promise((r) => setTimeout(r, ack.error.retry_after_ms ?? 200));
    }
  }
  socket.close();
}

/** Marks everything in the room read, so it opens at the bottom (not at a "New messages" line). */
async function readAll(user, roomId, lastId) {
  const socket = io(server.url, { auth: { token: user.token }, transports: ['websocket'] });
  await new Promise((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  const ack = await socket.timeout(10000).emitWithAck('mark_read', { room_id: roomId, message_id: lastId });
  socket.close();
  if (!ack.ok) throw new Error(JSON.stringify(ack));
}

test('history scrolls up page by page, keeping the place, with few rows mounted', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'history', [bo]);
  const total = 160;
  await Promise.all([seed(ana, room.id, 0, total / 2), seed(bo, room.id, total / 2, total / 2)]);
  // The two senders interleave: the stored order is the truth.
  const all = [];
  for (let before = ''; ; ) {
    const page = await api(server, 'GET', `/api/rooms/${room.id}/messages?limit=100${before && `&before=${before}`}`, { token: ana.token });
    all.unshift(...page.messages);
    if (!page.has_more) break;
    before = page.messages[0].id;
  }
  assert.equal(all.length, total);
  await readAll(bo, room.id, all[total - 1].id);

  const cb = await contextFor(browser, bo);
  const page = await cb.newPage();
  const historyCalls = [];
  page.on('response', (r) => {
    if (r.url().includes(`/api/rooms/${room.id}/messages`)) historyCalls.push(r.url());
  });
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.url}/#/r/${room.id}`);
  await until(async () => (await page.locator('.room-view [data-testid="message"]').count()) > 0, 'first page');
  await until(async () => (await page.locator('.room-view [data-testid="message-body"]').last().innerText()) === all[total - 1].content, 'latest at the bottom');
  assert.equal(historyCalls.length, 1, 'opens with one page');
  const mounted = await page.locator('.room-view [data-testid="message"]').count();
  assert.ok(mounted < 50, `only rows near the viewport are mounted (${mounted})`);

  const list = page.locator('.room-view .vlist');
  let previousCalls = historyCalls.length;
  for (let round = 0; round < 10 && !(await page.locator('.list-start').count()); round++) {
    // Scroll near the top; remember which message is at the top of the view.
    await list.evaluate((el) => (el.scrollTop = 40));
    await page.waitForTimeout(50);
    const anchor = await list.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const rows = [...el.querySelectorAll('[data-testid="message"]')];
      const first = rows.find((r) => r.getBoundingClientRect().bottom > top + 1);
      return first && { id: first.getAttribute('data-message-id'), y: first.getBoundingClientRect().top };
    });
    await until(async () => historyCalls.length > previousCalls || (await page.locator('.list-start').count()) > 0, 'an older page');
    previousCalls = historyCalls.length;
    // Let the new rows render and be measured.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100)))));
    if (anchor) {
      // On a loaded machine the new rows' measuring can take a few more
      // frames; the place must be kept once they are in.
      const at = () => page.locator(`[data-message-id="${anchor.id}"]`).evaluate((el) => el.getBoundingClientRect().top);
      let y = await at();
      for (let i = 0; i < 20 && Math.abs(y - anchor.y) >= 4; i++) {
        await page.waitForTimeout(100);
        y = await at();
      }
      assert.ok(Math.abs(y - anchor.y) < 4, `message ${anchor.id} stayed in place (${anchor.y} -> ${y})`);
    }
  }
  await list.evaluate((el) => (el.scrollTop = 0));
  await until(async () => (await page.locator('.list-start').count()) === 1, 'beginning of the room');
  assert.equal(await page.locator('.room-view [data-testid="message-body"]').first().innerText(), all[0].content);
  assert.ok(historyCalls.length >= Math.ceil(total / 50), 'older pages fetched on demand');
  await shot(page, 'history-top');
  await cb.close();
});

test('a message link opens the message, far back in history or in its thread', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'links', [bo]);
  await seed(ana, room.id, 0, 120);
  const old = (await api(server, 'GET', `/api/rooms/${room.id}/messages?limit=100`, { token: ana.token })).messages[0];
  const newest = (await api(server, 'GET', `/api/rooms/${room.id}/messages?limit=1`, { token: ana.token })).messages[0];

  // Ana copies the newest message's link (the clipboard, as a user would).
  const ca = await contextFor(browser, ana, { permissions: ['clipboard-read', 'clipboard-write'] });
  const pa = await ca.newPage();
  await pa.goto(`${server.url}/#/r/${room.id}`);
  const row = pa.locator(`.room-view [data-testid="message"][data-message-id="${newest.id}"]`);
  await row.hover();
  await row.getByRole('button', { name: 'Copy link to message' }).click();
  const copied = await pa.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `${server.url}/#/r/${room.id}/m/${newest.id}`);

  // Bo follows a link to a message 20 pages back: it opens there, highlighted and in view.
  const cb = await contextFor(browser, bo);
  const pb = await cb.newPage();
  await pb.goto(`${server.url}/#/r/${room.id}/m/${old.id}`);
  const target = pb.locator(`.room-view [data-testid="message"][data-message-id="${old.id}"]`);
  await until(async () => (await target.count()) === 1 && (await target.getAttribute('class')).split(' ').includes('highlighted'), 'the linked message highlighted');
  assert.ok((await target.innerText()).includes(old.content));
  assert.ok(
    await target.evaluate((el) => {
      const list = el.closest('.vlist').getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
    }),
    'in view',
  );
  await until(async () => (await pb.evaluate(() => location.hash)) === `#/r/${room.id}`, 'the room\'s own address');

  // A reply's link opens its thread beside the room.
  const socket = io(server.url, { auth: { token: ana.token }, transports: ['websocket'] });
  const reply = await socket.timeout(10000).emitWithAck('send_message', { room_id: room.id, content: 'a reply to link', client_msg_id: 'link-reply', parent_id: newest.id });
  socket.close();
  assert.equal(reply.ok, true, JSON.stringify(reply));
  await pb.goto(`${server.url}/#/r/${room.id}/m/${newest.id}/${reply.message.id}`);
  await pb.reload();
  const inThread = pb.locator(`aside.side-panel [data-testid="message"][data-message-id="${reply.message.id}"]`);
  await until(async () => (await inThread.count()) >= 1, 'the reply in its thread');
  await ca.close();
  await cb.close();
});

test('what the server refuses is said in a toast: an eleventh pin', async () => {
  const ana = await newUser(server, 'ana');
  const room = await newRoom(server, ana, 'pins');
  await seed(ana, room.id, 0, 11);
  const { messages } = await api(server, 'GET', `/api/rooms/${room.id}/messages?limit=11`, { token: ana.token });
  const socket = io(server.url, { auth: { token: ana.token }, transports: ['websocket'] });
  for (const m of messages.slice(0, 10)) assert.equal((await socket.timeout(10000).emitWithAck('pin_message', { message_id: m.id })).ok, true);
  socket.close();
  const ca = await contextFor(browser, ana);
  const pa = await ca.newPage();
  await pa.goto(`${server.url}/#/r/${room.id}`);
  const last = pa.locator(`.room-view [data-testid="message"][data-message-id="${messages[10].id}"]`);
  await last.hover();
  await last.getByRole('button', { name: 'Pin message' }).click();
  const toast = pa.getByTestId('error-toast');
  await toast.waitFor();
  assert.match(await toast.innerText(), /at most 10 pinned/);
  await shot(pa, 'error-toast');
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await until(async () => (await toast.count()) === 0, 'toast dismissed');
  await ca.close();
});

test('a link into a public room one is not in offers to join it, then opens the message', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const open = await newRoom(server, ana, 'open-door');
  await seed(ana, open.id, 0, 3);
  const target = (await api(server, 'GET', `/api/rooms/${open.id}/messages?limit=3`, { token: ana.token })).messages[1];
  const priv = (await api(server, 'POST', '/api/rooms', { token: ana.token, body: { name: 'closed-door', type: 'private', member_ids: [] } })).room;
  const mine = await newRoom(server, bo, 'bo-home');

  const cb = await contextFor(browser, bo);
  const pb = await openPage(cb, server, `#/r/${mine.id}`);
  await pb.evaluate(([room, id]) => (location.hash = `#/r/${room}/m/${id}`), [open.id, target.id]);
  const prompt = pb.getByTestId('join-prompt');
  await prompt.waitFor();
  assert.match(await prompt.innerText(), /open-door/);
  await prompt.getByRole('button', { name: 'Join #open-door' }).click();
  const row = pb.locator(`.room-view [data-testid="message"][data-message-id="${target.id}"]`);
  await until(async () => (await row.count()) === 1 && (await row.getAttribute('class')).split(' ').includes('highlighted'), 'the linked message, after joining');

  // A private room says so, and Back leaves it.
  await pb.evaluate((room) => (location.hash = `#/r/${room}`), priv.id);
  await until(async () => /not available/.test(await prompt.innerText().catch(() => '')), 'private room refused');
  await prompt.getByRole('button', { name: 'Back' }).click();
  await until(async () => (await prompt.count()) === 0, 'back in a room');
  await cb.close();
});
