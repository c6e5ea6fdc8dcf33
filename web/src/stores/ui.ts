// View-only state: which panel and dialog are open, which message is being
// edited. Nothing here is sent to the server.
import { createStore } from 'zustand/vanilla';

export type Panel = { kind: 'thread'; parentId: string } | { kind: 'details' } | { kind: 'profile'; userId: string } | null;
export type Dialog = 'create_room' | 'browse_rooms' | 'new_dm' | 'status' | null;

export interface UiState {
  panel: Panel;
  dialog: Dialog;
  editingId: string | null;
  sidebarOpen: boolean;
  setPanel(panel: Panel): void;
  setDialog(dialog: Dialog): void;
  setEditing(id: string | null): void;
  setSidebarOpen(open: boolean): void;
}

export const createUiStore = () =>
  createStore<UiState>()((set) => ({
    panel: null,
    dialog: null,
    editingId: null,
    sidebarOpen: false,
    setPanel: (panel) => set({ panel }),
    setDialog: (dialog) => set({ dialog }),
    setEditing: (editingId) => set({ editingId }),
    setSidebarOpen: (sidebarOpen) => set({ sidebarOpen }),
  }));

export type UiStore = ReturnType<typeof createUiStore>;
