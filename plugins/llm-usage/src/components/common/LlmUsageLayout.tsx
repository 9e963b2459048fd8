import { ReactNode } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import { DemoDataBanner } from './DemoDataBanner';
import { LlmUsageNav } from './LlmUsageNav';
import { useLocalization } from '../../hooks';

/** @internal */
export interface LlmUsageLayoutProps {
  title: string;
  /** The browser tab's title; by default the title, then the plugin's name. */
  pageTitle?: string;
  subtitle?: ReactNode;
  type?: string;
  typeLink?: string;
  children: ReactNode;
}

/** Page chrome shared by the LLM Usage pages, with the demo data label. */
export function LlmUsageLayout({
  title,
  pageTitle,
  subtitle,
  type,
  typeLink,
  children,
}: LlmUsageLayoutProps) {
  const { t } = useLocalization();
  return (
    <Page themeId="tool">
      <Header
        title={title}
        pageTitleOverride={pageTitle ?? `${title} · ${t('page.title')}`}
        subtitle={subtitle}
        type={type}
        typeLink={typeLink}
      />
      <LlmUsageNav />
      <Content>
        <DemoDataBanner />
        {children}
      </Content>
    </Page>
  );
}
