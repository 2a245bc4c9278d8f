;;; e2e.el --- headless Emacs (eglot) end-to-end test of `sourced lsp'  -*- lexical-binding: t -*-
;;
;;   SOURCED_SETUP=<the README block> SOURCED_WS=<workspace> emacs --batch -q -l tests/emacs/e2e.el
;;
;; The workspace holds sourced.toml, the seeds and note.md (see tests/emacs/run.sh). Uses the
;; README's eglot set-up block verbatim, with `sourced' on PATH. Prints one line per check;
;; exits 0 when all pass.

(require 'cl-lib)

(defvar e2e-setup (or (getenv "SOURCED_SETUP") (error "SOURCED_SETUP")))
(defvar e2e-ws (file-name-as-directory (or (getenv "SOURCED_WS") (error "SOURCED_WS"))))
(defvar e2e-passes 0)
(defvar e2e-failures 0)

(defun e2e-check (name ok &optional detail)
  (princ (format "%s %s%s\n" (if ok "ok  " "FAIL") name
                 (if ok "" (format "  -- %S" detail))))
  (if ok (cl-incf e2e-passes) (cl-incf e2e-failures)))

(defun e2e-wait (pred seconds)
  "Process events until PRED is non-nil or SECONDS pass; PRED's value."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    value))

;; What an interactive Emacs does at start and --batch skips: activate the installed packages
;; (Debian's elpa-eglot and elpa-markdown-mode), whose autoloads open .md in markdown-mode.
(package-activate-all)
;; The README's set-up block, exactly as a user copies it into an init file (run.sh extracts
;; it into SOURCED_SETUP and puts the server on PATH as `sourced').
(load e2e-setup nil t)
(e2e-check "the README's set-up finds the server on PATH" (executable-find "sourced")
           (getenv "PATH"))

;; Eglot does not pull diagnostics (no textDocument.diagnostic in its capabilities): the
;; server must keep pushing them. Count the pushes.
(defvar e2e-pushes 0)
(with-eval-after-load 'eglot
  (cl-defmethod eglot-handle-notification :before
    (_server (_method (eql textDocument/publishDiagnostics)) &rest _)
    (cl-incf e2e-pushes)))

(find-file (expand-file-name "note.md" e2e-ws))
(e2e-check "the note opens in markdown-mode (no mode forced)" (eq major-mode 'markdown-mode)
           major-mode)
;; The mode hook ran the README's `eglot-ensure', which connects from `post-command-hook'
;; once the command that opened the file ends; batch mode runs no command loop, so run the
;; hook as the loop would.
(setq eglot-sync-connect 10)
(run-hooks 'post-command-hook)
(e2e-check "eglot connects to the server"
           (e2e-wait (lambda () (eglot-current-server)) 20))
(require 'flymake)

(defun e2e-diags ()
  (mapcar (lambda (d) (list (line-number-at-pos (flymake-diagnostic-beg d))
                            (flymake-diagnostic-type d)
                            (flymake-diagnostic-text d)))
          (flymake-diagnostics)))

(e2e-wait (lambda () (>= (length (flymake-diagnostics)) 2)) 30)
(let ((diags (e2e-diags)))
  (e2e-check "a fabricated quote is an error (line 7)"
             (cl-find-if (lambda (d) (and (= (nth 0 d) 7) (eq (nth 1 d) 'eglot-error))) diags)
             diags)
  (e2e-check "an altered quote is a warning with the diff (line 5)"
             (cl-find-if (lambda (d) (and (= (nth 0 d) 5) (eq (nth 1 d) 'eglot-warning)
                                          (string-match-p "2,500" (nth 2 d))))
                         diags)
             diags))

(let ((pull (plist-get (plist-get (eglot-client-capabilities (eglot-current-server)) :textDocument)
                       :diagnostic)))
  (e2e-check "eglot does not pull diagnostics, and the server pushes them"
             (and (null pull) (> e2e-pushes 0))
             (list :pull pull :pushes e2e-pushes)))

(defun e2e-request (method line column)
  "Send METHOD at LINE (1-based) and COLUMN (0-based) of the note; the result."
  (save-excursion
    (goto-char (point-min))
    (forward-line (1- line))
    (move-to-column column)
    (jsonrpc-request (eglot-current-server) method
                     (eglot--TextDocumentPositionParams))))

(let* ((hover (e2e-request :textDocument/hover 3 20))
       (contents (plist-get hover :contents))
       (text (if (stringp contents) contents (plist-get contents :value))))
  (e2e-check "hover shows the verdict and the source title"
             (and text (string-match-p "verified" text)
                  (string-match-p "Iraq Wants to Kick Out US Troops" text))
             hover))

(let* ((def (e2e-request :textDocument/definition 3 20))
       (loc (if (vectorp def) (aref def 0) def))
       (uri (or (plist-get loc :uri) (plist-get loc :targetUri)))
       (range (or (plist-get loc :range) (plist-get loc :targetSelectionRange))))
  (e2e-check "definition lands in the source file at the quoted line"
             (and uri (string-match-p "003_0afb694efec83e04\\.txt" uri)
                  (= 8 (plist-get (plist-get range :start) :line)))
             def))

(princ (format "emacs: %d passed, %d failed\n" e2e-passes e2e-failures))
(ignore-errors (eglot-shutdown (eglot-current-server)))
(kill-emacs (if (= e2e-failures 0) 0 1))
