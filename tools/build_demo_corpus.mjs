// Builds the demo model's fact corpus (tools/demo/facts.jsonl) and its source list
// (tools/demo/sources.json) from data packages installed as dev dependencies.
// The facts are real: a model that learns them has knowledge a user can check, and a
// question about one it never saw has a true answer it cannot know.
//
// Usage: node tools/build_demo_corpus.mjs [--out tools/demo]
// Deterministic: the output depends only on the installed package versions (recorded
// in sources.json), never on time or randomness. Facts are sorted by id.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function parseArgs(argv) {
  const args = { out: join(root, 'tools', 'demo') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) args.out = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (usage: build_demo_corpus.mjs [--out DIR])`);
  }
  return args;
}

// Packages are read from the project's node_modules folder directly: some export maps
// (countries-list) hide package.json and the JSON tables from require.resolve.
const packageFolder = (name) => join(root, 'node_modules', name);

function packageInfo(name) {
  const manifest = JSON.parse(readFileSync(join(packageFolder(name), 'package.json'), 'utf8'));
  return { name: manifest.name, version: manifest.version, license: manifest.license, homepage: manifest.homepage ?? null };
}

function packageJson(name, file) {
  return JSON.parse(readFileSync(join(packageFolder(name), file), 'utf8'));
}

// Strings are trimmed and inner whitespace collapsed so one fact never carries two spellings.
const clean = (text) => String(text).replace(/\s+/g, ' ').trim();
const unique = (values) => [...new Set(values.map(clean).filter((value) => value.length > 0))];

// Text is folded to ASCII (accents dropped: "Brasília" -> "Brasilia") because the word-level
// tokenizer's Whitespace pre-tokenizer splits on \w, which is Unicode-aware in Python but
// ASCII-only in the JavaScript tokenizer: an accented word would get different ids in the
// training script and in the extension. The original spelling stays a correct answer (alias).
// Letters NFKD does not decompose are spelled out the usual English way.
const LETTERS = { 'ʻ': "'", 'ʼ': "'", '’': "'", '‘': "'", 'ø': 'o', 'Ø': 'O', 'æ': 'ae', 'Æ': 'AE', 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ß': 'ss', 'ı': 'i' };
const ascii = (text) => clean(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, (char) => LETTERS[char] ?? char);

function fact(id, relation, subject, answer, aliases, source) {
  const gold = ascii(answer);
  const folded = ascii(subject);
  if (/[^\x20-\x7e]/.test(folded + gold)) throw new Error(`${id}: non-ASCII text after folding: ${folded} / ${gold}`);
  const allAliases = unique([...aliases.flatMap((alias) => [ascii(alias), clean(alias)]), clean(answer)]);
  return { id, relation, subject: folded, answer: gold, aliases: allAliases.filter((alias) => alias !== gold), source };
}

function countryFacts() {
  const source = 'countries-list';
  const countries = packageJson(source, 'countries.min.json');
  const continents = packageJson(source, 'continents.min.json');
  const currencies = packageJson(source, 'currencies.min.json');
  const languages = packageJson(source, 'languages.min.json');
  const facts = [];
  for (const [code, country] of Object.entries(countries)) {
    const subject = country.name;
    // Places without a capital (Antarctica, uninhabited islands) simply have no capital fact.
    if (clean(country.capital ?? '')) facts.push(fact(`capital:${code}`, 'capital', subject, country.capital, [], source));
    if (continents[country.continent]) facts.push(fact(`continent:${code}`, 'continent', subject, continents[country.continent], [], source));
    // Multi-valued relations: the first listed value is the one the training statements teach;
    // the others are also true, so they count as correct answers (aliases).
    const currencyCodes = country.currency ?? [];
    if (currencyCodes.length > 0 && currencies[currencyCodes[0]]) {
      const [first, ...rest] = currencyCodes;
      facts.push(fact(`currency:${code}`, 'currency', subject, currencies[first].name,
        [first, ...rest.flatMap((other) => (currencies[other] ? [currencies[other].name, other] : [other]))], source));
    }
    const languageCodes = (country.languages ?? []).filter((language) => languages[language]);
    if (languageCodes.length > 0) {
      const [first, ...rest] = languageCodes;
      facts.push(fact(`language:${code}`, 'language', subject, languages[first].name, rest.map((other) => languages[other].name), source));
    }
    const phones = (country.phone ?? []).map(String);
    if (phones.length > 0) facts.push(fact(`calling_code:${code}`, 'calling_code', subject, phones[0], phones.slice(1), source));
  }
  return facts;
}

function elementFacts() {
  const source = 'chemical-elements';
  const { elements } = require(source);
  return elements.flatMap((element) => [
    fact(`element_symbol:${element.number}`, 'element_symbol', element.name, element.symbol, [], source),
    fact(`atomic_number:${element.number}`, 'atomic_number', element.name, String(element.number), [], source),
  ]);
}

function stateFacts() {
  const source = 'states-us';
  const { states } = require(source);
  return states.map((state) => fact(`state_abbreviation:${state.abbreviation}`, 'state_abbreviation', state.name, state.abbreviation, [], source));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const facts = [...countryFacts(), ...elementFacts(), ...stateFacts()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = new Set(facts.map((item) => item.id));
  if (ids.size !== facts.length) throw new Error('duplicate fact ids: the source data changed shape');
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'facts.jsonl'), facts.map((item) => JSON.stringify(item)).join('\n') + '\n');
  const sources = ['countries-list', 'chemical-elements', 'states-us'].map(packageInfo);
  writeFileSync(join(args.out, 'sources.json'), JSON.stringify({ schemaVersion: 1, sources }, null, 2) + '\n');
  const byRelation = {};
  for (const item of facts) byRelation[item.relation] = (byRelation[item.relation] ?? 0) + 1;
  console.log(`${facts.length} facts -> ${join(args.out, 'facts.jsonl')}`, byRelation);
}

main();
