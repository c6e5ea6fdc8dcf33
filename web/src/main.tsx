// Entry point: builds the REST client, the transport and the stores, then
// renders the sign-in screen or the app.
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { createRestClient } from './api/rest';
import { AppContext, useServices, useSession, type AppServices } from './app-context';
import { AppShell } from './components/AppShell';
import { AuthScreen } from './components/AuthScreen';
import { createChatStore } from './stores/chat';
import { createSearchStore } from './stores/search';
import { createSessionStore } from './stores/session';
import { createUiStore } from './stores/ui';
import { createUploadStore, dropStoredTexts } from './stores/uploads';
import { createSocketTransport } from './transport/transport';
import { notifyDesktop } from './viewmodels/browser';
import './styles.css';

const session = createSessionStore((getToken) => createRestClient(getToken), localStorage);
const rest = createRestClient(() => session.getState().token);
const chat = createChatStore({ transport: createSocketTransport(), rest, notify: notifyDesktop });
// Signing out leaves none of the account's unsent drafts in the browser.
session.subscribe((s, prev) => {
  if (prev.user && !s.user) dropStoredTexts(localStorage, prev.user.id);
});
const services: AppServices = {
  session,
  chat,
  ui: createUiStore(),
  rest,
  uploads: createUploadStore(
    (file, onProgress, opts) => rest.uploadFile(file, onProgress, opts),
    undefined,
    localStorage,
  ),
  search: createSearchStore({ rest }),
};

function Root() {
  const { session: s, chat: c, uploads, search } = useServices();
  const phase = useSession((x) => x.phase);
  const user = useSession((x) => x.user);
  const token = useSession((x) => x.token);
  useEffect(() => {
    if (s.getState().phase === 'restoring') void s.getState().restore();
  }, [s]);
  useEffect(() => {
    if (phase !== 'signed_in' || !token || !user) return;
    uploads.getState().open(user.id);
    c.getState().start(token, user);
    const unsub = c.subscribe((st, prev) => {
      if (st.conn === 'unauthorized' && prev.conn !== 'unauthorized') void s.getState().signOut();
    });
    return () => {
      unsub();
      c.getState().stop();
      // Another account may sign in next: nothing of this one's drafts or searches stays.
      uploads.getState().forget();
      search.getState().forget();
    };
    // Only a new sign-in restarts the connection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phase, token]);
  if (phase === 'restoring') return <p className="boot" role="status">Loading…</p>;
  if (phase !== 'signed_in') return <AuthScreen />;
  return <AppShell />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={services}>
      <Root />
    </AppContext.Provider>
  </StrictMode>,
);
