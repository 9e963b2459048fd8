import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { languagesModule } from './modules/languages';
import { costInsights } from './modules/costInsights';

// Plugins that are dependencies of this package, such as
// @llm-usage/backstage-plugin-llm-usage (its `/alpha` default export), are
// discovered through `app.packages: all` and need not be listed here.
export default createApp({
  features: [catalogPlugin, navModule, languagesModule, costInsights],
});
