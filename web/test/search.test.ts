import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchPage, SearchParams } from '../src/api/types';
import { createSearchStore } from '../src/stores/search';
import { searchHit } from '../src/viewmodels/search';
import { msg, room } from './fakes';

/** A search endpoint whose answers the test releases, in any order. */
function deferredRest() {
  const calls: { params: SearchParams; resolve: (p: SearchPage) => void; reject: (e: Error) => void }[] = [];
  return {
    calls,
    rest: {
      search: (params: SearchParams) =>
        new Promise<SearchPage>((resolve, reject) => {
          calls.push({ params, resolve, reject });
        }),
    },
  };
}

const page = (ids: number[], next: string | null): SearchPage => ({
  results: ids.map((i) => ({ message: msg('r', i), snippet: `m <mark>${i}</mark>` })),
  next_cursor: next,
});

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('search store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('debounces typing: one request, 250 ms after the last keystroke, with the final query', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setRoom('r');
    for (const q of ['h', 'he', 'hel']) {
      s.getState().setQuery(q);
      await vi.advanceTimersByTimeAsync(200);
    }
    s.getState().setQuery('hell');
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(calls[0].params).toEqual({ query: 'hell', limit: 20, room_id: 'r' });
    expect(s.getState().status).toBe('loading');
    calls[0].resolve(page([3, 2], null));
    await settle();
    expect(s.getState().status).toBe('ready');
    expect(s.getState().results.map((r) => r.message.id)).toEqual(['r-m3', 'r-m2']);
  });

  it('drops a response that finishes after a newer search started', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setQuery('old');
    await vi.advanceTimersByTimeAsync(250);
    s.getState().setQuery('new');
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.map((c) => c.params.query)).toEqual(['old', 'new']);
    calls[1].resolve(page([9], null));
    await settle();
    calls[0].resolve(page([1, 2, 3], 'c1'));
    await settle();
    expect(s.getState().results.map((r) => r.message.id)).toEqual(['r-m9']);
    expect(s.getState().nextCursor).toBeNull();
    // A late failure of the old one does not show an error either.
    s.getState().setQuery('newer');
    await vi.advanceTimersByTimeAsync(250);
    s.getState().setQuery('newest');
    await vi.advanceTimersByTimeAsync(250);
    calls[3].resolve(page([7], null));
    await settle();
    calls[2].reject(new Error('boom'));
    await settle();
    expect(s.getState()).toMatchObject({ status: 'ready', error: null });
    expect(s.getState().results.map((r) => r.message.id)).toEqual(['r-m7']);
  });

  it('pages with next_cursor, appending, and keeps the query the results came from', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setQuery('cat');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].resolve(page([9, 8], 'cur-1'));
    await settle();
    // Typing that has not been searched yet does not change what "load more" continues.
    s.getState().setQuery('cats');
    void s.getState().loadMore();
    void s.getState().loadMore(); // already loading: no second request
    expect(calls).toHaveLength(2);
    expect(calls[1].params).toEqual({ query: 'cat', limit: 20, cursor: 'cur-1' });
    calls[1].resolve(page([7, 6], 'cur-2'));
    await settle();
    expect(s.getState().results.map((r) => r.message.id)).toEqual(['r-m9', 'r-m8', 'r-m7', 'r-m6']);
    expect(s.getState().nextCursor).toBe('cur-2');
  });

  it('drops a "load more" page when a new search started meanwhile', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setQuery('a');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].resolve(page([5], 'c'));
    await settle();
    void s.getState().loadMore();
    s.getState().setHasFile(true); // searches at once
    expect(calls[2].params).toEqual({ query: 'a', limit: 20, has_file: true });
    calls[2].resolve(page([4], null));
    await settle();
    calls[1].resolve(page([3], null));
    await settle();
    expect(s.getState().results.map((r) => r.message.id)).toEqual(['r-m4']);
    expect(s.getState().loadingMore).toBe(false);
  });

  it('searches only with words or a filter, follows the scope and the open room', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setRoom('r');
    s.getState().setQuery('   ');
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(0);
    expect(s.getState().status).toBe('idle');
    // "Has files" alone is a filter the server takes with an empty query.
    s.getState().setHasFile(true);
    expect(calls[0].params).toEqual({ query: '', limit: 20, room_id: 'r', has_file: true });
    s.getState().setScope('all');
    expect(calls[1].params).toEqual({ query: '', limit: 20, has_file: true });
    s.getState().setScope('room');
    s.getState().setRoom('q');
    expect(calls[3].params.room_id).toBe('q');
    s.getState().setHasFile(false);
    expect(calls).toHaveLength(4);
    expect(s.getState().status).toBe('idle');
  });

  it('shows an error, and clearing the query returns to idle', async () => {
    const { rest, calls } = deferredRest();
    const s = createSearchStore({ rest });
    s.getState().setQuery('x');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].reject(new Error('query is too long'));
    await settle();
    expect(s.getState()).toMatchObject({ status: 'error', error: 'query is too long', results: [] });
    s.getState().setQuery('');
    expect(s.getState()).toMatchObject({ status: 'idle', error: null });
  });
});

describe('searchHit', () => {
  it('names the room and sender, parses the snippet, and falls back to the content', () => {
    const rooms = { r: room('r', { name: 'general' }) };
    const users = { u2: { id: 'u2', username: 'bo', display_name: 'Bo B' } };
    const hit = searchHit({ message: msg('r', 4, { parent_id: 'r-m1' }), snippet: 'a <mark>b</mark>' }, rooms, users);
    expect(hit).toMatchObject({ room: '#general', sender: 'Bo B', inThread: true, files: 0 });
    expect(hit.parts).toEqual([
      { text: 'a ', mark: false },
      { text: 'b', mark: true },
    ]);
    const plain = searchHit({ message: msg('x', 1, { content: '<i>hi</i>' }), snippet: '' }, rooms, {});
    expect(plain.room).toBe('a room');
    expect(plain.sender).toBe('bo');
    expect(plain.parts).toEqual([{ text: '<i>hi</i>', mark: false }]);
    const files = searchHit({ message: msg('r', 2, { content: '', attachments: [{ id: 'f', url: '/f', file_name: 'a.pdf', file_size: 1, content_type: 'application/pdf' }, { id: 'g', url: '/g', file_name: 'b.png', file_size: 1, content_type: 'image/png' }] }), snippet: '' }, rooms, {});
    expect(files).toMatchObject({ files: 2, parts: [{ text: 'a.pdf, b.png', mark: false }] });
  });
});
