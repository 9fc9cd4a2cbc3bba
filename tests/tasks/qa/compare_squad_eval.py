#!/usr/bin/env python3
"""`frugal eval squad` against the official SQuAD evaluation scripts, output byte for byte.

Runs both on SQuAD v1.1 and v2.0 dev (from the mirror) and on synthetic SQuAD files, with
prediction sets full of adversarial Unicode (accents, Greek final sigma, Turkish dotted I,
ligatures, no-break and thin spaces, emoji, curly quotes, combining marks, fullwidth forms,
random assigned code points) and no-answer probability files with ties, ints and exponents.
Compares stdout, --out files and v1.1's stderr messages. Exit 0 iff every case matches.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, '..', '..', 'reference')

POOL = [
    'İstanbul', 'TÜRKİYE', 'ı', 'İ', 'ΟΔΥΣΣΕΥΣ', 'ὈΔΥΣΣΕΎΣ', 'Σ', 'ΑΣ.', "ΑΣ'Α", 'ΑΣ\u0301', 'σς',
    'ﬁnancial', 'ﬂow', 'Straße', 'STRASSE', 'ẞ', 'ǅemal', 'ǈungla', 'ǲ', 'K', 'Å', 'Ω', 'ⅷ', 'Ⅻ',
    'Ⓐⓑ', '١٢٣', '٣', '²', '½', 'x²', 'e\u0301', 'é', 'a\u0308', 'ß', '😀', '👍🏽', '🇫🇷', '“quoted”',
    '‘single’', '«guillemets»', '—', '–', '…', '·', 'A\u200bB', 'the\u00a0the', 'an\u2009apple',
    '\u3000the\u3000', 'a_b', 'the_', '_the', 'THE', 'An', 'a', 'ÄN', 'thé', 'ｔｈｅ', 'Ｔｈｅ',
    'the\u0301', 'x\u0085y', 'p\x1cq', 'l\u2028m', '\ufeffbom', 'soft\u00adhyphen', 'ʰ', 'ᵃ', 'A\u0345',
    '٠', 'ǳ', 'Ǳ', 'Ⅰ', 'ⅰ', '\u0130\u0307', 'ΣΑΣ', 'ΜΆΪΟΣ', 'Σ̈', 'Ꭰ', 'ꭰ', 'Ա', 'Ⴀ', 'ᏸ', '𐐀', '𞤀',
    'don’t', "o'clock", 'U.S.A.', 'an.the', 'the-an', 'a\tb', 'a\nb', '\u180e', '\u200a', '\u205f',
    '\u1680', '\u202f', '\u2029', '\x0b\x0c', '\x1d\x1e\x1f', '\u00a0', '\u2007', 'ǅ', 'ᾈ', 'ᾼ', 'ῌ',
    '\u0345', 'ﬀ', 'ﬃ', 'ﬅ', 'Ŀ', 'ŉ', 'ǰ', 'ΐ', 'ﬓ', 'ｶ', 'ｶﾞ', '㍿', '①', '⑴', '⒈',
]
SPACES = ['\u00a0', '\u2009', '\u3000', '\u2028', '\x1c', '\u0085', '\u200b', '\ufeff', '\t', '\n', '  ',
          '\u180e', '\u202f', '\u205f', '\u1680', '\u2000']
PREFIXES = ['The ', 'the', 'A ', 'an ', 'THE ', 'Thé ', 'the_', '“', '«', '(', "'", 'ΤΗΕ ', 'Ｔｈｅ ']
SUFFIXES = ['.', '!', '”', '»', ')', "'s", ' the', '…', ' AN', 'Σ', 'ς', '’', ' a']


def random_assigned_text(rng, length):
    out = []
    while len(out) < length:
        r = rng.random()
        if r < 0.15:
            out.append(' ')
            continue
        if r < 0.5:
            cp = rng.randrange(0x80, 0x3000)
        elif r < 0.8:
            cp = rng.randrange(0x20, 0x80)
        else:
            cp = rng.randrange(0x3000, 0x2FFFF)
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(ch) in ('Cn', 'Cs', 'Co'):
            continue
        out.append(ch)
    return ''.join(out)


def adversarial(rng, gold, other):
    kind = rng.randrange(13)
    if kind == 0:
        return gold
    if kind == 1:
        return gold.upper()
    if kind == 2:
        return ''.join(rng.choice(SPACES) if c == ' ' else c for c in gold)
    if kind == 3:
        return rng.choice(PREFIXES) + gold + rng.choice(SUFFIXES)
    if kind == 4:
        words = gold.split()
        rng.shuffle(words)
        keep = words[: max(1, len(words) // 2)]
        return ' '.join(keep + [rng.choice(POOL) for _ in range(rng.randrange(3))])
    if kind == 5:
        return ' '.join(rng.choice(POOL) for _ in range(1 + rng.randrange(3)))
    if kind == 6:
        return ''
    if kind == 7:
        return unicodedata.normalize(rng.choice(['NFD', 'NFKC', 'NFKD']), gold)
    if kind == 8:
        return rng.choice([gold.swapcase(), gold.title(), gold.casefold()])
    if kind == 9:
        return random_assigned_text(rng, 1 + rng.randrange(12))
    if kind == 10:
        return other
    if kind == 11:
        return gold.upper() + rng.choice(['Σ', 'ΣΑ', 'Σ.', 'Σ\u0301', ' Σ'])
    return gold + ' ' + rng.choice(POOL) + ' ' + gold


def questions(data):
    for article in data['data']:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                yield qa


def make_predictions(data, seed, missing=0.0):
    rng = random.Random(seed)
    golds = [a['text'] for qa in questions(data) for a in qa['answers']] or ['x']
    preds = {}
    for qa in questions(data):
        if rng.random() < missing:
            continue
        gold = rng.choice(qa['answers'])['text'] if qa['answers'] else rng.choice(['', rng.choice(golds)])
        preds[qa['id']] = adversarial(rng, gold, rng.choice(golds))
    return preds


def make_na_probs(data, seed, style):
    rng = random.Random(seed)
    ids = [qa['id'] for qa in questions(data)]
    rng.shuffle(ids)  # file order matters for ties
    probs = {}
    for qid in ids:
        if style == 'uniform':
            probs[qid] = rng.random()
        elif style == 'ties':
            probs[qid] = rng.choice([0, 1, 0.5, 0.25, 1e-05, 0.0])
        else:  # logits, exponents
            probs[qid] = rng.choice([rng.gauss(0, 3), rng.choice([1e-20, -2.5e-7, 3e16, -7])])
    return probs


def synthetic_dataset(seed, version, n=2500):
    rng = random.Random(seed)
    qas = []
    for i in range(n):
        answers = []
        if version == '1.1' or rng.random() < 0.7:
            for _ in range(1 + rng.randrange(3)):
                r = rng.random()
                if r < 0.4:
                    text = ' '.join(rng.choice(POOL) for _ in range(1 + rng.randrange(3)))
                elif r < 0.7:
                    text = random_assigned_text(rng, 1 + rng.randrange(10))
                elif r < 0.85:
                    text = rng.choice(['the', 'A', '...', 'an the', '“”', '  ', 'The.'])  # normalizes to nothing
                else:
                    text = rng.choice(['Paris', 'the Eiffel Tower', 'ΑΘΗΝΑΣ', 'İzmir', '1,000 km'])
                answers.append({'text': text, 'answer_start': 0})
        qid = 'q%d' % (i if rng.random() > 0.01 else rng.randrange(max(1, i)))  # some duplicate ids
        qas.append({'id': qid, 'question': '?', 'answers': answers})
    return {'version': version if version == '1.1' else 'v2.0',
            'data': [{'title': 'synthetic', 'paragraphs': [{'context': 'unused', 'qas': qas}]}]}


def load_reference(path, name):
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_per_question(v1, v2, data, preds, is_v2):
    """Each question's raw (exact, f1) from the reference's own functions."""
    if is_v2:
        exact, f1 = v2.get_raw_scores(data['data'], preds)
        return {q: (float(exact[q]), float(f1[q])) for q in exact}
    out = {}
    for qa in questions(data):
        if qa['id'] in preds:
            golds = [a['text'] for a in qa['answers']]
            out[qa['id']] = (float(v1.metric_max_over_ground_truths(v1.exact_match_score, preds[qa['id']], golds)),
                             float(v1.metric_max_over_ground_truths(v1.f1_score, preds[qa['id']], golds)))
    return out


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--frugal', required=True)
    ap.add_argument('--mirror', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--official-v1', default=os.path.join(REFERENCE, 'evaluate_v1_1.py'))
    ap.add_argument('--official-v2', default=os.path.join(REFERENCE, 'evaluate_v2_0.py'))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    def write(name, obj):
        path = os.path.join(args.work, name)
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(obj, f, ensure_ascii=(len(name) % 2 == 0))
        return path

    datasets = {
        'v1': os.path.join(args.mirror, 'squad', 'dev-v1.1.json'),
        'v2': os.path.join(args.mirror, 'squad', 'dev-v2.0.json'),
        'syn1': write('synthetic-v1.1.json', synthetic_dataset(11, '1.1')),
        'syn2': write('synthetic-v2.0.json', synthetic_dataset(12, '2.0')),
    }
    loaded = {k: json.load(open(p, encoding='utf-8')) for k, p in datasets.items()}

    cases = []  # (name, data key, predictions path, na-prob path or None, threshold or None)
    for key in datasets:
        gold = {}
        for qa in questions(loaded[key]):
            gold[qa['id']] = qa['answers'][0]['text'] if qa['answers'] else ''
        cases.append(('%s-gold' % key, key, write('%s-gold.json' % key, gold), None, None))
        for seed in range(2):
            preds = write('%s-adv%d.json' % (key, seed), make_predictions(loaded[key], 100 * seed + len(key)))
            cases.append(('%s-adv%d' % (key, seed), key, preds, None, None))
            if key in ('v2', 'syn2'):
                for style, thresh in (('uniform', None), ('ties', 0.5), ('logits', 0.0), ('uniform', -1.5)):
                    na = write('%s-na-%s-%d.json' % (key, style, seed), make_na_probs(loaded[key], seed, style))
                    cases.append(('%s-adv%d-na-%s-%s' % (key, seed, style, thresh), key, preds, na, thresh))
        if key in ('v1', 'syn1'):
            preds = write('%s-missing.json' % key, make_predictions(loaded[key], 7, missing=0.05))
            cases.append(('%s-missing' % key, key, preds, None, None))

    v1_module = load_reference(args.official_v1, 'reference_v1')
    v2_module = load_reference(args.official_v2, 'reference_v2')
    failures = 0
    per_question_checked = 0
    for name, key, preds, na, thresh in cases:
        v2 = key in ('v2', 'syn2')
        ref = [sys.executable, args.official_v2 if v2 else args.official_v1, datasets[key], preds]
        ours = [args.frugal, '--no-progress', 'eval', 'squad', datasets[key], preds]
        if na:
            ref += ['--na-prob-file', na]
            ours += ['--na-prob', na]
        if thresh is not None:
            ref += ['--na-prob-thresh', str(thresh)]
            ours += ['--na-prob-thresh', str(thresh)]
        r, o = run(ref), run(ours)
        problems = []
        if r.returncode != 0:
            problems.append('reference failed: ' + r.stderr.decode()[-300:])
        if o.returncode != 0:
            problems.append('frugal failed: ' + o.stderr.decode()[-300:])
        if r.stdout != o.stdout:
            problems.append('stdout differs:\n  official: %r\n  frugal:   %r' % (r.stdout[:400], o.stdout[:400]))
        if not v2 and r.stderr != o.stderr:
            problems.append('stderr differs: %r vs %r' % (r.stderr[:200], o.stderr[:200]))
        if na is None and thresh is None and not problems:  # question by question
            scores_path = os.path.join(args.work, 'per-question.jsonl')
            run(ours + ['--per-question', scores_path])
            theirs = reference_per_question(v1_module, v2_module, loaded[key], json.load(open(preds, encoding='utf-8')), v2)
            mine = {}
            for line in open(scores_path, encoding='utf-8'):
                record = json.loads(line)
                mine[record['id']] = (record['exact'], record['f1'])
            differing = [q for q in theirs if theirs[q] != mine.get(q)]
            if differing or len(mine) != len(theirs):
                q = differing[0] if differing else None
                problems.append('per-question scores differ on %d questions, e.g. %r: official %r, frugal %r' %
                                (len(differing), q, theirs.get(q), mine.get(q)))
            per_question_checked += len(theirs)
        if v2 and not problems:  # the --out-file form as well
            ref_out, our_out = os.path.join(args.work, 'ref.out'), os.path.join(args.work, 'our.out')
            run(ref + ['--out-file', ref_out])
            run(ours + ['--out', our_out])
            if open(ref_out, 'rb').read() != open(our_out, 'rb').read():
                problems.append('--out file differs')
        status = 'ok' if not problems else 'MISMATCH'
        print('%-8s %-34s %s' % (status, name, o.stdout.decode().replace('\n', ' ')[:110]))
        for p in problems:
            print('    ' + p)
        failures += bool(problems)

    # v2.0 without a prediction for some question: the official script aborts; so do we.
    partial = make_predictions(loaded['v2'], 5)
    partial.pop(next(iter(partial)))
    o = run([args.frugal, '--no-progress', 'eval', 'squad', datasets['v2'], write('v2-partial.json', partial)])
    if o.returncode != 2 or b'no prediction for question' not in o.stderr:
        print('MISMATCH v2-missing: expected exit 2 with a message, got %d %r' % (o.returncode, o.stderr))
        failures += 1
    else:
        print('ok       v2-missing (exit 2: %s)' % o.stderr.decode().strip())

    print('%d of %d cases differ; %d question scores compared one by one' % (failures, len(cases) + 1, per_question_checked))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
