import type { Config } from '@backstage/config';
import { z } from 'zod/v3';
import { readAdapterConfig, toUserRef } from '../adapterSupport';

/**
 * How LiteLLM's teams, key aliases and request tags become our project ids
 * and user refs (`llmUsage.ingest.litellm` in app-config).
 */
export interface LiteLlmMapping {
  projectByTag: Record<string, string>;
  projectByKeyAlias: Record<string, string>;
  projectByTeam: Record<string, string>;
  defaultProjectId: string;
  userByKeyAlias: Record<string, string>;
  userByTag: Record<string, string>;
  userNamespace: string;
  defaultUserRef: string;
}

const lookup = z.record(z.string().min(1)).default({});

const mappingSchema = z.object({
  projectByTag: lookup,
  projectByKeyAlias: lookup,
  projectByTeam: lookup,
  defaultProjectId: z.string().min(1).default('litellm'),
  userByKeyAlias: lookup,
  userByTag: lookup,
  userNamespace: z.string().min(1).default('default'),
  defaultUserRef: z.string().min(1).default('user:default/litellm'),
});

export function readLiteLlmMapping(config?: Config): LiteLlmMapping {
  return readAdapterConfig('litellm', mappingSchema, config);
}

/** What the mapping looks at in one payload. */
export interface LiteLlmIdentity {
  tags: string[];
  keyAlias?: string;
  teamId?: string;
  teamAlias?: string;
  userId?: string;
}

function firstTagMatch(tags: string[], table: Record<string, string>) {
  const tag = tags.find(t => table[t] !== undefined);
  return tag === undefined ? undefined : table[tag];
}

/**
 * The project: a mapped tag, then a mapped key alias, then a mapped team (by
 * alias or id), then the team's alias or id itself, then the default.
 */
export function projectIdFor(mapping: LiteLlmMapping, who: LiteLlmIdentity) {
  return (
    firstTagMatch(who.tags, mapping.projectByTag) ??
    (who.keyAlias ? mapping.projectByKeyAlias[who.keyAlias] : undefined) ??
    (who.teamAlias ? mapping.projectByTeam[who.teamAlias] : undefined) ??
    (who.teamId ? mapping.projectByTeam[who.teamId] : undefined) ??
    who.teamAlias ??
    who.teamId ??
    mapping.defaultProjectId
  );
}

/**
 * The user: a mapped key alias, then a mapped tag, then LiteLLM's user id as a
 * user entity name, then the default.
 */
export function userRefFor(mapping: LiteLlmMapping, who: LiteLlmIdentity) {
  return (
    (who.keyAlias ? mapping.userByKeyAlias[who.keyAlias] : undefined) ??
    firstTagMatch(who.tags, mapping.userByTag) ??
    toUserRef(who.userId, mapping.userNamespace) ??
    mapping.defaultUserRef
  );
}
