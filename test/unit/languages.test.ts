/**
 * The language registry (src/i18n/languages.ts): its one lookup, every language complete at run
 * time (the types check the source; this checks what each loader actually brings), and the docs
 * naming the languages it has.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { FALLBACK_LANGUAGE, LANGUAGES, matchLanguage } from '../../src/i18n/languages.ts';
import { MESSAGES } from '../../src/i18n/messages.ts';

const codes = Object.keys(LANGUAGES);

/** Every path to a string in `text`: `errors.expired`, `conversation.send`, ... */
const keysOf = (text: object, prefix = ''): string[] =>
  Object.entries(text).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

describe('language registry', () => {
  it('matches a tag by its primary subtag, and nothing it does not speak', () => {
    assert.equal(matchLanguage('de'), 'de');
    assert.equal(matchLanguage('de-AT'), 'de');
    assert.equal(matchLanguage('JA_jp'), 'ja');
    assert.equal(matchLanguage('fr-x-private'), 'fr');
    for (const tag of ['pt-BR', 'constructor', '__proto__', 'toString', '', '-', null, undefined])
      assert.equal(matchLanguage(tag), undefined, String(tag));
    assert.equal(FALLBACK_LANGUAGE, 'en');
  });

  it('gives every language every message, as non-empty text', () => {
    assert.deepEqual(Object.keys(MESSAGES), codes);
    const english = keysOf(MESSAGES.en).sort();
    assert.ok(english.includes('errors.expired') && english.includes('conversation.send'));
    for (const code of codes) {
      const text = MESSAGES[code as keyof typeof MESSAGES];
      assert.deepEqual(keysOf(text).sort(), english, code);
      for (const key of english) {
        const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], text);
        assert.ok(typeof value === 'string' && value.trim() !== '', `${code}: ${key}`);
      }
    }
  });

  it('loads each language but English as its whole text, English as its error messages', async () => {
    for (const code of codes) {
      const { default: text } = await LANGUAGES[code as keyof typeof LANGUAGES]();
      assert.deepEqual(Object.keys(text).sort(), code === 'en' ? ['errors'] : Object.keys(MESSAGES.en).sort(), code);
    }
  });

  it('is the list of languages the docs name (the lang attribute, from the JSDoc)', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../custom-elements.json', import.meta.url), 'utf8')) as {
      modules: { declarations?: { attributes?: { name: string; description?: string }[] }[] }[];
    };
    const lang = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .flatMap((declaration) => declaration.attributes ?? [])
      .find((attribute) => attribute.name === 'lang');
    const named = /\(([^)]*)\)/.exec(lang?.description ?? '')?.[1]?.match(/`([a-z-]+)`/g);
    assert.deepEqual(
      named?.map((code) => code.slice(1, -1)),
      codes,
    );
  });
});
