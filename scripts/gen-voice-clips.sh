#!/usr/bin/env bash
# Regenerates the display's recorded call clips (web/public/voice/*.ogg) with espeak-ng and sox.
# Usage: scripts/gen-voice-clips.sh   (needs espeak-ng with the cmn voice, and sox with Ogg Vorbis)
# The token names are the contract with web/src/lib/call-clips.ts: change both together.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=web/public/voice
mkdir -p "$OUT"
rm -f "$OUT"/*.ogg
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# clip <token> <espeak voice> <text>: mono, 16 kHz, Ogg Vorbis at a low quality, leading/trailing silence trimmed.
clip() {
  local token=$1 voice=$2 text=$3
  espeak-ng -v "$voice" -s 140 -w "$TMP/$token.wav" "$text"
  sox "$TMP/$token.wav" -r 16000 -c 1 -C 0 "$OUT/$token.ogg" gain -n -1 \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.05
}

DIGITS_ZH=(零 一 二 三 四 五 六 七 八 九)
DIGITS_EN=(zero one two three four five six seven eight nine)
for d in 0 1 2 3 4 5 6 7 8 9; do
  clip "zh-digit-$d" cmn "${DIGITS_ZH[$d]}"
  clip "en-digit-$d" en-gb "${DIGITS_EN[$d]}"
done
for letter in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do
  # Letters are read the English way in Chinese calls too (as tellers say "A 零零一"); cmn reads latin as English.
  clip "zh-letter-$letter" cmn "$letter"
  clip "en-letter-$letter" en-gb "$letter"
done
clip zh-qing cmn "请"
clip zh-hao cmn "号"
clip zh-dao cmn "到"
clip zh-shi cmn "十"
clip zh-haochuangkou cmn "号窗口"
clip zh-banli cmn "办理"
clip en-number en-gb "Number"
clip en-please-go-to-counter en-gb "please go to counter"

du -cb "$OUT"/*.ogg | tail -1
ls "$OUT"/*.ogg | wc -l
