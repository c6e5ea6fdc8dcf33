import type { LinkPreview } from '../api/types';

/** Only http(s) links are followed or loaded; anything else is dropped. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A preview's image: the server's own thumbnail of it (a same-origin path), never another site's. */
export function previewImageUrl(url: string | null | undefined): string | null {
  return url && /^\/thumbs\/[0-9a-f]{32}\.jpg$/.test(url) ? url : null;
}

/** The cards of a message's link previews: site, title (the link), description, image. */
export function LinkPreviewList({ previews }: { previews?: LinkPreview[] }) {
  const shown = (previews ?? []).filter((p) => safeHttpUrl(p.url) && p.title);
  if (shown.length === 0) return null;
  return (
    <div className="link-previews">
      {shown.map((p) => {
        const href = safeHttpUrl(p.url)!;
        const image = previewImageUrl(p.image_url);
        return (
          <div className="link-preview" key={href} data-testid="link-preview">
            <div className="link-preview-text">
              {p.site_name && <div className="link-preview-site">{p.site_name}</div>}
              <a className="link-preview-title" href={href} target="_blank" rel="noopener noreferrer nofollow">
                {p.title}
              </a>
              {p.description && <div className="link-preview-description">{p.description}</div>}
            </div>
            {image && (
              <img className="link-preview-image" src={image} alt="" loading="lazy" />
            )}
          </div>
        );
      })}
    </div>
  );
}
