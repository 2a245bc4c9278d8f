//! Bibliographies: BibTeX/BibLaTeX and CSL JSON files, as Zotero and Better BibTeX export
//! them, read into entries that citation keys resolve through.
