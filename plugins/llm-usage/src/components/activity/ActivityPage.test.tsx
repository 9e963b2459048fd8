import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEvent } from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { ActivityPage } from './ActivityPage';
import { toAuditQuery } from './auditQuery';

jest.setTimeout(30_000);

function event(id: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    occurredAt: '2026-11-24T10:00:00.000Z',
    actorRef: 'user:default/alice',
    action: 'budget.update',
    targetType: 'budget',
    targetId: `budget-${id}`,
    before: { amount: '100' },
    after: { amount: '200' },
    ...overrides,
  };
}

describe('toAuditQuery', () => {
  it('selects keys by id and includes the whole "to" day', () => {
    const query = toAuditQuery({
      key: 'k1',
      type: 'budget',
      user: 'user:default/bob',
      from: '2026-11-01',
      to: '2026-11-02',
    });
    expect(query.targetType).toBe('key');
    expect(query.targetId).toBe('k1');
    expect(query.actorRef).toBe('user:default/bob');
    expect(Date.parse(query.to!) - Date.parse(query.from!)).toBe(
      2 * 86_400_000,
    );
  });
});

describe('ActivityPage', () => {
  it('lists events, pages with the cursor and shows before and after', async () => {
    const api = mockLlmUsageApi({
      listAuditEvents: jest.fn(async query =>
        query?.cursor === 'c2'
          ? { items: [event('e3')] }
          : { items: [event('e1'), event('e2')], nextCursor: 'c2' },
      ),
    });
    renderWithApi(<ActivityPage />, { api });
    expect(await screen.findByTestId('audit-e1')).toHaveTextContent(
      'budget.update',
    );
    expect(screen.getByTestId('audit-e2')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByTestId('audit-e3')).toBeInTheDocument();
    expect(api.listAuditEvents).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'c2', limit: 25 }),
      expect.anything(),
    );
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show before and after' }),
    );
    expect(await screen.findByText('Before')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByTestId('audit-e1')).toBeInTheDocument();
  });

  it('filters by user and by key, from the URL', async () => {
    const api = mockLlmUsageApi({
      listAuditEvents: jest.fn(async () => ({ items: [] })),
    });
    renderWithApi(<ActivityPage />, {
      api,
      initialRouteEntries: ['/?key=k9&user=user:default/bob'],
    });
    expect(
      await screen.findByText('No activity matches these filters'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.listAuditEvents).toHaveBeenCalledWith(
        expect.objectContaining({
          targetType: 'key',
          targetId: 'k9',
          actorRef: 'user:default/bob',
        }),
        expect.anything(),
      ),
    );
  });

  it('exports the filtered activity through the backend', async () => {
    const api = mockLlmUsageApi({
      listAuditEvents: jest.fn(async () => ({ items: [event('e1')] })),
      exportAuditEvents: jest.fn(async () => ({
        blob: new Blob(['a,b']),
        filename: 'llm-usage-activity.csv',
      })),
    });
    URL.createObjectURL = jest.fn(() => 'blob:x');
    URL.revokeObjectURL = jest.fn();
    renderWithApi(<ActivityPage />, {
      api,
      initialRouteEntries: ['/?type=budget'],
    });
    await screen.findByTestId('audit-e1');
    await userEvent.click(screen.getByRole('button', { name: /Export/ }));
    await userEvent.click(await screen.findByText('CSV'));
    await waitFor(() =>
      expect(api.exportAuditEvents).toHaveBeenCalledWith(
        expect.objectContaining({ targetType: 'budget' }),
        'csv',
      ),
    );
  });

  it('shows the error of a failed load with a retry', async () => {
    const api = mockLlmUsageApi({
      listAuditEvents: jest.fn(async () => {
        throw new Error('no access');
      }),
    });
    renderWithApi(<ActivityPage />, { api });
    expect((await screen.findAllByText(/no access/))[0]).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
