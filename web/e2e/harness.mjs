// Shared set-up for the browser specs: a real parlor process on a free
// 127.0.0.1 port with a temp data dir serving web/dist, Debian's chromium
// driven by playwright-core, users made over REST, and screenshots saved to
// docs/screenshots/. PARLOR_MOCK=1 targets dev/mock-server.mjs instead (for
// working on the client without a server build).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const webDir = resolve(new URL('..', import.meta.url).pathname);
const repo = resolve(webDir, '..');
export const PARLOR_BIN = process.env.PARLOR_BIN || join(repo, 'build/release/src/app/parlor');
// Into the build tree, so a test run leaves the checkout clean; SCREENSHOTS=docs
// refreshes the ones the README shows.
const SHOTS = process.env.SCREENSHOTS === 'docs' ? join(repo, 'docs/screenshots') : join(repo, 'build/screenshots');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export async function startServer() {
  const dist = join(webDir, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` in web/ first');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'parlor-e2e-'));
  const mock = process.env.PARLOR_MOCK === '1';
  const [cmd, args] = mock
    ? [process.execPath, [join(webDir, 'dev/mock-server.mjs'), '--port', String(port), '--web-root', dist]]
    : [
        PARLOR_BIN,
        ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--web-root', dist, '--log-level', 'warn', '--jwt-secret', 'e2e-secret'],
      ];
  if (!mock && !existsSync(PARLOR_BIN)) throw new Error(`parlor binary not found at ${PARLOR_BIN} (set PARLOR_BIN)`);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((ok) => proc.once('exit', ok));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || i > 200) throw new Error(`server did not start: ${cmd} ${args.join(' ')}`);
    await sleep(50);
  }
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      // Hidden or unfocused test pages must keep their timers running.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

/**
 * One server and one browser for a spec file: started before its tests,
 * stopped after them. `ready(server, browser)` receives them.
 */
export function useServerAndBrowser(ready) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

export async function api(server, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return json;
}

let n = 0;
export async function newUser(server, name) {
  const username = `${name}${process.pid % 1000}${++n}`;
  const res = await api(server, 'POST', '/api/auth/register', {
    body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
  });
  return { ...res, username };
}

export async function newRoom(server, owner, name, members = []) {
  const { room } = await api(server, 'POST', '/api/rooms', {
    token: owner.token,
    body: { name, description: `The ${name} room`, type: 'public', member_ids: members.map((m) => m.user.id) },
  });
  return room;
}

/** A browser context signed in as `user` (token in localStorage, as after a sign-in). */
export async function contextFor(browser, user, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', ...opts });
  await context.addInitScript((token) => {
    if (!localStorage.getItem('parlor.token')) localStorage.setItem('parlor.token', token);
  }, user.token);
  return context;
}

export async function openPage(context, server, hash = '') {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.url}/${hash}`);
  await upToDate(page);
  return page;
}

export async function upToDate(page, timeout = 15000) {
  await page.locator('[data-testid="conn-state"][data-state="up_to_date"]').waitFor({ timeout });
}

/** Polls fn until it returns a truthy value. */
export async function until(fn, what, timeout = 10000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(100);
  }
}

export function messageBodies(page) {
  return page.locator('.room-view [data-testid="message"] [data-testid="message-body"]').allInnerTexts();
}

export async function send(page, text, scope = '.room-view') {
  const box = page.locator(`${scope} .composer textarea`);
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  // Let layout settle (panels opening, rows measured) before the capture.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Polls fn until it returns `expected`; the error names the last value seen. */
export async function untilEq(fn, expected, what, timeout = 10000) {
  let last;
  try {
    await until(async () => (last = await fn()) === expected, what, timeout);
  } catch {
    throw new Error(`timed out waiting for ${what}: expected ${JSON.stringify(expected)}, last ${JSON.stringify(last)}`);
  }
}
