// View-only state: which panel and dialog are open, which message is being
// edited, which message a jump just brought into view. Nothing here is sent
// to the server.
import { createStore } from 'zustand/vanilla';

export type Panel =
  | { kind: 'thread'; parentId: string }
  | { kind: 'details' }
  | { kind: 'profile'; userId: string }
  | { kind: 'search' }
  | null;

/** A message to scroll to and flash; `token` tells two jumps to one message apart. */
export interface Highlight {
  messageId: string;
  token: number;
}

const HIGHLIGHT_MS = 2500;
export type Dialog = 'create_room' | 'browse_rooms' | 'new_dm' | 'status' | 'switch_room' | null;

export interface UiState {
  panel: Panel;
  dialog: Dialog;
  editingId: string | null;
  sidebarOpen: boolean;
  highlight: Highlight | null;
  setPanel(panel: Panel): void;
  /** Highlights a message for a moment (null clears at once). */
  setHighlight(messageId: string | null): void;
  setDialog(dialog: Dialog): void;
  setEditing(id: string | null): void;
  setSidebarOpen(open: boolean): void;
}

export const createUiStore = () => {
  let token = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return createStore<UiState>()((set) => ({
    panel: null,
    dialog: null,
    editingId: null,
    sidebarOpen: false,
    highlight: null,
    setPanel: (panel) => set({ panel }),
    setHighlight: (messageId) => {
      clearTimeout(timer);
      if (!messageId) return set({ highlight: null });
      const mine = ++token;
      set({ highlight: { messageId, token: mine } });
      timer = setTimeout(() => set((s) => (s.highlight?.token === mine ? { highlight: null } : {})), HIGHLIGHT_MS);
    },
    setDialog: (dialog) => set({ dialog }),
    setEditing: (editingId) => set({ editingId }),
    setSidebarOpen: (sidebarOpen) => set({ sidebarOpen }),
  }));
};

export type UiStore = ReturnType<typeof createUiStore>;
