import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { LinkPreview } from '../src/api/types';
import { LinkPreviewList, previewImageUrl, safeHttpUrl } from '../src/components/LinkPreviews';

const full: LinkPreview = {
  url: 'https://example.com/a?b=1',
  title: 'Quokkas <& friends>',
  description: 'Small marsupials.',
  image_url: '/thumbs/0123456789abcdef0123456789abcdef.jpg',
  site_name: 'Wildlife',
};

describe('link previews', () => {
  it('shows site, title as a link, description and image', () => {
    const html = renderToStaticMarkup(<LinkPreviewList previews={[full]} />);
    expect(html).toContain('Wildlife');
    expect(html).toContain('href="https://example.com/a?b=1"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('Quokkas &lt;&amp; friends&gt;');
    expect(html).toContain('Small marsupials.');
    expect(html).toContain('src="/thumbs/0123456789abcdef0123456789abcdef.jpg"');
  });

  it('shows only the server\'s own thumbnail as the image, never another site\'s', () => {
    const html = renderToStaticMarkup(<LinkPreviewList previews={[{ ...full, image_url: 'https://tracker.example/q.jpg' }]} />);
    expect(html).not.toContain('<img');
    expect(previewImageUrl('/thumbs/0123456789abcdef0123456789abcdef.jpg')).not.toBeNull();
    for (const bad of ['/thumbs/../x.jpg', '//evil.example/thumbs/x.jpg', '/thumbs/ABC.jpg', null])
      expect(previewImageUrl(bad)).toBeNull();
  });

  it('leaves out what is missing, and never follows a non-http link', () => {
    const bare: LinkPreview = { url: 'http://x.org', title: 'X', description: null, image_url: 'javascript:alert(1)', site_name: null };
    const html = renderToStaticMarkup(<LinkPreviewList previews={[bare]} />);
    expect(html).toContain('href="http://x.org/"');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript');
    const evil = { ...full, url: 'javascript:alert(1)' };
    expect(renderToStaticMarkup(<LinkPreviewList previews={[evil]} />)).toBe('');
    expect(renderToStaticMarkup(<LinkPreviewList previews={[]} />)).toBe('');
    expect(renderToStaticMarkup(<LinkPreviewList />)).toBe('');
  });

  it('accepts only http and https URLs', () => {
    expect(safeHttpUrl('https://a.io/x')).toBe('https://a.io/x');
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});
