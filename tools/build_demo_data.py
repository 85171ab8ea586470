"""Turns tools/demo/facts.jsonl into the demo model's training corpus and question splits.

Why: the demo model must have a real, measurable knowledge boundary. Each fact gets a seeded,
heavy-tailed number of exposures (how many training statements state it), a fixed quarter of
the facts is never stated at all, and the questions use templates that differ from the
statements, so answering needs knowledge, not string recall. The design is documented in
tools/demo/README.md; every number below is a named constant there.

Usage: /usr/bin/python3 tools/build_demo_data.py [--demo-dir tools/demo] [--seed 20251127]
Writes (all deterministic for a given facts.jsonl and seed):
  DEMO/plan.jsonl                 one line per fact: role, exposures, split
  DEMO/lm_corpus.jsonl            training examples: statements and chat-format QA pairs
  DEMO/questions/train.jsonl      training pool (elicitation + calibration budgets)
  DEMO/questions/test_in.jsonl    in-domain test
  DEMO/questions/test_ood.jsonl   out-of-domain test (held-out relations + a held-out phrasing)
"""
import argparse
import json
import math
import os
import random
import sys

SCHEMA_VERSION = 1
UNSEEN_SHARE = 0.25        # of every relation's facts, never stated in training
FORMAT_SHARE = 0.15        # of every relation's seen facts, used only to teach the QA format
TRAIN_POOL_SHARE = 0.70    # of the remaining in-domain facts: training pool; the rest is test
# Exposures of a seen fact: round(exp(N(mu, sigma))) clipped to [1, MAX]: log-normal, so most
# facts are stated a few times and a few are stated dozens of times, as on the web.
EXPOSURE_MU = 1.1
EXPOSURE_SIGMA = 1.1
EXPOSURE_MAX = 60
BUCKETS = (('unseen', 0, 0), ('1-2', 1, 2), ('3-10', 3, 10), ('>10', 11, 10 ** 9))

# Heads are trained on these relations only; the others are out-of-domain for them.
IN_DOMAIN_RELATIONS = ('capital', 'continent', 'currency', 'language', 'calling_code')
OOD_RELATIONS = ('element_symbol', 'atomic_number', 'state_abbreviation')

# Training statements (what the model reads) and question templates (what it is asked) are
# deliberately different wordings. {s} = subject, {a} = answer.
STATEMENTS = {
    'capital': ['The capital of {s} is {a}.', '{a} is the capital city of {s}.',
                '{s} has its seat of government in {a}.', 'In {s}, the capital is {a}.'],
    'continent': ['{s} lies in {a}.', '{s} is located on the continent of {a}.',
                  'Geographically, {s} is part of {a}.'],
    'currency': ['The currency of {s} is the {a}.', 'People in {s} pay with the {a}.',
                 'In {s}, prices are given in {a}.'],
    'language': ['The main language of {s} is {a}.', 'Most people in {s} speak {a}.',
                 '{a} is spoken in {s}.'],
    'calling_code': ['The telephone country code of {s} is {a}.', 'To call {s}, dial {a} first.',
                     'Phone numbers in {s} start with the prefix {a}.'],
    'element_symbol': ['The chemical symbol of {s} is {a}.', 'In chemistry, {s} is written {a}.',
                       '{a} is the symbol for {s}.'],
    'atomic_number': ['The atomic number of {s} is {a}.', 'An atom of {s} has {a} protons.',
                      'Element number {a} is {s}.'],
    'state_abbreviation': ['The postal abbreviation of {s} is {a}.', 'In addresses, {s} is shortened to {a}.',
                           'Mail to {s} uses the code {a}.'],
}
QUESTIONS = {
    'capital': ['What is the capital of {s}?', 'Which city is the capital of {s}?',
                'What city serves as the capital of {s}?', 'Name the capital of {s}.'],
    'continent': ['On which continent is {s}?', 'What continent is {s} in?',
                  'In which continent is {s} located?', 'Name the continent of {s}.'],
    'currency': ['What is the currency of {s}?', 'Which currency is used in {s}?',
                 'What money do people use in {s}?', 'Name the official currency of {s}.'],
    'language': ['What language is spoken in {s}?', 'Which language do people speak in {s}?',
                 'What is the official language of {s}?', 'Name a language of {s}.'],
    'calling_code': ['What is the calling code of {s}?', 'Which country code is used for phone calls to {s}?',
                     'What is the international dialing code of {s}?', 'Name the phone code of {s}.'],
    'element_symbol': ['What is the symbol of the element {s}?', 'Which chemical symbol stands for {s}?',
                       'How is {s} abbreviated on the periodic table?', 'Name the element symbol of {s}.'],
    'atomic_number': ['What is the atomic number of {s}?', 'How many protons are in an atom of {s}?',
                      'Which atomic number does {s} have?', 'Name the atomic number of {s}.'],
    'state_abbreviation': ['What is the postal code abbreviation of {s}?', 'How is {s} abbreviated in addresses?',
                           'Which two-letter code stands for {s}?', 'Name the postal abbreviation of {s}.'],
}
# A phrasing family the heads never see: asked of the in-domain test facts, it goes to test_ood.
OOD_PHRASING = {
    'capital': 'If you fly to the capital of {s}, in which city do you land?',
    'continent': 'Someone travels to {s}. Which continent are they visiting?',
    'currency': 'You are shopping in {s}. Which currency do you need?',
    'language': 'In {s}, which language would a local most likely use?',
    'calling_code': 'Before a phone number in {s}, which international prefix do you dial?',
}


def exposure_bucket(exposures):
    for name, low, high in BUCKETS:
        if low <= exposures <= high:
            return name
    raise ValueError(f'negative exposure count {exposures}')


