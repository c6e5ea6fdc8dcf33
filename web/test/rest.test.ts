import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createRestClient } from '../src/api/rest';

/** A stand-in for XMLHttpRequest that records the request and lets the test answer it. */
class FakeXhr {
  static last: FakeXhr;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  statusText = '';
  responseText = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  aborted = false;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  answer(status: number, body: unknown, statusText = '') {
    this.status = status;
    this.statusText = statusText;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
}

const fileInfo = { id: 'f1', url: '/files/k/a.png', file_name: 'a.png', file_size: 3, content_type: 'image/png', thumbnail_url: '/files/k/t.jpg', width: 2, height: 1 };

describe('uploadFile', () => {
  beforeEach(() => vi.stubGlobal('XMLHttpRequest', FakeXhr));
  afterEach(() => vi.unstubAllGlobals());

  it('posts multipart with a "file" part and the bearer token, reporting progress', async () => {
    const rest = createRestClient(() => 'tok');
    const seen: number[] = [];
    const p = rest.uploadFile(new File(['abc'], 'a.png', { type: 'image/png' }), (f) => seen.push(f));
    const x = FakeXhr.last;
    expect([x.method, x.url, x.headers.Authorization]).toEqual(['POST', '/api/upload', 'Bearer tok']);
    expect(x.headers['Content-Type']).toBeUndefined(); // the browser sets the multipart boundary
    const part = (x.body as FormData).get('file') as File;
    expect(part.name).toBe('a.png');
    expect(await part.text()).toBe('abc');
    x.upload.onprogress!({ lengthComputable: true, loaded: 1, total: 4 });
    x.answer(200, fileInfo);
    expect(await p).toEqual(fileInfo);
    expect(seen).toEqual([0.25, 1]);
  });

  it("maps errors to the contract's codes, a bare 413 included", async () => {
    const rest = createRestClient(() => 'tok');
    const f = new File(['x'], 'x.bin');
    let p = rest.uploadFile(f);
    FakeXhr.last.answer(413, { error: { code: 'too_large', message: 'at most 26214400 bytes' } });
    await expect(p).rejects.toMatchObject({ status: 413, code: 'too_large', message: 'at most 26214400 bytes' });
    p = rest.uploadFile(f);
    FakeXhr.last.answer(413, '<html>Request Entity Too Large</html>', 'Payload Too Large');
    await expect(p).rejects.toMatchObject({ status: 413, code: 'too_large' });
    p = rest.uploadFile(f);
    FakeXhr.last.onerror!();
    await expect(p).rejects.toBeInstanceOf(ApiError);
    await expect(p).rejects.toMatchObject({ code: 'network' });
  });

  it('aborts with the signal', async () => {
    const rest = createRestClient(() => 'tok');
    const ctrl = new AbortController();
    const p = rest.uploadFile(new File(['x'], 'x.bin'), undefined, { signal: ctrl.signal });
    ctrl.abort();
    expect(FakeXhr.last.aborted).toBe(true);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('search', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts the query as JSON and returns results and the cursor', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ results: [{ message: { id: 'm1' }, snippet: '<mark>a</mark>' }], next_cursor: 'n1' }), {
        status: 200,
      });
    });
    const rest = createRestClient(() => 'tok');
    const page = await rest.search({ query: 'a', room_id: 'r', has_file: true, limit: 20, cursor: 'c0' });
    expect(calls[0].url).toBe('/api/search');
    expect(calls[0].init.method).toBe('POST');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ query: 'a', room_id: 'r', has_file: true, limit: 20, cursor: 'c0' });
    expect(page.next_cursor).toBe('n1');
    expect(page.results[0].snippet).toBe('<mark>a</mark>');
  });

  it('raises the server refusal as an ApiError', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'invalid', message: 'query: too long' } }), { status: 400 }));
    const rest = createRestClient(() => 'tok');
    await expect(rest.search({ query: 'x' })).rejects.toMatchObject({ status: 400, code: 'invalid', message: 'query: too long' });
  });
});
