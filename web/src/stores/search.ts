// Message search: the query (debounced), its filters, and the results page
// by page. Every new search gets a generation number; a response from an
// older generation (an earlier query finishing late, or a "load more" for
// it) is dropped, so newer results are never overwritten.
import { createStore } from 'zustand/vanilla';
import type { RestClient } from '../api/rest';
import type { SearchParams, SearchResult } from '../api/types';

export type SearchScope = 'room' | 'all';

export interface SearchState {
  query: string;
  scope: SearchScope;
  /** The room "This room" means (the open one). */
  roomId: string | null;
  hasFile: boolean;
  results: SearchResult[];
  nextCursor: string | null;
  /** idle: nothing to search for; loading: a first page is on its way. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  error: string | null;

  setQuery(query: string): void;
  setScope(scope: SearchScope): void;
  setRoom(roomId: string | null): void;
  setHasFile(hasFile: boolean): void;
  /** Searches now (no debounce) with the current query and filters. */
  search(): Promise<void>;
  loadMore(): Promise<void>;
  /** Clears the results (a query that is no longer searchable). */
  reset(): void;
  /** Clears everything, query and filters too (sign-out). */
  forget(): void;
}

export interface SearchDeps {
  rest: Pick<RestClient, 'search'>;
  debounceMs?: number;
  pageSize?: number;
}

export type SearchStore = ReturnType<typeof createSearchStore>;

export const MAX_QUERY = 256;

export function searchParams(s: Pick<SearchState, 'query' | 'scope' | 'roomId' | 'hasFile'>, limit: number): SearchParams {
  const p: SearchParams = { query: s.query.trim(), limit };
  if (s.scope === 'room' && s.roomId) p.room_id = s.roomId;
  if (s.hasFile) p.has_file = true;
  return p;
}

/** The server needs words or a filter; "This room" alone would list the whole room, so it does not count. */
const searchable = (s: Pick<SearchState, 'query' | 'hasFile'>) => !!s.query.trim() || s.hasFile;

export function createSearchStore(deps: SearchDeps) {
  const debounceMs = deps.debounceMs ?? 250;
  const limit = deps.pageSize ?? 20;
  let generation = 0;
  /** What the results on show were searched with; "load more" continues exactly that. */
  let shown: SearchParams | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  return createStore<SearchState>()((set, get) => {
    const message = (e: unknown) => (e as Error)?.message || 'Search failed';
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void get().search(), debounceMs);
    };

    return {
      query: '',
      scope: 'room',
      roomId: null,
      hasFile: false,
      results: [],
      nextCursor: null,
      status: 'idle',
      loadingMore: false,
      error: null,

      setQuery(query) {
        set({ query: query.slice(0, MAX_QUERY) });
        if (searchable(get())) schedule();
        else get().reset();
      },

      setScope(scope) {
        if (scope === get().scope) return;
        set({ scope });
        if (searchable(get())) void get().search();
      },

      setRoom(roomId) {
        if (roomId === get().roomId) return;
        set({ roomId });
        if (get().scope === 'room' && searchable(get())) void get().search();
      },

      setHasFile(hasFile) {
        set({ hasFile });
        if (searchable(get())) void get().search();
        else get().reset();
      },

      async search() {
        clearTimeout(timer);
        const mine = ++generation;
        if (!searchable(get())) return get().reset();
        set({ status: 'loading', error: null, loadingMore: false });
        const params = searchParams(get(), limit);
        try {
          const page = await deps.rest.search(params);
          if (mine !== generation) return;
          shown = params;
          set({ results: page.results, nextCursor: page.next_cursor, status: 'ready' });
        } catch (e) {
          if (mine !== generation) return;
          set({ results: [], nextCursor: null, status: 'error', error: message(e) });
        }
      },

      async loadMore() {
        const s = get();
        if (!s.nextCursor || !shown || s.loadingMore || s.status !== 'ready') return;
        const mine = generation;
        set({ loadingMore: true, error: null });
        try {
          const page = await deps.rest.search({ ...shown, cursor: s.nextCursor });
          if (mine !== generation) return;
          const seen = new Set(get().results.map((r) => r.message.id));
          set({
            results: [...get().results, ...page.results.filter((r) => !seen.has(r.message.id))],
            nextCursor: page.next_cursor,
            loadingMore: false,
          });
        } catch (e) {
          if (mine !== generation) return;
          // The results so far stay; the button offers the same page again.
          set({ loadingMore: false, error: message(e) });
        }
      },

      reset() {
        clearTimeout(timer);
        generation++;
        set({ results: [], nextCursor: null, status: 'idle', loadingMore: false, error: null });
      },

      forget() {
        get().reset();
        shown = null;
        set({ query: '', scope: 'room', roomId: null, hasFile: false });
      },
    };
  });
}
