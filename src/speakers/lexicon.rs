//! Word lists for speech cues (`data/*.txt`).
