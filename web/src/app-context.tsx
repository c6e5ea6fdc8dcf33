// Hands the stores and REST client to the views, and hooks to read them.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RestClient } from './api/rest';
import type { ChatState, ChatStore } from './stores/chat';
import type { SearchState, SearchStore } from './stores/search';
import type { SessionState, SessionStore } from './stores/session';
import type { UiState, UiStore } from './stores/ui';
import type { UploadState, UploadStore } from './stores/uploads';

export interface AppServices {
  session: SessionStore;
  chat: ChatStore;
  ui: UiStore;
  rest: RestClient;
  uploads: UploadStore;
  search: SearchStore;
}

export const AppContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(AppContext);
  if (!s) throw new Error('AppContext missing');
  return s;
}

export const useChat = <T,>(sel: (s: ChatState) => T): T => useStore(useServices().chat, sel);
export const useSession = <T,>(sel: (s: SessionState) => T): T => useStore(useServices().session, sel);
export const useUi = <T,>(sel: (s: UiState) => T): T => useStore(useServices().ui, sel);
export const useUploads = <T,>(sel: (s: UploadState) => T): T => useStore(useServices().uploads, sel);
export const useSearch = <T,>(sel: (s: SearchState) => T): T => useStore(useServices().search, sel);
