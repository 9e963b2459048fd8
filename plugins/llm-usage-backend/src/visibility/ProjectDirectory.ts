import type { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  LLM_USAGE_PROJECT_ID_ANNOTATION,
  LinkedEntity,
} from '@llm-usage/backstage-plugin-llm-usage-common';

const EMPTY_TTL_MS = 5_000;
const ANNOTATION_FILTER_KEY = `metadata.annotations.${LLM_USAGE_PROJECT_ID_ANNOTATION}`;

/**
 * Maps project ids to the catalog Components that declare them through the
 * `llm-usage.io/project-id` annotation. The mapping is cached briefly: it
 * changes as often as catalog-info files do, and every usage request needs it.
 */
export class ProjectDirectory {
  private cached?: { at: number; projects: Promise<Map<string, LinkedEntity>> };
  /** Each loaded Component's annotations (e.g. its SLOs), by its linked entity. */
  private readonly annotations = new WeakMap<
    LinkedEntity,
    Record<string, string>
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs = 60_000,
  ) {}

  async projects(): Promise<Map<string, LinkedEntity>> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const projects = this.load();
      this.cached = { at: now, projects };
      // A failed load must not be cached, nor for long an empty one: right
      // after startup the catalog is usually still reading its locations.
      projects.then(
        map => {
          if (map.size === 0 && this.cached?.projects === projects) {
            this.cached.at = now - this.ttlMs + EMPTY_TTL_MS;
          }
        },
        () => {
          if (this.cached?.projects === projects) this.cached = undefined;
        },
      );
    }
    return this.cached.projects;
  }

  async entityOf(projectId: string): Promise<LinkedEntity | undefined> {
    return (await this.projects()).get(projectId);
  }

  /** The annotations of the Component a project id belongs to ({} for none). */
  async annotationsOf(projectId: string): Promise<Record<string, string>> {
    const entity = await this.entityOf(projectId);
    return (entity && this.annotations.get(entity)) ?? {};
  }

  /** Project ids whose Component is owned by one of the given refs. */
  async projectIdsOwnedBy(ownershipRefs: string[]): Promise<string[]> {
    const owners = new Set(
      ownershipRefs.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    const ids: string[] = [];
    for (const [projectId, entity] of await this.projects()) {
      if (
        entity.ownerRefs.some(ref => owners.has(ref.toLocaleLowerCase('en-US')))
      ) {
        ids.push(projectId);
      }
    }
    return ids;
  }

  private async load(): Promise<Map<string, LinkedEntity>> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [ANNOTATION_FILTER_KEY]: CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata', 'relations'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const projects = new Map<string, LinkedEntity>();
    for (const entity of items) {
      const linked = toLinkedEntity(entity);
      this.annotations.set(linked, entity.metadata.annotations ?? {});
      for (const projectId of projectIdsOf(entity)) {
        if (!projects.has(projectId)) projects.set(projectId, linked);
      }
    }
    return projects;
  }
}

export function projectIdsOf(entity: Entity): string[] {
  const value =
    entity.metadata.annotations?.[LLM_USAGE_PROJECT_ID_ANNOTATION] ?? '';
  return value
    .split(',')
    .map(id => id.trim())
    .filter(Boolean);
}

function toLinkedEntity(entity: Entity): LinkedEntity {
  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    ownerRefs: (entity.relations ?? [])
      .filter(relation => relation.type === RELATION_OWNED_BY)
      .map(relation => relation.targetRef),
  };
}
