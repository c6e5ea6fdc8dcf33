// The files attached to each draft (a room's composer or a thread's): one
// chip per file with its upload's progress, result or error. Uploads start
// as soon as files are added; a send takes the finished ones in chip order.
// A send that the server refused comes back here (`returned`) so the
// composer can put its text back beside its files. Each draft's text is kept
// here too, so it survives switching rooms, and in storage per signed-in user,
// so it survives a reload; signing out drops it.
import { createStore } from 'zustand/vanilla';
import type { ProgressFn } from '../api/rest';
import type { FileInfo } from '../api/types';
import type { KeyValue } from './session';
import { MAX_ATTACHMENTS } from './chat';

export type ChipStatus = 'uploading' | 'done' | 'error' | 'sending';

export interface UploadChip {
  key: string;
  name: string;
  size: number;
  /** The type the browser declared; the server's is in `info`. */
  type: string;
  /** The local file, for an image preview. */
  file: File | null;
  /** 0..1 of the bytes sent. */
  progress: number;
  /** sending: part of a message on its way; it cannot be removed meanwhile. */
  status: ChipStatus;
  info?: FileInfo;
  error?: string;
}

export interface ReturnedSend {
  text: string;
  clientMsgId: string;
  /** The files it carried, in order. */
  fileIds: string[];
  error?: string;
}

export type Uploader = (file: File, onProgress: ProgressFn, opts: { signal: AbortSignal }) => Promise<FileInfo>;

export interface UploadState {
  drafts: Record<string, UploadChip[]>;
  /** Each draft's unsent text. */
  texts: Record<string, string>;
  notices: Record<string, string | null>;
  returned: Record<string, ReturnedSend | null>;
  /** Adds files and starts their uploads; files beyond the per-message limit are refused with a notice. */
  add(draft: string, files: File[]): void;
  /** Drops a chip (cancelling its upload), unless it is being sent. */
  remove(draft: string, key: string): void;
  /** Marks the finished chips as being sent and returns them, in chip order. */
  lock(draft: string): UploadChip[];
  /** Makes chips that were being sent removable and sendable again. */
  unlock(draft: string, keys: string[]): void;
  /** Drops chips without cancelling anything (they were sent). */
  clear(draft: string, keys: string[]): void;
  setNotice(draft: string, notice: string | null): void;
  setReturned(draft: string, returned: ReturnedSend | null): void;
  setText(draft: string, text: string): void;
  /** Loads the texts a user left unsent (at sign-in). */
  open(userId: string): void;
  /** Cancels every upload and drops every draft from this tab (sign-out; see dropStoredTexts). */
  forget(): void;
}

export type UploadStore = ReturnType<typeof createUploadStore>;

export const draftKey = (roomId: string, parentId?: string | null) => (parentId ? `${roomId}/${parentId}` : roomId);

/** What a failed upload says on its chip. */
export function uploadErrorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err?.code) {
    case 'too_large':
      // The server says how much of the quota is used; a file over the size
      // limit is simply too large.
      return err.message?.includes('quota') ? `Storage full: ${err.message}` : 'File too large';
    case 'network':
      return 'Upload failed: the server cannot be reached';
    case 'rate_limited':
      return 'Too many uploads; try again shortly';
    case 'unauthorized':
      return 'Your session has ended';
    case 'invalid':
      return err.message ? `Not accepted: ${err.message}` : 'This file cannot be uploaded';
    default:
      return err?.message || 'Upload failed';
  }
}

/** The chips a send would carry: finished uploads, in order (chips being sent belong to that send). */
export function finishedChips(chips: UploadChip[]): UploadChip[] {
  return chips.filter((c) => c.status === 'done' && c.info);
}

/**
 * Whether the composer may send: there is text or a finished upload, no
 * upload is still running, and the files fit in one message.
 */
export function draftReady(text: string, chips: UploadChip[]): { canSend: boolean; reason?: string } {
  if (chips.some((c) => c.status === 'uploading')) return { canSend: false, reason: 'Waiting for uploads to finish…' };
  const files = finishedChips(chips).length;
  if (files > MAX_ATTACHMENTS) return { canSend: false, reason: `A message can carry at most ${MAX_ATTACHMENTS} files.` };
  return { canSend: !!text.trim() || files > 0 };
}

const textsKey = (userId: string) => `parlor.drafts.${userId}`;

/** Drops the texts a user left unsent from storage (their sign-out, on a shared computer). */
export function dropStoredTexts(storage: KeyValue, userId: string): void {
  storage.removeItem(textsKey(userId));
}