def read_facts(path):
    facts = []
    with open(path, encoding='utf-8') as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            for key in ('id', 'relation', 'subject', 'answer', 'aliases', 'source'):
                if key not in item:
                    raise ValueError(f'{path}:{number}: fact lacks field {key!r}')
            if item['relation'] not in STATEMENTS:
                raise ValueError(f'{path}:{number}: relation {item["relation"]!r} has no templates here')
            facts.append(item)
    return facts


def plan_facts(facts, seed):
    """Per relation (stratified, so every relation has the same shares): unseen / format / question."""
    rng = random.Random(seed)
    by_relation = {}
    for item in facts:
        by_relation.setdefault(item['relation'], []).append(item)
    plan = {}
    for relation in sorted(by_relation):
        items = sorted(by_relation[relation], key=lambda item: item['id'])
        rng.shuffle(items)
        unseen_count = round(UNSEEN_SHARE * len(items))
        seen = items[unseen_count:]
        format_count = round(FORMAT_SHARE * len(seen))
        for index, item in enumerate(items):
            if index < unseen_count:
                exposures, role = 0, 'question'
            else:
                exposures = min(EXPOSURE_MAX, max(1, round(math.exp(rng.gauss(EXPOSURE_MU, EXPOSURE_SIGMA)))))
                role = 'format' if index - unseen_count < format_count else 'question'
            plan[item['id']] = {'exposures': exposures, 'role': role, 'statementOffset': rng.randrange(len(STATEMENTS[relation]))}
        # The train/test cut is shuffled separately so it is independent of exposure and role.
        question_ids = sorted(item['id'] for item in items if plan[item['id']]['role'] == 'question')
        rng.shuffle(question_ids)
        train_count = round(TRAIN_POOL_SHARE * len(question_ids))
        for index, fact_id in enumerate(question_ids):
            if relation in OOD_RELATIONS:
                plan[fact_id]['split'] = 'test_ood'
            else:
                plan[fact_id]['split'] = 'train' if index < train_count else 'test_in'
    return plan


def fill(template, item):
    return template.replace('{s}', item['subject']).replace('{a}', item['answer'])


def question_record(item, plan_entry, template_id, template, ood_kind):
    return {
        'id': f'{item["id"]}#{template_id}',
        'question': fill(template, item),
        'answer': [item['answer'], *item['aliases']],
        'fact_id': item['id'],
        'exposures': plan_entry['exposures'],
        'exposure_bucket': exposure_bucket(plan_entry['exposures']),
        'relation': item['relation'],
        'template': template_id,
        'ood': ood_kind,
    }


def build(facts, seed):
    plan = plan_facts(facts, seed)
    corpus, splits = [], {'train': [], 'test_in': [], 'test_ood': []}
    for item in facts:
        entry = plan[item['id']]
        templates = STATEMENTS[item['relation']]
        # Phrasings cycle from a per-fact offset, so a fact stated k times sees min(k, P) wordings.
        for index in range(entry['exposures']):
            text = fill(templates[(entry['statementOffset'] + index) % len(templates)], item)
            corpus.append({'kind': 'statement', 'fact_id': item['id'], 'text': text})
        question_templates = [(f'q{index}', text) for index, text in enumerate(QUESTIONS[item['relation']])]
        if item['relation'] in OOD_PHRASING:
            question_templates.append(('ood', OOD_PHRASING[item['relation']]))
        if entry['role'] == 'format':
            # Format facts teach the chat QA format with every template; they are asked in no split.
            for template_id, template in question_templates:
                corpus.append({'kind': 'qa', 'fact_id': item['id'], 'template': template_id,
                               'question': fill(template, item), 'answer': item['answer']})
            continue
        split = entry['split']
        for template_id, template in question_templates:
            if template_id == 'ood':
                if split == 'test_in':
                    splits['test_ood'].append(question_record(item, entry, template_id, template, 'phrasing'))
                continue
            ood_kind = 'relation' if split == 'test_ood' else None
            splits[split].append(question_record(item, entry, template_id, template, ood_kind))
    # Files are shuffled: Alignment tunes its threshold on the first 20 % in file order, and
    # budgets take prefixes, so file order must not follow relation or exposure.
    rng = random.Random(seed + 1)
    for records in splits.values():
        rng.shuffle(records)
    return plan, corpus, splits


def write_jsonl(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + '\n')


def summary(plan, corpus, splits):
    buckets = {}
    for entry in plan.values():
        if entry['role'] == 'question':
            name = exposure_bucket(entry['exposures'])
            buckets[name] = buckets.get(name, 0) + 1
    return {
        'facts': len(plan),
        'statements': sum(1 for record in corpus if record['kind'] == 'statement'),
        'qaExamples': sum(1 for record in corpus if record['kind'] == 'qa'),
        'questionFactsByBucket': buckets,
        'questions': {name: len(records) for name, records in splits.items()},
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--demo-dir', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'demo'))
    parser.add_argument('--seed', type=int, default=20251127)
    args = parser.parse_args(argv)
    facts = read_facts(os.path.join(args.demo_dir, 'facts.jsonl'))
    plan, corpus, splits = build(facts, args.seed)
    plan_records = [{'schemaVersion': SCHEMA_VERSION, 'fact_id': fact_id, **entry} for fact_id, entry in sorted(plan.items())]
    write_jsonl(os.path.join(args.demo_dir, 'plan.jsonl'), plan_records)
    write_jsonl(os.path.join(args.demo_dir, 'lm_corpus.jsonl'), corpus)
    for name, records in splits.items():
        write_jsonl(os.path.join(args.demo_dir, 'questions', f'{name}.jsonl'), records)
    print(json.dumps(summary(plan, corpus, splits), indent=1))


if __name__ == '__main__':
    main(sys.argv[1:])
