import { intlLocale } from '@llm-usage/backstage-plugin-llm-usage-common';
import { BACKEND_LANGUAGES, supportedLanguage, translatorFor } from './index';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const variables = (text: string) =>
  [...text.matchAll(/\{\{(\w+)\}\}/g)]
    .map(m => m[1])
    .sort()
    .join();

const PLURALS = ['units.days', 'units.hours', 'units.calls'];
const isPluralForm = (key: string) =>
  PLURALS.some(base => key.startsWith(`${base}.`));

describe('backend message catalogs', () => {
  const english = leaves(translatorFor('en').messages as unknown as Tree);

  it('speaks the eleven languages of the app', () => {
    expect([...BACKEND_LANGUAGES].sort()).toEqual([
      'de',
      'en',
      'es',
      'fr',
      'it',
      'ja',
      'ko',
      'pt-BR',
      'ru',
      'zh',
      'zh-Hant',
    ]);
  });

  describe.each(BACKEND_LANGUAGES.filter(l => l !== 'en'))('%s', language => {
    const tr = translatorFor(language);
    const messages = leaves(tr.messages as unknown as Tree);

    it('has every text, none empty, with the {{values}} of English', () => {
      const problems: string[] = [];
      for (const [key, text] of english) {
        if (isPluralForm(key)) continue;
        const translated = messages.get(key);
        if (!translated?.trim()) problems.push(`${key}: missing`);
        else if (variables(translated) !== variables(text))
          problems.push(`${key}: ${variables(translated)}`);
      }
      expect(problems).toEqual([]);
    });

    it('has every plural form the language needs', () => {
      const categories = new Intl.PluralRules(
        intlLocale(language),
      ).resolvedOptions().pluralCategories;
      const missing = PLURALS.flatMap(base =>
        categories
          .map(category => `${base}.${category}`)
          .filter(key => !messages.get(key)?.includes('{{count}}')),
      );
      expect(missing).toEqual([]);
    });

    it('leaves no sentence in English', () => {
      const same = [...english]
        .filter(([key, text]) => messages.get(key) === text)
        .map(([key]) => key)
        // Punctuation-only parts, the severity words and the product name
        // in a few languages are the same as in English.
        .filter(
          key =>
            !/^(alerts\.errorDetail|alerts\.other|digest\.separator|digest\.spendChange|webhook\.severities\.(info|error)|targets\.(budget|account))$/.test(
              key,
            ),
        );
      expect(same).toEqual([]);
    });
  });

  it('maps a requested language to one it writes in', () => {
    expect(supportedLanguage('de-AT')).toBe('de');
    expect(supportedLanguage('zh-TW')).toBe('zh-Hant');
    expect(supportedLanguage('zh-CN')).toBe('zh');
    expect(supportedLanguage('pt')).toBe('pt-BR');
    expect(supportedLanguage('ZH-hant')).toBe('zh-Hant');
    expect(supportedLanguage('tlh')).toBeUndefined();
    expect(translatorFor('tlh').language).toBe('en');
  });

  it('formats numbers for the reader, never as raw floats', () => {
    expect(translatorFor('en').money('21.8448883', 'CNY')).toBe('CN¥21.84');
    expect(translatorFor('de').money('21.8448883', 'CNY')).toBe(
      '21,84\u00a0CN¥',
    );
    expect(translatorFor('zh').money('0.954154', 'CNY')).toBe('¥0.95');
    expect(
      translatorFor('ru').plural(translatorFor('ru').messages.units.days, 3),
    ).toBe('3 дня');
    expect(
      translatorFor('ru').plural(translatorFor('ru').messages.units.days, 5),
    ).toBe('5 дней');
    expect(translatorFor('fr').day(Date.UTC(2026, 11, 4))).toBe('4 déc. 2026');
    expect(translatorFor('ja').month('2026-11')).toBe('2026年11月');
  });
});
