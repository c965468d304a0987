"""The cohort view: `sarcokg report`, a static site of a case series.

gather (the data, by SPARQL over the store: the named queries case-summary,
case-timeline, case-sites and cases-by-vertebral-level, and the ontology's
vertebrae and tumour-type labels) -> table1 (Table 1 and its CSV) and figures
(spine map, swimmer plot, Kaplan-Meier, with matplotlib and lifelines) ->
casepage (one case's facts and evidence, by SPARQL on its report graph) ->
site (Jinja2 templates and the shipped static files, written to a new folder
that replaces the old one whole).
"""
