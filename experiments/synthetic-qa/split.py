"""Splits SQuAD-format files by article into fixed parts (the paper's protocol: A trains the
generators and the filter, B is generated on, C is scored on). Articles are assigned in file
order, round robin over the weights, so the split is documented by this code and reproducible.
Usage: split.py OUT_DIR FILE... [--parts A:2,B:2,C:1] [--max-articles N (per file)]"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--parts", default="A:2,B:2,C:1")
    ap.add_argument("--max-articles", default="0", help="per file: N, or N1,N2,... one per file (0: all)")
    args = ap.parse_args()
    parts = []
    for p in args.parts.split(","):
        name, weight = p.split(":")
        parts += [name] * int(weight)
    out = {name: {"version": "1.1", "data": []} for name in dict.fromkeys(parts)}
    caps = [int(x) for x in args.max_articles.split(",")]
    caps += [caps[-1]] * (len(args.files) - len(caps))
    n = 0
    for path, cap in zip(args.files, caps):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for taken, article in enumerate(data["data"]):
            if cap and taken >= cap:
                break
            # Keep answerable questions only (the v1.1 protocol).
            for p in article["paragraphs"]:
                p["qas"] = [q for q in p["qas"] if q.get("answers")]
            out[parts[n % len(parts)]]["data"].append(article)
            n += 1
    os.makedirs(args.out, exist_ok=True)
    for name, data in out.items():
        with open(os.path.join(args.out, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        qs = sum(len(p["qas"]) for a in data["data"] for p in a["paragraphs"])
        ps = sum(len(a["paragraphs"]) for a in data["data"])
        print(f"{name}: {len(data['data'])} articles, {ps} paragraphs, {qs} questions")


if __name__ == "__main__":
    main()
