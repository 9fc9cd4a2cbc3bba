#!/usr/bin/env python3
"""Whole-process time of `frugal eval squad` against the Python evaluation scripts on the
same inputs, side by side in one run (median of --runs). Prints one JSON line per case.

    python3 bench/squad_eval_peer.py --frugal build/frugal --mirror ../shared/data
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, '..', 'tests', 'reference')


def median_seconds(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frugal', required=True)
    ap.add_argument('--mirror', required=True)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--official-v1', default=os.path.join(REFERENCE, 'evaluate_v1_1.py'))
    ap.add_argument('--official-v2', default=os.path.join(REFERENCE, 'evaluate_v2_0.py'))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='frugal-bench-')
    for version, script in (('1.1', args.official_v1), ('2.0', args.official_v2)):
        data_path = os.path.join(args.mirror, 'squad', 'dev-v%s.json' % version)
        data = json.load(open(data_path, encoding='utf-8'))
        preds = {}
        for article in data['data']:
            for paragraph in article['paragraphs']:
                for qa in paragraph['qas']:
                    preds[qa['id']] = qa['answers'][0]['text'] if qa['answers'] else ''
        pred_path = os.path.join(work, 'preds-%s.json' % version)
        json.dump(preds, open(pred_path, 'w', encoding='utf-8'))
        python_s = median_seconds([sys.executable, script, data_path, pred_path], args.runs)
        frugal_s = median_seconds([args.frugal, '--no-progress', 'eval', 'squad', data_path, pred_path], args.runs)
        print(json.dumps({'case': 'squad-v%s-dev gold predictions' % version, 'questions': len(preds),
                          'python_s': round(python_s, 4), 'frugal_s': round(frugal_s, 4),
                          'speedup': round(python_s / frugal_s, 1), 'python': sys.version.split()[0]}))


if __name__ == '__main__':
    main()
