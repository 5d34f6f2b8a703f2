"""Article-level labelled corpus: whole articles of ../shared/corpus coded under
../shared/gold/CODEBOOK.md, stored as offsets and codes (no corpus text), split by article; and the
recipe that fits the article models on it (`train`)."""
