"""The matcher: compiled rules applied to stored activity (enrich, match, signals, classify), and the tools that
replay them (the naive interpreter, explain, diff, inline examples, generated activity for benchmarks)."""
