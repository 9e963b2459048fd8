import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Route, Routes, useLocation } from 'react-router-dom';
import { BasePathProvider } from './BasePath';
import { LlmUsageNav } from './LlmUsageNav';

function Where() {
  return <output>{useLocation().pathname}</output>;
}

function render(path: string) {
  return renderInTestApp(
    <BasePathProvider base="/llm-usage">
      <Routes>
        <Route
          path="/llm-usage/*"
          element={
            <>
              <LlmUsageNav />
              <Where />
            </>
          }
        />
      </Routes>
    </BasePathProvider>,
    { initialRouteEntries: [path] },
  );
}

describe('LlmUsageNav', () => {
  it('links every section below the mount point and marks the current one', async () => {
    await render('/llm-usage/keys');
    const nav = screen.getByRole('navigation', { name: 'LLM Usage sections' });
    const links = Array.from(nav.querySelectorAll('a')).map(a => [
      a.textContent,
      a.getAttribute('href'),
    ]);
    expect(links).toEqual([
      ['Dashboard', '/llm-usage'],
      ['Keys', '/llm-usage/keys'],
      ['Reconciliation', '/llm-usage/reconciliation'],
      ['Alerts', '/llm-usage/alerts'],
      ['Activity', '/llm-usage/activity'],
      ['Settings', '/llm-usage/settings'],
    ]);
    expect(screen.getByRole('tab', { name: 'Keys' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    expect(screen.getByRole('tab', { name: 'Dashboard' })).not.toHaveAttribute(
      'aria-current',
    );
  });

  it('counts a project page and settings tabs as their section', async () => {
    await render('/llm-usage/settings/tags');
    expect(screen.getByRole('tab', { name: 'Settings' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('moves between pages when a section is clicked', async () => {
    await render('/llm-usage/projects/checkout');
    expect(screen.getByRole('tab', { name: 'Dashboard' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await userEvent.click(screen.getByRole('tab', { name: 'Alerts' }));
    expect(screen.getByRole('status')).toHaveTextContent('/llm-usage/alerts');
    expect(screen.getByRole('tab', { name: 'Alerts' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });
});
