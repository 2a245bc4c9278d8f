//! Pronouns and definite roles resolved to persons of the same source.
