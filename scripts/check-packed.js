#!/usr/bin/env node
/*
 * Checks packed tarballs the way a registry consumer sees them (what publint
 * checks for main / module / types / exports, without a network fetch):
 *   - every file named by main, module, types, exports, typesVersions and
 *     configSchema is in the tarball;
 *   - no `workspace:` range is left in any dependency list;
 *   - no test library is a runtime dependency (a production install would
 *     pull testcontainers, dockerode and msw).
 *
 * Usage: node scripts/check-packed.js <dir with *.tgz>
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const TEST_LIBRARIES = [
  '@backstage/backend-test-utils',
  '@backstage/test-utils',
  '@backstage/frontend-test-utils',
  '@testing-library/react',
  'msw',
  'jest',
  'supertest',
];

function filesIn(tarball) {
  const out = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' });
  return new Set(
    out
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
}

function packedManifest(tarball) {
  return JSON.parse(
    execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
}

// Every string leaf of an exports / typesVersions value is a target path.
function targets(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(targets);
  if (value && typeof value === 'object') {
    // The `backstage` condition names a feature type, not a file.
    return Object.entries(value)
      .filter(([condition]) => condition !== 'backstage')
      .flatMap(([, v]) => targets(v));
  }
  return [];
}

function checkTarball(tarball) {
  const problems = [];
  const files = filesIn(tarball);
  const pkg = packedManifest(tarball);
  const named = [];
  for (const field of ['main', 'module', 'types', 'configSchema']) {
    if (pkg[field]) named.push([field, pkg[field]]);
  }
  for (const t of targets(pkg.exports)) named.push(['exports', t]);
  for (const t of targets(pkg.typesVersions)) named.push(['typesVersions', t]);
  for (const [field, target] of named) {
    const file = path.posix.normalize(target).replace(/^\.\//, '');
    if (file.includes('*')) continue;
    if (!files.has(file)) {
      problems.push(`${field} names ${target}, which is not in the tarball`);
    }
    if (/^src\//.test(file)) {
      problems.push(`${field} points into src/ (${target})`);
    }
  }
  if (!pkg.main) problems.push('no main');
  if (!pkg.types) problems.push('no types');
  for (const list of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [name, range] of Object.entries(pkg[list] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${list}.${name} is still ${range}`);
      }
    }
  }
  for (const name of TEST_LIBRARIES) {
    if (pkg.dependencies?.[name]) {
      problems.push(`test library ${name} is a runtime dependency`);
    }
    const optionalPeer = pkg.peerDependenciesMeta?.[name]?.optional;
    if (pkg.peerDependencies?.[name] && !optionalPeer) {
      problems.push(`test library ${name} is a required peer dependency`);
    }
  }
  return { name: pkg.name, problems };
}

function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: check-packed.js <dir with *.tgz>');
    process.exit(2);
  }
  const tarballs = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.tgz'))
    .map(f => path.join(dir, f));
  if (tarballs.length === 0) {
    console.error(`no tarballs in ${dir}`);
    process.exit(1);
  }
  let failed = false;
  for (const tarball of tarballs) {
    const { name, problems } = checkTarball(tarball);
    if (problems.length) {
      failed = true;
      console.log(`FAIL ${name}`);
      for (const p of problems) console.log(`     ${p}`);
    } else {
      console.log(`ok   ${name}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main();
