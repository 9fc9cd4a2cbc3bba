"""Prints N random generated pairs (seeded) of a filtered JSONL file as a Markdown table with the
round-trip filter's verdict. Usage: samples.py FILTERED_JSONL [N=20] [SEED=20]"""
import json
import random
import sys


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    random.Random(seed).shuffle(rows)

    def cell(s):
        return s.replace("|", "\\|").replace("\n", " ")

    print("| verdict | question | generated answer | QA model's answer |\n|---|---|---|---|")
    for r in rows[:n]:
        verdict = "kept" if r["kept"] else "dropped"
        print(f"| {verdict} | {cell(r['question'])} | {cell(r['answer'])} | {cell(r['qa_answer'])} |")


if __name__ == "__main__":
    main()
