import { ReactNode } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useLocalization } from '../../hooks';

/** A link to a catalog entity that may not be set: the owner, the component. */
export function OptionalEntityRefLink(props: {
  entityRef?: string | null;
  defaultKind: string;
  /** What stands without an entity; a dash by default. */
  fallback?: ReactNode;
}) {
  const { entityRef, defaultKind, fallback } = props;
  const { t } = useLocalization();
  if (!entityRef) {
    return <>{fallback ?? t('common.none')}</>;
  }
  return <EntityRefLink entityRef={entityRef} defaultKind={defaultKind} />;
}
