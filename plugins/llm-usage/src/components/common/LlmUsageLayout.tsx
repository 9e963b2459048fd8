import { ReactNode } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import { DemoDataBanner } from './DemoDataBanner';
import { LlmUsageNav } from './LlmUsageNav';

/** @internal */
export interface LlmUsageLayoutProps {
  title: ReactNode;
  pageTitle: string;
  subtitle?: ReactNode;
  type?: string;
  typeLink?: string;
  children: ReactNode;
}

/** Page chrome shared by the LLM Usage pages, with the demo data label. */
export function LlmUsageLayout(props: LlmUsageLayoutProps) {
  const { title, pageTitle, subtitle, type, typeLink, children } = props;
  return (
    <Page themeId="tool">
      <Header
        title={title}
        pageTitleOverride={pageTitle}
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
