import { describe, expect, it } from 'vitest';
import { ApiError, type RestClient } from '../src/api/rest';
import { createSessionStore, type KeyValue } from '../src/stores/session';

function memory(init: Record<string, string> = {}): KeyValue & { data: Record<string, string> } {
  const data = { ...init };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => void (data[k] = v),
    removeItem: (k) => void delete data[k],
  };
}

const user = { id: '1', username: 'ana', display_name: 'Ana' };

function rest(over: Partial<RestClient>, seen: (string | null)[] = []) {
  return (getToken: () => string | null) =>
    ({
      me: async () => {
        seen.push(getToken());
        return user;
      },
      ...over,
    }) as RestClient;
}

describe('session', () => {
  it('signs in, keeps the token, and fetches the full user with it', async () => {
    const storage = memory();
    const seen: (string | null)[] = [];
    const s = createSessionStore(rest({ login: async () => ({ token: 't1', user: { id: '1', username: 'ana' } }) }, seen), storage);
    expect(s.getState().phase).toBe('signed_out');
    expect(await s.getState().signIn('ana', 'pw')).toBe(true);
    expect(s.getState()).toMatchObject({ phase: 'signed_in', token: 't1', user });
    expect(storage.data['parlor.token']).toBe('t1');
    expect(seen).toEqual(['t1']);
  });

  it('reports a refused sign-in in words and stays signed out', async () => {
    const s = createSessionStore(
      rest({
        login: async () => {
          throw new ApiError(401, 'unauthorized', 'bad');
        },
      }),
      memory(),
    );
    expect(await s.getState().signIn('ana', 'nope')).toBe(false);
    expect(s.getState()).toMatchObject({ phase: 'signed_out', error: 'Wrong username, email or password.' });
  });

  it('drops a stored token the server no longer accepts', async () => {
    const storage = memory({ 'parlor.token': 'old' });
    const s = createSessionStore(
      rest({
        me: async () => {
          throw new ApiError(401, 'unauthorized', 'expired');
        },
      }),
      storage,
    );
    expect(s.getState().phase).toBe('restoring');
    await s.getState().restore();
    expect(s.getState().phase).toBe('signed_out');
    expect(storage.data['parlor.token']).toBeUndefined();
  });
});
