"""Analysis of the journey graph: flow, Markov chain, leaks, statistics, surveys (plain functions, networkx style)."""
