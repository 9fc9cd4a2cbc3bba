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
# qa_row LABEL INIT TRAIN TEST_NAME TEST: fine-tunes the BERT at INIT on TRAIN into qa-LABEL/
# (unless done; $epochs epochs, the settings of both experiments), scores it on TEST with the
# official metric and prints the row as a JSON member ("LABEL": {...},).
qa_row() {
  local label=$1 init=$2 data=$3 test_name=$4 test=$5 t
  t=$(stamp)
  [ -f "qa-$label/model/model.safetensors" ] || f qa train --train "$data" --init "$init" --epochs "$epochs" \
    --batch-size 16 --lr 3e-4 --max-length 256 --stride 64 --seed 1 --out "qa-$label" > "qa-$label.log"
  f qa predict --model "qa-$label/model" --data "$test" --max-length 256 --stride 64 --out "pred-$label.json" 2> /dev/null
  local score
  score=$(f eval squad "$test" "pred-$label.json")
  echo "\"$label\": {\"init\": \"$init\", \"train\": \"$data\", \"train_questions\": $(count_questions "$data"), \"$test_name\": $score, \"seconds\": $(( $(stamp) - t ))},"
}
