// A browser context taken offline while the other user sends, edits and
// reacts; back online, everything appears in order without a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, contextFor, messageBodies, newRoom, newUser, openPage, send, shot, until, upToDate, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

test('catch-up after going offline needs no reload', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'catchup', [bo]);
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  const pb = await openPage(cb, server, `#/r/${room.id}`);
  await send(pa, 'before the outage');
  await until(async () => (await messageBodies(pb)).includes('before the outage'), 'first message');
  let navigations = 0;
  pb.on('framenavigated', (f) => {
    if (f === pb.mainFrame()) navigations++;
  });

  await cb.setOffline(true);
  // The client notices once the transport fails (at the latest, when a ping goes unanswered).
  await until(async () => (await pb.getByTestId('conn-state').getAttribute('data-state')) === 'reconnecting', 'Bo reconnecting', 60000);
  await shot(pb, 'reconnecting');

  for (const text of ['one', 'two', 'three']) await send(pa, text);
  await until(async () => (await messageBodies(pa)).filter((t) => ['one', 'two', 'three'].includes(t)).length === 3, 'sent at Ana');
  const { messages } = await api(server, 'GET', `/api/rooms/${room.id}/messages?limit=50`, { token: ana.token });
  const two = messages.find((m) => m.content === 'two');
  const one = messages.find((m) => m.content === 'one');
  // Through the UI: edit "two", react to "one".
  const twoEl = pa.locator(`[data-message-id="${two.id}"]`);
  await twoEl.hover();
  await twoEl.getByRole('button', { name: 'Edit message' }).click();
  await pa.getByRole('textbox', { name: 'Edit message' }).fill('two, edited');
  await pa.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  const oneEl = pa.locator(`[data-message-id="${one.id}"]`);
  await oneEl.hover();
  await oneEl.getByRole('button', { name: 'Add reaction' }).click();
  await pa.getByRole('button', { name: 'thumbs up' }).click();
  await until(async () => (await oneEl.getByTestId('reaction').count()) === 1, 'reaction at Ana');
  await until(async () => (await messageBodies(pa)).some((t) => t.startsWith('two, edited')), 'edit at Ana');

  // Bo still shows the old state while offline.
  assert.ok(!(await messageBodies(pb)).includes('three'));

  await cb.setOffline(false);
  await upToDate(pb, 60000);
  await until(async () => {
    const bodies = (await messageBodies(pb)).map((t) => t.replace(/\s*\(edited\)$/, ''));
    return JSON.stringify(bodies) === JSON.stringify(['before the outage', 'one', 'two, edited', 'three']);
  }, 'everything in order at Bo');
  const bOne = pb.locator(`[data-message-id="${one.id}"]`);
  assert.match(await bOne.getByTestId('reaction').innerText(), /👍\s*1/);
  assert.equal(await pb.locator(`[data-message-id="${two.id}"] [data-testid="edited-mark"]`).count(), 1);
  assert.equal(navigations, 0, 'no reload');
  await ca.close();
  await cb.close();
});
