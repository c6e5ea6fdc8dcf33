import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { renderRichText } from '../src/utils/richtext';
import { mentionedNames, typingLine } from '../src/utils/format';

const html = (s: string) => renderToStaticMarkup(<div>{renderRichText(s, { self: 'ana' })}</div>);

describe('renderRichText', () => {
  it('escapes HTML and script', () => {
    const out = html('<img src=x onerror="alert(1)"><script>alert(2)</script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;');
  });

  it('renders bold, italic, code, blocks and links', () => {
    expect(html('**b** _i_ `c`')).toBe('<div><strong>b</strong> <em>i</em> <code>c</code></div>');
    expect(html('x ```js\nlet a = "<b>";\n``` y')).toBe('<div>x <pre class="code-block"><code>let a = &quot;&lt;b&gt;&quot;;</code></pre> y</div>');
    expect(html('see https://example.com/a?b=1.')).toBe(
      '<div>see <a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a?b=1</a>.</div>',
    );
  });

  it('never links other schemes', () => {
    expect(html('javascript:alert(1) [x](javascript:alert(1))')).not.toContain('<a');
  });

  it('does not treat snake_case as italic and highlights own mentions', () => {
    expect(html('a_b_c')).toBe('<div>a_b_c</div>');
    expect(html('hi @ana and @bo')).toBe('<div>hi <span class="mention mention-self">@ana</span> and <span class="mention">@bo</span></div>');
  });
});

describe('format', () => {
  it('builds the typing line', () => {
    expect(typingLine([])).toBe('');
    expect(typingLine(['Ana'])).toBe('Ana is typing…');
    expect(typingLine(['Ana', 'Bo'])).toBe('Ana and Bo are typing…');
    expect(typingLine(['Ana', 'Bo', 'Cy'])).toBe('Several people are typing…');
  });

  it('finds mentioned usernames', () => {
    expect(mentionedNames('@ana hi @bo. mail a@b.c @ana')).toEqual(['ana', 'bo']);
  });
});
