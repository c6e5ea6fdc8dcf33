// Message content with HTML and script renders as text and runs nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextFor, messageBodies, newRoom, newUser, openPage, send, until, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

test('HTML and script in messages render as text', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'safety', [bo]);
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  const pb = await openPage(cb, server, `#/r/${room.id}`);
  const attacks = [
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=2</script>',
    '[x](javascript:window.__pwned=3) javascript:window.__pwned=4 **<b onmouseover="window.__pwned=5">bold</b>**',
  ];
  for (const a of attacks) await send(pa, a);
  await until(async () => (await messageBodies(pb)).length === 3, 'three messages at Bo');
  const bodies = await messageBodies(pb);
  assert.equal(bodies[0], attacks[0]);
  assert.equal(bodies[1], attacks[1]);
  assert.ok(bodies[2].includes('<b onmouseover="window.__pwned=5">bold</b>'));
  for (const p of [pa, pb]) {
    await p.locator('.room-view [data-testid="message"]').last().hover();
    assert.equal(await p.evaluate(() => window.__pwned), undefined);
    assert.equal(await p.locator('.room-view [data-testid="message-body"] img, .room-view [data-testid="message-body"] script, .room-view [data-testid="message-body"] b').count(), 0);
    const hrefs = await p.locator('.room-view [data-testid="message-body"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.every((h) => /^https?:/.test(h)), `only http(s) links: ${hrefs}`);
  }
  await ca.close();
  await cb.close();
});
