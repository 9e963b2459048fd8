import { screen } from '@testing-library/react';
import {
  TestApiProvider,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import { llmUsageApiRef } from '../api';
import { DashboardPage } from '../components/dashboard/DashboardPage';
import { busyOverview, mockLlmUsageApi } from '../__testUtils__/fixtures';
import { llmUsageTranslations } from './index';
import zh from './zh';

function renderInLanguage(language: string) {
  const api = mockLlmUsageApi({
    getOverview: jest.fn(async () => busyOverview),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[llmUsageApiRef, api]]}>
      <DashboardPage />
    </TestApiProvider>,
    {
      config: {
        app: {
          extensions: [
            {
              'api:app/app-language': {
                config: {
                  availableLanguages: ['en', 'zh'],
                  defaultLanguage: language,
                },
              },
            },
          ],
        },
      },
      features: [
        createFrontendModule({
          pluginId: 'app',
          extensions: [
            TranslationBlueprint.make({
              name: 'llm-usage',
              params: { resource: llmUsageTranslations },
            }),
          ],
        }),
      ],
    },
  );
}

describe('translations', () => {
  // The app remembers the chosen language in local storage.
  beforeEach(() => window.localStorage.clear());

  it('renders the dashboard in Simplified Chinese', async () => {
    renderInLanguage('zh');
    expect(await screen.findByText('总调用次数')).toBeInTheDocument();
    expect(screen.getAllByText('LLM 用量').length).toBeGreaterThan(0);
    // numbers follow the language too
    expect(screen.getByTestId('cost-CNY')).toHaveTextContent('¥88.12');
  });

  it('renders the dashboard in English by default', async () => {
    renderInLanguage('en');
    expect(await screen.findByText('Total calls')).toBeInTheDocument();
  });

  it('translates every message', () => {
    for (const [key, value] of Object.entries(zh.messages)) {
      expect([key, value?.trim()]).not.toEqual([key, '']);
    }
  });
});
