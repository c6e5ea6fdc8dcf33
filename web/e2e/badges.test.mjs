// Unread and mention badges agree across two tabs of one user, and clear in
// both when either reads the room. Also takes screenshots at phone width and
// in the dark theme.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextFor, messageBodies, newRoom, newUser, openPage, send, shot, until, untilEq, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const badge = (page, roomId, kind) =>
  page.locator(`[data-testid="room-link"][data-room-id="${roomId}"] [data-testid="${kind}-badge"]`);

// allInnerTexts() never waits: a badge that disappears between a count() and
// an innerText() would otherwise stall the poll for the locator's 30 s timeout.
async function badges(page, roomId) {
  const [u] = await badge(page, roomId, 'unread').allInnerTexts();
  const [m] = await badge(page, roomId, 'mention').allInnerTexts();
  return `${u ?? '0'}/${m ?? '-'}`;
}

test('unread and mention badges agree across two tabs', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const general = await newRoom(server, ana, 'general', [bo]);
  const lobby = await newRoom(server, ana, 'lobby', [bo]);

  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${general.id}`);
  const tab1 = await openPage(cb, server, `#/r/${lobby.id}`);
  const tab2 = await openPage(cb, server, `#/r/${lobby.id}`);

  await send(pa, 'first news');
  await send(pa, `@${bo.username} please look`);
  await send(pa, 'third');
  for (const tab of [tab1, tab2]) await untilEq(() => badges(tab, general.id), '3/@1', 'badges in each tab');
  assert.match(await tab1.title(), /^\(3\)/);
  assert.match(await tab2.title(), /^\(3\)/);
  await shot(tab1, 'unread-badges');

  // Reading in one tab clears both.
  await tab1.bringToFront();
  await tab1.locator(`[data-testid="room-link"][data-room-id="${general.id}"]`).click();
  await until(async () => (await tab1.locator('.room-view [data-testid="message"]').count()) === 3, 'room open in tab 1');
  for (const tab of [tab1, tab2]) await untilEq(() => badges(tab, general.id), '0/-', 'badges cleared in each tab');
  assert.doesNotMatch(await tab2.title(), /^\(/);

  // A new mention counts again, in both tabs, while tab 1 looks elsewhere.
  await tab1.locator(`[data-testid="room-link"][data-room-id="${lobby.id}"]`).click();
  await untilEq(async () => (await tab1.getByTestId('room-title').innerText()).replace(/\s/g, ''), '#lobby', 'tab 1 on lobby');
  await send(pa, `again @${bo.username}, see above`);
  await untilEq(() => badges(tab2, general.id), '1/@1', 'new mention in tab 2');
  await untilEq(() => badges(tab1, general.id), '1/@1', 'new mention in tab 1');

  // Screenshots: phone width and dark theme.
  const phone = await contextFor(browser, bo, { viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
  const pp = await openPage(phone, server, `#/r/${general.id}`);
  await until(async () => (await pp.locator('.room-view [data-testid="message"]').count()) >= 4, 'phone loaded');
  await shot(pp, 'phone-dark');
  await pp.getByRole('button', { name: 'Show rooms' }).click();
  await shot(pp, 'phone-sidebar');
  const dark = await contextFor(browser, ana, { colorScheme: 'dark' });
  const pd = await openPage(dark, server, `#/r/${general.id}`);
  await pd.getByRole('button', { name: /members, show room details/ }).click();
  await pd.getByTestId('details-panel').getByText(bo.username).first().waitFor();
  await shot(pd, 'room-details-dark');
  for (const c of [ca, cb, phone, dark]) await c.close();
});

test('a room opens at the "New messages" line above what was unread', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const general = await newRoom(server, ana, 'general', [bo]);
  const lobby = await newRoom(server, ana, 'lobby', [bo]);
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${general.id}`);
  const pb = await openPage(cb, server, `#/r/${general.id}`);
  await send(pa, 'read already');
  await until(async () => (await messageBodies(pb)).includes('read already'), 'read by Bo');
  await pb.locator(`[data-testid="room-link"][data-room-id="${lobby.id}"]`).click();
  await until(async () => (await pb.getByTestId('room-title').innerText()).includes('lobby'), 'Bo in the lobby');

  for (let i = 1; i <= 25; i++) await send(pa, `news ${i}`);
  await untilEq(() => badges(pb, general.id), '25/-', 'unread at Bo');

  await pb.locator(`[data-testid="room-link"][data-room-id="${general.id}"]`).click();
  const line = pb.getByTestId('unread-line');
  await line.waitFor();
  // Right above the first unread message, and in view: the room opened there, not at the bottom.
  const next = await line.evaluate((el) => el.closest('.vrow')?.nextElementSibling?.textContent ?? '');
  assert.match(next, /news 1\b/);
  const inView = async () => {
    const list = await pb.locator('.room-view .message-list').boundingBox();
    const at = await line.boundingBox();
    return !!list && !!at && at.y >= list.y && at.y + at.height <= list.y + list.height;
  };
  await until(inView, 'the line in view');
  await shot(pb, 'new-messages-line');

  // It stays where it is while the room is open, whatever arrives.
  await send(pa, 'one more');
  await until(async () => (await messageBodies(pb)).includes('one more'), 'live message at Bo');
  assert.equal(await pb.getByTestId('unread-line').count(), 1);
  assert.match(await line.evaluate((el) => el.closest('.vrow')?.nextElementSibling?.textContent ?? ''), /news 1\b/);
  // Read now: reopening the room shows no line.
  await pb.locator(`[data-testid="room-link"][data-room-id="${lobby.id}"]`).click();
  await untilEq(() => badges(pb, general.id), '0/-', 'nothing unread');
  await pb.locator(`[data-testid="room-link"][data-room-id="${general.id}"]`).click();
  await until(async () => (await messageBodies(pb)).includes('one more'), 'room open again');
  assert.equal(await pb.getByTestId('unread-line').count(), 0);
  await ca.close();
  await cb.close();
});

test('in a small room, our last message says who has read it', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const cy = await newUser(server, 'cy');
  const room = await newRoom(server, ana, 'receipts', [bo, cy]);
  const ca = await contextFor(browser, ana);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  await send(pa, 'did you see this?');
  const seen = pa.locator('.room-view [data-testid="seen-mark"]');
  const cb = await contextFor(browser, bo);
  const pb = await openPage(cb, server, `#/r/${room.id}`);
  await until(async () => (await messageBodies(pb)).includes('did you see this?'), 'at Bo');
  await untilEq(async () => (await seen.allInnerTexts()).join(), `Seen by ${bo.username}`, 'seen by Bo, live');
  // After a reload the member list says it from the start.
  await pa.reload();
  await untilEq(async () => (await seen.allInnerTexts()).join(), `Seen by ${bo.username}`, 'seen by Bo after a reload');
  await ca.close();
  await cb.close();
});
