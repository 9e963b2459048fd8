import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LLM_USAGE_PROJECT_ID_ANNOTATION } from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * The project ids a Component reports its calls under, from the
 * `llm-usage.io/project-id` annotation (comma separated, blanks ignored).
 *
 * @public
 */
export function projectIdsOf(entity: Entity): string[] {
  const value = entity.metadata.annotations?.[LLM_USAGE_PROJECT_ID_ANNOTATION];
  if (!value) {
    return [];
  }
  return [
    ...new Set(
      value
        .split(',')
        .map(id => id.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Whether an entity page has an LLM Usage tab: Components that name their
 * project ids, and every Group (a team owns keys and projects).
 *
 * @public
 */
export function isLlmUsageAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (kind === 'group') {
    return true;
  }
  return kind === 'component' && projectIdsOf(entity).length > 0;
}

/** The entity's ref in the canonical lower-case form the backend stores. */
export function entityRefOf(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}
