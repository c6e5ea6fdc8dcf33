// Who is signed in: the token (kept in localStorage so tabs share it), the
// user, and the sign-in/sign-up/sign-out actions. Takes an injected
// RestClient factory so tests can run it without a server.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type RestClient } from '../api/rest';
import type { User } from '../api/types';

export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SessionState {
  token: string | null;
  user: User | null;
  /** restoring: a stored token is being checked. */
  phase: 'restoring' | 'signed_out' | 'signed_in';
  error: string | null;
  busy: boolean;
  restore(): Promise<void>;
  signIn(login: string, password: string): Promise<boolean>;
  signUp(username: string, email: string, password: string): Promise<boolean>;
  signOut(): Promise<void>;
  setUser(user: User): void;
}

export type SessionStore = StoreApi<SessionState>;

const KEY = 'parlor.token';

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'unauthorized') return 'Wrong username, email or password.';
    if (e.code === 'conflict') return 'That username or email is already taken.';
    if (e.code === 'rate_limited') return 'Too many attempts; try again in a moment.';
    return e.message || e.code;
  }
  return (e as Error)?.message ?? String(e);
}

export function createSessionStore(makeRest: (getToken: () => string | null) => RestClient, storage: KeyValue): SessionStore {
  return createStore<SessionState>()((set, get) => {
    const rest = makeRest(() => get().token);
    const signedIn = (token: string, user: User) => {
      storage.setItem(KEY, token);
      set({ token, user, phase: 'signed_in', error: null, busy: false });
    };
    return {
      token: storage.getItem(KEY),
      user: null,
      phase: storage.getItem(KEY) ? 'restoring' : 'signed_out',
      error: null,
      busy: false,

      async restore() {
        const token = get().token;
        if (!token) return set({ phase: 'signed_out' });
        try {
          const user = await rest.me();
          set({ user, phase: 'signed_in' });
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) {
            storage.removeItem(KEY);
            set({ token: null, phase: 'signed_out' });
          } else set({ phase: 'signed_out', error: describeError(e) });
        }
      },

      async signIn(login, password) {
        set({ busy: true, error: null });
        try {
          const res = await rest.login(login, password);
          set({ token: res.token });
          // The login answer carries a short user; the full one comes from /me.
          const user = await rest.me().catch(() => res.user);
          signedIn(res.token, user);
          return true;
        } catch (e) {
          set({ busy: false, error: describeError(e), token: null });
          return false;
        }
      },

      async signUp(username, email, password) {
        set({ busy: true, error: null });
        try {
          const res = await rest.register(username, email, password);
          signedIn(res.token, res.user);
          return true;
        } catch (e) {
          set({ busy: false, error: describeError(e) });
          return false;
        }
      },

      async signOut() {
        try {
          await rest.logout();
        } catch {
          // The token is dropped locally either way.
        }
        storage.removeItem(KEY);
        set({ token: null, user: null, phase: 'signed_out' });
      },

      setUser(user) {
        set({ user });
      },
    };
  });
}
