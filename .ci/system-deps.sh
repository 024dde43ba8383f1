#!/usr/bin/env bash
# Installs the system packages journeymap needs, only when they are missing:
# graphviz's `dot`, fonts with Latin, Cyrillic and CJK glyphs (see docs/render.md#fonts), a Java
# runtime for the optional Spark engine, Chromium (headless, for the HTML report's browser test) and
# LibreOffice Impress (headless, turns the slide deck into PDF for its test and the gallery) with
# poppler's PDF tools.
set -euo pipefail
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "WenQuanYi Micro Hei"; }; then need+=(fonts-wqy-microhei); fi
# Noto Sans CJK: its TC face draws Traditional glyph shapes for zh-Hant maps, its SC face the
# Simplified ones for zh-Hans (journeymap/render/fonts.py; WenQuanYi is the fallback, JP/KR never)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "Noto Sans CJK TC"; }; then need+=(fonts-noto-cjk); fi
if ! { command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi dejavu; }; then need+=(fonts-dejavu-core); fi
# a Java runtime for the Spark engine (`ingest --engine spark`, its tests run Spark in local mode)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# headless Chromium for the browser test of the HTML report (tests/render/test_browser.py)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then need+=(chromium); fi
# LibreOffice Impress for the deck's PDF (tests/render/test_deck_pdf.py, docs/gen_gallery.py); soffice
# alone may be Writer only, so on Debian/Ubuntu the Impress package itself is asked for
if ! command -v soffice >/dev/null 2>&1 \
  || { command -v dpkg-query >/dev/null 2>&1 \
    && ! dpkg-query -W -f='${Status}' libreoffice-impress 2>/dev/null | grep -q 'ok installed'; }; then
  need+=(libreoffice-impress)
fi
# poppler's pdfinfo and pdftoppm: the deck PDF's page count (its test) and the gallery's page pictures
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "journeymap needs these system packages: ${need[*]} (run as root, or install them with your package manager)" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
