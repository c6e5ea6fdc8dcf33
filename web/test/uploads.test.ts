import { describe, expect, it } from 'vitest';
import { ApiError, type ProgressFn } from '../src/api/rest';
import type { FileInfo } from '../src/api/types';
import { createChatStore } from '../src/stores/chat';
import { createUploadStore, draftReady, dropStoredTexts, type UploadChip } from '../src/stores/uploads';
import { sendDraft } from '../src/viewmodels/composer';
import { FakeTransport, fakeRest, flush, msg, room } from './fakes';

interface Call {
  file: File;
  progress: ProgressFn;
  signal: AbortSignal;
  resolve: (f: FileInfo) => void;
  reject: (e: unknown) => void;
}

/** An upload store whose uploads the test finishes, in any order. */
function setup() {
  const calls: Call[] = [];
  let keys = 0;
  const store = createUploadStore(
    (file, progress, { signal }) =>
      new Promise<FileInfo>((resolve, reject) => {
        calls.push({ file, progress, signal, resolve, reject });
      }),
    () => `k${++keys}`,
  );
  return { store, calls, chips: (d = 'r') => store.getState().drafts[d] ?? [] };
}

const file = (name: string, size = 10, type = 'image/png') => new File([new Uint8Array(size)], name, { type });
const info = (id: string, name = `${id}.png`): FileInfo => ({
  id,
  url: `/files/k${id}/${name}`,
  file_name: name,
  file_size: 10,
  content_type: 'image/png',
  thumbnail_url: null,
  width: null,
  height: null,
});
const chip = (status: UploadChip['status'], id?: string): UploadChip => ({
  key: id ?? status,
  name: 'f',
  size: 1,
  type: '',
  file: null,
  progress: 0,
  status,
  info: id ? info(id) : undefined,
});

describe('upload chips', () => {
  it('adds a chip per file, uploading at once, with progress, then done', async () => {
    const { store, calls, chips } = setup();
    store.getState().add('r', [file('a.png'), file('b.txt', 5, 'text/plain')]);
    expect(chips().map((c) => [c.key, c.name, c.status, c.progress])).toEqual([
      ['k1', 'a.png', 'uploading', 0],
      ['k2', 'b.txt', 'uploading', 0],
    ]);
    expect(calls.map((c) => c.file.name)).toEqual(['a.png', 'b.txt']);
    calls[0].progress(0.4);
    expect(chips()[0].progress).toBe(0.4);
    calls[0].resolve(info('f1'));
    await flush();
    expect(chips()[0]).toMatchObject({ status: 'done', progress: 1, info: { id: 'f1' } });
    expect(chips()[1].status).toBe('uploading');
  });

  it('shows an upload error on its chip ("File too large" for 413)', async () => {
    const { store, calls, chips } = setup();
    store.getState().add('r', [file('big.bin'), file('x.bin'), file('full.bin')]);
    calls[0].reject(new ApiError(413, 'too_large', 'upload exceeds 26214400 bytes'));
    calls[1].reject(new ApiError(0, 'network', 'The server cannot be reached'));
    await flush();
    const quota = 'your files take 1023.9 MiB of your 1024.0 MiB quota: delete messages with files to make room';
    calls[2].reject(new ApiError(413, 'too_large', quota));
    await flush();
    expect(chips().map((c) => [c.status, c.error])).toEqual([
      ['error', 'File too large'],
      ['error', 'Upload failed: the server cannot be reached'],
      ['error', `Storage full: ${quota}`],
    ]);
  });

  it('refuses an empty file without uploading it', () => {
    const { store, calls, chips } = setup();
    store.getState().add('r', [file('empty.txt', 0)]);
    expect(chips()[0]).toMatchObject({ status: 'error', error: 'This file is empty' });
    expect(calls).toHaveLength(0);
  });

  it('removes a chip, cancelling its upload; a late answer changes nothing', async () => {
    const { store, calls, chips } = setup();
    store.getState().add('r', [file('a.png'), file('b.png')]);
    store.getState().remove('r', 'k1');
    expect(calls[0].signal.aborted).toBe(true);
    expect(calls[1].signal.aborted).toBe(false);
    calls[0].resolve(info('f1'));
    calls[0].progress(0.9);
    await flush();
    expect(chips().map((c) => c.key)).toEqual(['k2']);
  });

  it('takes at most 10 files per message and says why the rest were refused', () => {
    const { store, calls, chips } = setup();
    store.getState().add('r', Array.from({ length: 8 }, (_, i) => file(`${i}.png`)));
    expect(store.getState().notices.r).toBeNull();
    store.getState().add('r', [file('8.png'), file('9.png'), file('10.png'), file('11.png')]);
    expect(chips()).toHaveLength(10);
    expect(calls).toHaveLength(10);
    expect(chips()[9].name).toBe('9.png');
    expect(store.getState().notices.r).toBe('A message can carry at most 10 files; 2 files were not added.');
    // Removing one makes room again.
    store.getState().remove('r', 'k1');
    store.getState().add('r', [file('12.png')]);
    expect(chips()).toHaveLength(10);
    expect(chips()[9].name).toBe('12.png');
  });

  it('keeps drafts apart', () => {
    const { store, chips } = setup();
    store.getState().add('r', [file('a.png')]);
    store.getState().add('r/p1', [file('b.png')]);
    expect(chips('r').map((c) => c.name)).toEqual(['a.png']);
    expect(chips('r/p1').map((c) => c.name)).toEqual(['b.png']);
  });
});