export function createUploadStore(
  upload: Uploader,
  newKey: () => string = () => crypto.randomUUID(),
  storage: KeyValue | null = null,
) {
  let user: string | null = null;
  const readTexts = (userId: string): Record<string, string> => {
    const texts: Record<string, string> = {};
    try {
      const stored: unknown = JSON.parse(storage?.getItem(textsKey(userId)) ?? '{}');
      if (stored && typeof stored === 'object')
        for (const [k, v] of Object.entries(stored)) if (typeof v === 'string' && v) texts[k] = v;
    } catch {
      // unreadable: start afresh
    }
    return texts;
  };
  // Writes one draft's text into what storage holds, so tabs of one user
  // each keep their own drafts there instead of overwriting each other's.
  const saveText = (draft: string, text: string) => {
    if (!storage || !user) return;
    const texts = readTexts(user);
    if (text) texts[draft] = text;
    else delete texts[draft];
    try {
      if (Object.keys(texts).length) storage.setItem(textsKey(user), JSON.stringify(texts));
      else storage.removeItem(textsKey(user));
    } catch {
      // storage full or unavailable: the texts still live in this tab
    }
  };
  const controllers = new Map<string, AbortController>();
  return createStore<UploadState>()((set, get) => {
    const chipsOf = (draft: string) => get().drafts[draft] ?? [];
    const putChips = (draft: string, chips: UploadChip[]) => set((s) => ({ drafts: { ...s.drafts, [draft]: chips } }));
    const patch = (draft: string, key: string, p: Partial<UploadChip>) =>
      putChips(
        draft,
        chipsOf(draft).map((c) => (c.key === key ? { ...c, ...p } : c)),
      );

    function start(draft: string, chip: UploadChip, file: File) {
      const ctrl = new AbortController();
      controllers.set(chip.key, ctrl);
      const alive = () => !ctrl.signal.aborted && chipsOf(draft).some((c) => c.key === chip.key);
      upload(
        file,
        (progress) => {
          if (alive()) patch(draft, chip.key, { progress });
        },
        { signal: ctrl.signal },
      ).then(
        (info) => {
          if (alive()) patch(draft, chip.key, { status: 'done', progress: 1, info });
        },
        (e) => {
          if (alive()) patch(draft, chip.key, { status: 'error', error: uploadErrorText(e) });
        },
      ).finally(() => controllers.delete(chip.key));
    }

    return {
      drafts: {},
      texts: {},
      notices: {},
      returned: {},

      add(draft, files) {
        const counted = chipsOf(draft).filter((c) => c.status !== 'error').length;
        const room = Math.max(0, MAX_ATTACHMENTS - counted);
        const taken = files.slice(0, room);
        const refused = files.length - taken.length;
        get().setNotice(
          draft,
          refused
            ? `A message can carry at most ${MAX_ATTACHMENTS} files; ${refused} ${refused === 1 ? 'file was' : 'files were'} not added.`
            : null,
        );
        const chips = taken.map<UploadChip>((f) => ({
          key: newKey(),
          name: f.name || 'file',
          size: f.size,
          type: f.type,
          file: f,
          progress: 0,
          status: f.size === 0 ? 'error' : 'uploading',
          error: f.size === 0 ? 'This file is empty' : undefined,
        }));
        if (!chips.length) return;
        putChips(draft, [...chipsOf(draft), ...chips]);
        chips.forEach((c, i) => c.status === 'uploading' && start(draft, c, taken[i]));
      },

      remove(draft, key) {
        const chip = chipsOf(draft).find((c) => c.key === key);
        if (!chip || chip.status === 'sending') return;
        controllers.get(key)?.abort();
        putChips(
          draft,
          chipsOf(draft).filter((c) => c.key !== key),
        );
        if (get().notices[draft]) get().setNotice(draft, null);
      },

      lock(draft) {
        const taken = finishedChips(chipsOf(draft));
        const keys = new Set(taken.map((c) => c.key));
        if (keys.size)
          putChips(
            draft,
            chipsOf(draft).map((c) => (keys.has(c.key) ? { ...c, status: 'sending' } : c)),
          );
        return taken;
      },

      unlock(draft, keys) {
        const set = new Set(keys);
        putChips(
          draft,
          chipsOf(draft).map((c) => (set.has(c.key) && c.status === 'sending' ? { ...c, status: 'done' } : c)),
        );
      },

      clear(draft, keys) {
        const set = new Set(keys);
        putChips(
          draft,
          chipsOf(draft).filter((c) => !set.has(c.key)),
        );
      },

      setNotice: (draft, notice) => set((s) => ({ notices: { ...s.notices, [draft]: notice } })),
      setReturned: (draft, returned) => set((s) => ({ returned: { ...s.returned, [draft]: returned } })),

      setText(draft, text) {
        const texts = { ...get().texts };
        if (text) texts[draft] = text;
        else delete texts[draft];
        set({ texts });
        saveText(draft, text);
      },

      open(userId) {
        user = userId;
        set({ texts: readTexts(userId) });
      },

      forget() {
        controllers.forEach((c) => c.abort());
        controllers.clear();
        user = null;
        set({ drafts: {}, texts: {}, notices: {}, returned: {} });
      },
    };
  });
}
