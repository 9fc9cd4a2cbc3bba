# Shared by run.sh (6a) and new_domain.sh (6b); sourced after frugal, mirror and root are set.
f() { "$frugal" --no-progress --mirror "$mirror" "$@"; }
stamp() { date +%s; }
# pipeline.json for `frugal qagen run` on PARAGRAPHS with the answers/, questions/ and filter/
# models of the current directory: the same generation settings in both experiments.
write_pipeline() {
  cat > pipeline.json <<JSON
{"paragraphs": "$1", "work_dir": "gen", "answer_model": "answers/model", "question_model": "questions/model",
 "filter_model": "filter/model", "max_length": 256, "stride": 64, "chunk": 64,
 "answers": {"per_context": 5, "top_p": 0.9, "seed": 1},
 "questions": {"per_answer": 2, "top_p": 0.9, "max_new_tokens": 32, "seed": 1},
 "filter": {"mode": "exact"}}
JSON
}
# merge_squad OUT IN...: the articles of every IN in one SQuAD v1.1 file.
merge_squad() {
  python3 - "$@" <<'PY'
import json, sys
data = []
for path in sys.argv[2:]:
    data += json.load(open(path, encoding="utf-8"))["data"]
json.dump({"version": "1.1", "data": data}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
}
count_questions() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(p['qas']) for a in d['data'] for p in a['paragraphs']))" "$1"
}
