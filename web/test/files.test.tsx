import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { FileInfo, Message } from '../src/api/types';
import { AppContext, type AppServices } from '../src/app-context';
import { AttachmentList, imageBox, safeFileUrl } from '../src/components/Attachments';
import { MessageItem } from '../src/components/MessageItem';
import { createChatStore } from '../src/stores/chat';
import { createUiStore } from '../src/stores/ui';
import { attachmentSummary, formatBytes } from '../src/utils/format';
import { pastedImages } from '../src/viewmodels/files';
import { FakeTransport, fakeRest, msg } from './fakes';

const photo: FileInfo = {
  id: 'f1',
  url: '/files/abc/cat.jpg',
  file_name: 'cat.jpg',
  file_size: 2_400_000,
  content_type: 'image/jpeg',
  thumbnail_url: '/files/abc/thumb.jpg',
  width: 1600,
  height: 1200,
};
const pdf: FileInfo = {
  id: 'f2',
  url: '/files/def/report.pdf',
  file_name: 'report <final>.pdf',
  file_size: 1536,
  content_type: 'application/pdf',
  thumbnail_url: null,
  width: null,
  height: null,
};

describe('formatBytes', () => {
  it('writes sizes for people, 1024-based', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024 - 1)).toBe('10 KB');
    expect(formatBytes(12_345)).toBe('12 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(2_400_000)).toBe('2.3 MB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GB');
    expect(formatBytes(-1)).toBe('');
  });

  it('sums files up for a message without text', () => {
    expect(attachmentSummary([])).toBe('');
    expect(attachmentSummary([photo])).toBe('cat.jpg');
    expect(attachmentSummary([photo, pdf])).toBe('2 files');
  });
});

describe('attachments', () => {
  it('fits an image box to its proportions, never enlarging', () => {
    expect(imageBox(1600, 1200)).toEqual({ width: 360, height: 270 });
    expect(imageBox(400, 1600)).toEqual({ width: 70, height: 280 });
    expect(imageBox(50, 20)).toEqual({ width: 50, height: 20 });
    expect(imageBox(null, 20)).toBeNull();
    expect(imageBox(0, 0)).toBeNull();
  });

  it('follows only same-server paths and http(s) links', () => {
    expect(safeFileUrl('/files/k/a.png')).toBe('/files/k/a.png');
    expect(safeFileUrl('https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
    expect(safeFileUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeFileUrl('//evil.example/a.png')).toBeUndefined();
    expect(safeFileUrl('data:text/html,x')).toBeUndefined();
    expect(safeFileUrl(null)).toBeUndefined();
  });

  it('renders an image as a sized thumbnail opening the full file, and a file as a card', () => {
    const out = renderToStaticMarkup(<AttachmentList files={[photo, pdf]} />);
    expect(out).toContain(
      '<a class="attachment-image" href="/files/abc/cat.jpg" target="_blank" rel="noopener noreferrer" title="cat.jpg" data-testid="attachment-image" style="width:360px;aspect-ratio:360 / 270">',
    );
    expect(out).toContain('<img src="/files/abc/thumb.jpg" alt="cat.jpg" width="360" height="270" loading="lazy"/>');
    expect(out).toContain('report &lt;final&gt;.pdf</a>');
    expect(out).toContain('<span class="attachment-size">1.5 KB</span>');
    expect(out).toContain('href="/files/def/report.pdf" download="report &lt;final&gt;.pdf" aria-label="Download report &lt;final&gt;.pdf"');
  });

  it('shows an image without a thumbnail, or with a bad link, as a file card without links', () => {
    const out = renderToStaticMarkup(
      <AttachmentList files={[{ ...photo, thumbnail_url: null }, { ...pdf, url: 'javascript:alert(1)' }]} />,
    );
    expect(out).not.toContain('attachment-image');
    expect(out.match(/data-testid="attachment-file"/g)).toHaveLength(2);
    expect(out).not.toContain('javascript:');
  });
});

describe('MessageItem with files', () => {
  function render(message: Message) {
    const chat = createChatStore({ transport: new FakeTransport(), rest: fakeRest([]) });
    const services = { chat, ui: createUiStore() } as unknown as AppServices;
    return renderToStaticMarkup(
      <AppContext.Provider value={services}>
        <MessageItem message={message} grouped={false} />
      </AppContext.Provider>,
    );
  }

  it('shows files under the content, and none for a deleted message', () => {
    const withText = render(msg('r', 1, { content: 'see', attachments: [photo, pdf] }));
    expect(withText.indexOf('data-testid="message-body"')).toBeLessThan(withText.indexOf('data-testid="attachments"'));
    expect(withText.match(/data-testid="attachment-(image|file)"/g)).toHaveLength(2);
    // Files alone: no empty text line.
    const filesOnly = render(msg('r', 2, { content: '', attachments: [pdf] }));
    expect(filesOnly).not.toContain('data-testid="message-body"');
    expect(filesOnly).toContain('data-testid="attachment-file"');
    const deleted = render(msg('r', 3, { content: '', deleted: true, attachments: [photo] }));
    expect(deleted).toContain('This message was deleted.');
    expect(deleted).not.toContain('attachment');
  });
});

describe('pastedImages', () => {
  const png = new File([new Uint8Array(3)], 'image.png', { type: 'image/png' });
  const txt = new File([new Uint8Array(3)], 'a.txt', { type: 'text/plain' });
  it('takes pasted images, not other files, and nothing when text comes along', () => {
    expect(pastedImages({ files: [png, txt], types: ['Files'] })).toEqual([png]);
    expect(pastedImages({ files: [png], types: ['text/plain', 'Files'] })).toEqual([]);
    expect(pastedImages({ files: [], types: ['text/plain'] })).toEqual([]);
    expect(pastedImages(null)).toEqual([]);
  });
});
