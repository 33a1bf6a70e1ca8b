import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import PagedTable from './PagedTable.svelte';

type Item = { id: string; name: string };
const row = createRawSnippet((item: () => Item) => ({
  render: () => `<tr data-testid="row"><td>${item().name}</td><td><button>Act</button></td></tr>`,
}));
const items = (n: number, from = 0): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: `i${from + i}`, name: `item ${from + i}` }));

describe('PagedTable', () => {
  it('renders a row per item under named column headers, the actions column named for screen readers', () => {
    render(PagedTable<Item>, {
      items: items(3),
      key: (i: Item) => i.id,
      columns: ['Name', ''],
      row,
      empty: 'Nothing here.',
      testid: 'things',
    });
    const table = screen.getByTestId('things');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Name', 'Actions']);
    expect(
      within(table)
        .getAllByTestId('row')
        .map((r) => r.textContent),
    ).toEqual(['item 0Act', 'item 1Act', 'item 2Act']);
    // an unpaged table has no pager
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('says so when the list is empty, across every column', () => {
    render(PagedTable<Item>, {
      items: [],
      key: (i: Item) => i.id,
      columns: ['A', 'B', ''],
      row,
      empty: 'None yet.',
    });
    const cell = screen.getByText('None yet.');
    expect(cell.getAttribute('colspan')).toBe('3');
  });

  it('pages by the server’s total: where we are, and previous/next asking for the neighbouring offset', async () => {
    const onPage = vi.fn();
    render(PagedTable<Item>, {
      items: items(10, 10),
      key: (i: Item) => i.id,
      columns: ['Name', ''],
      row,
      empty: '',
      paging: { offset: 10, limit: 10, total: 25, label: 'Thing pages', onPage },
    });
    const pager = screen.getByRole('navigation', { name: 'Thing pages' });
    expect(pager.textContent).toMatch(/11–20\s*of 25/);
    await fireEvent.click(within(pager).getByRole('button', { name: 'Next' }));
    await fireEvent.click(within(pager).getByRole('button', { name: 'Previous' }));
    expect(onPage.mock.calls).toEqual([[20], [0]]);
  });

  it('without a total, offers the next page only while the server says more follow', () => {
    render(PagedTable<Item>, {
      items: items(5),
      key: (i: Item) => i.id,
      columns: ['Name'],
      row,
      empty: '',
      paging: { offset: 0, limit: 5, total: null, hasMore: true, label: 'Run pages', onPage: () => {} },
    });
    const pager = screen.getByRole('navigation', { name: 'Run pages' });
    expect(within(pager).getByRole('button', { name: 'Previous' })).toHaveProperty('disabled', true);
    expect(within(pager).getByRole('button', { name: 'Next' })).toHaveProperty('disabled', false);
  });
});
