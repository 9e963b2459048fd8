import { parseEntityRef } from '@backstage/catalog-model';

const CATALOG_KINDS = ['user', 'group', 'component'];

/**
 * A catalog ref as people say it: `group:default/growth-team` is
 * `growth-team` (the label around it names the kind), another namespace
 * stays (`ops/sre`). Anything else (`plugin:x`, an id) stays as it is.
 */
export function readableEntityRef(ref: string): string {
  try {
    const { kind, namespace, name } = parseEntityRef(ref);
    if (!CATALOG_KINDS.includes(kind.toLocaleLowerCase('en-US'))) {
      return ref;
    }
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/**
 * What an audit event acted on, by name where its snapshot has one
 * (a key, tag, budget or account), else its id.
 */
export function readableAuditTarget(event: {
  targetId: string;
  before: unknown;
  after: unknown;
}): string {
  for (const snapshot of [event.after, event.before]) {
    const name = (snapshot as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name.trim() !== '') {
      return name;
    }
  }
  return readableEntityRef(event.targetId);
}
