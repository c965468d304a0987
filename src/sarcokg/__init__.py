"""SarcoKG: published sarcoma case reports as a knowledge graph.

The package reads as the data flow, each folder importing only the ones before
it: common (errors, files, resources) -> model (terms, case facts, RDF) ->
extract (text -> facts) -> store (report files -> Oxigraph) -> query ->
validate -> ingest (text -> validated report files) -> interop (export,
Phenopackets, endpoint, remote stores) -> views (what a person reads) -> cli.
"""