describe('draftReady', () => {
  it('allows sending text, or a finished upload; not while an upload runs', () => {
    expect(draftReady('', []).canSend).toBe(false);
    expect(draftReady('  \n', []).canSend).toBe(false);
    expect(draftReady('hi', []).canSend).toBe(true);
    expect(draftReady('', [chip('done', 'f1')]).canSend).toBe(true);
    expect(draftReady('', [chip('error')]).canSend).toBe(false);
    expect(draftReady('hi', [chip('error')]).canSend).toBe(true);
    // Chips on their way with an earlier message do not count for this one.
    expect(draftReady('', [chip('sending', 'f1')]).canSend).toBe(false);
    expect(draftReady('hi', [chip('done', 'f1'), chip('uploading')])).toEqual({
      canSend: false,
      reason: 'Waiting for uploads to finish…',
    });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ ...chip('done', `f${i}`), key: `k${i}` }));
    expect(draftReady('', eleven).canSend).toBe(false);
  });
});

describe('sending a draft with files', () => {
  async function connectedChat() {
    const t = new FakeTransport();
    const chat = createChatStore({ transport: t, rest: fakeRest([room('r', { rev: 3 })]), newId: () => 'c1' });
    chat.getState().start('tok', { id: 'u1', username: 'ana' });
    t.setState('connected');
    await flush();
    t.take('sync')[0].resolve({ ok: true, rooms: [], removed_room_ids: [], presence: [] });
    await flush();
    return { t, chat };
  }

  /** Three chips finishing out of order: f3's upload ends first. */
  async function threeDone() {
    const u = setup();
    u.store.getState().add('r', [file('a.png'), file('b.png'), file('c.png'), file('bad.png')]);
    u.calls[2].resolve(info('f3'));
    u.calls[0].resolve(info('f1'));
    u.calls[1].resolve(info('f2'));
    u.calls[3].reject(new ApiError(413, 'too_large', 'too big'));
    await flush();
    return u;
  }

  it('sends attachment_ids in chip order, allows empty content, and clears the sent chips once stored', async () => {
    const { t, chat } = await connectedChat();
    const { store, chips } = await threeDone();
    const sending = sendDraft({ chat, uploads: store }, { draft: 'r', roomId: 'r', text: '  ', mentions: [] });
    expect(chips().map((c) => c.status)).toEqual(['sending', 'sending', 'sending', 'error']);
    const [req] = t.take('send_message');
    expect(req.payload).toMatchObject({ room_id: 'r', content: '', client_msg_id: 'c1', attachment_ids: ['f1', 'f2', 'f3'] });
    // The echo shows the files meanwhile.
    expect(chat.getState().pending.r[0].attachments.map((f) => f.id)).toEqual(['f1', 'f2', 'f3']);
    store.getState().remove('r', 'k1'); // a chip being sent cannot be removed
    expect(chips()).toHaveLength(4);
    req.resolve({ ok: true, message: msg('r', 4, { sender_id: 'u1', content: '', client_msg_id: 'c1', attachments: [info('f1')] }) });
    expect((await sending).status).toBe('sent');
    // The failed upload was not part of the message: it stays, with its error, until removed.
    expect(chips().map((c) => [c.name, c.status, c.error])).toEqual([['bad.png', 'error', 'File too large']]);
    expect(chat.getState().pending.r).toEqual([]);
  });

  it('keeps the chips and gives the text back when the server refuses; the resend reuses the id', async () => {
    const { t, chat } = await connectedChat();
    const { store, chips } = await threeDone();
    const sending = sendDraft({ chat, uploads: store }, { draft: 'r', roomId: 'r', text: 'look', mentions: [] });
    t.take('send_message')[0].resolve({ ok: false, error: { code: 'timeout', message: 'The server did not answer' } });
    expect((await sending).status).toBe('failed');
    expect(chips().map((c) => c.status)).toEqual(['done', 'done', 'done', 'error']);
    expect(chat.getState().pending.r).toEqual([]);
    const returned = store.getState().returned.r!;
    expect(returned).toMatchObject({ text: 'look', clientMsgId: 'c1', fileIds: ['f1', 'f2', 'f3'] });
    expect(store.getState().notices.r).toBe('Not sent: The server did not answer.');
    // The same draft again: same client_msg_id, so a message stored before the timeout is not stored twice.
    const again = sendDraft({ chat, uploads: store }, { draft: 'r', roomId: 'r', text: 'look', mentions: [], retryOf: returned });
    const [req] = t.take('send_message');
    expect(req.payload).toMatchObject({ client_msg_id: 'c1', attachment_ids: ['f1', 'f2', 'f3'] });
    req.resolve({ ok: true, message: msg('r', 4, { sender_id: 'u1', client_msg_id: 'c1' }) });
    expect((await again).status).toBe('sent');
    expect(chips().map((c) => c.status)).toEqual(['error']);
  });

  it('hands files to the outbox when offline: the chips clear and the message goes out on reconnect', async () => {
    const { t, chat } = await connectedChat();
    const { store, chips } = await threeDone();
    t.setState('reconnecting');
    const r = await sendDraft({ chat, uploads: store }, { draft: 'r', roomId: 'r', text: '', mentions: [] });
    expect(r.status).toBe('queued');
    expect(chips().map((c) => c.status)).toEqual(['error']);
    expect(chat.getState().pending.r[0]).toMatchObject({ status: 'queued', content: '' });
    t.setState('connected');
    await flush();
    t.take('sync')[0].resolve({ ok: true, rooms: [], removed_room_ids: [], presence: [] });
    await flush();
    expect(t.take('send_message')[0].payload.attachment_ids).toEqual(['f1', 'f2', 'f3']);
  });
});

