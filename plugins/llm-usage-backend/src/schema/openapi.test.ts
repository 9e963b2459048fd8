import fs from 'node:fs';
import path from 'node:path';
import { spec } from './openapi/generated/router';

const serviceDir = path.resolve(__dirname, '../service');

/** `METHOD /path/{param}` for every route the routers in service/ declare. */
function routesInRouters(): string[] {
  const routes = new Set<string>();
  for (const file of fs.readdirSync(serviceDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = fs.readFileSync(path.join(serviceDir, file), 'utf8');
    const pattern = /router\.(get|post|put|patch|delete)\(\s*'([^']+)'/g;
    for (const [, method, route] of source.matchAll(pattern)) {
      routes.add(`${method.toUpperCase()} ${route.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return [...routes].sort();
}

function operationsInSpec(): string[] {
  return Object.entries(spec.paths as Record<string, object>)
    .flatMap(([route, item]) =>
      Object.keys(item).map(method => `${method.toUpperCase()} ${route}`),
    )
    .sort();
}

// The generated router holds the spec; `yarn openapi:check` fails in CI when
// it differs from openapi.yaml.
describe('OpenAPI spec', () => {
  it('describes every route the routers serve, and no other', () => {
    const routes = routesInRouters();
    // The scan itself must find the routers, or the comparison proves nothing.
    expect(routes).toContain('GET /usage/projects/{projectId}/calls');
    expect(routes.length).toBeGreaterThan(50);
    expect(operationsInSpec()).toEqual(routes);
  });

  it('names each operation once, as the generated client needs', () => {
    const ids = Object.values(
      spec.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap(item => Object.values(item).map(op => op.operationId));
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
