"""Workshop visuals: graphviz journey graph, canvas, matplotlib charts, Mermaid, HTML report. Heavy imports stay lazy."""