describe('draft texts', () => {
  /** A Map with the Storage methods the store uses. */
  const memoryStorage = () => {
    const m = new Map<string, string>();
    return {
      map: m,
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
  };
  const make = (storage: ReturnType<typeof memoryStorage>) =>
    createUploadStore(() => new Promise<FileInfo>(() => {}), undefined, storage);

  it('keeps each draft\'s text, per signed-in user, across a reload', () => {
    const storage = memoryStorage();
    const a = make(storage);
    a.getState().open('u1');
    a.getState().setText('r1', 'half a thought');
    a.getState().setText('r1/m9', 'a reply');
    a.getState().setText('r2', 'x');
    a.getState().setText('r2', '');  // emptied: gone
    expect(a.getState().texts).toEqual({ r1: 'half a thought', 'r1/m9': 'a reply' });

    const reloaded = make(storage);
    expect(reloaded.getState().texts).toEqual({});  // nothing before sign-in
    reloaded.getState().open('u1');
    expect(reloaded.getState().texts).toEqual({ r1: 'half a thought', 'r1/m9': 'a reply' });
    const other = make(storage);
    other.getState().open('u2');
    expect(other.getState().texts).toEqual({});  // another account sees none of them
  });

  it('forgets the texts in the tab at sign-out; dropStoredTexts removes the stored ones', () => {
    const storage = memoryStorage();
    const a = make(storage);
    a.getState().open('u1');
    a.getState().setText('r1', 'secret');
    a.getState().forget();
    expect(a.getState().texts).toEqual({});
    a.getState().setText('r1', 'after sign-out');  // no user: kept in the tab only
    dropStoredTexts(storage, 'u1');
    expect(storage.map.size).toBe(0);
  });

  it('two tabs of one user keep each other\'s stored drafts', () => {
    const storage = memoryStorage();
    const tab1 = make(storage);
    const tab2 = make(storage);
    tab1.getState().open('u1');
    tab2.getState().open('u1');
    tab1.getState().setText('r1', 'from tab one');
    tab2.getState().setText('r2', 'from tab two');
    tab2.getState().setText('r3', 'x');
    tab2.getState().setText('r3', '');
    const reloaded = make(storage);
    reloaded.getState().open('u1');
    expect(reloaded.getState().texts).toEqual({ r1: 'from tab one', r2: 'from tab two' });
  });

  it('ignores stored texts it cannot read', () => {
    const storage = memoryStorage();
    storage.setItem('parlor.drafts.u1', '{not json');
    const a = make(storage);
    a.getState().open('u1');
    expect(a.getState().texts).toEqual({});
    storage.setItem('parlor.drafts.u1', JSON.stringify({ r1: 5, r2: 'ok' }));
    a.getState().open('u1');
    expect(a.getState().texts).toEqual({ r2: 'ok' });
  });
});
