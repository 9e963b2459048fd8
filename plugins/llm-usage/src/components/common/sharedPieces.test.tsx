import {
  act,
  fireEvent,
  render,
  renderHook,
  screen,
} from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Table, TableHead, TableRow } from '@material-ui/core';
import { useCursorPages } from '../../hooks/useCursorPages';
import { trendIntervalChoice } from '../../hooks/useUsageRange';
import { ActionDialog } from './ActionDialog';
import { QueryContent } from './QueryContent';
import { SortLabel } from './SortHeaderCell';

describe('QueryContent', () => {
  const content = (value: string[]) => <p>{value.join(',')}</p>;
  const retry = jest.fn();

  it('shows the error with a retry, before any value', async () => {
    await renderInTestApp(
      <QueryContent
        query={{ error: new Error('boom'), value: ['a'], retry }}
        loading={<p>loading</p>}
      >
        {content}
      </QueryContent>,
    );
    expect(screen.getAllByText(/boom/).length).toBeGreaterThan(0);
    expect(screen.queryByText('a')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalled();
  });

  it.each([
    [401, 'You are not allowed to see this.'],
    [403, 'You are not allowed to see this.'],
    [404, 'This could not be found. It may have been deleted.'],
    [400, 'The request was not accepted.'],
    [
      503,
      'The LLM usage service is not reachable right now. Try again in a moment.',
    ],
    [409, 'Something went wrong while loading this.'],
  ])(
    'explains a %i response in words, the server message as detail',
    async (statusCode, text) => {
      const error = Object.assign(
        new Error(`Request failed with ${statusCode}`),
        {
          name: 'ResponseError',
          statusCode,
          body: {
            error: { name: 'SomeError', message: "Invalid field 'from'" },
          },
        },
      );
      await renderInTestApp(
        <QueryContent query={{ error, retry }} loading={<p>loading</p>}>
          {content}
        </QueryContent>,
      );
      expect(screen.getByText(text)).toBeInTheDocument();
      expect(
        screen.getByText("Details: Invalid field 'from'"),
      ).toBeInTheDocument();
      expect(screen.queryByText(/Request failed/)).toBeNull();
    },
  );

  it('calls an unreachable backend unavailable', async () => {
    await renderInTestApp(
      <QueryContent
        query={{ error: new TypeError('Failed to fetch'), retry }}
        loading={<p>loading</p>}
      >
        {content}
      </QueryContent>,
    );
    expect(
      screen.getByText(
        'The LLM usage service is not reachable right now. Try again in a moment.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Details: Failed to fetch')).toBeInTheDocument();
  });

  it('shows loading, then empty, then the content', () => {
    const view = (value?: string[]) => (
      <QueryContent
        query={{ value, retry }}
        loading={<p>loading</p>}
        isEmpty={v => v.length === 0}
        empty={<p>nothing</p>}
      >
        {content}
      </QueryContent>
    );
    const { rerender } = render(view());
    expect(screen.getByText('loading')).toBeInTheDocument();
    rerender(view([]));
    expect(screen.getByText('nothing')).toBeInTheDocument();
    rerender(view(['x', 'y']));
    expect(screen.getByText('x,y')).toBeInTheDocument();
  });
});

describe('ActionDialog', () => {
  it('confirms only when enabled, and cancels', async () => {
    const onClick = jest.fn();
    const onClose = jest.fn();
    const view = (disabled: boolean) => (
      <ActionDialog
        title="Delete it?"
        onClose={onClose}
        confirm={{ label: 'Delete', onClick, disabled, destructive: true }}
      >
        body
      </ActionDialog>
    );
    await renderInTestApp(view(true));
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('has only a Close button without a main action', async () => {
    const onClose = jest.fn();
    await renderInTestApp(
      <ActionDialog title="History" onClose={onClose}>
        runs
      </ActionDialog>,
    );
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('SortLabel', () => {
  const header = (props: {
    sort: 'name' | 'cost';
    order: 'asc' | 'desc';
    onSortChange: (field: 'name' | 'cost', order: 'asc' | 'desc') => void;
  }) => (
    <Table>
      <TableHead>
        <TableRow>
          <th>
            <SortLabel field="cost" firstOrder="desc" {...props}>
              Cost
            </SortLabel>
          </th>
        </TableRow>
      </TableHead>
    </Table>
  );

  it('starts a new column in its first order and flips an active one', () => {
    const onSortChange = jest.fn();
    const { rerender } = render(
      header({ sort: 'name', order: 'asc', onSortChange }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cost' }));
    expect(onSortChange).toHaveBeenLastCalledWith('cost', 'desc');
    rerender(header({ sort: 'cost', order: 'desc', onSortChange }));
    fireEvent.click(screen.getByRole('button', { name: 'Cost' }));
    expect(onSortChange).toHaveBeenLastCalledWith('cost', 'asc');
    rerender(header({ sort: 'cost', order: 'asc', onSortChange }));
    fireEvent.click(screen.getByRole('button', { name: 'Cost' }));
    expect(onSortChange).toHaveBeenLastCalledWith('cost', 'desc');
  });
});

describe('useCursorPages', () => {
  it('goes older and newer, and starts again when the key changes', () => {
    const { result, rerender } = renderHook(({ key }) => useCursorPages(key), {
      initialProps: { key: 'a' },
    });
    expect(result.current.cursor).toBeUndefined();
    expect(result.current.hasNewer).toBe(false);
    act(() => result.current.older('c1'));
    act(() => result.current.older('c2'));
    expect(result.current.cursor).toBe('c2');
    act(() => result.current.newer());
    expect(result.current.cursor).toBe('c1');
    expect(result.current.hasNewer).toBe(true);
    rerender({ key: 'b' });
    expect(result.current.cursor).toBeUndefined();
    expect(result.current.hasNewer).toBe(false);
  });
});

describe('trendIntervalChoice', () => {
  it('keeps an allowed interval from the URL and replaces one the range does not allow', () => {
    expect(trendIntervalChoice({ preset: '7d' }, 'hour')).toEqual({
      intervals: ['hour', 'day', 'week', 'month'],
      interval: 'hour',
    });
    expect(trendIntervalChoice({ preset: '90d' }, 'hour')).toEqual({
      intervals: ['day', 'week', 'month'],
      interval: 'week',
    });
    expect(trendIntervalChoice({ preset: '24h' }, null).interval).toBe('hour');
  });
});
