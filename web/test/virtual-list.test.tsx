// @vitest-environment jsdom
import { describe, expect, it, beforeAll } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { VirtualList } from '../src/components/VirtualList';

beforeAll(() => {
  (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  (globalThis as any).ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

describe('VirtualList', () => {
  it('mounts only the rows near the viewport of a 10,000-row list', async () => {
    const items = Array.from({ length: 10000 }, (_, i) => i);
    const host = document.createElement('div');
    document.body.appendChild(host);
    const root = createRoot(host);
    let nearTop = 0;
    await act(async () => {
      root.render(
        <VirtualList
          label="rows"
          items={items}
          getKey={(i) => String(i)}
          render={(i) => <p>row {i}</p>}
          estimate={50}
          onNearTop={() => nearTop++}
        />,
      );
    });
    const rows = host.querySelectorAll('.vrow');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    const inner = host.querySelector('.vlist-inner') as HTMLElement;
    expect(inner.style.height).toBe(`${10000 * 50}px`);
    expect(nearTop).toBe(0);
    await act(async () => root.unmount());
  });
});
