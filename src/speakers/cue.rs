//! The cue grammar: who a quoted span is given to by the words around it.
