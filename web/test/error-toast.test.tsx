// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { AppContext, type AppServices } from '../src/app-context';
import { ErrorToast } from '../src/components/ErrorToast';
import { createChatStore } from '../src/stores/chat';
import { FakeTransport, fakeRest } from './fakes';

beforeAll(() => {
  (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
});

describe('ErrorToast', () => {
  it('says what the server refused, as an alert, until dismissed', async () => {
    const chat = createChatStore({ transport: new FakeTransport(), rest: fakeRest([]) });
    chat.setState({ conn: 'up_to_date' });
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    await act(async () =>
      root.render(
        <AppContext.Provider value={{ chat } as unknown as AppServices}>
          <ErrorToast />
        </AppContext.Provider>,
      ),
    );
    expect(host.innerHTML).toBe('');
    await act(async () => chat.setState({ lastError: 'a room can have at most 10 pinned messages' }));
    const alert = host.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('a room can have at most 10 pinned messages');
    await act(async () => host.querySelector<HTMLButtonElement>('button[aria-label="Dismiss"]')!.click());
    expect(host.innerHTML).toBe('');
    expect(chat.getState().lastError).toBeNull();
    // Offline, the connection banner explains failures: no toast.
    await act(async () => chat.setState({ conn: 'reconnecting', lastError: 'Failed to fetch' }));
    expect(host.innerHTML).toBe('');
    await act(async () => root.unmount());
  });
});
