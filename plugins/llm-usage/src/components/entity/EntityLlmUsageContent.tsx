import { useEntity } from '@backstage/plugin-catalog-react';
import { EmptyState } from '@backstage/core-components';
import { LLM_USAGE_PROJECT_ID_ANNOTATION } from '@llm-usage/backstage-plugin-llm-usage-common';
import { BasePathProvider } from '../common';
import { ComponentLlmUsage } from './ComponentLlmUsage';
import { GroupLlmUsage } from './GroupLlmUsage';
import { isLlmUsageAvailable } from './entityPredicates';
import { useLlmUsageRoot } from './useLlmUsageRoot';
import { useLocalization } from '../../hooks';

/**
 * The "LLM Usage" tab of a catalog entity page: a Component's project usage
 * and linked keys, or a Group's keys and spend.
 *
 * @public
 */
export function EntityLlmUsageContent() {
  const { entity } = useEntity();
  const { t } = useLocalization();
  const root = useLlmUsageRoot();
  let content;
  if (!isLlmUsageAvailable(entity)) {
    content = (
      <EmptyState
        missing="field"
        title={t('keyWorkspace.entity.notAvailableTitle')}
        description={t('keyWorkspace.entity.notAvailableDescription', {
          annotation: LLM_USAGE_PROJECT_ID_ANNOTATION,
        })}
      />
    );
  } else if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
    content = <GroupLlmUsage entity={entity} />;
  } else {
    content = <ComponentLlmUsage entity={entity} />;
  }
  // Links inside (key details, tags) point into the plugin's own pages.
  return <BasePathProvider base={root}>{content}</BasePathProvider>;
}
