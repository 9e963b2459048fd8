import fs from 'node:fs';
import path from 'node:path';
import { llmUsageTranslationRef } from '../translation';
import { LLM_USAGE_LANGUAGES, translationLoaders } from './index';

/*
 * Every language resource against the English reference: no key missing,
 * empty, stale or left in English, the same {{variables}}, every plural
 * form the language needs, and no English key that the source never uses.
 */

const SRC = path.resolve(__dirname, '..');
const APP_SRC = path.resolve(__dirname, '../../../../packages/app/src');
const english: Record<string, string> = (
  llmUsageTranslationRef as unknown as {
    getDefaultMessages(): Record<string, string>;
  }
).getDefaultMessages();

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const baseOf = (key: string) => key.replace(PLURAL_SUFFIX, '');
const pluralBases = new Set(
  Object.keys(english)
    .filter(key => key.endsWith('_other'))
    .map(baseOf),
);

/**
 * Words every language writes like English: product names, units and
 * abbreviations. A value made only of these (and numbers, punctuation and
 * {{variables}}) may equal the English one.
 */
const SAME_AS_ENGLISH = new Set([
  'API',
  'CSV',
  'XLSX',
  'JSON',
  'ID',
  'URL',
  'LLM',
  'P95',
  'TTFT',
  'OpenAI',
  'Anthropic',
  'OpenRouter',
  'Volcengine',
  'LiteLLM',
  'Token',
  'ms',
  's',
  'UTC',
  'Excel',
  'OK',
  'Chat',
  'Audio',
]);

/** Words a language shares with English, e.g. German "Status". */
const COGNATES: Record<string, string[]> = {
  de: [
    'Status',
    'Name',
    'Tag',
    'Tags',
    'Tokens',
    'Budget',
    'Budgets',
    'Team',
    'Details',
  ],
  fr: [
    'Total',
    'Type',
    'Image',
    'Budget',
    'Budgets',
    'Action',
    'Actions',
    'Service',
    'Source',
    'Active',
  ],
  es: ['Total', 'Error', 'General'],
  it: [
    'Budget',
    'Team',
    'Token',
    'Tag',
    'Chat',
    'Provider',
    'Dashboard',
    'Link',
  ],
  'pt-BR': ['Total', 'Status', 'Chat', 'Tags'],
};

function wordsOf(value: string): string[] {
  return value
    .replace(/\{\{[^}]+\}\}/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(word => word && !/^\p{N}+$/u.test(word));
}

function variablesOf(value: string): string[] {
  return [...value.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)]
    .map(match => match[1])
    .sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'translations' || entry.name === 'generated'
        ? []
        : sourceFiles(full);
    }
    const code =
      /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name);
    return code && entry.name !== 'translation.ts' ? [full] : [];
  });
}

async function load(language: string): Promise<Record<string, unknown>> {
  const module = await translationLoaders[language]();
  const value = module.default as { messages?: Record<string, unknown> };
  return value.messages ?? (value as Record<string, unknown>);
}

const languages = LLM_USAGE_LANGUAGES.filter(language => language !== 'en');

describe('translation resources', () => {
  it('registers every language file next to it, and offers English first', () => {
    const files = fs
      .readdirSync(__dirname)
      .filter(name => /^[a-z]{2}(-[A-Za-z]+)?\.ts$/.test(name))
      .map(name => name.replace(/\.ts$/, ''))
      .sort();
    expect([...languages].sort()).toEqual(files);
    expect(LLM_USAGE_LANGUAGES[0]).toBe('en');
  });

  describe.each(languages)('%s', language => {
    let messages: Record<string, unknown>;
    beforeAll(async () => {
      messages = await load(language);
    });

    it('has every English key, none empty and none extra', () => {
      const missing = Object.keys(english).filter(key => !(key in messages));
      const empty = Object.entries(messages)
        .filter(([, value]) => typeof value !== 'string' || !value.trim())
        .map(([key]) => key);
      const extra = Object.keys(messages).filter(
        key => !(key in english) && !pluralBases.has(baseOf(key)),
      );
      expect({ missing, empty, extra }).toEqual({
        missing: [],
        empty: [],
        extra: [],
      });
    });

    it('has every plural form the language needs', () => {
      const categories = new Intl.PluralRules(language).resolvedOptions()
        .pluralCategories;
      const missing = [...pluralBases].flatMap(base =>
        categories
          .map(category => `${base}_${category}`)
          .filter(key => !(key in messages)),
      );
      expect(missing).toEqual([]);
    });

    it('keeps the {{variables}} of English', () => {
      const broken = Object.entries(messages).flatMap(([key, value]) => {
        if (typeof value !== 'string') return [];
        const isPlural =
          pluralBases.has(baseOf(key)) && PLURAL_SUFFIX.test(key);
        // A plural form may leave the count implicit ("one key" in words).
        const reference = isPlural
          ? english[`${baseOf(key)}_other`]
          : english[key];
        if (reference === undefined) return [];
        const strip = (vars: string[]) =>
          isPlural ? vars.filter(v => v !== 'count') : vars;
        const expected = [...new Set(strip(variablesOf(reference)))];
        const actual = [...new Set(strip(variablesOf(value)))];
        return expected.join() === actual.join()
          ? []
          : [{ key, expected, actual }];
      });
      expect(broken).toEqual([]);
    });

    it('translates every value that is not a name or a unit', () => {
      const untranslated = Object.entries(messages)
        .filter(
          ([key, value]) =>
            value === english[key] &&
            !wordsOf(String(value)).every(
              word =>
                SAME_AS_ENGLISH.has(word) || COGNATES[language]?.includes(word),
            ),
        )
        .map(([key, value]) => `${key}: ${value}`);
      expect(untranslated).toEqual([]);
    });
  });

  it('uses every English key somewhere in the source', () => {
    // The plugin's source and the example app's, which labels its sidebar
    // items with the plugin's keys.
    const source = [SRC, APP_SRC]
      .filter(dir => fs.existsSync(dir))
      .flatMap(sourceFiles)
      .map(file => fs.readFileSync(file, 'utf8'))
      .join('\n');
    // Keys built at run time, e.g. t(`alerts.types.${type}`): every key
    // under such a prefix counts as used.
    const dynamicPrefixes = [
      ...source.matchAll(/`([a-zA-Z][\w.]*\.)\$\{/g),
    ].map(match => match[1]);
    const literals = new Set(
      [...source.matchAll(/['"`]([a-zA-Z][\w.]*)['"`]/g)].map(m => m[1]),
    );
    const unused = Object.keys(english).filter(key => {
      const base = baseOf(key);
      return (
        !literals.has(key) &&
        !literals.has(base) &&
        !dynamicPrefixes.some(prefix => key.startsWith(prefix))
      );
    });
    expect(unused).toEqual([]);
    // Every dynamic prefix names keys that exist (a typo would hide keys).
    const deadPrefixes = [...new Set(dynamicPrefixes)].filter(
      prefix =>
        prefix.includes('.') &&
        prefix.split('.')[0] in groupsOf(english) &&
        !Object.keys(english).some(key => key.startsWith(prefix)),
    );
    expect(deadPrefixes).toEqual([]);
  });
});

function groupsOf(messages: Record<string, string>): Record<string, true> {
  return Object.fromEntries(
    Object.keys(messages).map(key => [key.split('.')[0], true as const]),
  );
}
